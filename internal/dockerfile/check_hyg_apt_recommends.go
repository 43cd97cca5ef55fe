package dockerfile

// apt-get install without --no-install-recommends.
//
// Checks apt-get and apt install in stages that end up in an image for
// --no-install-recommends (or -o APT::Install-Recommends=false, or an
// earlier RUN that writes APT::Install-Recommends into the apt
// configuration). Recommended packages are optional extras: more files,
// more CVEs to patch, more tools for an attacker. Build stages that are
// only copied from are not judged.

import "github.com/palisade-sec/palisade/internal/finding"

var AptRecommends = hygieneRule(finding.Rule{
	ID:          "PAL-DF-123",
	Severity:    finding.Low,
	Title:       "apt-get install pulls recommended packages",
	Doc:         "By default apt installs the packages the requested ones recommend, often dozens of unneeded libraries and tools. They enlarge the image and its attack surface and add vulnerabilities to patch.",
	Remediation: "Add --no-install-recommends and list what is really needed.",
	Aliases:     []finding.Alias{hygHadolint("DL3015"), hygTrivy("DS-0029")},
})

var checkAptRecommends = Check{Rule: AptRecommends, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	for _, pc := range hygPmCalls(p.File, hygAptValueFlags, "apt-get", "apt") {
		if pc.Sub != "install" || !img[pc.In.Stage] {
			continue
		}
		c := pc.C
		if c.HasFlag("--no-install-recommends") || hygAptOption(c, "APT::Install-Recommends", "false", "0", "no") ||
			hygPriorSourceContains(pc.In, "Install-Recommends") {
			continue
		}
		p.Report(pc.In, "%s install without --no-install-recommends also installs recommended packages", c.Name)
	}
}}
