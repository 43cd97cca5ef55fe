// Package finding is palisade's result model: rules, findings, their
// severities and locations, and the statuses a report gives each control.
package finding

import (
	"cmp"
	"slices"

	"github.com/palisade-sec/palisade/internal/control"
)

// Location points into a file. Lines are 1-based; zero means unknown.
type Location struct {
	File      string `json:"file,omitempty"`
	StartLine int    `json:"startLine,omitempty"`
	EndLine   int    `json:"endLine,omitempty"`
}

// Finding is one problem reported by one rule on one target.
type Finding struct {
	RuleID      string     `json:"ruleId"`
	Control     control.ID `json:"control"`
	Severity    Severity   `json:"severity"`
	Title       string     `json:"title"`
	Message     string     `json:"message"`
	Remediation string     `json:"remediation,omitempty"`
	// Target names what was judged: a file, an image, an object, a node.
	Target   string     `json:"target"`
	Location Location   `json:"location,omitempty"`
	Evidence string     `json:"evidence,omitempty"`
	Related  []Location `json:"related,omitempty"`
	// Fix is a suggested replacement text, when the rule knows one.
	Fix string `json:"fix,omitempty"`
}

// Sort orders findings deterministically: target, file, line, rule, message.
func Sort(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(a.Target, b.Target),
			cmp.Compare(a.Location.File, b.Location.File),
			cmp.Compare(a.Location.StartLine, b.Location.StartLine),
			cmp.Compare(a.RuleID, b.RuleID),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// AtOrAbove reports whether any finding has severity >= threshold.
func AtOrAbove(fs []Finding, threshold Severity) bool {
	for _, f := range fs {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}
