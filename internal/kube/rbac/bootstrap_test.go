package rbac

import (
	"encoding/json"
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kubetest"
)

var updateBootstrap = flag.Bool("update-bootstrap", false, "rewrite bootstrap_roles.json from the test API server")

// TestBootstrapRolesMatchAPIServer keeps bootstrap_roles.json equal to
// the default roles a real kube-apiserver creates (labelled
// kubernetes.io/bootstrapping=rbac-defaults). The test control plane
// runs no aggregation controller, so admin, edit and view are compared
// as created: with their aggregationRule and no rules.
func TestBootstrapRolesMatchAPIServer(t *testing.T) {
	c := kubetest.Start(t)
	ctx := kubetest.Context(t)
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	sel := metav1.ListOptions{LabelSelector: BootstrapLabel + "=rbac-defaults"}
	crs, err := cs.RbacV1().ClusterRoles().List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := cs.RbacV1().Roles("").List(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	// The test binary carries no version stamp; .ci/kube-apiserver
	// pins the release.
	live := BootstrapPolicy{Source: "kube-apiserver of k8s.io/kubernetes v1.37.2 (.ci/kube-apiserver)"}
	for _, cr := range crs.Items {
		live.ClusterRoles = append(live.ClusterRoles, rbacv1.ClusterRole{
			ObjectMeta: metav1.ObjectMeta{Name: cr.Name, Labels: cr.Labels}, Rules: cr.Rules, AggregationRule: cr.AggregationRule})
	}
	for _, r := range rs.Items {
		live.Roles = append(live.Roles, rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: r.Name, Namespace: r.Namespace, Labels: r.Labels}, Rules: r.Rules})
	}
	slices.SortFunc(live.ClusterRoles, func(a, b rbacv1.ClusterRole) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(live.Roles, func(a, b rbacv1.Role) int { return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name) })
	data, err := json.MarshalIndent(live, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *updateBootstrap {
		if err := os.WriteFile("bootstrap_roles.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if len(live.ClusterRoles) < 50 {
		t.Fatalf("only %d bootstrap ClusterRoles: the API server did not create its default policy", len(live.ClusterRoles))
	}
	if string(data) != string(bootstrapData) {
		t.Errorf("bootstrap_roles.json differs from the default roles of %s (%d ClusterRoles, %d Roles); run go test -run TestBootstrapRolesMatchAPIServer -update-bootstrap and review the diff",
			live.Source, len(live.ClusterRoles), len(live.Roles))
	}
}

// TestBootstrapRolesInManifests checks that a manifest set's bindings to
// the default roles get their rights (aggregated as a cluster would),
// and that a role the manifests define replaces the default one.
func TestBootstrapRolesInManifests(t *testing.T) {
	s := load.Bytes("fixture", []byte(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: deployer-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: deployer, namespace: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-edit, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: dev, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crontabs-edit
  labels: {rbac.authorization.k8s.io/aggregate-to-edit: "true"}
rules:
- {apiGroups: [stable.example.com], resources: [crontabs], verbs: [create, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: view}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditors}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: auditors, apiGroup: rbac.authorization.k8s.io}]
`))
	if len(s.Errors) > 0 {
		t.Fatal(s.Errors)
	}
	m := FromSnapshot(s)
	deployer := IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"})
	dev := IdentityOf(Subject{Kind: UserKind, Name: "dev"})
	auditor := Identity{User: "amy", Groups: []string{"auditors", Authenticated}}
	tests := []struct {
		id   Identity
		req  Request
		want bool
	}{
		{deployer, Request{Verb: "delete", Resource: "nodes"}, true},
		{dev, Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "ci"}, true},
		{dev, Request{Verb: "create", Resource: "pods/exec", Namespace: "ci"}, true},
		{dev, Request{Verb: "create", Group: "stable.example.com", Resource: "crontabs", Namespace: "ci"}, true},
		{dev, Request{Verb: "create", Group: "rbac.authorization.k8s.io", Resource: "rolebindings", Namespace: "ci"}, false},
		{dev, Request{Verb: "create", Group: "apps", Resource: "deployments", Namespace: "prod"}, false},
		// The manifests' own view replaces the default one.
		{auditor, Request{Verb: "get", Resource: "configmaps", Namespace: "x"}, true},
		{auditor, Request{Verb: "get", Resource: "pods", Namespace: "x"}, false},
	}
	for _, tt := range tests {
		if d := m.Authorize(tt.id, tt.req); d.Allowed != tt.want {
			t.Errorf("%s %s: allowed %v (%s), want %v", tt.id.User, tt.req, d.Allowed, d.Reason, tt.want)
		}
	}
	if r := m.Role(true, "", "cluster-admin"); r == nil || !r.Bootstrap || r.Object != nil {
		t.Errorf("cluster-admin: %+v", r)
	}
}
