package dockerfile

// wget without a progress setting.
//
// Checks wget commands for --progress=..., -q/--quiet, -nv/--no-verbose,
// -o/--output-file or -a/--append-output. Without one of them wget
// prints a progress bar line by line into the build log.

import "github.com/palisade-sec/palisade/internal/finding"

var WgetProgress = hygieneRule(finding.Rule{
	ID:          "PAL-DF-154",
	Severity:    finding.Info,
	Title:       "wget without --progress or -q",
	Doc:         "Without a terminal, wget's default progress output writes thousands of dot lines for large downloads, bloating build logs and hiding real errors.",
	Remediation: "Use wget --progress=dot:giga, or -q / -nv.",
	Aliases:     []finding.Alias{hygHadolint("DL3047")},
})

var checkWgetProgress = Check{Rule: WgetProgress, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		for _, c := range hygCalls(in) {
			if c.Name != "wget" {
				continue
			}
			if c.HasFlag("--progress", "-q", "--quiet", "--no-verbose", "-o", "--output-file", "-a", "--append-output") || hygHasArg(c, "-nv") {
				continue
			}
			p.Report(in, "wget without --progress=dot:giga, -q or -nv floods the build log")
			break
		}
	}
}}
