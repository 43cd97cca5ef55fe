package dockerfile

// yum install without versions (optional).
//
// Checks the packages of yum install for a version (name-1.2.3 or
// name-1.2.3-1.el8). Groups (@group), .rpm files, paths and variables
// are skipped. Off by default.

import "github.com/palisade-sec/palisade/internal/finding"

var PinYum = hygieneRule(finding.Rule{
	ID:          "PAL-DF-142",
	Severity:    finding.Low,
	Title:       "yum install without version pins",
	Doc:         "yum install name installs the newest version in the repositories on the day of the build, so builds are not reproducible.",
	Remediation: "Pin versions: yum install -y name-1.2.3.",
	Aliases:     []finding.Alias{hygHadolint("DL3033")},
	Optional:    true,
})

var checkPinYum = Check{Rule: PinYum, Run: func(p *Pass) {
	hygPinCheck(p, []string{"yum"}, hygYumValueFlags, map[string]bool{"install": true, "groupinstall": true, "localinstall": true}, hygRpmPinned, "name-version")
}}
