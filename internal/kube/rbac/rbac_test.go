package rbac

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/kube/load"
)

func TestRuleAllows(t *testing.T) {
	tests := []struct {
		name string
		rule Rule
		req  Request
		want bool
	}{
		{"exact", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, true},
		{"other verb", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "list", Resource: "pods"}, false},
		{"other group", Rule{Verbs: []string{"get"}, APIGroups: []string{"apps"}, Resources: []string{"pods"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"wildcards", Rule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}, Request{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles"}, true},
		{"resource does not cover subresource", Rule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"subresource", Rule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"star slash subresource", Rule{Verbs: []string{"get"}, APIGroups: []string{"*"}, Resources: []string{"*/scale"}}, Request{Verb: "get", Group: "apps", Resource: "deployments", Subresource: "scale"}, true},
		{"resource slash star is literal", Rule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/*"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, false},
		{"star covers subresources", Rule{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"*"}}, Request{Verb: "create", Resource: "pods", Subresource: "exec"}, true},
		{"name listed", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a"}}, Request{Verb: "get", Resource: "secrets", Name: "a"}, true},
		{"name not listed", Rule{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a"}}, Request{Verb: "get", Resource: "secrets", Name: "b"}, false},
		{"names never allow list", Rule{Verbs: []string{"list"}, APIGroups: []string{""}, Resources: []string{"secrets"}, ResourceNames: []string{"a"}}, Request{Verb: "list", Resource: "secrets"}, false},
		{"url exact", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}, Request{Verb: "get", Path: "/metrics"}, true},
		{"url prefix", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/api/*"}}, Request{Verb: "get", Path: "/api/v1"}, true},
		{"url star", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"*"}}, Request{Verb: "get", Path: "/healthz"}, true},
		{"url not resource", Rule{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}, Request{Verb: "get", Resource: "pods"}, false},
		{"resource rule not url", Rule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}, Request{Verb: "get", Path: "/metrics"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rule.Allows(&tt.req); got != tt.want {
				t.Errorf("%s allows %s = %v, want %v", tt.rule, tt.req, got, tt.want)
			}
		})
	}
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		in   string
		want Subject
		ok   bool
	}{
		{"alice", Subject{Kind: UserKind, Name: "alice"}, true},
		{"user:alice", Subject{Kind: UserKind, Name: "alice"}, true},
		{"group:devs", Subject{Kind: GroupKind, Name: "devs"}, true},
		{"sa:ci/deployer", Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"}, true},
		{"serviceaccount:ci:deployer", Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"}, true},
		{"system:serviceaccount:ci:deployer", Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"}, true},
		{"system:kube-scheduler", Subject{Kind: UserKind, Name: "system:kube-scheduler"}, true},
		{"sa:deployer", Subject{}, false},
		{"", Subject{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseSubject(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseSubject(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseRequest(t *testing.T) {
	tests := []struct {
		verb, res, ns string
		want          Request
		err           bool
	}{
		{"create", "pods", "ci", Request{Verb: "create", Resource: "pods", Namespace: "ci"}, false},
		{"create", "deployments", "", Request{Verb: "create", Group: "apps", Resource: "deployments"}, false},
		{"get", "ingresses", "", Request{Verb: "get", Group: "networking.k8s.io", Resource: "ingresses"}, false},
		{"get", "events", "", Request{Verb: "get", Resource: "events"}, false},
		{"create", "pods/exec", "x", Request{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "x"}, false},
		{"patch", "deployments.apps/scale", "", Request{Verb: "patch", Group: "apps", Resource: "deployments", Subresource: "scale"}, false},
		{"get", "/metrics", "", Request{Verb: "get", Path: "/metrics"}, false},
		{"get", "/metrics", "x", Request{}, true},
		{"", "pods", "", Request{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRequest(tt.verb, tt.res, tt.ns, "")
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseRequest(%q, %q, %q) = %+v, %v; want %+v", tt.verb, tt.res, tt.ns, got, err, tt.want)
		}
	}
}

const fixture = `
apiVersion: v1
kind: Namespace
metadata: {name: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules:
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
- {nonResourceURLs: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: deployer-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: ci}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-maker, namespace: ci}
rules:
- {apiGroups: [""], resources: ["pods"], verbs: ["create", "get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-pods, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-maker}
subjects:
- {kind: User, name: dev, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: builder}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules:
- {apiGroups: [""], resources: ["services", "endpoints", "pods"], verbs: ["get", "list", "watch"]}
- {nonResourceURLs: ["/metrics"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: monitors, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects:
- {kind: Group, name: monitors, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sa-read-secret}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: one-secret}
subjects:
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: one-secret}
rules:
- {apiGroups: [""], resources: ["secrets"], resourceNames: ["ci-config"], verbs: ["get"]}
`

func fixtureModel(t *testing.T) *Model {
	t.Helper()
	s := load.Bytes("fixture", []byte(fixture))
	if len(s.Errors) > 0 {
		t.Fatalf("fixture: %v", s.Errors)
	}
	return FromSnapshot(s)
}

func TestAuthorize(t *testing.T) {
	m := fixtureModel(t)
	dev := IdentityOf(Subject{Kind: UserKind, Name: "dev"})
	builder := IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "builder"})
	monitor := Identity{User: "mona", Groups: []string{"monitors", Authenticated}}
	tests := []struct {
		name string
		id   Identity
		req  Request
		want bool
	}{
		{"dev creates pods in ci", dev, Request{Verb: "create", Resource: "pods", Namespace: "ci"}, true},
		{"dev not elsewhere", dev, Request{Verb: "create", Resource: "pods", Namespace: "prod"}, false},
		{"dev not cluster-wide", dev, Request{Verb: "create", Resource: "pods"}, false},
		{"sa without namespace in a RoleBinding is the binding's", builder, Request{Verb: "get", Resource: "pods", Namespace: "ci"}, true},
		{"aggregated rules", monitor, Request{Verb: "list", Resource: "endpoints", Namespace: "ci"}, true},
		{"aggregated rules stop at the namespace", monitor, Request{Verb: "list", Resource: "endpoints", Namespace: "prod"}, false},
		{"url rules of a RoleBinding never apply", monitor, Request{Verb: "get", Path: "/metrics"}, false},
		{"implicit namespace group, named secret", builder, Request{Verb: "get", Resource: "secrets", Name: "ci-config", Namespace: "ci"}, true},
		{"implicit group, other secret", builder, Request{Verb: "get", Resource: "secrets", Name: "db", Namespace: "ci"}, false},
		{"masters", Identity{User: "root", Groups: []string{Masters}}, Request{Verb: "delete", Resource: "nodes"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := m.Authorize(tt.id, tt.req)
			if d.Allowed != tt.want {
				t.Errorf("Authorize(%v, %s) = %v (%s), want %v", tt.id, tt.req, d.Allowed, d.Reason, tt.want)
			}
		})
	}
	if r := m.Role(true, "", "monitoring"); r == nil || len(r.Rules) != 2 || !slices.Equal(r.AggregatedFrom, []string{"monitoring-endpoints"}) {
		t.Errorf("aggregated role = %+v", r)
	}
}

func TestWhoCan(t *testing.T) {
	m := fixtureModel(t)
	got := m.WhoCan(Request{Verb: "create", Resource: "pods", Namespace: "ci"})
	var names []string
	for _, h := range got {
		names = append(names, h.Subject.String())
	}
	want := []string{"group system:masters", "user dev", "sa ci/builder", "sa ci/deployer"}
	if !slices.Equal(names, want) {
		t.Errorf("who can create pods in ci = %v, want %v", names, want)
	}
}

func TestEscalation(t *testing.T) {
	m := fixtureModel(t)
	g := m.NewGraph()
	p := g.Explore(Subject{Kind: UserKind, Name: "dev"})
	if !p.Escalates() {
		t.Fatalf("dev does not escalate: %+v", p)
	}
	want := "user dev -> create pods in ci -> sa ci/deployer -> clusterrolebinding deployer-admin -> cluster-admin"
	if got := p.Chain(); got != want {
		t.Errorf("chain = %q\nwant  %q", got, want)
	}
	p = g.Explore(Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"})
	if p.Escalates() || len(p.Steps) != 0 {
		t.Errorf("cluster-admin escalates: %s", p.Chain())
	}
	p = g.Explore(Subject{Kind: GroupKind, Name: "monitors"})
	if p.Escalates() {
		t.Errorf("monitors escalate: %s", p.Chain())
	}
	for _, p := range g.ExploreAll() {
		if p.Escalates() && !strings.HasSuffix(p.Chain(), "cluster-admin") {
			t.Errorf("unexpected escalation %s", p.Chain())
		}
	}
}

func TestEscalationKinds(t *testing.T) {
	admin := NewRole(true, "", "cluster-admin", []Rule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}, nil)
	role := func(name string, rules ...Rule) *Role { return NewRole(true, "", name, rules, nil) }
	crb := func(name, role string, s ...Subject) *Binding {
		return &Binding{Cluster: true, Name: name, RoleKind: "ClusterRole", RoleName: role, Subjects: s}
	}
	rb := func(ns, name, role string, s ...Subject) *Binding {
		return &Binding{Namespace: ns, Name: name, RoleKind: "ClusterRole", RoleName: role, Subjects: s}
	}
	u := func(n string) Subject { return Subject{Kind: UserKind, Name: n} }
	sa := func(ns, n string) Subject { return Subject{Kind: ServiceAccountKind, Namespace: ns, Name: n} }
	core := func(verbs []string, res ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{""}, Resources: res}
	}
	rbacRule := func(verbs []string, res ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: res}
	}
	in := Input{
		Roles: []*Role{admin,
			role("impersonator", core([]string{"impersonate"}, "users", "groups")),
			role("group-impersonator", core([]string{"impersonate"}, "groups")),
			role("binder", rbacRule([]string{"bind"}, "clusterroles"), rbacRule([]string{"create"}, "clusterrolebindings")),
			role("token-minter", core([]string{"create"}, "serviceaccounts/token")),
			role("secret-reader", core([]string{"list"}, "secrets")),
			role("exec", core([]string{"create"}, "pods/exec")),
			role("csr", Rule{Verbs: []string{"create"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests"}},
				Rule{Verbs: []string{"update"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"certificatesigningrequests/approval"}},
				Rule{Verbs: []string{"approve"}, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{"signers"}, ResourceNames: nil}),
			role("ns-binder", rbacRule([]string{"bind"}, "clusterroles"), rbacRule([]string{"create"}, "rolebindings")),
			role("pod-maker", core([]string{"create"}, "pods")),
			role("pv-maker", core([]string{"create"}, "persistentvolumes")),
			role("pvc-maker", core([]string{"create"}, "persistentvolumeclaims")),
		},
		Bindings: []*Binding{
			crb("admins", "cluster-admin", sa("kube-system", "ops")),
			crb("imp", "impersonator", u("imp")),
			crb("gimp", "group-impersonator", u("gimp")),
			crb("bind", "binder", u("binder")),
			rb("kube-system", "mint", "token-minter", u("minter")),
			rb("kube-system", "read", "secret-reader", u("reader")),
			rb("kube-system", "exec", "exec", u("execer")),
			crb("csr", "csr", u("signer")),
			rb("team", "nsbind", "ns-binder", u("teamlead")),
			rb("dev", "pods", "pod-maker", u("podmaker")),
			rb("team", "pods", "pod-maker", u("teampods"), u("pv")),
			crb("pv", "pv-maker", u("pv")),
			rb("team", "pvc", "pvc-maker", u("pv")),
		},
		// team enforces baseline: no privileged pods there.
		EnforcedPodSecurity: map[string]string{"team": "baseline", "kube-system": "privileged"},
		Workloads:           []Subject{sa("kube-system", "ops")},
		TokenSecrets:        map[Subject][]string{sa("kube-system", "ops"): {"ops-token"}},
	}
	m := Build(in)
	g := m.NewGraph()
	tests := []struct {
		user, chain string
	}{
		{"imp", "user imp -> impersonate group system:masters -> cluster-admin"},
		{"gimp", "user gimp -> clusterrolebinding gimp -> group-impersonator"},
		{"binder", "user binder -> bind ClusterRole cluster-admin to itself -> cluster-admin"},
		{"minter", "user minter -> create a token in kube-system -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"},
		{"reader", "user reader -> read token Secrets in kube-system -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"},
		{"execer", "user execer -> exec into its pods in kube-system -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"},
		{"signer", "user signer -> issue and approve a client certificate for group system:masters -> cluster-admin"},
		{"teamlead", "user teamlead -> bind ClusterRole admin in team -> admin of namespace team"},
		{"podmaker", "user podmaker -> create a privileged pod in dev on a node of its choice -> root on a node -> take the token of its pod on that node -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"},
		{"teampods", "user teampods -> rolebinding team/pods -> pod-maker"},
		{"pv", "user pv -> create a hostPath PersistentVolume and mount it from a pod in team -> root on a node -> take the token of its pod on that node -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"},
	}
	for _, tt := range tests {
		p := g.Explore(u(tt.user))
		if got := p.Chain(); got != tt.chain {
			t.Errorf("%s:\n got %s\nwant %s", tt.user, got, tt.chain)
		}
	}
}

// TestExplorerReuse checks that one explorer reused across subjects
// (ExploreAll) answers as a fresh one does.
func TestExplorerReuse(t *testing.T) {
	m := Build(synthetic())
	g := m.NewGraph()
	all := g.ExploreAll()
	if len(all) < 1000 {
		t.Fatalf("only %d subjects", len(all))
	}
	for i := 0; i < len(all); i += 37 {
		fresh := g.Explore(all[i].Start.Subject)
		if fresh.Chain() != all[i].Chain() || fresh.Reached != all[i].Reached {
			t.Errorf("%s: reused %q (%d reached), fresh %q (%d reached)", all[i].Start, all[i].Chain(), all[i].Reached, fresh.Chain(), fresh.Reached)
		}
	}
}

// TestEscalationSoundness pins edges to what the API server allows:
// each case is a minimal cluster (on top of a service account
// kube-system/ops with cluster-admin, run by a workload and with a token
// Secret) and the exact chain of one user, "" for no escalation.
func TestEscalationSoundness(t *testing.T) {
	rbacRule := func(verbs []string, res string, names ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{"rbac.authorization.k8s.io"}, Resources: []string{res}, ResourceNames: names}
	}
	core := func(verbs []string, res string, names ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{""}, Resources: []string{res}, ResourceNames: names}
	}
	admission := func(verbs []string, res ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{"admissionregistration.k8s.io"}, Resources: res}
	}
	csr := func(verbs []string, res string, names ...string) Rule {
		return Rule{Verbs: verbs, APIGroups: []string{"certificates.k8s.io"}, Resources: []string{res}, ResourceNames: names}
	}
	all := Rule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}
	cr := func(name string, rules ...Rule) *Role { return NewRole(true, "", name, rules, nil) }
	nsRole := func(ns, name string, rules ...Rule) *Role { return NewRole(false, ns, name, rules, nil) }
	u := func(n string) Subject { return Subject{Kind: UserKind, Name: n} }
	sa := func(ns, n string) Subject { return Subject{Kind: ServiceAccountKind, Namespace: ns, Name: n} }
	crb := func(name, role string, s ...Subject) *Binding {
		return &Binding{Cluster: true, Name: name, RoleKind: "ClusterRole", RoleName: role, Subjects: s}
	}
	rbc := func(ns, name, role string, s ...Subject) *Binding { // RoleBinding to a ClusterRole
		return &Binding{Namespace: ns, Name: name, RoleKind: "ClusterRole", RoleName: role, Subjects: s}
	}
	rbr := func(ns, name, role string, s ...Subject) *Binding { // RoleBinding to a Role
		return &Binding{Namespace: ns, Name: name, RoleKind: "Role", RoleName: role, Subjects: s}
	}
	const toOps = " -> sa kube-system/ops -> clusterrolebinding admins -> cluster-admin"
	tests := []struct {
		name string
		// user explores, "eve" unless set.
		user     string
		roles    []*Role
		bindings []*Binding
		// workloads run in addition to kube-system/ops.
		workloads []Subject
		want      string
	}{
		// 1. Only mutating admission runs code in other pods.
		{name: "validating webhooks and policies, any verb",
			roles:    []*Role{cr("v", admission([]string{"*"}, "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"))},
			bindings: []*Binding{crb("v", "v", u("eve"))}},
		{name: "deleting mutating webhooks",
			roles:    []*Role{cr("v", admission([]string{"delete"}, "mutatingwebhookconfigurations", "mutatingadmissionpolicies"))},
			bindings: []*Binding{crb("v", "v", u("eve"))}},
		{name: "mutating webhook",
			roles:    []*Role{cr("m", admission([]string{"patch"}, "mutatingwebhookconfigurations"))},
			bindings: []*Binding{crb("m", "m", u("eve"))},
			want:     "user eve -> rewrite its pods with a mutating admission webhook" + toOps},
		{name: "mutating policy without a binding",
			roles:    []*Role{cr("m", admission([]string{"create"}, "mutatingadmissionpolicies"))},
			bindings: []*Binding{crb("m", "m", u("eve"))}},
		{name: "mutating policy and binding",
			roles:    []*Role{cr("m", admission([]string{"create"}, "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"))},
			bindings: []*Binding{crb("m", "m", u("eve"))},
			want:     "user eve -> rewrite its pods with a mutating admission webhook" + toOps},

		// 2. bind and escalate are checked by role kind and name.
		{name: "bind roles does not bind ClusterRoles",
			roles:    []*Role{cr("b", rbacRule([]string{"bind"}, "roles"), rbacRule([]string{"create"}, "clusterrolebindings"))},
			bindings: []*Binding{crb("b", "b", u("eve"))}},
		{name: "bind roles named admin is not ClusterRole admin",
			roles:    []*Role{nsRole("team", "b", rbacRule([]string{"bind"}, "roles", "admin"), rbacRule([]string{"create"}, "rolebindings"))},
			bindings: []*Binding{rbr("team", "b", "b", u("eve"))}},
		{name: "bind clusterroles named admin in a namespace",
			roles:    []*Role{nsRole("team", "b", rbacRule([]string{"bind"}, "clusterroles", "admin"), rbacRule([]string{"create"}, "rolebindings"))},
			bindings: []*Binding{rbr("team", "b", "b", u("eve"))},
			want:     "user eve -> bind ClusterRole admin in team -> admin of namespace team"},
		{name: "bind an admin Role of the namespace",
			roles:    []*Role{nsRole("team", "owner", all), nsRole("team", "b", rbacRule([]string{"bind"}, "roles"), rbacRule([]string{"create"}, "rolebindings"))},
			bindings: []*Binding{rbr("team", "b", "b", u("eve"))},
			want:     "user eve -> bind Role team/owner to itself -> admin of namespace team"},
		{name: "escalate roles cluster-wide reaches the namespace of a Role bound to it, not cluster-admin",
			roles: []*Role{cr("e", rbacRule([]string{"escalate", "update"}, "roles")), nsRole("app", "viewer", core([]string{"get"}, "pods")),
				cr("deploy", all)},
			bindings:  []*Binding{crb("e", "e", u("eve")), rbr("app", "viewer", "viewer", u("eve")), crb("deploy", "deploy", sa("app", "deployer"))},
			workloads: []Subject{sa("app", "deployer")},
			want:      "user eve -> escalate Role app/viewer bound by rolebinding app/viewer -> admin of namespace app -> create pods in app -> sa app/deployer -> clusterrolebinding deploy -> deploy"},
		{name: "escalate roles cluster-wide without a Role bound",
			roles:    []*Role{cr("e", rbacRule([]string{"escalate", "update"}, "roles"))},
			bindings: []*Binding{crb("e", "e", u("eve"))}},
		{name: "escalate a ClusterRole bound cluster-wide",
			roles:    []*Role{cr("e", rbacRule([]string{"escalate", "update"}, "clusterroles", "viewer")), cr("viewer", core([]string{"get"}, "pods"))},
			bindings: []*Binding{crb("e", "e", u("eve")), crb("viewer", "viewer", u("eve"))},
			want:     "user eve -> escalate ClusterRole viewer bound by clusterrolebinding viewer -> cluster-admin"},
		{name: "escalate a ClusterRole bound in a namespace only",
			roles:    []*Role{cr("e", rbacRule([]string{"escalate", "update"}, "clusterroles", "viewer")), cr("viewer", core([]string{"get"}, "pods"))},
			bindings: []*Binding{rbc("team", "e", "e", u("eve")), crb("e2", "e", u("eve")), rbc("team", "viewer", "viewer", u("eve"))},
			want:     "user eve -> escalate ClusterRole viewer bound by rolebinding team/viewer -> admin of namespace team"},
		{name: "escalate without update",
			roles:    []*Role{cr("e", rbacRule([]string{"escalate", "create"}, "clusterroles"))},
			bindings: []*Binding{crb("e", "e", u("eve"))}},

		// 3. The conditions of one request hold for one identity.
		{name: "bind and create bindings held by two identities",
			roles: []*Role{cr("b", rbacRule([]string{"bind"}, "clusterroles")), nsRole("ci", "t", core([]string{"create"}, "serviceaccounts/token")),
				cr("w", rbacRule([]string{"create"}, "clusterrolebindings"))},
			bindings: []*Binding{crb("b", "b", u("eve")), rbr("ci", "t", "t", u("eve")), crb("w", "w", sa("ci", "writer"))}},
		{name: "escalate and update held by two identities",
			roles: []*Role{cr("e", rbacRule([]string{"escalate"}, "clusterroles")), nsRole("ci", "t", core([]string{"create"}, "serviceaccounts/token")),
				cr("w", rbacRule([]string{"update"}, "clusterroles"))},
			bindings: []*Binding{crb("e", "e", u("eve")), rbr("ci", "t", "t", u("eve")), crb("w", "w", sa("ci", "writer"))}},
		{name: "a CSR created by one identity, approved by another",
			roles: []*Role{cr("c", csr([]string{"create"}, "certificatesigningrequests")), nsRole("ci", "t", core([]string{"create"}, "serviceaccounts/token")),
				cr("a", csr([]string{"update"}, "certificatesigningrequests/approval"), csr([]string{"approve"}, "signers", "kubernetes.io/kube-apiserver-client"))},
			bindings: []*Binding{crb("c", "c", u("eve")), rbr("ci", "t", "t", u("eve")), crb("a", "a", sa("ci", "approver"))},
			want:     "user eve -> create a token in ci -> sa ci/approver -> issue and approve a client certificate for group system:masters -> cluster-admin"},
		{name: "approval and signer held by two identities",
			roles: []*Role{cr("c", csr([]string{"create"}, "certificatesigningrequests"), csr([]string{"update"}, "certificatesigningrequests/approval")),
				nsRole("ci", "t", core([]string{"create"}, "serviceaccounts/token")), cr("a", csr([]string{"approve"}, "signers"))},
			bindings: []*Binding{crb("c", "c", u("eve")), rbr("ci", "t", "t", u("eve")), crb("a", "a", sa("ci", "signer"))}},

		// 4. What is reached does not depend on the order of exploration.
		{name: "group impersonation with a user impersonated by another identity", user: "alice",
			roles: []*Role{cr("g", core([]string{"impersonate"}, "groups")), cr("pods", core([]string{"create"}, "pods")),
				cr("s", core([]string{"impersonate"}, "serviceaccounts"))},
			bindings: []*Binding{crb("g", "g", u("alice")), rbc("ns", "pods", "pods", u("alice")), rbc("ns", "s", "s", sa("ns", "helper"))}},
		{name: "group impersonation, service accounts impersonated cluster-wide by another identity", user: "alice",
			roles: []*Role{cr("g", core([]string{"impersonate"}, "groups")), cr("pods", core([]string{"create"}, "pods")),
				cr("s", core([]string{"impersonate"}, "serviceaccounts"))},
			bindings: []*Binding{crb("g", "g", u("alice")), rbc("ns", "pods", "pods", u("alice")), crb("s", "s", sa("ns", "helper"))},
			want:     "user alice -> create pods in ns -> sa ns/helper -> impersonate service accounts in every namespace" + toOps},
		{name: "PersistentVolume, claim and pod from identities reached in turn",
			roles: []*Role{cr("pv", core([]string{"create"}, "persistentvolumes")), nsRole("ns", "t", core([]string{"create"}, "persistentvolumeclaims"), core([]string{"create"}, "serviceaccounts/token")),
				nsRole("ns", "pods", core([]string{"create"}, "pods"))},
			bindings: []*Binding{crb("pv", "pv", u("eve")), rbr("ns", "t", "t", u("eve")), rbr("ns", "pods", "pods", sa("ns", "builder"))},
			want:     "user eve -> create a token in ns -> sa ns/builder -> create a hostPath PersistentVolume and mount it from a pod in ns -> root on a node -> take the token of its pod on that node" + toOps},
		{name: "escalator reached before the identity of the role",
			roles: []*Role{cr("e", rbacRule([]string{"escalate", "patch"}, "clusterroles", "viewer")), nsRole("ci", "t", core([]string{"create"}, "serviceaccounts/token")),
				cr("viewer", core([]string{"get"}, "pods"))},
			bindings: []*Binding{crb("e", "e", u("eve")), rbr("ci", "t", "t", u("eve")), crb("viewer", "viewer", sa("ci", "bot"))},
			want:     "user eve -> create a token in ci -> sa ci/bot -> escalate ClusterRole viewer bound by clusterrolebinding viewer, as user eve -> cluster-admin"},

		// 5. A hostPath PersistentVolume needs a claim.
		{name: "PersistentVolume and pods without claims",
			roles:    []*Role{cr("pv", core([]string{"create"}, "persistentvolumes")), cr("pods", core([]string{"create"}, "pods"))},
			bindings: []*Binding{crb("pv", "pv", u("eve")), rbc("ns", "pods", "pods", u("eve"))}},

		// 6. A user name of a service account is impersonated as one.
		{name: "impersonate users does not cover service accounts",
			roles:    []*Role{cr("i", core([]string{"impersonate"}, "users"))},
			bindings: []*Binding{crb("i", "i", u("eve")), crb("sa-as-user", "cluster-admin", u("system:serviceaccount:kube-system:ops"))}},
		{name: "impersonate a named user that is a service account",
			roles:    []*Role{cr("i", core([]string{"impersonate"}, "users", "system:serviceaccount:kube-system:ops"))},
			bindings: []*Binding{crb("i", "i", u("eve")), crb("sa-as-user", "cluster-admin", u("system:serviceaccount:kube-system:ops"))}},

		// 7. resourceNames-limited grants.
		{name: "update a named Deployment of a namespace",
			roles: []*Role{nsRole("app", "d", Rule{Verbs: []string{"update", "patch"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"web"}}),
				cr("deploy", all)},
			bindings:  []*Binding{rbr("app", "d", "d", u("eve")), crb("deploy", "deploy", sa("app", "deployer"))},
			workloads: []Subject{sa("app", "deployer")},
			want:      "user eve -> create pods in app -> sa app/deployer -> clusterrolebinding deploy -> deploy"},
		{name: "update named Deployments cluster-wide (where they are is not known)",
			roles: []*Role{cr("d", Rule{Verbs: []string{"update", "patch"}, APIGroups: []string{"apps"}, Resources: []string{"deployments"}, ResourceNames: []string{"web"}}),
				cr("deploy", all)},
			bindings:  []*Binding{crb("d", "d", u("eve")), crb("deploy", "deploy", sa("app", "deployer"))},
			workloads: []Subject{sa("app", "deployer")}},

		// 8. A new image in a running pod runs with its token.
		{name: "patch pods",
			roles:    []*Role{nsRole("kube-system", "p", core([]string{"patch"}, "pods"))},
			bindings: []*Binding{rbr("kube-system", "p", "p", u("eve"))},
			want:     "user eve -> replace the image of its pods in kube-system" + toOps},
		// Grants on named pods reach the account that pod runs as
		// (kube-system/ops-0 runs as ops; kube-system/web as default).
		{name: "exec into a named pod",
			roles:    []*Role{nsRole("kube-system", "x", core([]string{"create"}, "pods/exec", "ops-0"))},
			bindings: []*Binding{rbr("kube-system", "x", "x", u("eve"))},
			want:     "user eve -> exec into pod kube-system/ops-0" + toOps},
		{name: "debug a named pod cluster-wide",
			roles:    []*Role{cr("x", core([]string{"patch"}, "pods/ephemeralcontainers", "ops-0"))},
			bindings: []*Binding{crb("x", "x", u("eve"))},
			want:     "user eve -> exec into pod kube-system/ops-0" + toOps},
		{name: "patch a named pod",
			roles:    []*Role{nsRole("kube-system", "x", core([]string{"patch"}, "pods", "ops-0"))},
			bindings: []*Binding{rbr("kube-system", "x", "x", u("eve"))},
			want:     "user eve -> replace the image of pod kube-system/ops-0" + toOps},
		{name: "exec into another named pod",
			roles:    []*Role{nsRole("kube-system", "x", core([]string{"create"}, "pods/exec", "web"))},
			bindings: []*Binding{rbr("kube-system", "x", "x", u("eve"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := sa("kube-system", "ops")
			in := Input{
				Pods:      map[Subject]string{{Kind: "Pod", Namespace: "kube-system", Name: "ops-0"}: "ops", {Kind: "Pod", Namespace: "kube-system", Name: "web"}: "default"},
				Roles:     append([]*Role{cr("cluster-admin", all)}, tt.roles...),
				Bindings:  append([]*Binding{crb("admins", "cluster-admin", ops)}, tt.bindings...),
				Workloads: append([]Subject{ops}, tt.workloads...),
				// Pods that run privileged would reach a node: keep
				// them out.
				EnforcedPodSecurity: map[string]string{"kube-system": "baseline", "team": "baseline", "app": "baseline", "ci": "baseline", "ns": "baseline"},
				TokenSecrets:        map[Subject][]string{ops: {"ops-token"}},
			}
			start := cmp.Or(tt.user, "eve")
			p := Build(in).NewGraph().Explore(u(start))
			if tt.want == "" {
				if p.Escalates() {
					t.Errorf("escalates: %s", p.Chain())
				}
				return
			}
			if got := p.Chain(); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestOlderRBACVersions reads roles and bindings written in rbac
// v1beta1 and v1alpha1 (removed from serving long ago, still found in
// repositories) the way v1 ones are read.
func TestOlderRBACVersions(t *testing.T) {
	s := load.Bytes("fixture", []byte(`
apiVersion: rbac.authorization.k8s.io/v1alpha1
kind: ClusterRole
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get], resourceNames: [db]}
---
apiVersion: rbac.authorization.k8s.io/v1beta1
kind: RoleBinding
metadata: {name: read-db, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: ServiceAccount, name: app}
---
apiVersion: rbac.authorization.k8s.io/v1alpha1
kind: ClusterRoleBinding
metadata: {name: ops-read}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
subjects:
- {kind: User, name: ops, apiVersion: rbac.authorization.k8s.io/v1alpha1}
`))
	m := FromSnapshot(s)
	app := IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "prod", Name: "app"})
	ops := IdentityOf(Subject{Kind: UserKind, Name: "ops"})
	for _, tt := range []struct {
		id   Identity
		req  Request
		want bool
	}{
		{app, Request{Verb: "get", Resource: "secrets", Name: "db", Namespace: "prod"}, true},
		{app, Request{Verb: "get", Resource: "secrets", Name: "db", Namespace: "dev"}, false},
		{app, Request{Verb: "get", Resource: "secrets", Name: "other", Namespace: "prod"}, false},
		{ops, Request{Verb: "get", Resource: "secrets", Name: "db", Namespace: "dev"}, true},
	} {
		if d := m.Authorize(tt.id, tt.req); d.Allowed != tt.want {
			t.Errorf("%s %s: %v (%s), want %v", tt.id.User, tt.req, d.Allowed, d.Reason, tt.want)
		}
	}
}
