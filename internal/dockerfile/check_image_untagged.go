package dockerfile

// check_image_untagged: images pulled without a tag.
//
// Checks the image of every FROM, COPY --from=<image> and
// RUN --mount=...,from=<image>, after ARG expansion. An image without a
// tag and without a digest ("FROM node") is pulled as node:latest.
// Allowed: any explicit tag, a digest ("node@sha256:…"), "scratch", and
// names of build stages (aliases, or indexes for COPY --from). FROM lines
// whose ARGs have no value are PAL-DF-002's case, not judged here.

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ImageUntagged reports images referenced without a tag or digest.
var ImageUntagged = &finding.Rule{
	ID:       "PAL-DF-010",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "tags",
	Title:    "Image has no tag",
	Doc: "An image written without a tag or digest (FROM node, COPY --from=alpine) is pulled as :latest, which moves to a new version whenever one is published. " +
		"Builds then change silently, cannot be reproduced, and may pick up a major upgrade. " +
		"palisade checks FROM, COPY --from=<image> and RUN --mount from=<image>, after resolving ARG defaults; stage names and scratch are not images. " +
		"Trivy's DS-0001 and Checkov's CKV_DOCKER_7 also cover this case; their IDs are aliases of PAL-DF-011.",
	Remediation: "Name a specific version tag (FROM node:20.11-bookworm-slim), or pin the digest too (node:20.11-bookworm-slim@sha256:…).",
	Aliases:     []finding.Alias{{Tool: "hadolint", ID: "DL3006"}},
}

var checkImageUntagged = Check{Rule: ImageUntagged, Run: func(p *Pass) {
	for _, u := range imageUses(p.File) {
		if u.Err != nil || u.Ref.HasExplicitTag() || u.Ref.IsPinned() {
			continue
		}
		p.Report(u.In, "%s has no tag: Docker pulls %s:latest, which changes with every release", u.Subject(), u.Ref.Familiar())
	}
}}
