package dockerfile

// sudo in RUN.
//
// Checks RUN commands run through sudo (sudo apt-get ..., sudo -u app
// make). The build runs as the current USER; sudo only works when the
// image ships sudo and a sudoers entry, which then also lets any process
// in the running container become root.

import "github.com/palisade-sec/palisade/internal/finding"

var Sudo = hygieneRule(finding.Rule{
	ID:          "PAL-DF-119",
	Severity:    finding.Medium,
	Title:       "RUN uses sudo",
	Doc:         "sudo in a Dockerfile needs sudo installed and a sudoers rule for the build user. Both stay in the image, so any compromise of the container's non-root process is one `sudo` away from root; sudo also behaves unpredictably without a TTY. Switch users with USER instead, and use gosu or su-exec only in entrypoints that must drop privileges.",
	Remediation: "Run privileged steps before USER switches to the unprivileged user (USER root ... USER app) and remove sudo from the image.",
	Aliases:     []finding.Alias{hygHadolint("DL3004"), hygTrivy("DS-0010"), hygCheckov("CKV2_DOCKER_1")},
})

var checkSudo = Check{Rule: Sudo, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		if c := hygSudoCall(in); c != nil {
			p.Report(in, "RUN runs %q through sudo; switch users with USER instead", c.Name)
		}
	}
}}

// hygSudoCall returns the first command of in run through sudo.
func hygSudoCall(in *Instruction) *Call {
	for _, c := range hygCalls(in) {
		for _, w := range c.Wrappers {
			if w == "sudo" {
				return c
			}
		}
	}
	return nil
}
