package dockerfile

// check_image_policy: images the base-image policy does not approve.
//
// Checks the image of every FROM, COPY --from=<image> and
// RUN --mount=...,from=<image>, after ARG expansion, with the image
// policy of .palisade.yaml (imageref.Policy): an image matching a pattern
// of images.allow is approved; otherwise the strategies of
// images.strategies run in order (default official, pinned, rewrite):
// a Docker Official Image (docker.io/library/<name> on the embedded
// list), an image whose digest matches images.pins, or a rewrite rule
// that names the approved equivalent, which becomes the finding's Fix.
//
// The rule only runs when the policy has something to judge by:
// images.allow, images.pins or images.rewrites. Without them there is no
// policy, every image is accepted, and this rule reports nothing (the
// strategies alone would reject every non-official image, which nobody
// asked for). Stage names, "scratch", invalid references (PAL-DF-013)
// and FROM lines with unset ARGs (PAL-DF-002) are not judged.

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/imageref"
)

// ImageNotApproved reports images rejected by the base-image policy.
var ImageNotApproved = &finding.Rule{
	ID:       "PAL-DF-014",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "allowlist",
	Title:    "Image is not approved by the base-image policy",
	Doc: "The image is not on the approved list of .palisade.yaml (images.allow: patterns over normalised references such as docker.io/library/*, gcr.io/distroless/* or registry.example.com/base/node:20-*), and none of the resolution strategies accepted it: " +
		"official (a Docker Official Image, docker.io/library/<name> only, never someuser/<name>), pinned (its digest matches images.pins) or rewrite (a rule maps it to an approved equivalent, suggested as the fix). " +
		"The message says why each step rejected it. The rule runs only when images.allow, images.pins or images.rewrites is configured.",
	Remediation: "Use an approved image (the suggested rewrite, when there is one), or add the image to images.allow or images.pins after reviewing it.",
	Aliases:     []finding.Alias{{Tool: "hadolint", ID: "DL3026"}},
}

var checkImagePolicy = Check{Rule: ImageNotApproved, Run: func(p *Pass) {
	if !imageref.Active(p.Opts.Images) {
		return
	}
	// Invalid entries are skipped here; the configuration loader reports
	// them (imageref.Compile).
	pol, _ := imageref.Compile(p.Opts.Images)
	official := imageref.Official()
	for _, u := range imageUses(p.File) {
		if u.Err != nil {
			continue
		}
		d := pol.Evaluate(u.Ref, official)
		if d.Allowed {
			continue
		}
		if d.Suggest != "" {
			f := p.Report(u.In, "%s is not approved by the image policy as written; rewrite %s", u.Subject(), rewriteDetail(d))
			f.Fix = d.Suggest
			continue
		}
		p.Report(u.In, "%s is not approved by the image policy: %s", u.Subject(), d.Reason)
	}
}}

func rewriteDetail(d imageref.Decision) string {
	for _, st := range d.Steps {
		if st.Strategy == imageref.ByRewrite && st.Accepted {
			return st.Detail
		}
	}
	return d.Reason
}
