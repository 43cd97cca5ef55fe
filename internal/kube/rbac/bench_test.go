package rbac

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
)

// synthetic builds a cluster of the size: 2,000 subjects (800
// users, 200 groups, 1,000 service accounts in 100 namespaces), 3,000
// roles (1,000 ClusterRoles, 50 of them aggregated, and 2,000 Roles)
// and 5,000 bindings (1,500 ClusterRoleBindings, 3,500 RoleBindings)
// with realistic rules, a few of them dangerous.
func synthetic() Input {
	r := rand.New(rand.NewPCG(1, 2))
	nss := make([]string, 100)
	for i := range nss {
		nss[i] = fmt.Sprintf("team-%03d", i)
	}
	var subjects []Subject
	for i := 0; i < 800; i++ {
		subjects = append(subjects, Subject{Kind: UserKind, Name: fmt.Sprintf("user-%d@example.com", i)})
	}
	for i := 0; i < 200; i++ {
		subjects = append(subjects, Subject{Kind: GroupKind, Name: fmt.Sprintf("group-%d", i)})
	}
	var sas []Subject
	for i := 0; i < 1000; i++ {
		sa := Subject{Kind: ServiceAccountKind, Namespace: nss[i%len(nss)], Name: fmt.Sprintf("sa-%d", i)}
		sas = append(sas, sa)
		subjects = append(subjects, sa)
	}
	pool := []Rule{
		{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods", "services", "endpoints", "configmaps"}},
		{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{"apps"}, Resources: []string{"deployments", "statefulsets", "daemonsets"}},
		{Verbs: []string{"create", "update", "patch", "delete"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}},
		{Verbs: []string{"get", "update"}, APIGroups: []string{"coordination.k8s.io"}, Resources: []string{"leases"}, ResourceNames: []string{"leader"}},
		{Verbs: []string{"create", "patch"}, APIGroups: []string{""}, Resources: []string{"events"}},
		{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"tls", "config"}},
		{Verbs: []string{"list", "watch"}, APIGroups: []string{""}, Resources: []string{"secrets"}},
		{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec", "pods/attach"}},
		{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"serviceaccounts/token"}, ResourceNames: []string{"sa-1"}},
		{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics", "/healthz"}},
		{Verbs: []string{"*"}, APIGroups: []string{"monitoring.coreos.com"}, Resources: []string{"*"}},
		{Verbs: []string{"get", "list"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
	}
	rare := []Rule{
		{Verbs: []string{"impersonate"}, APIGroups: []string{""}, Resources: []string{"users", "groups"}},
		{Verbs: []string{"bind", "escalate"}, APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{"clusterroles"}},
		{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}},
		{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods"}},
	}
	rules := func() []Rule {
		n := 1 + r.IntN(6)
		out := make([]Rule, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, pool[r.IntN(len(pool))])
		}
		if r.IntN(50) == 0 {
			out = append(out, rare[r.IntN(len(rare))])
		}
		return out
	}
	var in Input
	in.Namespaces = nss
	for i := 0; i < 1000; i++ {
		lbls := map[string]string{"agg": fmt.Sprint(i % 50)}
		if i < 50 {
			in.Roles = append(in.Roles, NewRole(true, "", fmt.Sprintf("cr-%d", i), nil, nil, map[string]string{"agg": fmt.Sprint(i)}))
			continue
		}
		in.Roles = append(in.Roles, NewRole(true, "", fmt.Sprintf("cr-%d", i), rules(), lbls))
	}
	for i := 0; i < 2000; i++ {
		in.Roles = append(in.Roles, NewRole(false, nss[i%len(nss)], fmt.Sprintf("r-%d", i), rules(), nil))
	}
	pick := func() []Subject {
		n := 1 + r.IntN(3)
		out := make([]Subject, n)
		for i := range out {
			out[i] = subjects[r.IntN(len(subjects))]
		}
		return out
	}
	for i := 0; i < 1500; i++ {
		role := fmt.Sprintf("cr-%d", r.IntN(1000))
		if r.IntN(200) == 0 {
			role = "cr-999"
		}
		in.Bindings = append(in.Bindings, &Binding{Cluster: true, Name: fmt.Sprintf("crb-%d", i), RoleKind: "ClusterRole", RoleName: role, Subjects: pick()})
	}
	for i := 0; i < 3500; i++ {
		ns := nss[r.IntN(len(nss))]
		b := &Binding{Namespace: ns, Name: fmt.Sprintf("rb-%d", i), Subjects: pick()}
		if r.IntN(2) == 0 {
			b.RoleKind, b.RoleName = "ClusterRole", fmt.Sprintf("cr-%d", r.IntN(1000))
		} else {
			b.RoleKind, b.RoleName = "Role", fmt.Sprintf("r-%d", r.IntN(2000))
		}
		in.Bindings = append(in.Bindings, b)
	}
	in.Workloads = sas[:600]
	in.TokenSecrets = map[Subject][]string{}
	for _, sa := range sas[:100] {
		in.TokenSecrets[sa] = []string{sa.Name + "-token"}
	}
	return in
}

// BenchmarkRBAC measures the figure: effective permissions of
// every subject and escalation paths of every subject, from the raw
// roles and bindings.
func BenchmarkRBAC(b *testing.B) {
	b.ReportAllocs()
	var escalating int
	for b.Loop() {
		in := synthetic()
		m := Build(in)
		grants := 0
		for _, s := range subjectsOf(in) {
			grants += len(m.Permissions(IdentityOf(s)))
		}
		escalating = 0
		for _, p := range m.NewGraph().ExploreAll() {
			if p.Escalates() {
				escalating++
			}
		}
		if grants == 0 {
			b.Fatal("no grants")
		}
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	}
	b.ReportMetric(float64(escalating), "escalating-subjects")
}

func subjectsOf(in Input) []Subject {
	seen := map[Subject]bool{}
	var out []Subject
	for _, b := range in.Bindings {
		for _, s := range b.Subjects {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}
