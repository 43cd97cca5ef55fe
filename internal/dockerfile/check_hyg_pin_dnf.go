package dockerfile

// dnf install without versions (optional).
//
// Checks the packages of dnf, microdnf and tdnf install for a version
// (name-1.2.3 or name-1.2.3-1.fc40). Groups, module specs, .rpm files,
// paths and variables are skipped. Off by default.

import "github.com/palisade-sec/palisade/internal/finding"

var PinDnf = hygieneRule(finding.Rule{
	ID:          "PAL-DF-144",
	Severity:    finding.Low,
	Title:       "dnf install without version pins",
	Doc:         "dnf install name installs the newest version in the repositories on the day of the build, so builds are not reproducible.",
	Remediation: "Pin versions: dnf install -y name-1.2.3.",
	Aliases:     []finding.Alias{hygHadolint("DL3041")},
	Optional:    true,
})

var checkPinDnf = Check{Rule: PinDnf, Run: func(p *Pass) {
	hygPinCheck(p, []string{"dnf", "microdnf", "tdnf"}, hygYumValueFlags, map[string]bool{"install": true, "in": true, "groupinstall": true, "localinstall": true}, hygRpmPinned, "name-version")
}}
