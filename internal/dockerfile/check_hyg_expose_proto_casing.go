package dockerfile

// EXPOSE protocol casing.
//
// Checks that the protocol of an EXPOSE port is lower case (80/tcp, not
// 80/TCP), as BuildKit recommends.

import "github.com/palisade-sec/palisade/internal/finding"

var ExposeProtoCasing = hygieneRule(finding.Rule{
	ID:          "PAL-DF-114",
	Severity:    finding.Info,
	Title:       "EXPOSE protocol is not lower case",
	Doc:         "EXPOSE accepts tcp, udp and sctp; BuildKit normalises upper-case protocols but warns about them, and other tools compare the protocol literally.",
	Remediation: "Write the protocol in lower case (EXPOSE 53/udp).",
	Aliases:     []finding.Alias{hygBuildkit("ExposeProtoCasing")},
})

var checkExposeProtoCasing = Check{Rule: ExposeProtoCasing, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "expose") {
		for _, ps := range hygExposedPorts(p.File, in) {
			if ps.ProtoRaw != "" && ps.ProtoRaw != ps.Proto {
				p.Report(in, "protocol of EXPOSE %s should be lower case (%s)", ps.Raw, ps.Proto)
			}
		}
	}
}}
