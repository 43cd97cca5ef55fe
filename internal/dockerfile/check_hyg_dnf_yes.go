package dockerfile

// dnf without -y.
//
// Checks dnf and tdnf commands that can prompt (install, reinstall,
// upgrade, remove, group install, ...) for -y or --assumeyes. microdnf
// does not prompt and is not checked.

import "github.com/palisade-sec/palisade/internal/finding"

var DnfYes = hygieneRule(finding.Rule{
	ID:          "PAL-DF-131",
	Severity:    finding.Low,
	Title:       "dnf install without -y",
	Doc:         "dnf asks for confirmation before changing packages. A build has no terminal to answer, so dnf aborts and the build fails.",
	Remediation: "Add -y (dnf install -y pkg).",
	Aliases:     []finding.Alias{hygHadolint("DL3038")},
})

var checkDnfYes = Check{Rule: DnfYes, Run: func(p *Pass) {
	hygPromptCheck(p, []string{"dnf", "tdnf"}, hygYumValueFlags, hygYumPrompting, "-y", "--assumeyes")
}}
