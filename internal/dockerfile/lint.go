package dockerfile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/report"
)

// Check is one Dockerfile rule: its metadata and a pure function over a
// parsed file.
type Check struct {
	Rule *finding.Rule
	Run  func(p *Pass)
	// EnableWhen, when set, also turns an optional rule on from settings
	// other than rules.enable, e.g. images.requireDigest.
	EnableWhen func(*Options) bool
}

// Options are the inputs of a lint run besides the file.
type Options struct {
	// Images is the base-image policy from .palisade.yaml.
	Images config.ImagePolicy
	// Enabled decides which rules run; nil runs the non-optional ones.
	Enabled func(*finding.Rule) bool
}

// Pass is what a check sees: the file, the options, and a way to report.
type Pass struct {
	File *File
	Opts *Options
	rule *finding.Rule
	out  *[]finding.Finding
}

// Report records a finding at an instruction, with its first line as evidence.
func (p *Pass) Report(in *Instruction, format string, args ...any) *finding.Finding {
	return p.ReportAt(in.Loc, fmt.Sprintf(format, args...), evidence(in))
}

// ReportAt records a finding at a location.
func (p *Pass) ReportAt(loc finding.Location, message, evidence string) *finding.Finding {
	f := p.rule.New(message)
	f.Target = p.File.Path
	if loc.File == "" {
		loc.File = p.File.Path
	}
	f.Location = loc
	f.Evidence = evidence
	*p.out = append(*p.out, f)
	return &(*p.out)[len(*p.out)-1]
}

func evidence(in *Instruction) string {
	if in == nil {
		return ""
	}
	s := in.Original()
	const max = 200
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

// Result is the outcome of linting one file.
type Result struct {
	Findings   []finding.Finding
	Suppressed []report.Suppressed
}

// Lint runs checks over f and applies the file's ignore comments.
// A check that panics on unexpected input is reported as an error
// finding instead of crashing the scan.
func Lint(f *File, checks []Check, opts Options) Result {
	var all []finding.Finding
	for _, c := range checks {
		on := !c.Rule.Optional
		if opts.Enabled != nil {
			on = opts.Enabled(c.Rule)
		}
		if !on && c.EnableWhen != nil && c.EnableWhen(&opts) {
			on = true
		}
		if !on {
			continue
		}
		runCheck(f, c, &opts, &all)
	}
	return f.applySuppressions(checks, all)
}

func runCheck(f *File, c Check, opts *Options, out *[]finding.Finding) {
	defer func() {
		if r := recover(); r != nil {
			e := ParseError.New(fmt.Sprintf("internal error in rule %s: %v (please report this with the Dockerfile)", c.Rule.ID, r))
			e.Target = f.Path
			e.Location = finding.Location{File: f.Path}
			*out = append(*out, e)
		}
	}()
	c.Run(&Pass{File: f, Opts: opts, rule: c.Rule, out: out})
}

func (f *File) applySuppressions(checks []Check, fs []finding.Finding) Result {
	rules := map[string]*finding.Rule{}
	for _, c := range checks {
		rules[c.Rule.ID] = c.Rule
	}
	var res Result
	for _, fd := range fs {
		if ig, ok := f.suppressedBy(rules[fd.RuleID], fd.Location.StartLine); ok {
			reason := ig.reason
			if reason == "" {
				reason = "inline ignore comment without a reason"
			}
			res.Suppressed = append(res.Suppressed, report.Suppressed{Finding: fd, Reason: reason, Source: fmt.Sprintf("%s:%d", f.Path, ig.line)})
			continue
		}
		res.Findings = append(res.Findings, fd)
	}
	return res
}

// suppressedBy finds the ignore comment that covers rule r at line.
func (f *File) suppressedBy(r *finding.Rule, line int) (ignore, bool) {
	if r == nil {
		return ignore{}, false
	}
	matches := func(ig ignore) bool {
		for _, n := range ig.names {
			if r.Matches(n) || strings.EqualFold(n, "all") {
				return true
			}
		}
		return false
	}
	for _, ig := range f.suppress.file {
		if matches(ig) {
			return ig, true
		}
	}
	in := f.instructionAt(line)
	if in == nil {
		return ignore{}, false
	}
	for _, ig := range f.suppress.byLine[in.Loc.StartLine] {
		if matches(ig) {
			return ig, true
		}
	}
	if in.Stage != nil && in.Stage.From != nil {
		for _, ig := range f.suppress.byLine[in.Stage.From.Loc.StartLine] {
			if ig.stage && matches(ig) {
				return ig, true
			}
		}
	}
	return ignore{}, false
}

// instructionAt returns the instruction spanning line.
func (f *File) instructionAt(line int) *Instruction {
	// Instructions are in line order: binary search the last one that
	// starts at or before line.
	i := sort.Search(len(f.Instructions), func(i int) bool { return f.Instructions[i].Loc.StartLine > line }) - 1
	if i >= 0 && line <= f.Instructions[i].Loc.EndLine {
		return f.Instructions[i]
	}
	return nil
}
