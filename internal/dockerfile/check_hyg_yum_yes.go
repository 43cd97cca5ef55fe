package dockerfile

// yum without -y.
//
// Checks yum commands that can prompt (install, groupinstall,
// localinstall, reinstall, update, upgrade, remove, ...) for -y or
// --assumeyes.

import "github.com/palisade-sec/palisade/internal/finding"

var YumYes = hygieneRule(finding.Rule{
	ID:          "PAL-DF-129",
	Severity:    finding.Low,
	Title:       "yum install without -y",
	Doc:         "yum asks for confirmation before changing packages. A build has no terminal to answer, so yum aborts with \"Operation aborted\" and the build fails.",
	Remediation: "Add -y (yum install -y pkg).",
	Aliases:     []finding.Alias{hygHadolint("DL3030")},
})

var checkYumYes = Check{Rule: YumYes, Run: func(p *Pass) {
	hygPromptCheck(p, []string{"yum"}, hygYumValueFlags, hygYumPrompting, "-y", "--assumeyes")
}}
