package rbac

import (
	"context"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kubetest"
)

// edgeObjects give users the rights whose edges the escalation graph
// must get right: bind on roles versus clusterroles, escalate on roles
// only, and impersonation of groups or users alone.
const edgeObjects = `
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bind-roles}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bind-roles}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bind-roles}
subjects: [{kind: User, name: role-binder, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: bind-clusterroles}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: bind-clusterroles}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: bind-clusterroles}
subjects: [{kind: User, name: clusterrole-binder, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bind-named-clusterrole, namespace: team}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind], resourceNames: [cluster-admin]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bind-named-clusterrole, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: bind-named-clusterrole}
subjects: [{kind: User, name: ns-binder, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: bind-named-role, namespace: team}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [bind], resourceNames: [cluster-admin]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bind-named-role, namespace: team}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: bind-named-role}
subjects: [{kind: User, name: ns-role-binder, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: escalate-roles}
rules:
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles], verbs: [escalate]}
- {apiGroups: [rbac.authorization.k8s.io], resources: [roles, clusterroles], verbs: [get, update]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: escalate-roles}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: escalate-roles}
subjects: [{kind: User, name: escalator, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: victim}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: victim, namespace: team}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-groups}
rules:
- {apiGroups: [""], resources: [groups], verbs: [impersonate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: impersonate-groups}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-groups}
subjects: [{kind: User, name: group-impersonator, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: impersonate-users}
rules:
- {apiGroups: [""], resources: [users], verbs: [impersonate]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: impersonate-users}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: impersonate-users}
subjects: [{kind: User, name: user-impersonator, apiGroup: rbac.authorization.k8s.io}]
`

// TestLiveEscalationEdges checks against the API server the facts the
// escalation edges rest on, then that the graph draws the edges the
// server allows and none it refuses.
func TestLiveEscalationEdges(t *testing.T) {
	c := kubetest.Start(t)
	ctx := kubetest.Context(t)
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	if err := apply(ctx, admin, edgeObjects); err != nil {
		t.Fatal(err)
	}
	// RBAC changes reach the authorizer asynchronously.
	for _, w := range []struct{ user, verb, group, res, ns string }{
		{"role-binder", "bind", rbacv1.GroupName, "roles", ""},
		{"clusterrole-binder", "bind", rbacv1.GroupName, "clusterroles", ""},
		{"ns-binder", "create", rbacv1.GroupName, "rolebindings", "team"},
		{"ns-role-binder", "create", rbacv1.GroupName, "rolebindings", "team"},
		{"escalator", "escalate", rbacv1.GroupName, "roles", ""},
		{"group-impersonator", "impersonate", "", "groups", ""},
		{"user-impersonator", "impersonate", "", "users", ""},
	} {
		if err := c.WaitAllowed(ctx, w.user, nil, w.verb, w.group, w.res, w.ns); err != nil {
			t.Fatal(err)
		}
	}
	client := func(user string, imp rest.ImpersonationConfig) *kubernetes.Clientset {
		cfg, err := c.UserConfig(user)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Impersonate = imp
		return kubernetes.NewForConfigOrDie(cfg)
	}
	crb := func(name string) *rbacv1.ClusterRoleBinding {
		return &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: name}}}
	}
	rb := func(name string) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: rbacv1.GroupName, Name: name}}}
	}
	grantAll := []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}
	none := rest.ImpersonationConfig{}
	facts := []struct {
		name    string
		allowed bool
		do      func(context.Context) error
	}{
		{"bind on roles does not bind a ClusterRole", false, func(ctx context.Context) error {
			_, err := client("role-binder", none).RbacV1().ClusterRoleBindings().Create(ctx, crb("role-binder"), metav1.CreateOptions{})
			return err
		}},
		{"bind on clusterroles does", true, func(ctx context.Context) error {
			_, err := client("clusterrole-binder", none).RbacV1().ClusterRoleBindings().Create(ctx, crb("clusterrole-binder"), metav1.CreateOptions{})
			return err
		}},
		{"bind on clusterroles [cluster-admin] in a namespace binds it there", true, func(ctx context.Context) error {
			_, err := client("ns-binder", none).RbacV1().RoleBindings("team").Create(ctx, rb("ns-binder"), metav1.CreateOptions{})
			return err
		}},
		{"bind on roles [cluster-admin] does not", false, func(ctx context.Context) error {
			_, err := client("ns-role-binder", none).RbacV1().RoleBindings("team").Create(ctx, rb("ns-role-binder"), metav1.CreateOptions{})
			return err
		}},
		{"escalate on roles writes any rule into a Role", true, func(ctx context.Context) error {
			cs := client("escalator", none)
			r, err := cs.RbacV1().Roles("team").Get(ctx, "victim", metav1.GetOptions{})
			if err != nil {
				return err
			}
			r.Rules = grantAll
			_, err = cs.RbacV1().Roles("team").Update(ctx, r, metav1.UpdateOptions{})
			return err
		}},
		{"but not into a ClusterRole", false, func(ctx context.Context) error {
			cs := client("escalator", none)
			r, err := cs.RbacV1().ClusterRoles().Get(ctx, "victim", metav1.GetOptions{})
			if err != nil {
				return err
			}
			r.Rules = grantAll
			_, err = cs.RbacV1().ClusterRoles().Update(ctx, r, metav1.UpdateOptions{})
			return err
		}},
		{"impersonating a group needs impersonating the user too", false, func(ctx context.Context) error {
			_, err := client("group-impersonator", rest.ImpersonationConfig{UserName: "bob", Groups: []string{Masters}}).CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
			return err
		}},
		{"impersonating users covers users", true, func(ctx context.Context) error {
			_, err := client("user-impersonator", rest.ImpersonationConfig{UserName: "bob"}).Discovery().ServerVersion()
			return err
		}},
		{"but not the user name of a service account", false, func(ctx context.Context) error {
			_, err := client("user-impersonator", rest.ImpersonationConfig{UserName: ServiceAccountUser("kube-system", "default")}).Discovery().ServerVersion()
			return err
		}},
	}
	for _, f := range facts {
		err := f.do(ctx)
		switch {
		case f.allowed && err != nil:
			t.Errorf("%s: refused: %v", f.name, err)
		case !f.allowed && err == nil:
			t.Errorf("%s: allowed", f.name)
		case !f.allowed && !apierrors.IsForbidden(err):
			t.Errorf("%s: want Forbidden, got %v", f.name, err)
		}
	}

	s := load.Bytes("objects", []byte(edgeObjects))
	g := FromSnapshot(s).NewGraph()
	chains := map[string]string{
		"role-binder":        "",
		"clusterrole-binder": "user clusterrole-binder -> bind ClusterRole cluster-admin to itself -> cluster-admin",
		"ns-binder":          "user ns-binder -> bind ClusterRole cluster-admin in team -> admin of namespace team",
		"ns-role-binder":     "",
		// No Role is bound to it: there is nothing to escalate.
		"escalator":          "",
		"group-impersonator": "",
	}
	for user, want := range chains {
		p := g.Explore(Subject{Kind: UserKind, Name: user})
		if want == "" && p.Escalates() {
			t.Errorf("%s escalates: %s", user, p.Chain())
		}
		if want != "" && p.Chain() != want {
			t.Errorf("%s:\n got %s\nwant %s", user, p.Chain(), want)
		}
	}
}
