package dockerfile

// Commands that make no sense in a build.
//
// Checks RUN for interactive or system-management commands that do
// nothing useful while building an image: ssh, vim, shutdown, service,
// ps, free, top, kill, mount (hadolint's list). They point at a
// Dockerfile written like a VM provisioning script.

import "github.com/palisade-sec/palisade/internal/finding"

var PointlessCommand = hygieneRule(finding.Rule{
	ID:          "PAL-DF-120",
	Severity:    finding.Info,
	Title:       "RUN uses a command that makes no sense in a build",
	Doc:         "ssh, vim, shutdown, service, ps, free, top, kill and mount are interactive or manage a running system. In a build they do nothing useful, hang waiting for input, or change state that is not committed to the image (a started service is gone in the next layer).",
	Remediation: "Remove the command; start services from the container's entrypoint and edit files with COPY or sed.",
	Aliases:     []finding.Alias{hygHadolint("DL3001")},
})

var hygPointless = map[string]bool{"ssh": true, "vim": true, "shutdown": true, "service": true, "ps": true, "free": true, "top": true, "kill": true, "mount": true}

var checkPointlessCommand = Check{Rule: PointlessCommand, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		for _, c := range hygCalls(in) {
			if hygPointless[c.Name] {
				p.Report(in, "%q has no use in an image build", c.Name)
				break
			}
		}
	}
}}
