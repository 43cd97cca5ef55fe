package dockerfile

// dist-upgrade in a build.
//
// Checks for apt-get/apt dist-upgrade and full-upgrade, and zypper
// dist-upgrade (dup). These may move the image to packages of a newer
// distribution release than the base image tag says, so the tag no
// longer describes the content. Plain upgrades (apt-get upgrade, zypper
// update), which pull security fixes within the release, are fine.

import "github.com/palisade-sec/palisade/internal/finding"

var DistUpgrade = hygieneRule(finding.Rule{
	ID:          "PAL-DF-127",
	Severity:    finding.Low,
	Title:       "RUN performs a distribution upgrade",
	Doc:         "dist-upgrade (apt full-upgrade, zypper dup) installs, removes and replaces packages to follow the newest state of the configured repositories, which can cross a distribution release. The image then no longer matches what its base image tag says, and scanners and readers misjudge it. Security updates within a release only need `upgrade`, or better a fresh base image.",
	Remediation: "Use a base image of the release you want; apply security fixes with apt-get upgrade or zypper update, or rebuild on a newer base image tag.",
	Aliases:     []finding.Alias{hygHadolint("DL3005"), hygHadolint("DL3035"), hygTrivy("DS-0024")},
})

var checkDistUpgrade = Check{Rule: DistUpgrade, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		for _, c := range hygCalls(in) {
			s := hygAptSub(c)
			if s == "dist-upgrade" || s == "full-upgrade" {
				p.Report(in, "%s %s may upgrade the image to another distribution release", c.Name, s)
				break
			}
			if s := hygSub(c, hygZypperValueFlags, "zypper"); s == "dist-upgrade" || s == "dup" {
				p.Report(in, "zypper %s may upgrade the image to another distribution release", s)
				break
			}
		}
	}
}}
