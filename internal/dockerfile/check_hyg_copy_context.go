package dockerfile

// COPY of the whole build context (optional).
//
// Checks COPY (from the build context) with "." or "./" as a source.
// Everything in the context is copied unless .dockerignore excludes it:
// .git, .env files, local credentials and build outputs end up in the
// image. palisade does not read .dockerignore, so the rule is off by
// default and meant for teams that want explicit COPY lists.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyContext = hygieneRule(finding.Rule{
	ID:          "PAL-DF-172",
	Severity:    finding.Low,
	Title:       "COPY copies the whole build context",
	Doc:         "COPY . copies every file of the build context that .dockerignore does not exclude. A missing or incomplete .dockerignore puts .git history, .env files, cloud credentials and local build output into the image, where anyone who pulls it can read them.",
	Remediation: "Copy only what the image needs (COPY src/ package.json ./), and keep a .dockerignore that excludes .git, .env* and credentials.",
	Aliases:     []finding.Alias{hygHadolint("DL4007")},
	Optional:    true,
})

var checkCopyContext = Check{Rule: CopyContext, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy") {
		c, ok := in.Cmd.(*instructions.CopyCommand)
		if !ok || c.From != "" {
			continue
		}
		for _, src := range c.SourcePaths {
			s := strings.Trim(src, `"'`)
			if s == "." || s == "./" {
				p.Report(in, "COPY %s copies the whole build context; copy only what the image needs", src)
				break
			}
		}
	}
}}
