package dockerfile

// zypper without a non-interactive flag.
//
// Checks zypper commands that can prompt (install/in, remove/rm,
// update/up, patch, dist-upgrade/dup, source-install/si) for
// -n/--non-interactive before the command or -y/--no-confirm after it.

import "github.com/palisade-sec/palisade/internal/finding"

var ZypperYes = hygieneRule(finding.Rule{
	ID:          "PAL-DF-133",
	Severity:    finding.Low,
	Title:       "zypper install without a non-interactive flag",
	Doc:         "zypper asks for confirmation before changing packages. Without -n (or -y) the build waits for an answer it never gets and fails.",
	Remediation: "Use zypper --non-interactive install pkg (or zypper install -y pkg).",
	Aliases:     []finding.Alias{hygHadolint("DL3034")},
})

var hygZypperPrompting = map[string]bool{"install": true, "in": true, "remove": true, "rm": true, "update": true, "up": true, "patch": true, "dist-upgrade": true, "dup": true, "source-install": true, "si": true, "install-new-recommends": true, "inr": true}

var checkZypperYes = Check{Rule: ZypperYes, Run: func(p *Pass) {
	hygPromptCheck(p, []string{"zypper"}, hygZypperValueFlags, hygZypperPrompting, "-n", "--non-interactive", "-y", "--no-confirm")
}}
