// Package report assembles findings into a report, folds them back into
// the control matrix, and writes the report in every output format.
package report

import (
	"cmp"
	"slices"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// SchemaVersion is the version of the JSON report shape. Bump it on any
// incompatible change and describe the change in docs/json-schema.md.
const SchemaVersion = "1.0"

// Status is a control's verdict in one report.
type Status string

const (
	Failed      Status = "failed"
	Passed      Status = "passed"
	NotAssessed Status = "not assessed"
)

// Target is one thing that was judged, with the controls it was judged on.
type Target struct {
	Name     string       `json:"name"`
	Kind     string       `json:"kind"`
	Controls []control.ID `json:"controls"`
}

// Suppressed is a finding that matched an ignore, with its reason.
type Suppressed struct {
	Finding finding.Finding `json:"finding"`
	Reason  string          `json:"reason"`
	// Source says where the ignore came from: a config file or an inline comment.
	Source string `json:"source"`
}

// Error is input that could not be judged. It never stops the rest of a scan.
type Error struct {
	Target  string `json:"target"`
	Message string `json:"message"`
}

// Summary is what a target held beyond its findings: objects counted by
// class per dimension (Pod Security level, secret delivery) and named
// facts (the network plugin). It is information, never a verdict.
type Summary struct {
	Target string                    `json:"target"`
	Counts map[string]map[string]int `json:"counts,omitempty"`
	Facts  map[string]string         `json:"facts,omitempty"`
}

// ControlResult is one control's row in the matrix summary.
type ControlResult struct {
	ID       control.ID     `json:"id"`
	Name     string         `json:"name"`
	Layer    control.Layer  `json:"layer"`
	Phase    control.Phase  `json:"phase"`
	Status   Status         `json:"status"`
	Findings map[string]int `json:"findings,omitempty"`
}

// Report is the result of one palisade run.
type Report struct {
	SchemaVersion string            `json:"schemaVersion"`
	Tool          Tool              `json:"tool"`
	Targets       []Target          `json:"targets"`
	Findings      []finding.Finding `json:"findings"`
	Suppressed    []Suppressed      `json:"suppressed,omitempty"`
	Errors        []Error           `json:"errors,omitempty"`
	Summaries     []Summary         `json:"summaries,omitempty"`
	Controls      []ControlResult   `json:"controls"`
	// Rules holds the metadata of every rule that produced a finding or a
	// suppressed finding, sorted by ID, for formats that describe rules
	// (SARIF). Not serialised in JSON.
	Rules []*finding.Rule `json:"-"`
}

// Tool identifies palisade in a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	URI     string `json:"informationUri,omitempty"`
}

// Build assembles a report: findings sorted, targets sorted, and the
// control matrix computed. rules resolves rule IDs to metadata; it may be nil.
func Build(tool Tool, targets []Target, fs []finding.Finding, sup []Suppressed, errs []Error, rules func(id string) (*finding.Rule, bool)) *Report {
	// Clone every input so that sorting never reorders the caller's slices.
	fs = slices.Clone(fs)
	finding.Sort(fs)
	targets = slices.Clone(targets)
	slices.SortFunc(targets, func(a, b Target) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind)) })
	if targets == nil {
		targets = []Target{}
	}
	for i := range targets {
		if targets[i].Controls == nil {
			targets[i].Controls = []control.ID{}
		}
	}
	sup = slices.Clone(sup)
	slices.SortStableFunc(sup, func(a, b Suppressed) int {
		x, y := a.Finding, b.Finding
		return cmp.Or(
			cmp.Compare(x.Target, y.Target),
			cmp.Compare(x.Location.File, y.Location.File),
			cmp.Compare(x.Location.StartLine, y.Location.StartLine),
			cmp.Compare(x.RuleID, y.RuleID),
			cmp.Compare(x.Message, y.Message),
		)
	})
	errs = slices.Clone(errs)
	slices.SortStableFunc(errs, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.Target, b.Target), cmp.Compare(a.Message, b.Message))
	})
	r := &Report{
		SchemaVersion: SchemaVersion,
		Tool:          tool,
		Targets:       targets,
		Findings:      fs,
		Suppressed:    sup,
		Errors:        errs,
		Controls:      Matrix(targets, fs),
	}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	if rules != nil {
		seen := map[string]bool{}
		add := func(id string) {
			if seen[id] {
				return
			}
			seen[id] = true
			if rule, ok := rules(id); ok {
				r.Rules = append(r.Rules, rule)
			}
		}
		for _, f := range fs {
			add(f.RuleID)
		}
		// Suppressed findings are still written by SARIF, which must
		// describe their rules too.
		for _, s := range sup {
			add(s.Finding.RuleID)
		}
		slices.SortFunc(r.Rules, func(a, b *finding.Rule) int { return cmp.Compare(a.ID, b.ID) })
	}
	return r
}

// Matrix folds findings back into the control catalog. A control fails
// when it has a finding above info, passes when some target was judged on
// it without such findings, and is otherwise not assessed.
func Matrix(targets []Target, fs []finding.Finding) []ControlResult {
	assessed := map[control.ID]bool{}
	for _, t := range targets {
		for _, c := range t.Controls {
			assessed[c] = true
		}
	}
	counts := map[control.ID]map[string]int{}
	failing := map[control.ID]bool{}
	for _, f := range fs {
		assessed[f.Control] = true
		if counts[f.Control] == nil {
			counts[f.Control] = map[string]int{}
		}
		counts[f.Control][f.Severity.String()]++
		if f.Severity > finding.Info {
			failing[f.Control] = true
		}
	}
	var out []ControlResult
	for _, c := range control.All() {
		st := NotAssessed
		switch {
		case failing[c.ID]:
			st = Failed
		case assessed[c.ID]:
			st = Passed
		}
		out = append(out, ControlResult{ID: c.ID, Name: c.Name, Layer: c.Layer, Phase: c.Phase, Status: st, Findings: counts[c.ID]})
	}
	return out
}

// Counts returns the number of findings per severity.
func (r *Report) Counts() map[finding.Severity]int {
	m := map[finding.Severity]int{}
	for _, f := range r.Findings {
		m[f.Severity]++
	}
	return m
}
