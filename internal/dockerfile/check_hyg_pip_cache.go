package dockerfile

// pip install without --no-cache-dir.
//
// Checks pip install (pip, pip3, python -m pip) in stages that end up in
// an image for --no-cache-dir. Allowed: PIP_NO_CACHE_DIR set by ENV or
// ARG earlier in the stage chain or on the command, a cache or tmpfs
// mount over the pip cache (~/.cache/pip), or removing ~/.cache/pip
// later in the same RUN.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PipCache = hygieneRule(finding.Rule{
	ID:          "PAL-DF-135",
	Severity:    finding.Info,
	Title:       "pip install without --no-cache-dir",
	Doc:         "pip stores every wheel it downloads or builds in ~/.cache/pip. In an image build the cache is never reused, but it stays in the layer and can double the size of a Python image.",
	Remediation: "Use pip install --no-cache-dir, set ENV PIP_NO_CACHE_DIR=1, or mount a cache: RUN --mount=type=cache,target=/root/.cache/pip pip install ...",
	Aliases:     []finding.Alias{hygHadolint("DL3042")},
})

var checkPipCache = Check{Rule: PipCache, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	for _, in := range hygNamed(p.File, "run") {
		if !img[in.Stage] || hygCacheMounted(in, ".cache/pip/", "/pip/", "pip-cache") {
			continue
		}
		cs := hygCalls(in)
		for i, c := range cs {
			if !hygIsPip(c) || c.Subcommand(hygPipValueFlags...) != "install" || c.HasFlag("--no-cache-dir") {
				continue
			}
			if hygAssigns(c, "PIP_NO_CACHE_DIR") || hygVarInChain(in, "PIP_NO_CACHE_DIR") || hygRemovesAny(cs[i+1:], "/root/.cache", "~/.cache", "$HOME/.cache") {
				continue
			}
			p.Report(in, "%s install without --no-cache-dir keeps its download cache in the layer", c.Name)
			break
		}
	}
}}

// hygAssigns reports whether the call sets name=... as a prefix.
func hygAssigns(c *Call, name string) bool {
	for _, a := range c.Assigns {
		if strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// hygVarInChain reports whether an ENV or ARG before in sets name.
func hygVarInChain(in *Instruction, name string) bool {
	for _, x := range hygPriorInChain(in) {
		for _, e := range hygEnvKVs(x) {
			if e.key == name {
				return true
			}
		}
		for _, a := range hygArgKVs(x) {
			if a.key == name && a.value != nil {
				return true
			}
		}
	}
	return false
}
