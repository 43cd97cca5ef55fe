package checks

// Identity: the API server's authentication and authorization settings,
// judged on every kube-apiserver container of the snapshot: the static
// pod manifest of a kubeadm control plane in a repository, or the mirror
// pods a live cluster shows in kube-system. The rules and the judge are
// in internal/kube/identity (shared with `palisade apiserver audit`,
// which also reads flags files and the --authentication-config file; a
// pod shows only the flags, so a structured authentication
// configuration is taken as configuring an identity provider).

import (
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/identity"
)

// apiServerContainer is one kube-apiserver container and its flags.
type apiServerContainer struct {
	w    kube.Workload
	path kube.Path
	cfg  *identity.APIServer
}

// apiServers finds the kube-apiserver containers of the snapshot.
func (p *Pass) apiServers() []apiServerContainer {
	var out []apiServerContainer
	for _, w := range p.Workloads() {
		kube.Containers(w.Spec(), func(c *corev1.Container, cp kube.Path) {
			argv := append(slices.Clone(c.Command), c.Args...)
			if !identity.IsAPIServer(argv) && !(len(c.Command) == 0 && path.Base(imageName(c.Image)) == "kube-apiserver") {
				return
			}
			if len(c.Command) == 0 {
				argv = append([]string{"kube-apiserver"}, c.Args...)
			}
			out = append(out, apiServerContainer{w: w, path: w.SpecPath().Child(cp...).Child("command"),
				cfg: identity.FromArgs(w.Object.Ref(), argv)})
		})
	}
	return out
}

// imageName strips the tag and digest of an image reference.
func imageName(ref string) string {
	ref, _, _ = strings.Cut(ref, "@")
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}

func apiServerCheck(r *finding.Rule) Check {
	return Check{Rule: r, Run: func(p *Pass) {
		for _, a := range p.apiServers() {
			for _, prob := range identity.JudgeAPIServer(a.cfg) {
				if prob.Rule == r {
					p.Report(a.w.Object, a.path, "kube-apiserver: %s", prob.Message)
				}
			}
		}
	}}
}

func identityChecks() []Check {
	var out []Check
	for _, r := range identity.APIServerRules() {
		out = append(out, apiServerCheck(r))
	}
	return append(out, identityClusterChecks()...)
}
