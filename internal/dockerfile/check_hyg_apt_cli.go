package dockerfile

// apt instead of apt-get.
//
// Checks RUN for the apt command. apt is the interactive front end: its
// output and options are not a stable interface and it warns so when
// scripted. apt-get and apt-cache are meant for scripts.

import "github.com/palisade-sec/palisade/internal/finding"

var AptCLI = hygieneRule(finding.Rule{
	ID:          "PAL-DF-125",
	Severity:    finding.Info,
	Title:       "RUN uses apt instead of apt-get",
	Doc:         "apt is designed for people at a terminal; Debian does not promise a stable command-line interface for it and it prints \"WARNING: apt does not have a stable CLI interface\" when scripted. apt-get and apt-cache behave the same across releases.",
	Remediation: "Use apt-get (install, update, ...) or apt-cache (search, show).",
	Aliases:     []finding.Alias{hygHadolint("DL3027"), hygCheckov("CKV_DOCKER_9")},
})

var checkAptCLI = Check{Rule: AptCLI, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		for _, c := range hygCalls(in) {
			if c.Name == "apt" {
				hygSub := c.Subcommand(hygAptValueFlags...)
				p.Report(in, "apt %s: use apt-get %s, whose interface is stable for scripts", hygSub, hygSub)
				break
			}
		}
	}
}}
