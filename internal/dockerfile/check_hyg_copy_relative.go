package dockerfile

// COPY to a relative destination without WORKDIR.
//
// Checks COPY and ADD with a relative destination (app/, ., ./config) in
// a stage where no WORKDIR was set before, in the stage or in the stages
// it builds on. The destination then depends on the base image's
// working directory, which can change with any base image update.
// Absolute destinations, destinations given by variables and stages
// built FROM scratch (whose working directory is always /) are fine.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyRelative = hygieneRule(finding.Rule{
	ID:          "PAL-DF-152",
	Severity:    finding.Low,
	Title:       "COPY to a relative path without WORKDIR",
	Doc:         "A relative COPY destination is resolved against the working directory inherited from the base image. Nothing in the Dockerfile says what that is, and a new base image version can move it, putting files where the application does not look for them.",
	Remediation: "Set WORKDIR /app before the COPY, or use an absolute destination.",
	Aliases:     []finding.Alias{hygHadolint("DL3045")},
})

var checkCopyRelative = Check{Rule: CopyRelative, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy", "add") {
		var dest string
		switch c := in.Cmd.(type) {
		case *instructions.CopyCommand:
			dest = c.DestPath
		case *instructions.AddCommand:
			dest = c.DestPath
		default:
			continue
		}
		d := strings.Trim(dest, `"'`)
		if d == "" || strings.HasPrefix(d, "/") || strings.HasPrefix(d, "$") || strings.HasPrefix(d, "\\") || (len(d) > 2 && d[1] == ':') {
			continue
		}
		if hygWorkdirSet(in) || in.Stage.IsScratch() {
			continue
		}
		p.Report(in, "%s to the relative path %s, but no WORKDIR is set in stage %s: the destination depends on the base image", strings.ToUpper(in.Name), dest, in.Stage.Ref())
	}
}}

func hygWorkdirSet(in *Instruction) bool {
	for _, x := range hygPriorInChain(in) {
		if x.Name == "workdir" {
			return true
		}
	}
	return false
}
