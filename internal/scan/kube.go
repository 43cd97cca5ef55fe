package scan

import (
	"github.com/palisade-sec/palisade/internal/kube/audit"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/report"
)

// Kubernetes judges the manifests, Helm charts and Kustomize directories
// under root with the workload checks (namespaces, network policies, pod
// security, secrets, image references).
func Kubernetes(root string, opts *Options) []Result {
	res, err := audit.Path(root, audit.Options{Checks: checks.Options{Images: opts.Policy.Config().Images, Enabled: opts.Policy.Enabled}})
	var out []Result
	for _, t := range res.Targets {
		out = append(out, Result{Target: t})
	}
	if len(out) > 0 {
		out[0].Findings = res.Findings
	}
	for i := range res.Errors {
		out = append(out, Result{Err: &res.Errors[i]})
	}
	if err != nil {
		out = append(out, Result{Err: &report.Error{Target: root, Message: err.Error()}})
	}
	return out
}
