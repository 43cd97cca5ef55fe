package dockerfile

// COPY of a whole file system from another stage or image.
//
// Checks COPY --from=<stage or image> / / (optionally with the root
// written as "/."). Copying an entire root file system overwrites
// /etc/passwd, the package database and every binary of the stage with
// those of the source, hides what the image really contains from
// scanners that read the package database, and usually smuggles a full
// OS into an image meant to be minimal.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyRootfs = hygieneRule(finding.Rule{
	ID:          "PAL-DF-170",
	Severity:    finding.Low,
	Title:       "COPY --from copies an entire file system",
	Doc:         "COPY --from=other / / merges a whole root file system into the stage: users, package databases and binaries of both get mixed, so neither the Dockerfile nor a scanner reading the package database tells what the image contains. Copy the directories you need instead; if the intent is to squash layers, say so in a comment and build FROM scratch.",
	Remediation: "Copy only what is needed (COPY --from=build /app /app).",
	Aliases:     []finding.Alias{hygHadolint("DL3067")},
})

var checkCopyRootfs = Check{Rule: CopyRootfs, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy") {
		c, ok := in.Cmd.(*instructions.CopyCommand)
		if !ok || c.From == "" || !hygIsRoot(c.DestPath) {
			continue
		}
		for _, src := range c.SourcePaths {
			if hygIsRoot(src) {
				p.Report(in, "COPY --from=%s %s %s copies a whole file system", c.From, src, c.DestPath)
				break
			}
		}
	}
}}

func hygIsRoot(p string) bool {
	p = strings.Trim(p, `"'`)
	return p == "/" || p == "/." || p == "/./"
}
