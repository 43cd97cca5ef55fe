package dockerfile

// check_image_latest: images pulled by the "latest" tag.
//
// Checks the image of every FROM, COPY --from=<image> and
// RUN --mount=...,from=<image>, after ARG expansion, for an explicit
// ":latest" tag without a digest. Allowed: other tags, "latest" together
// with a digest (the digest decides what is pulled), stage names and
// "scratch". An image without any tag is PAL-DF-010.

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ImageLatest reports images referenced by the mutable "latest" tag.
var ImageLatest = &finding.Rule{
	ID:       "PAL-DF-011",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "tags",
	Title:    "Image uses the latest tag",
	Doc: "The latest tag is whatever was pushed last: the same Dockerfile builds a different image from one day to the next, and a rebuild can bring a new major version. " +
		"palisade checks FROM, COPY --from=<image> and RUN --mount from=<image>, after resolving ARG defaults. " +
		"An image pinned by digest (node:latest@sha256:…) is not reported, since the digest decides what is pulled.",
	Remediation: "Replace :latest with a specific version tag, and pin the digest for reproducible builds.",
	Aliases: []finding.Alias{
		{Tool: "hadolint", ID: "DL3007"},
		{Tool: "trivy", ID: "DS-0001"},
		{Tool: "checkov", ID: "CKV_DOCKER_7"},
	},
}

var checkImageLatest = Check{Rule: ImageLatest, Run: func(p *Pass) {
	for _, u := range imageUses(p.File) {
		if u.Err != nil || !u.Ref.HasExplicitTag() || !u.Ref.IsLatest() || u.Ref.IsPinned() {
			continue
		}
		p.Report(u.In, "%s uses the latest tag, which points to a different image after every release", u.Subject())
	}
}}
