package dockerfile

import (
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

// Checks returns a new copy of every Dockerfile check, sorted by rule ID.
// Rule families add theirs to the lists below, one file per rule.
func Checks() []Check {
	var out []Check
	out = append(out, engineChecks...)
	out = append(out, imagesChecks...)
	out = append(out, integrityChecks...)
	out = append(out, hygieneChecks...)
	slices.SortFunc(out, func(a, b Check) int { return strings.Compare(a.Rule.ID, b.Rule.ID) })
	return out
}

// Rules returns the rule metadata of Checks.
func Rules() []*finding.Rule {
	cs := Checks()
	out := make([]*finding.Rule, len(cs))
	for i, c := range cs {
		out[i] = c.Rule
	}
	return out
}
