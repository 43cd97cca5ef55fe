package dockerfile

// zypper install without versions (optional).
//
// Checks the packages of zypper install/in for a version constraint
// (name=1.2.3, name>=1.2). .rpm files, paths and variables are skipped.
// Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinZypper = hygieneRule(finding.Rule{
	ID:          "PAL-DF-143",
	Severity:    finding.Low,
	Title:       "zypper install without version pins",
	Doc:         "zypper install name installs the newest version in the repositories on the day of the build, so builds are not reproducible.",
	Remediation: "Pin versions: zypper install -y name=1.2.3.",
	Aliases:     []finding.Alias{hygHadolint("DL3037")},
	Optional:    true,
})

var checkPinZypper = Check{Rule: PinZypper, Run: func(p *Pass) {
	hygPinCheck(p, []string{"zypper"}, hygZypperValueFlags, map[string]bool{"install": true, "in": true}, func(a string) bool {
		return strings.ContainsAny(a, "=<>") || strings.HasSuffix(a, ".rpm")
	}, "name=version")
}}
