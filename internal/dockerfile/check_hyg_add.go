package dockerfile

// ADD for plain local files.
//
// Checks ADD instructions whose sources are local files or directories
// that are not archives. ADD then does what COPY does, plus magic: a
// local tar archive is unpacked, a URL is downloaded. Allowed: local
// archives (ADD unpacks them, which COPY cannot), URLs and git
// repositories (judged by the integrity rules: checksums, pinned
// commits), heredocs and sources given by variables.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var AddLocal = hygieneRule(finding.Rule{
	ID:          "PAL-DF-146",
	Severity:    finding.Low,
	Title:       "ADD used to copy local files",
	Doc:         "ADD copies like COPY but also unpacks local tar archives and fetches URLs. Used for ordinary files it hides that behaviour from readers: a file renamed to .tar.gz is suddenly extracted into the image (with the archive's own paths, permissions and owners). COPY does exactly what it says.",
	Remediation: "Use COPY for local files and directories; keep ADD for archives you want unpacked.",
	Aliases:     []finding.Alias{hygHadolint("DL3020"), hygTrivy("DS-0005"), hygCheckov("CKV_DOCKER_4")},
})

var checkAddLocal = Check{Rule: AddLocal, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "add") {
		c, ok := in.Cmd.(*instructions.AddCommand)
		if !ok {
			continue
		}
		var plain []string
		for _, src := range c.SourcePaths {
			if hygIsRemote(src) || hygIsArchiveName(src) || strings.Contains(src, "$") {
				continue
			}
			plain = append(plain, src)
		}
		if len(plain) > 0 && len(plain) == len(c.SourcePaths) {
			p.Report(in, "ADD %s copies local files; use COPY", strings.Join(plain, " "))
		}
	}
}}
