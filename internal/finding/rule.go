package finding

import (
	"fmt"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
)

// Alias names the equivalent rule of another tool, so users can migrate
// their ignore lists (hadolint "DL3002", Trivy "DS-0002", ...).
type Alias struct {
	Tool string `json:"tool"`
	ID   string `json:"id"`
}

func (a Alias) String() string { return a.Tool + ":" + a.ID }

// Rule is the metadata of one check. The check itself lives with the
// code that loads its target kind; this is what reports, docs and
// configuration need to know about it.
type Rule struct {
	ID       string
	Control  control.ID
	Severity Severity
	// Family groups rules inside a control, e.g. "tags" or "root-user".
	Family string
	// Title is a short phrase without a trailing period.
	Title string
	// Doc explains what is checked and why, in a few sentences.
	Doc         string
	Remediation string
	Aliases     []Alias
	// Optional rules are off unless enabled in the configuration.
	Optional bool
}

// New makes a finding of this rule. Callers fill Target and Location.
func (r *Rule) New(message string) Finding {
	return Finding{
		RuleID:      r.ID,
		Control:     r.Control,
		Severity:    r.Severity,
		Title:       r.Title,
		Message:     message,
		Remediation: r.Remediation,
	}
}

// Matches reports whether name is this rule's ID or one of its aliases
// (with or without the tool prefix), ignoring case.
func (r *Rule) Matches(name string) bool {
	if strings.EqualFold(name, r.ID) {
		return true
	}
	for _, a := range r.Aliases {
		if strings.EqualFold(name, a.ID) || strings.EqualFold(name, a.String()) {
			return true
		}
	}
	return false
}

// Registry is an ordered, validated set of rules.
type Registry struct {
	rules []*Rule
	byID  map[string]*Rule
}

// NewRegistry validates rules: unique IDs of the form PAL-<AREA>-<NNN>,
// known controls, valid severities, titles, and aliases unique per tool.
func NewRegistry(rules ...*Rule) (*Registry, error) {
	reg := &Registry{byID: map[string]*Rule{}}
	aliases := map[string]string{}
	for _, r := range rules {
		if err := validateRule(r); err != nil {
			return nil, err
		}
		if _, dup := reg.byID[r.ID]; dup {
			return nil, fmt.Errorf("rule %s registered twice", r.ID)
		}
		for _, a := range r.Aliases {
			k := strings.ToLower(a.String())
			if other, dup := aliases[k]; dup && other != r.ID {
				return nil, fmt.Errorf("alias %s claimed by both %s and %s", a, other, r.ID)
			}
			aliases[k] = r.ID
		}
		reg.byID[r.ID] = r
		reg.rules = append(reg.rules, r)
	}
	slices.SortFunc(reg.rules, func(a, b *Rule) int { return strings.Compare(a.ID, b.ID) })
	return reg, nil
}

func validateRule(r *Rule) error {
	parts := strings.Split(r.ID, "-")
	if len(parts) != 3 || parts[0] != "PAL" || len(parts[2]) != 3 || strings.Trim(parts[2], "0123456789") != "" {
		return fmt.Errorf("rule ID %q is not of the form PAL-<AREA>-<NNN>", r.ID)
	}
	if err := control.Validate(r.Control); err != nil {
		return fmt.Errorf("rule %s: %w", r.ID, err)
	}
	if !r.Severity.Valid() {
		return fmt.Errorf("rule %s has no valid severity", r.ID)
	}
	if r.Title == "" || strings.HasSuffix(r.Title, ".") {
		return fmt.Errorf("rule %s: title must be set and not end with a period", r.ID)
	}
	if r.Doc == "" {
		return fmt.Errorf("rule %s has no doc", r.ID)
	}
	return nil
}

// All returns the rules sorted by ID.
func (reg *Registry) All() []*Rule { return slices.Clone(reg.rules) }

// Get returns the rule with exactly this ID.
func (reg *Registry) Get(id string) (*Rule, bool) { r, ok := reg.byID[id]; return r, ok }

// Resolve finds the rules a name refers to: a palisade ID or an alias of
// another tool, e.g. "DL3007", "hadolint:DL3007" or "DS-0001".
func (reg *Registry) Resolve(name string) []*Rule {
	if r, ok := reg.byID[strings.ToUpper(name)]; ok {
		return []*Rule{r}
	}
	var out []*Rule
	for _, r := range reg.rules {
		if r.Matches(name) {
			out = append(out, r)
		}
	}
	return out
}

// ForControl returns the rules implementing one control.
func (reg *Registry) ForControl(id control.ID) []*Rule {
	var out []*Rule
	for _, r := range reg.rules {
		if r.Control == id {
			out = append(out, r)
		}
	}
	return out
}
