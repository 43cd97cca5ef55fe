package checks

// RBAC escalation paths, from the escalation graph of internal/kube/rbac
// computed to a fixed point: creating pods (or pod controllers) in a
// namespace makes a subject any service account of that namespace;
// reading its token Secrets, minting tokens, exec into its pods or
// impersonating it does the same; creating pods in a namespace whose Pod
// Security admits privileged pods (or hostPath PersistentVolumes) gives
// root on a node and so the token of every pod that can run there; bind
// and escalate, CSR approval and impersonating groups lead to full
// control of the cluster. For each
// subject the strongest identity it can reach is reported with the chain
// of steps, on the first binding that names the subject. Service
// accounts whose names several namespaces share with broad rights (or
// broad rights given to every service account of a namespace) are
// reported as well: a workload of any of those namespaces holds them.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

var (
	RBACPodsToStrongerSA = rbacRule("PAL-RBAC-004", finding.High, "privilege-escalation", "Binding lets subjects run pods as more powerful service accounts",
		"Whoever can create pods, or create or update a pod controller (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob), in a namespace can run a pod as any service account of that namespace and use its token: the binding is worth the strongest service account there.",
		"Move powerful service accounts to a namespace of their own, or take pod creation away from the subjects; restrict which service accounts pods may use with an admission policy.",
		alias("kube-bench", "5.1.4"), alias("kubescape", "C-0188"), alias("trivy", "KSV048"))
	RBACEscalatesToAdmin = rbacRule("PAL-RBAC-016", finding.Critical, "privilege-escalation", "Subject can escalate to full control of the cluster",
		"Following what its rights let it do (run pods as other service accounts, read or mint their tokens, break out to a node with a privileged or hostPath pod and take the tokens of the pods there, impersonate, bind or escalate roles, approve certificates) to a fixed point, the subject reaches cluster-admin. The message gives the chain of steps. A namespace whose pod-security.kubernetes.io/enforce label is missing or privileged is taken to admit privileged pods (a cluster-wide Pod Security default or another admission policy is not visible to palisade).",
		"Break the first step of the chain: remove the right it uses from the subject, or the power from the identity it leads to.")
	RBACEscalates = rbacRule("PAL-RBAC-017", finding.High, "privilege-escalation", "Subject can escalate to a more powerful identity",
		"Following what its rights let it do to a fixed point, the subject reaches an identity with dangerous rights it does not hold itself. The message names the strongest identity reached and the chain of steps.",
		"Break the first step of the chain: remove the right it uses from the subject, or the power from the identity it leads to.")
	RBACSharedSA = rbacRule("PAL-RBAC-019", finding.Medium, "service-accounts", "Namespaces share a service account's broad rights",
		"Broad rights bound to a service account name in several namespaces, or to every service account of a namespace (system:serviceaccounts:NS) or of the cluster (system:serviceaccounts), go to every workload of those namespaces: compromising the least guarded namespace yields them.",
		"Bind broad rights to one service account in one namespace reserved for it; never to the service-account groups.")
)

func escalationChecks() []Check {
	return []Check{
		{Rule: RBACPodsToStrongerSA, Run: func(p *Pass) {
			m, g := p.RBAC()
			for _, b := range userBindings(m) {
				if bindingCaps(b)&rbac.CapCreatePods == 0 || bindingCaps(b)&rbac.CapAdmin != 0 {
					continue
				}
				var weakest *rbac.Node
				for _, s := range b.Subjects {
					n := g.Node(s)
					if n != nil && (weakest == nil || n.Power().Compare(weakest.Power()) < 0) {
						weakest = n
					}
				}
				if weakest == nil {
					continue
				}
				var stronger []*rbac.Node
				nss := []string{b.Namespace}
				if b.Cluster {
					nss = m.Namespaces
				}
				for _, ns := range nss {
					for _, name := range m.ServiceAccounts[ns] {
						n := g.Node(rbac.Subject{Kind: rbac.ServiceAccountKind, Namespace: ns, Name: name})
						if n != nil && n.Power().Compare(weakest.Power()) > 0 && !slices.Contains(b.Subjects, n.Subject) {
							stronger = append(stronger, n)
						}
					}
				}
				if len(stronger) == 0 {
					continue
				}
				slices.SortStableFunc(stronger, func(a, b *rbac.Node) int { return -a.Power().Compare(b.Power()) })
				var names []string
				for _, n := range stronger[:min(3, len(stronger))] {
					names = append(names, fmt.Sprintf("%s (%s)", n, n.Describe()))
				}
				more := ""
				if len(stronger) > 3 {
					more = fmt.Sprintf(" and %d more", len(stronger)-3)
				}
				p.reportBinding(b, "%s lets %s create pods %s, where they can run as %s%s", b.Kind(), subjectsText(b.Subjects), scopeText(b), strings.Join(names, ", "), more)
			}
		}},
		{Rule: RBACEscalatesToAdmin, Run: func(p *Pass) { reportEscalations(p, true) }},
		{Rule: RBACEscalates, Run: func(p *Pass) { reportEscalations(p, false) }},
		{Rule: RBACSharedSA, Run: func(p *Pass) {
			m, _ := p.RBAC()
			type holding struct {
				namespaces []string
				first      *rbac.Binding
				caps       rbac.Cap
			}
			byName := map[string]*holding{}
			for _, b := range userBindings(m) {
				caps := bindingCaps(b)
				if caps == 0 {
					continue
				}
				for _, s := range b.Subjects {
					switch {
					case s.Kind == rbac.GroupKind && (s.Name == rbac.AllServiceAccounts || strings.HasPrefix(s.Name, rbac.AllServiceAccounts+":")):
						who := "every service account of the cluster"
						if ns, ok := strings.CutPrefix(s.Name, rbac.AllServiceAccounts+":"); ok {
							who = "every service account of namespace " + ns
						}
						p.reportBinding(b, "%s grants %s (group %s) %s %s (%s)", b.Kind(), who, s.Name, caps, scopeText(b), b.Role.Ref())
					case s.Kind == rbac.ServiceAccountKind && s.Namespace != "" && s.Namespace != rbac.UnsetNamespace:
						h := byName[s.Name]
						if h == nil {
							h = &holding{first: b}
							byName[s.Name] = h
						}
						if !slices.Contains(h.namespaces, s.Namespace) {
							h.namespaces = append(h.namespaces, s.Namespace)
						}
						h.caps |= caps
					}
				}
			}
			for _, name := range sortedKeysOf(byName) {
				h := byName[name]
				if len(h.namespaces) < 2 {
					continue
				}
				slices.Sort(h.namespaces)
				p.reportBinding(h.first, "service account name %q holds broad rights (%s) in %d namespaces: %s; a workload of any of them holds them",
					name, h.caps, len(h.namespaces), strings.Join(h.namespaces, ", "))
			}
		}},
	}
}

// reportEscalations reports, once per subject named by a user binding,
// the strongest identity it reaches: full control (admin) or another.
func reportEscalations(p *Pass, admin bool) {
	m, _ := p.RBAC()
	seen := map[rbac.Subject]bool{}
	for _, b := range userBindings(m) {
		for _, s := range b.Subjects {
			if seen[s] || isSystemSubject(s) || (s.Kind == rbac.ServiceAccountKind && s.Namespace == "") {
				continue
			}
			seen[s] = true
			path := p.escalation(s)
			if !path.Escalates() {
				continue
			}
			toAdmin := path.Strongest.Power().Admin
			if toAdmin != admin {
				continue
			}
			if admin {
				p.reportBinding(b, "%s can reach full control of the cluster: %s", s, path.Chain())
			} else {
				p.reportBinding(b, "%s can become %s (%s): %s", s, path.Strongest, path.Strongest.Describe(), path.Chain())
			}
		}
	}
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(a, b) })
	return out
}

func rbacChecks() []Check {
	var out []Check
	out = append(out, permissionChecks()...)
	out = append(out, bindingChecks()...)
	out = append(out, escalationChecks()...)
	return out
}
