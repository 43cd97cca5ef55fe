package dockerfile

// apt-get install without versions (optional).
//
// Checks the packages of apt-get/apt install for a version (pkg=1.2-3).
// Local .deb files, paths and variables are skipped. Off by default:
// pinning Debian package versions breaks builds whenever the archive
// drops the old version, and security updates then need a Dockerfile
// change; many teams pin the base image digest instead.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinApt = hygieneRule(finding.Rule{
	ID:          "PAL-DF-137",
	Severity:    finding.Low,
	Title:       "apt-get install without version pins",
	Doc:         "Without pkg=version, apt-get installs whatever version the archive has on the day of the build, so two builds of the same Dockerfile can differ. Pinning makes builds reproducible, at the price of updating the pins for every security fix.",
	Remediation: "Pin versions: apt-get install -y pkg=1.2.3-1 (see apt-cache policy pkg).",
	Aliases:     []finding.Alias{hygHadolint("DL3008")},
	Optional:    true,
})

var checkPinApt = Check{Rule: PinApt, Run: func(p *Pass) {
	hygPinCheck(p, []string{"apt-get", "apt"}, hygAptValueFlags, map[string]bool{"install": true}, func(a string) bool {
		return strings.Contains(a, "=") || strings.HasSuffix(a, ".deb")
	}, "pkg=version")
}}
