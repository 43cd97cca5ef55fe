package dockerfile

// check_user_missing: the final stage never sets a USER.
//
// Checks the final stage and the stages it builds on for any USER
// instruction. Without one, the container runs as the base image's
// user, which is not known statically (palisade does not pull images
// here) and is root for most images. Reported at the final FROM; a
// final stage FROM scratch has no user database and runs as UID 0.
// Allowed: a USER anywhere in the final stage chain (PAL-DF-018 judges
// its value), and base images documented to run as non-root:
// gcr.io/distroless/* "nonroot" tags, cgr.dev/chainguard/* images other
// than -dev variants and the wolfi-base/chainguard-base/busybox bases,
// and Windows Nano Server (ContainerUser).

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/imageref"
)

// FinalNoUser reports a final stage that sets no USER.
var FinalNoUser = &finding.Rule{
	ID:       "PAL-DF-019",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "root-user",
	Title:    "Image sets no USER",
	Doc: "The final stage (and the stages it builds on) never sets USER, so the container runs as whatever user the base image declares. " +
		"That is unknown statically and is root for most images; FROM scratch always runs as UID 0. " +
		"palisade does not report base images documented to run as non-root (distroless :nonroot tags, Chainguard images except -dev variants and their root bases, Windows Nano Server). " +
		"Image scanning reads the real user from the image configuration.",
	Remediation: "Create an unprivileged user and end the final stage with USER <numeric UID> (e.g. USER 10001), or build on a non-root base such as gcr.io/distroless/static:nonroot.",
	Aliases: []finding.Alias{
		{Tool: "trivy", ID: "DS-0002"},
		{Tool: "checkov", ID: "CKV_DOCKER_3"},
	},
}

var checkFinalNoUser = Check{Rule: FinalNoUser, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil || final.From == nil {
		return
	}
	if effectiveUser(p.File, final).In != nil {
		return
	}
	root := final.Root()
	if len(root.Unresolved) > 0 {
		return // PAL-DF-002: the base image is unknown
	}
	if root.IsScratch() {
		p.Report(final.From, "the final stage %s starts FROM scratch and sets no USER, so it runs as UID 0 (root)", final.Ref())
		return
	}
	base := root.Base
	if ref, err := imageref.Parse(base); err == nil {
		if _, ok := knownNonRootBase(ref); ok {
			return
		}
		base = ref.Familiar()
	}
	p.Report(final.From, "the final stage %s sets no USER: it runs as the default user of %s, which is unknown statically and root for most images", final.Ref(), base)
}}
