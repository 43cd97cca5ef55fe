package dockerfile

// Image without a source label (optional).
//
// Checks that the image the Dockerfile builds (the last stage, following
// the stages it builds on) sets org.opencontainers.image.source, the OCI
// annotation that links an image to the repository it was built from.
// Registries (GitHub, GitLab), Renovate and provenance tools use it. Off
// by default; labels added by the build (docker build --label) are not
// visible here.

import "github.com/palisade-sec/palisade/internal/finding"

var LabelMissing = hygieneRule(finding.Rule{
	ID:          "PAL-DF-156",
	Severity:    finding.Info,
	Title:       "Image has no org.opencontainers.image.source label",
	Doc:         "org.opencontainers.image.source records where the image's source lives. Without it, people and tools that find the image in a registry or a cluster cannot trace it back to its repository, its owners and its security fixes.",
	Remediation: "Add LABEL org.opencontainers.image.source=\"https://github.com/org/repo\" to the final stage (or set it with docker build --label).",
	Aliases:     []finding.Alias{hygHadolint("DL3049")},
	Optional:    true,
})

const hygSourceLabel = "org.opencontainers.image.source"

var checkLabelMissing = Check{Rule: LabelMissing, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil {
		return
	}
	chain := map[*Stage]bool{}
	for _, s := range final.Chain() {
		chain[s] = true
	}
	for _, l := range hygLabels(p.File) {
		if chain[l.In.Stage] && l.Key == hygSourceLabel {
			return
		}
	}
	p.Report(final.From, "the image built by stage %s has no %s label", final.Ref(), hygSourceLabel)
}}
