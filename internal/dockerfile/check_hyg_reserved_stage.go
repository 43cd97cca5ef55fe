package dockerfile

// Reserved stage names.
//
// Checks FROM ... AS <name> for the names BuildKit reserves: "scratch"
// (the empty image) and "context" (the build context). A stage with such
// a name is ambiguous wherever it is referenced.

import "github.com/palisade-sec/palisade/internal/finding"

var ReservedStage = hygieneRule(finding.Rule{
	ID:          "PAL-DF-104",
	Severity:    finding.Low,
	Title:       "Stage uses a reserved name",
	Doc:         "\"scratch\" and \"context\" are reserved words in Dockerfiles: FROM scratch means the empty image and \"context\" names the build context in COPY --from and named contexts. A stage called so is ambiguous and may not be the one used.",
	Remediation: "Rename the stage.",
	Aliases:     []finding.Alias{hygHadolint("DL3063"), hygBuildkit("ReservedStageName")},
})

var checkReservedStage = Check{Rule: ReservedStage, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		if s.Name == "scratch" || s.Name == "context" {
			p.Report(s.From, "stage name %q is reserved; rename the stage", s.Name)
		}
	}
}}
