package dockerfile

// Consecutive short RUN instructions.
//
// Checks for a RUN that directly follows another RUN of the same stage
// with the same flags (--mount, --network, ...) when both are short (at
// most two commands each). Each RUN is a layer; short consecutive ones
// are usually steps of one job. Longer RUNs, RUNs with different flags
// and RUNs separated by other instructions are left alone, as split on
// purpose (e.g. for caching).

import (
	"slices"

	"github.com/palisade-sec/palisade/internal/finding"
)

var ConsecutiveRun = hygieneRule(finding.Rule{
	ID:          "PAL-DF-165",
	Severity:    finding.Info,
	Title:       "Consecutive RUN instructions could be one",
	Doc:         "Every RUN creates a layer. Short consecutive RUNs that belong together make the image bigger when a later one deletes what an earlier one created, and slow down pulls. Joining them with && keeps one layer.",
	Remediation: "Join the commands into one RUN with && (or a heredoc).",
	Aliases:     []finding.Alias{hygHadolint("DL3059")},
})

var checkConsecutiveRun = Check{Rule: ConsecutiveRun, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		var prev *Instruction
		for _, in := range s.Instructions {
			if in.Name != "run" {
				prev = nil
				continue
			}
			if prev != nil && slices.Equal(prev.Flags(), in.Flags()) && hygCommandCount(prev) <= 2 && hygCommandCount(in) <= 2 && in.Script != nil && prev.Script != nil {
				p.Report(in, "RUN follows the RUN at line %d; consider joining them into one layer", prev.Loc.StartLine)
			}
			prev = in
		}
	}
}}

func hygCommandCount(in *Instruction) int {
	n := 0
	for _, c := range hygCalls(in) {
		if c.Name != "" {
			n++
		}
	}
	return n
}
