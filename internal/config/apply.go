package config

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// ExpiredIgnore is reported for each ignore whose expiry date has passed:
// the findings it covered are reported again, and so is the stale ignore.
var ExpiredIgnore = &finding.Rule{
	ID:          "PAL-CFG-001",
	Control:     control.SecureImages,
	Severity:    finding.Low,
	Family:      "configuration",
	Title:       "Ignore has expired",
	Doc:         "An ignore in .palisade.yaml has passed its expiry date, so it no longer suppresses anything. The finding it covered is reported again. The control of this finding is that of the ignored rule.",
	Remediation: "Fix the finding, or renew the ignore with a new expiry date and a current reason.",
}

// Policy is a config resolved against a rule registry.
type Policy struct {
	cfg      *Config
	disabled map[string]bool
	enabled  map[string]bool
	severity map[string]finding.Severity
	ignores  []resolvedIgnore
}

type resolvedIgnore struct {
	Ignore
	rules map[string]bool
	paths []*regexp.Regexp
}

// Resolve checks every rule name in the config against reg (IDs or
// aliases) and prepares the config for Apply.
func (c *Config) Resolve(reg *finding.Registry) (*Policy, error) {
	p := &Policy{cfg: c, disabled: map[string]bool{}, enabled: map[string]bool{}, severity: map[string]finding.Severity{}}
	where := c.Path
	if where == "" {
		where = "the configuration"
	}
	lookup := func(name, field string) ([]*finding.Rule, error) {
		rs := reg.Resolve(name)
		if len(rs) == 0 {
			return nil, fmt.Errorf("%s: %s names unknown rule %q (run `palisade rules` for the list)", where, field, name)
		}
		return rs, nil
	}
	for _, n := range c.Rules.Disable {
		rs, err := lookup(n, "rules.disable")
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			p.disabled[r.ID] = true
		}
	}
	for _, n := range c.Rules.Enable {
		rs, err := lookup(n, "rules.enable")
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			p.enabled[r.ID] = true
		}
	}
	for n, s := range c.Rules.Severity {
		rs, err := lookup(n, "rules.severity")
		if err != nil {
			return nil, err
		}
		sev, _ := finding.ParseSeverity(s) // validated by Parse
		for _, r := range rs {
			p.severity[r.ID] = sev
		}
	}
	for _, ig := range c.Ignores {
		if osv.IsID(ig.Rule) {
			// Ignores of vulnerabilities (CVE-…, GHSA-…) are applied by
			// the vulnerability matcher, not by rule.
			continue
		}
		rs, err := lookup(ig.Rule, fmt.Sprintf("ignore at line %d", ig.Line))
		if err != nil {
			return nil, err
		}
		ri := resolvedIgnore{Ignore: ig, rules: map[string]bool{}}
		for _, r := range rs {
			ri.rules[r.ID] = true
		}
		for _, pat := range ig.Paths {
			ri.paths = append(ri.paths, globRegexp(pat))
		}
		p.ignores = append(p.ignores, ri)
	}
	return p, nil
}

// Enabled reports whether rule r runs under this policy: optional rules
// only when enabled, others unless disabled.
func (p *Policy) Enabled(r *finding.Rule) bool {
	if p.disabled[r.ID] {
		return false
	}
	return !r.Optional || p.enabled[r.ID]
}

// Config returns the config the policy was resolved from.
func (p *Policy) Config() *Config { return p.cfg }

// Apply drops findings of disabled rules, applies severity overrides and
// splits suppressed findings off. Expired ignores that would have matched
// are returned as findings of ExpiredIgnore.
func (p *Policy) Apply(fs []finding.Finding, now time.Time) (kept []finding.Finding, suppressed []report.Suppressed) {
	expiredSeen := map[int]bool{}
	for _, f := range fs {
		if p.disabled[f.RuleID] {
			continue
		}
		if s, ok := p.severity[f.RuleID]; ok {
			f.Severity = s
		}
		matched := false
		for i, ig := range p.ignores {
			if !ig.matches(f) {
				continue
			}
			if !ig.Expires.IsZero() && now.After(ig.Expires.Add(24*time.Hour)) {
				if !expiredSeen[i] {
					expiredSeen[i] = true
					e := ExpiredIgnore.New(fmt.Sprintf("ignore of %s (%q) expired on %s", ig.Rule, ig.Reason, ig.Expires.Format(time.DateOnly)))
					e.Control = f.Control
					e.Target = p.source()
					e.Location = finding.Location{File: p.cfg.Path, StartLine: ig.Line, EndLine: ig.Line}
					kept = append(kept, e)
				}
				continue
			}
			suppressed = append(suppressed, report.Suppressed{Finding: f, Reason: ig.Reason, Source: fmt.Sprintf("%s:%d", p.source(), ig.Line)})
			matched = true
			break
		}
		if !matched {
			kept = append(kept, f)
		}
	}
	return kept, suppressed
}

func (p *Policy) source() string {
	if p.cfg.Path == "" {
		return "configuration"
	}
	return p.cfg.Path
}

func (ig resolvedIgnore) matches(f finding.Finding) bool {
	if !ig.rules[f.RuleID] {
		return false
	}
	if len(ig.paths) == 0 {
		return true
	}
	for _, re := range ig.paths {
		if re.MatchString(f.Target) || (f.Location.File != "" && re.MatchString(f.Location.File)) {
			return true
		}
	}
	return false
}

// globRegexp compiles a path glob where "*" matches within one path
// element and "**" across elements. Patterns are anchored at a path
// element boundary anywhere in the path, so "legacy/**" matches both
// "legacy/Dockerfile" and "repo/legacy/Dockerfile".
func globRegexp(pat string) *regexp.Regexp {
	pat = strings.TrimPrefix(path.Clean(pat), "./")
	var b strings.Builder
	b.WriteString("^(?:.*/)?")
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			if i+1 < len(pat) && pat[i+1] == '*' {
				i++
				if i+1 < len(pat) && pat[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
