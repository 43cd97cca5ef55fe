package dockerfile

// Replacing /bin/sh with ln.
//
// Checks RUN for ln commands that create or overwrite /bin/sh (ln -sf
// /bin/bash /bin/sh). The SHELL instruction changes the shell of later
// RUN, CMD and ENTRYPOINT without modifying the system.

import "github.com/palisade-sec/palisade/internal/finding"

var LnSh = hygieneRule(finding.Rule{
	ID:          "PAL-DF-167",
	Severity:    finding.Low,
	Title:       "/bin/sh replaced with ln instead of SHELL",
	Doc:         "Relinking /bin/sh changes the shell for every script in the image, including the distribution's own maintainer scripts that expect a POSIX sh, and it is invisible in the Dockerfile's instructions. SHELL [\"/bin/bash\", \"-c\"] changes only what the Dockerfile runs.",
	Remediation: "Use SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] and leave /bin/sh alone.",
	Aliases:     []finding.Alias{hygHadolint("DL4005")},
})

var checkLnSh = Check{Rule: LnSh, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		for _, c := range hygCalls(in) {
			if c.Name != "ln" {
				continue
			}
			pos := c.Positional("-t", "--target-directory", "-S", "--suffix")
			if len(pos) >= 2 && pos[len(pos)-1] == "/bin/sh" {
				p.Report(in, "ln %s replaces /bin/sh; use the SHELL instruction", pos[0])
				break
			}
		}
	}
}}
