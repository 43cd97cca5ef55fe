package dockerfile

// check_image_digest: images not pinned by digest (optional).
//
// Checks the image of every FROM, COPY --from=<image> and
// RUN --mount=...,from=<image>, after ARG expansion, for an
// "@sha256:…" digest. Off by default; it runs when enabled in
// rules.enable or when images.requireDigest is true in .palisade.yaml.
// Allowed: any reference with a digest, stage names and "scratch".

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ImageDigest reports images that are not pinned by digest.
var ImageDigest = &finding.Rule{
	ID:       "PAL-DF-012",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "tags",
	Title:    "Image is not pinned by digest",
	Doc: "A tag is a movable label: the publisher (or anyone who compromises the registry account) can point node:20 at a different image. " +
		"Only a digest names exactly one image, which makes builds reproducible and lets reviews see every base-image change. " +
		"This rule is optional: enable it with rules.enable or with images.requireDigest: true.",
	Remediation: "Append the digest of the image you tested: FROM node:20-slim@sha256:… (`docker buildx imagetools inspect node:20-slim` prints it); let a bot such as Renovate or Dependabot update it.",
	Optional:    true,
}

var checkImageDigest = Check{
	Rule:       ImageDigest,
	EnableWhen: func(o *Options) bool { return o.Images.RequireDigest },
	Run: func(p *Pass) {
		for _, u := range imageUses(p.File) {
			if u.Err != nil || u.Ref.IsPinned() {
				continue
			}
			p.Report(u.In, "%s is not pinned by digest: write %s@sha256:<digest>", u.Subject(), u.Ref.Familiar())
		}
	},
}
