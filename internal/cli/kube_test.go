package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/report"
)

func TestManifestsAudit(t *testing.T) {
	code, stdout, stderr := run(t, "", "manifests", "audit", "testdata/kube", "--format", "json", "--fail-on", "critical")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1 (a privileged container is critical); stderr: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, f := range rep.Findings {
		rules[f.RuleID+" "+f.Target] = true
	}
	for _, want := range []string{"PAL-PSS-001 Deployment/shop/api", "PAL-PSS-029 Deployment/shop/api", "PAL-K8S-012 Deployment/shop/web"} {
		if !rules[want] {
			t.Errorf("missing %s in %v", want, rules)
		}
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Kind != "kubernetes-manifest" {
		t.Errorf("targets = %+v", rep.Targets)
	}
}

func TestManifestsAuditStdinAndFlags(t *testing.T) {
	in := "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containers: [{name: c, image: nginx}]\n"
	code, stdout, _ := run(t, in, "manifests", "audit", "-", "--format", "json", "--pss-level", "baseline", "--pss-version", "1.30")
	if code != 0 || !strings.Contains(stdout, "PAL-K8S-001") || strings.Contains(stdout, "PAL-PSS-016") {
		t.Errorf("exit %d; stdout must hold PAL-K8S-001 and no restricted-level finding:\n%s", code, stdout)
	}
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"manifests", "audit", "testdata/kube", "--pss-version", "2.0"}, `--pss-version "2.0"`},
		{[]string{"manifests", "audit", "testdata/kube", "--pss-level", "strict"}, `use baseline or restricted`},
		{[]string{"manifests", "audit", "testdata/nothing-here"}, "cannot read testdata/nothing-here"},
		{[]string{"manifests", "audit"}, "requires at least 1 arg"},
		{[]string{"netpol", "explain", "ghost", "--file", "testdata/kube", "-n", "shop"}, `no pod or workload "ghost" in namespace shop`},
		{[]string{"cluster", "audit", "--kubeconfig", "testdata/kube/none.yaml"}, "reading the kubeconfig"},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, "", tt.args...)
		if code != ExitUsage || !strings.Contains(stderr, tt.err) {
			t.Errorf("%v: exit %d stderr %q, want 2 and %q", tt.args, code, stderr, tt.err)
		}
	}
}

func TestNetpolExplainFile(t *testing.T) {
	code, stdout, stderr := run(t, "", "netpol", "explain", "api", "--file", "testdata/kube", "-n", "shop")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Deployment/shop/api (namespace shop)", "isolated by 2 policies", "rule 0: from pods app=web in namespace shop [1 pod] on TCP/8080", "no rules: admits nothing (deny all egress)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = run(t, "", "netpol", "explain", "web", "--file", "testdata/kube", "-n", "shop", "--format", "json")
	var x map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &x) != nil || len(x["admittedBy"].([]any)) != 1 {
		t.Errorf("json explanation: exit %d %s", code, stdout)
	}
}

// TestClusterAuditCommand runs `palisade cluster audit` and `netpol
// explain` against a real API server, with an administrator and with a
// user who may only read pods in one namespace.
func TestClusterAuditCommand(t *testing.T) {
	c := kubetest.Start(t)
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "nginx:latest"}}}}
	if _, err := cs.CoreV1().Pods("shop").Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A client of a deprecated API (componentstatuses, deprecated in
	// v1): only the API server's metrics show it.
	_ = cs.CoreV1().RESTClient().Get().AbsPath("/api/v1/componentstatuses").Do(ctx).Error()
	admin, err := c.WriteKubeconfig(c.Admin, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "cluster", "audit", "--kubeconfig", admin, "--format", "json", "--fail-on", "medium")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Name != "admin" || rep.Targets[0].Kind != "kubernetes-cluster" || len(rep.Errors) != 0 {
		t.Errorf("targets %+v errors %+v", rep.Targets, rep.Errors)
	}
	if !strings.Contains(stdout, `"PAL-K8S-011"`) || !strings.Contains(stdout, `"Pod/shop/web"`) {
		t.Errorf("report lacks the latest-tag finding on Pod/shop/web")
	}
	requested := false
	for _, f := range rep.Findings {
		if f.RuleID == "PAL-UPG-009" && f.Target == "Cluster/admin" && strings.Contains(f.Message, "clients have requested v1 componentstatuses (deprecated)") {
			requested = true
		}
	}
	if !requested {
		t.Errorf("no finding on the deprecated API requested (componentstatuses) from the API server's metrics")
	}
	code, stdout, _ = run(t, "", "netpol", "explain", "web", "-n", "shop", "--kubeconfig", admin)
	if code != 0 || !strings.Contains(stdout, "not isolated: no policy selects this pod for ingress") {
		t.Errorf("explain: exit %d\n%s", code, stdout)
	}

	cfg, err := c.UserConfig("viewer")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Grant(ctx, "viewer-pods", "shop", rbacv1.UserKind, "viewer", "", []string{"pods"}, []string{"list"}); err != nil {
		t.Fatal(err)
	}
	limited, err := c.WriteKubeconfig(cfg, "viewer", "shop")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, "", "cluster", "audit", "--kubeconfig", limited, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep = report.Report{}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var notAssessed int
	for _, e := range rep.Errors {
		if strings.HasPrefix(e.Message, "not assessed: ") {
			notAssessed++
		}
	}
	if !strings.Contains(stdout, "cannot get /metrics") {
		t.Errorf("limited audit does not say the deprecated-API metric was not read")
	}
	if notAssessed < 10 || !strings.Contains(stdout, `"Pod/shop/web"`) {
		t.Errorf("limited audit: %d not-assessed errors, findings on the readable pod expected:\n%s", notAssessed, stdout)
	}
	for _, cr := range rep.Controls {
		if cr.ID == "app.network-policies" && cr.Status != report.NotAssessed {
			t.Errorf("network policies could not be read, yet the control is %s", cr.Status)
		}
	}
	code, _, stderr = run(t, "", "netpol", "explain", "web", "--kubeconfig", limited)
	if code != ExitUsage || !strings.Contains(stderr, "cannot read the network policies of namespace shop") {
		t.Errorf("explain without policy access: exit %d %s", code, stderr)
	}
}
