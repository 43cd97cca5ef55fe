package dockerfile

// check_user_root: the final stage runs as root by an explicit USER.
//
// Checks the last USER of the final stage, following stage inheritance
// (FROM <stage> inherits that stage's USER; a USER in a builder stage
// that is only copied from does not count). Reported: USER root, USER 0,
// USER root:<group>, USER 0:0, and Windows' ContainerAdministrator, after
// ARG/ENV expansion. Allowed: any other user, including "1001:0" (a root
// group with a non-root user); a USER root followed by a non-root USER.
// A final stage with no USER at all is PAL-DF-019.

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// FinalRootUser reports a final stage whose last USER is root.
var FinalRootUser = &finding.Rule{
	ID:       "PAL-DF-018",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "root-user",
	Title:    "Image runs as root",
	Doc: "The last USER of the final stage is root (or UID 0), so the container's processes run as root unless the runtime overrides it. " +
		"A process running as root in a container is one kernel or runtime bug away from root on the node, can modify every file of the image, and fails Kubernetes' runAsNonRoot and the restricted Pod Security Standard. " +
		"palisade follows stage inheritance: a non-root USER in a builder stage does not help a final stage that switches back to root.",
	Remediation: "Switch to an unprivileged user after the steps that need root: RUN useradd -u 10001 app, then USER 10001 as the last USER of the final stage.",
	Aliases: []finding.Alias{
		{Tool: "hadolint", ID: "DL3002"},
		{Tool: "checkov", ID: "CKV_DOCKER_8"},
	},
}

var checkFinalRoot = Check{Rule: FinalRootUser, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil {
		return
	}
	u := effectiveUser(p.File, final)
	if u.In == nil || !u.Known || !u.IsRoot() {
		return
	}
	where := ""
	if u.In.Stage != final {
		where = " (inherited from stage " + u.In.Stage.Ref() + ")"
	}
	p.Report(u.In, "the final stage %s runs as root: USER %s is its last USER%s", final.Ref(), u.Value, where)
}}
