package dockerfile

// cd into an application directory instead of WORKDIR.
//
// Checks RUN commands that start by changing into a fixed absolute
// directory (RUN cd /app && npm install). WORKDIR states the directory
// once, creates it if needed and applies to later instructions too.
// Allowed: cd into temporary directories (/tmp, /var/tmp), relative or
// variable directories (entering an unpacked source tree), and cd later
// in a script.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var RunCd = hygieneRule(finding.Rule{
	ID:          "PAL-DF-121",
	Severity:    finding.Info,
	Title:       "RUN changes directory with cd instead of WORKDIR",
	Doc:         "A RUN that starts with `cd /some/dir &&` repeats what WORKDIR does, only for one instruction, and fails in confusing ways when the directory does not exist. WORKDIR creates the directory and makes the working directory of later instructions explicit.",
	Remediation: "Set WORKDIR /some/dir before the RUN and drop the cd.",
	Aliases:     []finding.Alias{hygHadolint("DL3003"), hygTrivy("DS-0013")},
})

var checkRunCd = Check{Rule: RunCd, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		cs := hygCalls(in)
		if len(cs) == 0 || cs[0].Name != "cd" {
			continue
		}
		dir := cs[0].Subcommand()
		if !strings.HasPrefix(dir, "/") || strings.HasPrefix(dir, "/tmp") || strings.HasPrefix(dir, "/var/tmp") || dir == "/" || strings.Contains(dir, "$") {
			continue
		}
		p.Report(in, "RUN starts with cd %s; use WORKDIR %s instead", dir, dir)
	}
}}
