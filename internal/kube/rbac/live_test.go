package rbac

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kubetest"
)

// liveObjects are created in the test cluster: namespaces, service
// accounts, a token Secret, roles with resource names, subresources,
// URLs and wildcards, an aggregated ClusterRole, and bindings to users,
// groups, service accounts (with and without namespace) and implicit
// groups.
const liveObjects = `
apiVersion: v1
kind: Namespace
metadata: {name: ci}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: builder, namespace: ci}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ops, namespace: prod}
---
apiVersion: v1
kind: Secret
metadata:
  name: ops-token
  namespace: prod
  annotations: {kubernetes.io/service-account.name: ops}
type: kubernetes.io/service-account-token
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
- {apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list"]}
- {apiGroups: [""], resources: ["pods/log"], verbs: ["get"]}
- {apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}
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
metadata: {name: palisade-monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {palisade.test/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: palisade-monitoring-endpoints
  labels: {palisade.test/aggregate-to-monitoring: "true"}
rules:
- {apiGroups: [""], resources: ["services", "endpoints"], verbs: ["get", "list", "watch"]}
- {nonResourceURLs: ["/metrics", "/debug/*"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: palisade-monitoring-scale
  labels: {palisade.test/aggregate-to-monitoring: "true"}
rules:
- {apiGroups: ["*"], resources: ["*/scale"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitors}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: palisade-monitoring}
subjects:
- {kind: Group, name: monitors, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prod-monitors, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: palisade-monitoring}
subjects:
- {kind: User, name: mona, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: one-secret}
rules:
- {apiGroups: [""], resources: ["secrets"], resourceNames: ["ci-config"], verbs: ["get"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-accounts-config, namespace: ci}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: one-secret}
subjects:
- {kind: Group, name: "system:serviceaccounts:ci", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: secret-reader}
rules:
- {apiGroups: [""], resources: ["secrets"], verbs: ["list", "watch"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}
subjects:
- {kind: User, name: reader, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: everything-in-apps}
rules:
- {apiGroups: ["apps"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: all-sas-apps}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything-in-apps}
subjects:
- {kind: Group, name: "system:serviceaccounts", apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-ops}
rules:
- {apiGroups: [""], resources: ["serviceaccounts"], resourceNames: ["ops"], verbs: ["impersonate"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: imp, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-ops}
subjects:
- {kind: User, name: imp, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ops-edit, namespace: prod}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- {kind: ServiceAccount, name: ops, namespace: prod}
`

// TestLiveAgreesWithSubjectAccessReview creates the objects above in a
// real API server, reads them back with the cluster loader, and asks
// the model and the API server (SubjectAccessReview) the same questions
// for every identity and request: the answers must agree. who-can must
// list exactly the subjects the API server allows.
func TestLiveAgreesWithSubjectAccessReview(t *testing.T) {
	c := kubetest.Start(t)
	ctx := kubetest.Context(t)
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	if err := apply(ctx, cs, liveObjects); err != nil {
		t.Fatal(err)
	}
	snap := reconcileAggregation(t, ctx, c, cs)
	m := FromSnapshot(snap)

	identities := []Identity{
		IdentityOf(Subject{Kind: UserKind, Name: "dev"}),
		IdentityOf(Subject{Kind: UserKind, Name: "mona"}),
		IdentityOf(Subject{Kind: UserKind, Name: "reader"}),
		IdentityOf(Subject{Kind: UserKind, Name: "imp"}),
		IdentityOf(Subject{Kind: UserKind, Name: "nobody"}),
		IdentityOf(Subject{Kind: GroupKind, Name: "monitors"}),
		IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "builder"}),
		IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "ci", Name: "deployer"}),
		IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "prod", Name: "ops"}),
		IdentityOf(Subject{Kind: ServiceAccountKind, Namespace: "prod", Name: "other"}),
		IdentityOf(Subject{Kind: UserKind, Name: Anonymous}),
	}
	for i := range identities {
		if identities[i].User == "" {
			identities[i].User = "member" // a group member
		}
	}
	requests := []Request{
		{Verb: "create", Resource: "pods", Namespace: "ci"},
		{Verb: "create", Resource: "pods", Namespace: "prod"},
		{Verb: "list", Resource: "pods"},
		{Verb: "get", Resource: "pods", Subresource: "log", Namespace: "ci", Name: "x"},
		{Verb: "create", Resource: "pods", Subresource: "exec", Namespace: "ci", Name: "x"},
		{Verb: "patch", Group: "apps", Resource: "deployments", Subresource: "scale", Namespace: "ci", Name: "web"},
		{Verb: "get", Group: "apps", Resource: "deployments", Subresource: "scale", Namespace: "prod", Name: "web"},
		{Verb: "delete", Group: "apps", Resource: "statefulsets", Namespace: "prod", Name: "db"},
		{Verb: "list", Resource: "endpoints", Namespace: "prod"},
		{Verb: "list", Resource: "endpoints"},
		{Verb: "get", Path: "/metrics"},
		{Verb: "get", Path: "/debug/pprof/heap"},
		{Verb: "get", Path: "/version"},
		{Verb: "get", Path: "/apis"},
		{Verb: "get", Resource: "secrets", Namespace: "ci", Name: "ci-config"},
		{Verb: "get", Resource: "secrets", Namespace: "ci", Name: "other"},
		{Verb: "list", Resource: "secrets", Namespace: "prod"},
		{Verb: "get", Resource: "secrets", Namespace: "prod", Name: "ops-token"},
		{Verb: "impersonate", Resource: "serviceaccounts", Namespace: "prod", Name: "ops"},
		{Verb: "impersonate", Resource: "serviceaccounts", Namespace: "prod", Name: "default"},
		{Verb: "update", Group: "apps", Resource: "deployments", Namespace: "prod", Name: "web"},
		{Verb: "create", Resource: "configmaps", Namespace: "prod"},
		{Verb: "escalate", Group: "rbac.authorization.k8s.io", Resource: "clusterroles", Name: "x"},
		{Verb: "create", Group: "authorization.k8s.io", Resource: "selfsubjectaccessreviews"},
		{Verb: "get", Resource: "nodes", Subresource: "proxy", Name: "n1"},
	}
	for _, id := range identities {
		for _, q := range requests {
			want := m.Authorize(id, q)
			got := sar(t, ctx, cs, id, q, want.Allowed)
			if got != want.Allowed {
				t.Errorf("%s %v: palisade says %v (%s), the API server %v", q, id, want.Allowed, want.Reason, got)
			}
		}
	}
	// who-can: every subject listed is allowed; every identity of the
	// list above that is allowed is listed (directly or by a group).
	for _, q := range requests {
		holders := m.WhoCan(q)
		for _, h := range holders[1:] {
			id := IdentityOf(h.Subject)
			if id.User == "" {
				id.User = "member"
			}
			if !sar(t, ctx, cs, id, q, true) {
				t.Errorf("who-can %s lists %s (%s), which the API server refuses", q, h.Subject, h.Via)
			}
		}
		for _, id := range identities {
			if !m.Authorize(id, q).Allowed {
				continue
			}
			if !slices.ContainsFunc(holders, func(h Holder) bool {
				return (h.Subject.Kind == GroupKind && slices.Contains(id.Groups, h.Subject.Name)) || (h.Subject.Kind != GroupKind && h.Subject.User() == id.User)
			}) {
				t.Errorf("who-can %s misses %v", q, id)
			}
		}
	}

	// Escalation chains over the live objects.
	g := m.NewGraph()
	chains := map[Subject]string{
		{Kind: UserKind, Name: "dev"}: "user dev -> create pods in ci -> sa ci/deployer -> clusterrolebinding deployer-admin -> cluster-admin",
		// Every service account may create Deployments everywhere
		// (all-sas-apps), so any of them leads to ci/deployer.
		{Kind: UserKind, Name: "reader"}:    "user reader -> read token Secrets in prod -> sa prod/ops -> create pods in every namespace -> sa ci/deployer -> clusterrolebinding deployer-admin -> cluster-admin",
		{Kind: UserKind, Name: "imp"}:       "user imp -> impersonate it -> sa prod/ops -> create pods in every namespace -> sa ci/deployer -> clusterrolebinding deployer-admin -> cluster-admin",
		{Kind: GroupKind, Name: "monitors"}: "group monitors",
	}
	for s, want := range chains {
		if got := g.Explore(s).Chain(); got != want {
			t.Errorf("%s:\n got %s\nwant %s", s, got, want)
		}
	}
}

// reconcileAggregation does what the controller manager's ClusterRole
// aggregation controller would (the test control plane has none): it
// writes the rules palisade computes into every aggregated ClusterRole,
// bootstrap ones (admin, edit, view) included, then reads the cluster
// again.
func reconcileAggregation(t *testing.T, ctx context.Context, c *kubetest.Cluster, cs *kubernetes.Clientset) *kube.Snapshot {
	t.Helper()
	snap, err := load.Cluster(ctx, load.ClusterOptions{Config: c.Admin})
	if err != nil {
		t.Fatal(err)
	}
	m := FromSnapshot(snap)
	n := 0
	for _, r := range m.Roles {
		if !r.Aggregated {
			continue
		}
		n++
		live, err := cs.RbacV1().ClusterRoles().Get(ctx, r.Name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		live.Rules = nil
		for _, x := range r.Rules {
			live.Rules = append(live.Rules, rbacv1.PolicyRule{Verbs: x.Verbs, APIGroups: x.APIGroups, Resources: x.Resources, ResourceNames: x.ResourceNames, NonResourceURLs: x.NonResourceURLs})
		}
		if _, err := cs.RbacV1().ClusterRoles().Update(ctx, live, metav1.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n < 4 {
		t.Fatalf("only %d aggregated ClusterRoles (want admin, edit, view and palisade-monitoring at least)", n)
	}
	if err := c.WaitAllowed(ctx, "member", []string{"monitors"}, "get", "", "endpoints", ""); err != nil {
		t.Fatal(err)
	}
	snap, err = load.Cluster(ctx, load.ClusterOptions{Config: c.Admin})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Gaps) > 0 {
		t.Fatalf("gaps reading the cluster: %+v", snap.Gaps)
	}
	return snap
}

// sar asks the API server; when it disagrees with expect it asks again
// for a few seconds, since RBAC changes reach its cache asynchronously.
func sar(t *testing.T, ctx context.Context, cs *kubernetes.Clientset, id Identity, q Request, expect bool) bool {
	t.Helper()
	spec := authorizationv1.SubjectAccessReviewSpec{User: id.User, Groups: id.Groups}
	if q.IsResource() {
		spec.ResourceAttributes = &authorizationv1.ResourceAttributes{Namespace: q.Namespace, Verb: q.Verb, Group: q.Group, Resource: q.Resource, Subresource: q.Subresource, Name: q.Name}
	} else {
		spec.NonResourceAttributes = &authorizationv1.NonResourceAttributes{Path: q.Path, Verb: q.Verb}
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: spec}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("SubjectAccessReview: %v", err)
		}
		if r.Status.Allowed == expect || time.Now().After(deadline) {
			return r.Status.Allowed
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// apply creates the objects of a YAML stream with the typed client.
func apply(ctx context.Context, cs *kubernetes.Clientset, yaml string) error {
	s := load.Bytes("objects", []byte(yaml))
	if len(s.Errors) > 0 {
		return fmt.Errorf("objects: %v", s.Errors)
	}
	for _, o := range s.Objects {
		var err error
		switch t := o.Typed.(type) {
		case *corev1.Namespace:
			_, err = cs.CoreV1().Namespaces().Create(ctx, t, metav1.CreateOptions{})
		case *corev1.ServiceAccount:
			_, err = cs.CoreV1().ServiceAccounts(t.Namespace).Create(ctx, t, metav1.CreateOptions{})
		case *corev1.Secret:
			_, err = cs.CoreV1().Secrets(t.Namespace).Create(ctx, t, metav1.CreateOptions{})
		case *rbacv1.Role:
			_, err = cs.RbacV1().Roles(t.Namespace).Create(ctx, t, metav1.CreateOptions{})
		case *rbacv1.ClusterRole:
			_, err = cs.RbacV1().ClusterRoles().Create(ctx, t, metav1.CreateOptions{})
		case *rbacv1.RoleBinding:
			_, err = cs.RbacV1().RoleBindings(t.Namespace).Create(ctx, t, metav1.CreateOptions{})
		case *rbacv1.ClusterRoleBinding:
			_, err = cs.RbacV1().ClusterRoleBindings().Create(ctx, t, metav1.CreateOptions{})
		default:
			err = fmt.Errorf("unexpected %s", o.Ref())
		}
		if err != nil {
			return fmt.Errorf("creating %s: %w", o.Ref(), err)
		}
	}
	return nil
}
