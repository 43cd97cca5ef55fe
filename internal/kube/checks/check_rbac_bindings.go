package checks

// RBAC bindings and roles: wildcards in role rules, cluster-admin
// bindings, bindings to anonymous or all authenticated users, rights
// given to default service accounts, and bindings to roles that do not
// exist.

import (
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

var (
	RBACWildcard = rbacRule("PAL-RBAC-012", finding.Medium, "least-privilege", "Role rule uses a wildcard verb or resource",
		"A \"*\" in verbs or resources grants every verb (escalate, bind and impersonate included) or every resource (Secrets, and resources added later by CRDs or new Kubernetes versions): the role's reach grows without anyone editing it.",
		"List the verbs and resources the role needs explicitly.",
		alias("kube-bench", "5.1.3"), alias("kubescape", "C-0187"), alias("trivy", "KSV044", "KSV045", "KSV046"))
	RBACClusterAdmin = rbacRule("PAL-RBAC-013", finding.High, "least-privilege", "Binding grants all verbs on all resources",
		"A binding to cluster-admin (or any role with all verbs on all resources) gives its subjects full control: cluster-wide for a ClusterRoleBinding, of the whole namespace (its Secrets, pods and RBAC) for a RoleBinding.",
		"Bind a role with only the rights needed; keep cluster-admin for break-glass access through a group.",
		alias("kube-bench", "5.1.1"), alias("kubescape", "C-0035", "C-0185"), alias("trivy", "KSV111"))
	RBACPublicSubject = rbacRule("PAL-RBAC-014", finding.Critical, "public-access", "Binding grants rights to anonymous or all authenticated users",
		"A binding to system:anonymous or system:unauthenticated gives its rights to anyone who can reach the API server; one to system:authenticated to every identity the cluster accepts (with some identity providers, anyone with an account at the provider). The API server's own default bindings are not reported.",
		"Bind the role to the groups that need it instead.",
		alias("kubescape", "C-0262", "C-0265"))
	RBACDefaultSA = rbacRule("PAL-RBAC-015", finding.Medium, "service-accounts", "Binding grants rights to a default service account",
		"Every pod that names no service account runs as its namespace's default service account, so rights given to it go to every such pod, present and future.",
		"Create a dedicated service account for the workload that needs the rights, bind the role to it, and set serviceAccountName.",
		alias("kube-bench", "5.1.5"), alias("kubescape", "C-0189"))
	RBACMissingRole = rbacRule("PAL-RBAC-018", finding.Low, "hygiene", "Binding refers to a role that does not exist",
		"A binding to a missing role grants nothing today, but whoever creates a role of that name later grants its rules to the binding's subjects without touching the binding.",
		"Delete the binding, or create the role it refers to. Roles installed separately (by another chart or an operator) are reported when the snapshot does not hold them.")
)

func bindingChecks() []Check {
	return []Check{
		{Rule: RBACWildcard, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, r := range m.Roles {
				if r.Bootstrap || r.Object == nil || r.Aggregated {
					continue
				}
				for i, rule := range r.Rules {
					if slices.Contains(rule.Verbs, "*") || slices.Contains(rule.Resources, "*") {
						p.Report(r.Object, kube.Path{}.Index("rules", i), "%s rule %d uses a wildcard: %s", r.Ref(), i+1, rule)
					}
				}
			}
		}},
		{Rule: RBACClusterAdmin, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if bindingCaps(b)&rbac.CapAdmin == 0 || len(b.Subjects) == 0 {
					continue
				}
				what := "full control of the cluster"
				if !b.Cluster {
					what = "full control of namespace " + b.Namespace
				}
				p.reportBinding(b, "%s grants %s %s (%s)", b.Kind(), subjectsText(b.Subjects), what, b.Role.Ref())
			}
		}},
		{Rule: RBACPublicSubject, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if b.Role == nil {
					continue
				}
				for _, s := range b.Subjects {
					public := (s.Kind == rbac.UserKind && s.Name == rbac.Anonymous) ||
						(s.Kind == rbac.GroupKind && (s.Name == rbac.Unauthenticated || s.Name == rbac.Authenticated))
					if public {
						p.reportBinding(b, "%s grants %s the rules of %s %s (%d rule(s))", b.Kind(), s, b.Role.Ref(), scopeText(b), len(b.Role.Rules))
					}
				}
			}
		}},
		{Rule: RBACDefaultSA, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if b.Role == nil || len(b.Role.Rules) == 0 {
					continue
				}
				for _, s := range b.Subjects {
					if s.Kind == rbac.ServiceAccountKind && s.Name == "default" {
						p.reportBinding(b, "%s grants %s the rules of %s %s: every pod of namespace %s without a serviceAccountName gets them", b.Kind(), s, b.Role.Ref(), scopeText(b), s.Namespace)
					}
				}
			}
		}},
		{Rule: RBACMissingRole, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if b.Role != nil || b.Kind() == "" {
					continue
				}
				// Bootstrap roles exist in every cluster even when a
				// manifest set does not carry them.
				if b.RoleKind == "ClusterRole" && isDefaultClusterRole(b.RoleName) ||
					b.RoleKind == "Role" && b.Namespace == "kube-system" && isDefaultKubeSystemRole(b.RoleName) {
					continue
				}
				ns := ""
				if b.RoleKind == "Role" {
					ns = " in namespace " + b.Namespace
				}
				p.Report(b.Object, kube.Path{"roleRef"}, "%s refers to %s %s%s, which does not exist", b.Kind(), b.RoleKind, b.RoleName, ns)
			}
		}},
	}
}

// isDefaultClusterRole reports whether a ClusterRole is part of the API
// server's default policy (present in every cluster): cluster-admin,
// admin, edit, view and the system: roles.
func isDefaultClusterRole(name string) bool {
	switch name {
	case "cluster-admin", "admin", "edit", "view":
		return true
	}
	return len(name) > 7 && name[:7] == "system:"
}

// isDefaultKubeSystemRole reports whether a Role of kube-system is part
// of the API server's default policy.
func isDefaultKubeSystemRole(name string) bool {
	return name == "extension-apiserver-authentication-reader" || strings.HasPrefix(name, "system:") || strings.HasPrefix(name, "system::")
}
