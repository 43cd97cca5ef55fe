package checks

// RBAC: the effective-permission model and the escalation graph of
// internal/kube/rbac, built once per pass and shared by the RBAC and
// identity rules. Bindings of the API server's own default policy
// (label kubernetes.io/bootstrapping=rbac-defaults) are part of the
// model but are not reported: they are Kubernetes' design, not the
// user's choice.

import (
	"slices"
	"strconv"
	"strings"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

type rbacShared struct {
	model *rbac.Model
	graph *rbac.Graph
	paths map[rbac.Subject]*rbac.Path
}

// RBAC returns the snapshot's RBAC model and escalation graph, computed
// on first use.
func (p *Pass) RBAC() (*rbac.Model, *rbac.Graph) {
	sh := p.rbacShared()
	return sh.model, sh.graph
}

func (p *Pass) rbacShared() *rbacShared {
	p.shared.rbacOnce.Do(func() {
		m := rbac.FromSnapshot(p.Snap)
		p.shared.rbac = &rbacShared{model: m, graph: m.NewGraph(), paths: map[rbac.Subject]*rbac.Path{}}
	})
	return p.shared.rbac
}

// escalation returns the explored path of a subject, cached.
func (p *Pass) escalation(s rbac.Subject) *rbac.Path {
	sh := p.rbacShared()
	if path, ok := sh.paths[s]; ok {
		return path
	}
	path := sh.graph.Explore(s)
	sh.paths[s] = path
	return path
}

// userBindings are the bindings a user of palisade chose: every binding
// with a role, except the API server's default policy.
func userBindings(m *rbac.Model) []*rbac.Binding {
	var out []*rbac.Binding
	for _, b := range m.Bindings {
		if !b.Bootstrap && b.Object != nil {
			out = append(out, b)
		}
	}
	return out
}

// scopeText renders a binding's scope: "in namespace ci" or
// "cluster-wide".
func scopeText(b *rbac.Binding) string {
	if b.Cluster {
		return "cluster-wide"
	}
	return "in namespace " + b.Namespace
}

// subjectsText lists a binding's subjects: "group devs, sa ci/x".
func subjectsText(ss []rbac.Subject) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		parts = append(parts, s.String())
	}
	if len(parts) > 4 {
		parts = append(parts[:4], "and "+strconv.Itoa(len(ss)-4)+" more")
	}
	return strings.Join(parts, ", ")
}

// bindingCaps are the dangerous capabilities a binding gives, masked to
// what a RoleBinding can reach.
func bindingCaps(b *rbac.Binding) rbac.Cap {
	if b.Role == nil {
		return 0
	}
	return rbac.Capabilities{b.Scope(): b.Role.Caps()}.Masked()[b.Scope()]
}

// rulesGiving lists the rules of a role that give a capability, for
// evidence: "list,watch secrets".
func rulesGiving(r *rbac.Role, c rbac.Cap) string {
	var out []string
	for i := range r.Rules {
		if rbac.RuleCaps(&r.Rules[i])&c != 0 {
			out = append(out, r.Rules[i].String())
		}
	}
	return strings.Join(out, "; ")
}

// namedRules lists the rules of a role that name objects (resourceNames)
// and match a filter.
func namedRules(r *rbac.Role, match func(rule *rbac.Rule) bool) []string {
	var out []string
	for i := range r.Rules {
		if len(r.Rules[i].ResourceNames) > 0 && match(&r.Rules[i]) {
			out = append(out, r.Rules[i].String())
		}
	}
	return out
}

// reportBinding records a finding on a binding's subjects.
func (p *Pass) reportBinding(b *rbac.Binding, format string, a ...any) {
	p.Report(b.Object, kube.Path{"subjects"}, format, a...)
}

// isSystemSubject reports whether a subject is one of Kubernetes' own
// identities (system:kube-scheduler, system:nodes, ...), as opposed to
// the implicit groups every user is in.
func isSystemSubject(s rbac.Subject) bool {
	if s.Kind == rbac.ServiceAccountKind {
		return false
	}
	switch s.Name {
	case rbac.Authenticated, rbac.Unauthenticated, rbac.Anonymous, rbac.AllServiceAccounts:
		return false
	}
	return strings.HasPrefix(s.Name, "system:") && !strings.HasPrefix(s.Name, "system:serviceaccounts:")
}

func sortedSubjects(ss []rbac.Subject) []rbac.Subject {
	out := slices.Clone(ss)
	slices.SortFunc(out, func(a, b rbac.Subject) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(out)
}
