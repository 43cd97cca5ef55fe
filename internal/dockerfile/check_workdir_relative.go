package dockerfile

// check_workdir_relative: a relative WORKDIR before any absolute one.
//
// Checks, per stage, the first WORKDIR of the stage and of the stages it
// builds on (as BuildKit's WorkdirRelativePath check does): when it is a
// relative path, the result depends on the base image's WORKDIR.
// Allowed: absolute paths, Windows drive paths (C:\app), relative paths
// after an absolute WORKDIR in the same stage chain, and paths that
// start with a variable whose value is not known statically
// (WORKDIR $HOME/app, where HOME usually comes from the base image).

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// RelativeWorkdir reports relative WORKDIR paths that depend on the base image.
var RelativeWorkdir = &finding.Rule{
	ID:       "PAL-DF-017",
	Control:  control.DockerfileLint,
	Severity: finding.Low,
	Family:   "volumes",
	Title:    "WORKDIR is a relative path",
	Doc: "A relative WORKDIR is resolved against the working directory of the base image, which the Dockerfile does not control: when the base image changes its WORKDIR, files silently land elsewhere. " +
		"Like BuildKit, palisade reports only the first WORKDIR of a stage chain; relative paths after an absolute one are well defined.",
	Remediation: "Use an absolute path (WORKDIR /app), or set an absolute WORKDIR first.",
	Aliases: []finding.Alias{
		{Tool: "hadolint", ID: "DL3000"},
		{Tool: "buildkit", ID: "WorkdirRelativePath"},
	},
}

var checkRelativeWorkdir = Check{Rule: RelativeWorkdir, Run: func(p *Pass) {
	for _, st := range p.File.Stages {
		if workdirSetBefore(st.Parent) {
			continue
		}
		for _, in := range st.Instructions {
			c, ok := in.Cmd.(*instructions.WorkdirCommand)
			if !ok {
				continue
			}
			v, known := p.File.ScopeAt(in).Expand(c.Path)
			if !known {
				if strings.HasPrefix(strings.TrimLeft(c.Path, `"'`), "$") {
					break // $HOME/app: decided by the base image's environment
				}
				v = strings.Trim(c.Path, `"'`)
			}
			if !path.IsAbs(v) && !isWindowsPath(v) {
				shown := c.Path
				if v != c.Path {
					shown += " (" + v + ")"
				}
				p.Report(in, "WORKDIR %s is relative: it resolves against the base image's working directory (stage %s)", shown, st.Ref())
			}
			break // only the first WORKDIR of a stage chain counts
		}
	}
}}

// workdirSetBefore reports whether a stage chain sets any WORKDIR.
func workdirSetBefore(st *Stage) bool {
	if st == nil {
		return false
	}
	for _, s := range st.Chain() {
		for _, in := range s.Instructions {
			if _, ok := in.Cmd.(*instructions.WorkdirCommand); ok {
				return true
			}
		}
	}
	return false
}
