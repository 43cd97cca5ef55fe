package dockerfile

// EXPOSE port out of range.
//
// Checks that every EXPOSE port (or port range) is a number from 0 to
// 65535 with a valid range order. Ports given by variables without a
// known value are skipped.

import "github.com/palisade-sec/palisade/internal/finding"

var ExposeRange = hygieneRule(finding.Rule{
	ID:          "PAL-DF-116",
	Severity:    finding.Low,
	Title:       "EXPOSE port is not a valid port",
	Doc:         "TCP and UDP ports range from 0 to 65535. Docker refuses an EXPOSE with anything else, so the image does not build.",
	Remediation: "Use a port number between 0 and 65535 (ranges as 8000-8010).",
	Aliases:     []finding.Alias{hygHadolint("DL3011"), hygTrivy("DS-0008")},
})

var checkExposeRange = Check{Rule: ExposeRange, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "expose") {
		for _, ps := range hygExposedPorts(p.File, in) {
			switch {
			case ps.Unresolved:
			case ps.NotANumber:
				p.Report(in, "EXPOSE %s: %q is not a port number", ps.Raw, ps.Container)
			case ps.OutOfRange:
				p.Report(in, "EXPOSE %s: port %s is outside 0-65535", ps.Raw, ps.Container)
			}
		}
	}
}}
