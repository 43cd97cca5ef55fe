package kubetest

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// TestCluster starts the control plane, checks the server version and
// that a user without bindings is refused while a bound one is not.
func TestCluster(t *testing.T) {
	c := Start(t)
	ctx := Context(t)
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	v, err := admin.Discovery().ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.Major != "1" || v.Minor < "37" {
		t.Errorf("server version %s.%s, want 1.37", v.Major, v.Minor)
	}
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	userCfg, err := c.UserConfig("alice", "devs")
	if err != nil {
		t.Fatal(err)
	}
	user := kubernetes.NewForConfigOrDie(userCfg)
	if _, err := user.CoreV1().Pods("team-a").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("unbound user listing pods: err = %v, want forbidden", err)
	}
	if err := c.Grant(ctx, "devs-pods", "team-a", rbacv1.GroupKind, "devs", "", []string{"pods"}, []string{"list"}); err != nil {
		t.Fatal(err)
	}
	if _, err := user.CoreV1().Pods("team-a").List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("bound user listing pods in team-a: %v", err)
	}
	if _, err := user.CoreV1().Pods("default").List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
		t.Fatalf("bound user listing pods in default: err = %v, want forbidden", err)
	}
	kc, err := c.WriteKubeconfig(userCfg, "alice", "team-a")
	if err != nil || kc == "" {
		t.Fatalf("kubeconfig: %v", err)
	}
}
