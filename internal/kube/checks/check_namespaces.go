package checks

// Namespaces: applications isolated in their own namespaces (not
// default, not the system namespaces), each with a ResourceQuota and a
// LimitRange. Which namespaces are judged: in a live cluster every
// namespace but the system ones; in manifests, the Namespace objects the
// manifests declare (a repository that creates a namespace should ship
// its quota too).

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
)

// SystemNamespaces hold Kubernetes' own components.
var SystemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease"}

// IsSystemNamespace reports whether ns is one of SystemNamespaces.
func IsSystemNamespace(ns string) bool { return slices.Contains(SystemNamespaces, ns) }

var DefaultNamespace = &finding.Rule{
	ID: "PAL-K8S-001", Control: control.Namespaces, Severity: finding.Medium, Family: "isolation",
	Title:       "Workload in the default namespace",
	Doc:         "The default namespace is shared by everything that does not choose a namespace, so RBAC, quotas, Pod Security labels and network policies cannot be scoped to the application.",
	Remediation: "Give the application its own namespace (metadata.namespace, helm --namespace, or kustomize's namespace field).",
	Aliases:     aliases(alias("kubescape", "C-0061"), alias("trivy", "KSV110"), alias("checkov", "CKV_K8S_21")),
}

var NoNamespace = &finding.Rule{
	ID: "PAL-K8S-002", Control: control.Namespaces, Severity: finding.Low, Family: "isolation",
	Title:       "Workload manifest leaves the namespace to apply time",
	Doc:         "The manifest sets no metadata.namespace (or a chart is rendered without --namespace), so the workload lands in whatever namespace the person or pipeline applying it has selected: usually default.",
	Remediation: "Set metadata.namespace, or render and apply with an explicit namespace (helm --namespace, kustomize namespace:).",
}

var SystemNamespaceWorkload = &finding.Rule{
	ID: "PAL-K8S-003", Control: control.Namespaces, Severity: finding.Medium, Family: "isolation",
	Title:       "Application workload in a system namespace",
	Doc:         "kube-system, kube-public and kube-node-lease hold Kubernetes' own components, whose service accounts are powerful and which are usually exempt from Pod Security; an application placed there shares that trust. Workloads that look like cluster components (system-*-critical priority class, images from registry.k8s.io) are not reported.",
	Remediation: "Move the application to its own namespace.",
	Aliases:     aliases(alias("trivy", "KSV037")),
}

var NoResourceQuota = &finding.Rule{
	ID: "PAL-K8S-004", Control: control.Namespaces, Severity: finding.Low, Family: "quotas",
	Title:       "Namespace without a ResourceQuota",
	Doc:         "Without a ResourceQuota a namespace can consume the whole cluster's CPU, memory, storage and object counts, starving every other team's workloads.",
	Remediation: "Create a ResourceQuota in the namespace (requests.cpu, requests.memory, limits.*, pods, services, ...).",
}

var NoLimitRange = &finding.Rule{
	ID: "PAL-K8S-005", Control: control.Namespaces, Severity: finding.Low, Family: "quotas",
	Title:       "Namespace without a LimitRange",
	Doc:         "A LimitRange gives containers default requests and limits and caps what one pod may ask for; without one, a pod that sets nothing runs unbounded (and cannot be scheduled at all once a ResourceQuota on limits exists).",
	Remediation: "Create a LimitRange with default and max container limits in the namespace.",
}

var namespaceChecks = []Check{
	{Rule: DefaultNamespace, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			if w.Namespace() == "default" && p.Snap.ImplicitNamespace != "default" {
				p.Report(w.Object, kube.Path{"metadata", "namespace"}, "%s runs in the default namespace", w.Object.Kind())
			}
		}
	}},
	{Rule: NoNamespace, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			switch {
			case w.Namespace() == "" && w.Object.Source.Kind != kube.FromCluster:
				p.Report(w.Object, kube.Path{"metadata"}, "%s sets no metadata.namespace: it lands in the namespace selected when it is applied", w.Object.Kind())
			case w.Namespace() != "" && w.Namespace() == p.Snap.ImplicitNamespace:
				p.Report(w.Object, nil, "%s was rendered without a release namespace and would land in %q: pass --namespace", w.Object.Kind(), w.Namespace())
			}
		}
	}},
	{Rule: SystemNamespaceWorkload, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			if IsSystemNamespace(w.Namespace()) && !looksLikeSystemComponent(w) {
				p.Report(w.Object, kube.Path{"metadata", "namespace"}, "%s runs in the system namespace %s", w.Object.Kind(), w.Namespace())
			}
		}
	}},
	{Rule: NoResourceQuota, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			if !p.Snap.Readable("resourcequotas", ns) {
				continue
			}
			if !hasInNamespace(p.Snap, "", "ResourceQuota", ns) {
				p.ReportNamespace(ns, "namespace %s has no ResourceQuota", ns)
			}
		}
	}},
	{Rule: NoLimitRange, Run: func(p *Pass) {
		for _, ns := range judgedNamespaces(p.Snap) {
			if !p.Snap.Readable("limitranges", ns) {
				continue
			}
			if !hasInNamespace(p.Snap, "", "LimitRange", ns) {
				p.ReportNamespace(ns, "namespace %s has no LimitRange", ns)
			}
		}
	}},
}

// judgedNamespaces are the namespaces whose own settings (quotas, Pod
// Security labels, default-deny policies) are judged: Namespace objects,
// less the system namespaces.
func judgedNamespaces(s *kube.Snapshot) []string {
	var out []string
	for _, o := range s.OfKind("", "Namespace") {
		if !IsSystemNamespace(o.Meta.Name) && o.Meta.Name != "" {
			out = append(out, o.Meta.Name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func hasInNamespace(s *kube.Snapshot, group, kind, ns string) bool {
	for _, o := range s.OfKind(group, kind) {
		if o.Namespace() == ns {
			return true
		}
	}
	return false
}

// looksLikeSystemComponent recognises Kubernetes' own add-ons.
func looksLikeSystemComponent(w kube.Workload) bool {
	switch w.Spec().PriorityClassName {
	case "system-cluster-critical", "system-node-critical":
		return true
	}
	if metav1.GetControllerOfNoCopy(&w.Object.Meta) != nil && w.Object.Meta.OwnerReferences[0].Kind == "Node" {
		return true // static pods of the control plane
	}
	system := true
	kube.Containers(w.Spec(), func(c *corev1.Container, _ kube.Path) {
		if !strings.HasPrefix(c.Image, "registry.k8s.io/") && !strings.HasPrefix(c.Image, "k8s.gcr.io/") {
			system = false
		}
	})
	return system && len(w.Spec().Containers) > 0
}

func kubeMeta(name string) metav1.ObjectMeta { return metav1.ObjectMeta{Name: name} }
