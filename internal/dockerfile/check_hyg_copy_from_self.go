package dockerfile

// COPY --from the current stage.
//
// Checks COPY --from=<name or index> that names the stage the COPY is
// in. A stage cannot copy from itself; BuildKit fails with a circular
// dependency.

import "github.com/palisade-sec/palisade/internal/finding"

var CopyFromSelf = hygieneRule(finding.Rule{
	ID:          "PAL-DF-150",
	Severity:    finding.Low,
	Title:       "COPY --from refers to its own stage",
	Doc:         "COPY --from names the stage that contains the COPY. A stage cannot copy from itself: the build fails with a circular dependency. The --from was probably meant for another stage.",
	Remediation: "Point --from at the stage that produces the files, or use a plain COPY from the build context.",
	Aliases:     []finding.Alias{hygHadolint("DL3023"), hygTrivy("DS-0006")},
})

var checkCopyFromSelf = Check{Rule: CopyFromSelf, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy") {
		v, ok, st := hygCopyFrom(p.File, in)
		if ok && st != nil && st == in.Stage {
			p.Report(in, "COPY --from=%s refers to stage %s, which contains this COPY", v, st.Ref())
		}
	}
}}
