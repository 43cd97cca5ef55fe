package dockerfile

// EXPOSE with an IP address or host port.
//
// Checks EXPOSE arguments of the form ip:hostPort:containerPort or
// hostPort:containerPort. EXPOSE only documents container ports; which
// host address and port to publish is decided at run time (docker run -p,
// a Kubernetes Service). BuildKit warns that this will become an error.

import "github.com/palisade-sec/palisade/internal/finding"

var ExposeFormat = hygieneRule(finding.Rule{
	ID:          "PAL-DF-115",
	Severity:    finding.Low,
	Title:       "EXPOSE maps a host address or port",
	Doc:         "EXPOSE declares the ports the container listens on. An IP address or a host port in it is ignored by Docker and Kubernetes (publishing is a run-time decision), yet it suggests a binding that does not exist; BuildKit will refuse the form in a future release.",
	Remediation: "Expose only the container port (EXPOSE 8080/tcp) and publish it at run time.",
	Aliases:     []finding.Alias{hygBuildkit("ExposeInvalidFormat")},
})

var checkExposeFormat = Check{Rule: ExposeFormat, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "expose") {
		for _, ps := range hygExposedPorts(p.File, in) {
			if ps.IP != "" || ps.Host != "" {
				p.Report(in, "EXPOSE %s maps a host address or port; expose only the container port (%s)", ps.Raw, ps.Container)
			}
		}
	}
}}
