package dockerfile

// EXPOSE 22.
//
// Checks EXPOSE of TCP port 22, alone or inside a range. An SSH server in
// a container is a second way in that bypasses `kubectl exec` auth and
// audit, and usually carries keys or passwords in the image.

import "github.com/palisade-sec/palisade/internal/finding"

var ExposeSSH = hygieneRule(finding.Rule{
	ID:          "PAL-DF-117",
	Severity:    finding.Medium,
	Title:       "SSH port 22 is exposed",
	Doc:         "The image declares port 22, which means it runs an SSH daemon. SSH inside a container is a remote entry point outside Kubernetes RBAC and audit logging, needs credentials baked into the image or mounted, and widens the attack surface; `kubectl exec` or an ephemeral debug container covers the same need.",
	Remediation: "Remove the SSH server and EXPOSE 22; use kubectl exec or kubectl debug for access.",
	Aliases:     []finding.Alias{hygTrivy("DS-0004"), hygCheckov("CKV_DOCKER_1")},
})

var checkExposeSSH = Check{Rule: ExposeSSH, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "expose") {
		for _, ps := range hygExposedPorts(p.File, in) {
			if ps.Unresolved || ps.NotANumber || (ps.Proto != "" && ps.Proto != "tcp") {
				continue
			}
			if ps.Start <= 22 && 22 <= ps.End {
				if ps.Start == ps.End {
					p.Report(in, "EXPOSE %s exposes SSH (port 22)", ps.Raw)
				} else {
					p.Report(in, "EXPOSE %s exposes a range that includes SSH (port 22)", ps.Raw)
				}
			}
		}
	}
}}
