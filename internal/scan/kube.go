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
	out := KubeResults(res)
	if err != nil {
		out = append(out, Result{Err: &report.Error{Target: root, Message: err.Error()}})
	}
	return out
}

// KubeResults turns a Kubernetes audit (of manifests or of a cluster)
// into results: its targets, findings, errors and summaries.
func KubeResults(r audit.Result) []Result {
	var out []Result
	for i, t := range r.Targets {
		res := Result{Target: t}
		if i == 0 {
			res.Findings = r.Findings
		}
		out = append(out, res)
	}
	if len(r.Targets) == 0 && len(r.Findings) > 0 {
		out = append(out, Result{Target: report.Target{Name: "kubernetes", Kind: audit.KindManifest, Controls: audit.Controls}, Findings: r.Findings})
	}
	for i := range r.Errors {
		out = append(out, Result{Err: &r.Errors[i]})
	}
	for _, sum := range r.Summaries {
		rs := sum.Report()
		out = append(out, Result{Summary: &rs})
	}
	return out
}
