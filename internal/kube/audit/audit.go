// Package audit runs the Kubernetes checks over what the loaders read
// (a directory of manifests, charts and kustomizations, or a live
// cluster) and turns the result into report parts: targets with the
// controls they were judged on, findings, and errors for everything that
// could not be read or judged (never skipped silently).
package audit

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kube/netpol"
	"github.com/palisade-sec/palisade/internal/report"
)

// Target kinds in reports.
const (
	KindManifest      = "kubernetes-manifest"
	KindChart         = "helm-chart"
	KindKustomization = "kustomization"
	KindCluster       = "kubernetes-cluster"
)

// Controls are the controls the Kubernetes checks implement.
var Controls = []control.ID{control.Namespaces, control.NetworkPolicies, control.PodSecurity, control.Secrets, control.ImageProvenance, control.RBAC, control.Identity, control.Upgrades}

// Options configure an audit.
type Options struct {
	Checks checks.Options
	Load   load.Options
	// CheckList overrides checks.Checks() (tests).
	CheckList []checks.Check
}

// Result is an audit's contribution to a report.
type Result struct {
	Targets  []report.Target
	Findings []finding.Finding
	Errors   []report.Error
	// Summaries describe each snapshot: workloads, Pod Security levels,
	// secret delivery, network plugins, what was not read.
	Summaries []Summary
}

// Summary is what a snapshot held and how its workloads fared.
type Summary struct {
	Name      string          `json:"name"`
	Kind      kube.SourceKind `json:"kind"`
	Objects   int             `json:"objects"`
	Workloads int             `json:"workloads"`
	// PodSecurity counts workloads by the highest level they meet.
	PodSecurity map[string]int `json:"podSecurity"`
	// PSSVersion is the version they were judged at.
	PSSVersion string `json:"pssVersion"`
	// SecretDelivery counts workloads by class (late-bound, stored in
	// etcd, none).
	SecretDelivery map[string]int    `json:"secretDelivery"`
	CNI            []netpol.CNI      `json:"cni,omitempty"`
	Cluster        *kube.ClusterInfo `json:"cluster,omitempty"`
	Gaps           []kube.Gap        `json:"notAssessed,omitempty"`
}

// Path audits every manifest, chart and kustomization under root.
func Path(root string, opts Options) (Result, error) {
	snaps, err := load.Path(root, opts.Load)
	var res Result
	for _, s := range snaps {
		res.add(Snapshot(s, opts))
	}
	return res, err
}

// Cluster audits a live cluster.
func Cluster(ctx context.Context, co load.ClusterOptions, opts Options) (Result, error) {
	s, err := load.Cluster(ctx, co)
	if err != nil {
		return Result{}, err
	}
	return Snapshot(s, opts), nil
}

func (r *Result) add(o Result) {
	r.Targets = append(r.Targets, o.Targets...)
	r.Findings = append(r.Findings, o.Findings...)
	r.Errors = append(r.Errors, o.Errors...)
	r.Summaries = append(r.Summaries, o.Summaries...)
}

// Snapshot runs the checks over one snapshot.
func Snapshot(s *kube.Snapshot, opts Options) Result {
	list := opts.CheckList
	if list == nil {
		list = checks.Checks()
	}
	var res Result
	res.Findings = checks.Run(s, list, opts.Checks)
	res.Targets = targets(s)
	for _, e := range s.Errors {
		t := e.Source.File
		if t == "" {
			t = e.Source.Root
		}
		msg := e.Message
		if e.Source.Line > 0 {
			msg = fmt.Sprintf("line %d: %s", e.Source.Line, msg)
		}
		res.Errors = append(res.Errors, report.Error{Target: t, Message: msg})
	}
	for _, o := range s.Objects {
		if o.Invalid != "" {
			where := o.Ref()
			if o.Source.File != "" {
				where = o.Source.File + ": " + where
			}
			res.Errors = append(res.Errors, report.Error{Target: where,
				Message: "the API server would refuse this object (" + o.Invalid + "); it was judged as far as it could be decoded"})
		}
	}
	for _, g := range gapsToReport(s) {
		res.Errors = append(res.Errors, g)
	}
	res.Summaries = []Summary{summarize(s, opts)}
	return res
}

// targets lists what a snapshot judged: each manifest file, the chart,
// the kustomization, or the cluster with the controls it could assess.
func targets(s *kube.Snapshot) []report.Target {
	switch s.Kind {
	case kube.FromHelm:
		return []report.Target{{Name: s.Name, Kind: KindChart, Controls: slices.Clone(Controls)}}
	case kube.FromKustomize:
		return []report.Target{{Name: s.Name, Kind: KindKustomization, Controls: slices.Clone(Controls)}}
	case kube.FromCluster:
		return []report.Target{{Name: s.Name, Kind: KindCluster, Controls: assessedControls(s)}}
	}
	seen := map[string]bool{}
	var out []report.Target
	for _, o := range s.Objects {
		f := o.Source.File
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		out = append(out, report.Target{Name: f, Kind: KindManifest, Controls: slices.Clone(Controls)})
	}
	return out
}

// controlResources lists, per control, the resources it needs; a control
// is assessed on a cluster when at least one of them was read somewhere.
var controlResources = map[control.ID][]string{
	control.Namespaces:      {"namespaces"},
	control.NetworkPolicies: {"networkpolicies.networking.k8s.io"},
	control.PodSecurity:     {"pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps"},
	control.Secrets:         {"secrets", "configmaps", "pods", "deployments.apps"},
	control.ImageProvenance: {"pods", "deployments.apps", "daemonsets.apps", "statefulsets.apps"},
	control.RBAC:            {"roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io"},
	control.Identity:        {"clusterrolebindings.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io"},
	control.Upgrades:        {"nodes", "deployments.apps", "pods"},
}

// resourceControls maps a resource to the controls that lose coverage
// when it cannot be read.
var resourceControls = map[string][]control.ID{
	"namespaces":                             {control.Namespaces, control.PodSecurity, control.NetworkPolicies},
	"resourcequotas":                         {control.Namespaces},
	"limitranges":                            {control.Namespaces, control.PodSecurity},
	"networkpolicies.networking.k8s.io":      {control.NetworkPolicies},
	"secrets":                                {control.Secrets},
	"configmaps":                             {control.Secrets},
	"serviceaccounts":                        {control.PodSecurity},
	"nodes":                                  {control.NetworkPolicies},
	"roles.rbac.authorization.k8s.io":        {control.RBAC},
	"rolebindings.rbac.authorization.k8s.io": {control.RBAC},
	"clusterroles.rbac.authorization.k8s.io": {control.RBAC},
	"clusterrolebindings.rbac.authorization.k8s.io": {control.RBAC},
}

func controlsOf(groupResource string) []control.ID {
	if cs, ok := resourceControls[groupResource]; ok {
		return cs
	}
	// Workload resources feed every workload control.
	return []control.ID{control.Namespaces, control.NetworkPolicies, control.PodSecurity, control.Secrets, control.ImageProvenance}
}

func assessedControls(s *kube.Snapshot) []control.ID {
	var out []control.ID
	for _, c := range Controls {
		for _, r := range controlResources[c] {
			if cov, ok := s.Coverage[r]; ok && (cov.All || len(cov.Namespaces) > 0) {
				out = append(out, c)
				break
			}
		}
	}
	if out == nil {
		out = []control.ID{}
	}
	return out
}

// gapsToReport turns what a cluster did not let us read into report
// errors that name the controls left unassessed there.
func gapsToReport(s *kube.Snapshot) []report.Error {
	var out []report.Error
	for _, g := range s.Gaps {
		if g.Resource == load.MetricsPath {
			out = append(out, report.Error{Target: s.Name, Message: fmt.Sprintf("not assessed: deprecated APIs clients still call: cannot get %s (needs get on that non-resource URL): %s; affects %s",
				g.Resource, g.Reason, control.Upgrades)})
			continue
		}
		where := "in all namespaces"
		if g.Namespace != "" {
			where = "in namespace " + g.Namespace
		}
		cov := s.Coverage[g.GroupResource()]
		partial := ""
		if g.Namespace == "" && len(cov.Namespaces) > 0 {
			partial = fmt.Sprintf(" (read in %d namespace(s) instead: %s)", len(cov.Namespaces), strings.Join(firstN(cov.Namespaces, 5), ", "))
		}
		var cs []string
		for _, c := range controlsOf(g.GroupResource()) {
			cs = append(cs, string(c))
		}
		out = append(out, report.Error{Target: s.Name, Message: fmt.Sprintf("not assessed: cannot list %s %s: %s%s; affects %s",
			g.GroupResource(), where, g.Reason, partial, strings.Join(cs, ", "))})
	}
	return out
}

func firstN(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clone(s[:n]), fmt.Sprintf("and %d more", len(s)-n))
}

func summarize(s *kube.Snapshot, opts Options) Summary {
	ws := s.Workloads()
	sum := Summary{Name: s.Name, Kind: s.Kind, Objects: len(s.Objects), Workloads: len(ws),
		PodSecurity: map[string]int{}, SecretDelivery: map[string]int{}, Cluster: s.Cluster, Gaps: s.Gaps}
	v := opts.Checks.PSSVersion
	if v == (api.Version{}) {
		v = api.LatestVersion()
	}
	sum.PSSVersion = v.String()
	for _, w := range ws {
		level := api.LevelRestricted
		if b, _ := checks.EvaluatePod(api.LevelVersion{Level: api.LevelBaseline, Version: v}, w.Template); len(b) > 0 {
			level = api.LevelPrivileged
		} else if r, _ := checks.EvaluatePod(api.LevelVersion{Level: api.LevelRestricted, Version: v}, w.Template); len(r) > 0 {
			level = api.LevelBaseline
		}
		sum.PodSecurity[string(level)]++
	}
	for _, d := range checks.ClassifySecrets(s, ws) {
		sum.SecretDelivery[string(d.Class)]++
	}
	sum.CNI = netpol.DetectCNI(s)
	return sum
}

// Report turns the summary into the report's generic form: workloads by
// Pod Security level and by secret delivery, and the network plugins and
// cluster version as facts.
func (s Summary) Report() report.Summary {
	r := report.Summary{Target: s.Name, Counts: map[string]map[string]int{}, Facts: map[string]string{}}
	if s.Workloads > 0 {
		r.Counts["podSecurity"] = s.PodSecurity
		r.Counts["secretDelivery"] = s.SecretDelivery
		r.Facts["pssVersion"] = s.PSSVersion
	}
	r.Facts["objects"] = strconv.Itoa(s.Objects)
	r.Facts["workloads"] = strconv.Itoa(s.Workloads)
	var cnis []string
	for _, c := range s.CNI {
		cnis = append(cnis, fmt.Sprintf("%s (%s NetworkPolicy)", c.Name, c.Enforcement))
	}
	if len(cnis) > 0 {
		r.Facts["cni"] = strings.Join(cnis, ", ")
	}
	if s.Cluster != nil && s.Cluster.Version != "" {
		r.Facts["kubernetesVersion"] = s.Cluster.Version
	}
	if len(s.Gaps) > 0 {
		r.Facts["notAssessed"] = fmt.Sprintf("%d resource list(s) refused", len(s.Gaps))
	}
	if len(r.Counts) == 0 {
		r.Counts = nil
	}
	return r
}
