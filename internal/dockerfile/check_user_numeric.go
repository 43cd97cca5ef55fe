package dockerfile

// check_user_numeric: the final USER is a name, not a numeric UID.
//
// Checks the last USER of the final stage, following stage inheritance,
// after ARG/ENV expansion. Reported: a user name (USER app,
// USER nobody, USER app:app). Allowed: a numeric UID with or without a
// group (USER 10001, USER 10001:app, USER 10001:10001); root (PAL-DF-018
// reports it); values that depend on unknown variables; Windows images
// (ContainerUser), where runAsNonRoot does not apply.

import (
	"strconv"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// NonNumericUser reports a final USER given by name.
var NonNumericUser = &finding.Rule{
	ID:       "PAL-DF-020",
	Control:  control.DockerfileLint,
	Severity: finding.Low,
	Family:   "root-user",
	Title:    "USER is a name instead of a numeric UID",
	Doc: "Kubernetes can only verify runAsNonRoot when the image's user is numeric: with a name such as app, the kubelet cannot tell whether it maps to UID 0 and refuses to start the container (\"image has non-numeric user, cannot verify user is non-root\") unless runAsUser is set in the pod. " +
		"A numeric UID also does not depend on the image's /etc/passwd.",
	Remediation: "Use the numeric UID (and GID) of the user you created: USER 10001:10001.",
}

var checkNumericUser = Check{Rule: NonNumericUser, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil {
		return
	}
	u := effectiveUser(p.File, final)
	if u.In == nil || !u.Known || u.Value == "" || u.IsRoot() || stageIsWindows(p.File, final) {
		return
	}
	user := u.User()
	if _, err := strconv.ParseUint(user, 10, 32); err == nil {
		return
	}
	p.Report(u.In, "USER %s is a name: Kubernetes runAsNonRoot cannot verify it is not root; use its numeric UID (e.g. USER 10001)", u.Value)
}}
