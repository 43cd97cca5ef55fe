package dockerfile

// check_image_invalid: image references Docker refuses.
//
// Checks the image of every FROM, COPY --from=<image> and
// RUN --mount=...,from=<image>, after ARG expansion, against Docker's
// reference grammar (github.com/distribution/reference): lower-case
// repository, valid tag and digest. Stage names and "scratch" are not
// images. Such a reference fails the build when it is pulled, and no tag
// or policy rule can judge it.

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ImageInvalid reports image references that Docker cannot parse.
var ImageInvalid = &finding.Rule{
	ID:       "PAL-DF-013",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "tags",
	Title:    "Image reference is not valid",
	Doc: "Docker refuses this image reference (for example an upper-case repository name, an empty tag or a malformed digest), so the build fails when it reaches the instruction. " +
		"The tag and base-image policy rules cannot judge an image they cannot parse, so palisade reports it instead of skipping it silently.",
	Remediation: "Write the reference as [registry[:port]/]path[:tag][@sha256:<64 hex digits>] with a lower-case path, e.g. FROM ubuntu:24.04.",
}

var checkImageInvalid = Check{Rule: ImageInvalid, Run: func(p *Pass) {
	for _, u := range imageUses(p.File) {
		if u.Err != nil {
			p.Report(u.In, "%s: %v", u.Subject(), u.Err)
		}
	}
}}
