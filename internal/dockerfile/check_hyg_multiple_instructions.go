package dockerfile

// Multiple CMD, ENTRYPOINT or HEALTHCHECK in one stage.
//
// Checks each build stage for more than one CMD, ENTRYPOINT or HEALTHCHECK
// instruction. Only the last of each kind takes effect, so the earlier
// ones are dead code that readers take for the real configuration. Each
// overridden instruction is reported, naming the line that overrides it.
// One of each kind per stage is allowed; the same kind in different
// stages is fine.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var MultipleInstructions = hygieneRule(finding.Rule{
	ID:          "PAL-DF-100",
	Severity:    finding.Low,
	Title:       "CMD, ENTRYPOINT or HEALTHCHECK repeated in one stage",
	Doc:         "A stage has more than one CMD, ENTRYPOINT or HEALTHCHECK. Only the last one of each kind takes effect; the earlier ones are silently ignored, so the image does not start or probe the way a reader of the first instruction expects.",
	Remediation: "Keep one CMD, one ENTRYPOINT and one HEALTHCHECK per stage and delete the overridden ones.",
	Aliases: []finding.Alias{
		hygHadolint("DL4003"), hygHadolint("DL4004"), hygHadolint("DL3012"),
		hygTrivy("DS-0016"), hygTrivy("DS-0007"), hygTrivy("DS-0023"),
		hygBuildkit("MultipleInstructionsDisallowed"),
	},
})

var checkMultipleInstructions = Check{Rule: MultipleInstructions, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		last := map[string]*Instruction{}
		for _, in := range s.Instructions {
			switch in.Name {
			case "cmd", "entrypoint", "healthcheck":
				last[in.Name] = in
			}
		}
		for _, in := range s.Instructions {
			if l := last[in.Name]; l != nil && l != in {
				kw := strings.ToUpper(in.Name)
				p.Report(in, "%s is overridden by the %s at line %d in stage %s: only the last %s of a stage takes effect", kw, kw, l.Loc.StartLine, s.Ref(), kw)
			}
		}
	}
}}
