package dockerfile

// COPY/ADD of several sources to a destination without a trailing slash.
//
// Checks COPY and ADD with more than one source for a destination that
// ends with "/" (or is "." or ".."). The Dockerfile reference requires a
// directory destination then. Destinations given by variables are
// expanded when their value is known, and skipped otherwise.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyDestSlash = hygieneRule(finding.Rule{
	ID:          "PAL-DF-148",
	Severity:    finding.Low,
	Title:       "Several sources copied to a destination without a trailing slash",
	Doc:         "When COPY or ADD has more than one source, the Dockerfile reference requires the destination to be a directory written with a trailing slash. Without it the legacy builder fails and the meaning of the instruction depends on whether the destination already exists.",
	Remediation: "End the destination with / (COPY a.txt b.txt /app/).",
	Aliases:     []finding.Alias{hygHadolint("DL3021"), hygTrivy("DS-0011")},
})

var checkCopyDestSlash = Check{Rule: CopyDestSlash, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy", "add") {
		var srcs []string
		var dest string
		switch c := in.Cmd.(type) {
		case *instructions.CopyCommand:
			srcs, dest = c.SourcePaths, c.DestPath
		case *instructions.AddCommand:
			srcs, dest = c.SourcePaths, c.DestPath
		default:
			continue
		}
		if len(srcs) < 2 {
			continue
		}
		d := dest
		if strings.Contains(d, "$") {
			v, ok := p.File.ScopeAt(in).Expand(d)
			if !ok {
				continue
			}
			d = v
		}
		if strings.HasSuffix(d, "/") || d == "." || d == ".." || strings.HasSuffix(d, "/.") {
			continue
		}
		p.Report(in, "%s has %d sources but the destination %s does not end with /", strings.ToUpper(in.Name), len(srcs), dest)
	}
}}
