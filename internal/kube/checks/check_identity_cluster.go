package checks

// Identity and access in the cluster, read from the RBAC model: who
// holds power equal to system:masters through roles other than
// cluster-admin, bindings that name users one by one instead of the
// groups of a central identity provider, and service accounts granted
// rights in namespaces other than their own.

import (
	"slices"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

func idRule(id string, sev finding.Severity, family, title, doc, fix string, al ...[]finding.Alias) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.Identity, Severity: sev, Family: family, Title: title, Doc: doc, Remediation: fix, Aliases: aliases(al...)}
}

var (
	IDMastersEquivalent = idRule("PAL-ID-040", finding.High, "cluster-identities", "Subject holds cluster-admin-equivalent rights through another role",
		"The subject's effective rules (all its bindings together, aggregation resolved) amount to all verbs on all resources cluster-wide, like system:masters, though no binding names cluster-admin: such power is easy to miss in reviews.",
		"Replace the role with one that lists what the subject needs; keep full control for a break-glass group bound to cluster-admin.",
		alias("kube-bench", "5.1.7"))
	IDDirectUser = idRule("PAL-ID-041", finding.Low, "central-identity", "Binding grants rights to an individual user",
		"Kubernetes has no user objects: a binding to a user name keeps that person's rights in the cluster's RBAC, where leaving the company or changing teams does not remove them. Rights given to groups of a central identity provider (OIDC, SSO) follow the directory.",
		"Bind roles to identity-provider groups, and manage membership in the directory.")
	IDCrossNamespaceSA = idRule("PAL-ID-042", finding.Medium, "service-accounts", "Service account granted rights in another namespace",
		"A RoleBinding that names a service account of another namespace lets the workloads of that namespace act here: the namespaces are no longer isolated, and whoever controls the other namespace's pods controls this one.",
		"Run the workload in the namespace it acts on, or give it a service account of that namespace.")
)

func identityClusterChecks() []Check {
	return []Check{
		{Rule: IDMastersEquivalent, Run: func(p *Pass) {
			m, g := p.RBAC()
			seen := map[rbac.Subject]bool{}
			for _, b := range userBindings(m) {
				for _, s := range b.Subjects {
					if seen[s] || isSystemSubject(s) {
						continue
					}
					seen[s] = true
					n := g.Node(s)
					if n == nil || !n.Power().Admin {
						continue
					}
					viaClusterAdmin := false
					for _, x := range m.BindingsOf(rbac.IdentityOf(s)) {
						if x.Cluster && x.RoleKind == "ClusterRole" && x.RoleName == "cluster-admin" {
							viaClusterAdmin = true
						}
					}
					if viaClusterAdmin || slices.Contains(rbac.IdentityOf(s).Groups, rbac.Masters) {
						continue
					}
					p.reportBinding(b, "%s holds all verbs on all resources cluster-wide, equal to system:masters, without a cluster-admin binding", s)
				}
			}
		}},
		{Rule: IDDirectUser, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if b.Role == nil {
					continue
				}
				var users []rbac.Subject
				for _, s := range b.Subjects {
					if s.Kind == rbac.UserKind && !isSystemSubject(s) && s.Name != rbac.Anonymous {
						if _, _, isSA := rbac.ParseServiceAccountUser(s.Name); !isSA {
							users = append(users, s)
						}
					}
				}
				if len(users) > 0 {
					p.reportBinding(b, "%s grants %s to %s directly, not through a group", b.Kind(), b.Role.Ref(), subjectsText(users))
				}
			}
		}},
		{Rule: IDCrossNamespaceSA, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				if b.Cluster || b.Role == nil || b.Namespace == rbac.UnsetNamespace || isAuthReader(b) {
					continue
				}
				for _, s := range sortedSubjects(b.Subjects) {
					if s.Kind == rbac.ServiceAccountKind && s.Namespace != "" && s.Namespace != b.Namespace {
						p.reportBinding(b, "RoleBinding in namespace %s grants %s (of namespace %s) the rules of %s", b.Namespace, s, s.Namespace, b.Role.Ref())
					}
				}
			}
		}},
	}
}

// isAuthReader reports the binding every extension API server needs (and
// Kubernetes documents): its service account reads the public client CA
// configmap of kube-system through the default Role made for it.
func isAuthReader(b *rbac.Binding) bool {
	return b.Namespace == "kube-system" && b.RoleKind == "Role" && b.Role.Bootstrap && b.Role.Name == "extension-apiserver-authentication-reader"
}
