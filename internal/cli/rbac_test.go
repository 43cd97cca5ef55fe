package cli

import (
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

func TestRBACCommandsOnManifests(t *testing.T) {
	code, out, errOut := run(t, "", "rbac", "who-can", "create", "pods", "-n", "ci", "--file", "testdata/rbac")
	if code != 0 {
		t.Fatalf("who-can: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Who can create pods in ci", "group system:masters", "group devs", "rolebinding ci/dev-pods -> Role ci/pod-maker", "sa ci/deployer"} {
		if !strings.Contains(out, want) {
			t.Errorf("who-can output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = run(t, "", "rbac", "can", "group:devs", "--file", "testdata/rbac")
	if code != 0 {
		t.Fatalf("can: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Subject: group devs", "create,get pods", "Dangerous capabilities", "create pods",
		"group devs -> create pods in ci -> sa ci/deployer -> clusterrolebinding deployer-admin -> cluster-admin"} {
		if !strings.Contains(out, want) {
			t.Errorf("can output lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, "", "rbac", "can", "sa:ci/deployer", "delete", "nodes", "--file", "testdata/rbac", "--format", "json")
	var rep CanReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Allowed == nil || !*rep.Allowed {
		t.Errorf("can sa:ci/deployer delete nodes: exit %d, %s", code, out)
	}
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"rbac", "who-can", "create"}, "accepts between 2 and 3 arg(s)"},
		{[]string{"rbac", "who-can", "get", "/metrics", "-n", "x", "--file", "testdata/rbac"}, "has no namespace"},
		{[]string{"rbac", "can", "sa:broken", "--file", "testdata/rbac"}, `subject "sa:broken"`},
		{[]string{"rbac", "can", "u", "get"}, "accepts SUBJECT, or SUBJECT VERB RESOURCE"},
		{[]string{"rbac", "can", "u", "--format", "xml", "--file", "testdata/rbac"}, `unknown format "xml"`},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, "", tt.args...)
		if code != ExitUsage || !strings.Contains(stderr, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.err)
		}
	}
}

func TestKubeconfigAndAPIServerAudit(t *testing.T) {
	code, out, errOut := run(t, "", "kubeconfig", "audit", "testdata/rbac/kubeconfig", "--format", "json", "--fail-on", "high")
	if code != ExitFindings {
		t.Fatalf("kubeconfig audit: exit %d, want 1: %s", code, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range rep.Findings {
		got[f.RuleID] = true
		if strings.Contains(f.Message, "not-a-real-token") {
			t.Errorf("token printed: %s", f.Message)
		}
	}
	if !got["PAL-ID-020"] || !got["PAL-ID-024"] || len(rep.Targets) != 1 || rep.Targets[0].Kind != KindKubeconfig {
		t.Errorf("findings %v, targets %+v", got, rep.Targets)
	}
	code, out, _ = run(t, "", "apiserver", "audit", "testdata/rbac/kube-apiserver.flags", "--format", "json")
	rep = report.Report{}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("apiserver audit: exit %d: %s", code, out)
	}
	got = map[string]bool{}
	for _, f := range rep.Findings {
		got[f.RuleID] = true
	}
	if !got["PAL-ID-002"] || got["PAL-ID-001"] || got["PAL-ID-006"] {
		t.Errorf("apiserver findings %v", got)
	}
	if code, _, stderr := run(t, "", "kubeconfig", "audit", "testdata/rbac/missing"); code != ExitUsage || !strings.Contains(stderr, "no target could be read") {
		t.Errorf("missing kubeconfig: exit %d, %s", code, stderr)
	}
}

func TestUpgradeCheckOnManifests(t *testing.T) {
	code, out, errOut := run(t, "", "upgrade", "check", "--to", "v1.30", "--file", "testdata/rbac", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.RuleID == "PAL-UPG-008" && strings.Contains(f.Message, "batch/v1beta1 CronJob is removed in v1.25") {
			found = true
		}
	}
	if !found || len(rep.Summaries) != 1 || !strings.HasPrefix(rep.Summaries[0].Facts["verdict"], "not ready") {
		t.Errorf("findings %+v summaries %+v", rep.Findings, rep.Summaries)
	}
	if code, _, stderr := run(t, "", "upgrade", "check", "--file", "testdata/rbac"); code != ExitUsage || !strings.Contains(stderr, "--to is required") {
		t.Errorf("no --to: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "upgrade", "check", "--to", "2.1", "--file", "testdata/rbac"); code != ExitUsage || !strings.Contains(stderr, "not a Kubernetes 1.x version") {
		t.Errorf("bad --to: exit %d %s", code, stderr)
	}
}

// TestRBACAndUpgradeLive runs who-can, can and upgrade check against a
// real API server.
func TestRBACAndUpgradeLive(t *testing.T) {
	c := kubetest.Start(t)
	ctx := kubetest.Context(t)
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Grant(ctx, "readers", "team", rbacv1.GroupKind, "readers", "", []string{"pods"}, []string{"get", "list"}); err != nil {
		t.Fatal(err)
	}
	kc, err := c.WriteKubeconfig(c.Admin, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "rbac", "who-can", "list", "pods", "-n", "team", "--kubeconfig", kc)
	if code != 0 || !strings.Contains(out, "group readers") || !strings.Contains(out, "rolebinding team/readers") {
		t.Errorf("who-can: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "rbac", "can", "group:readers", "list", "pods", "-n", "team", "--kubeconfig", kc)
	if code != 0 || !strings.Contains(out, "Can list pods in team: yes") {
		t.Errorf("can: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "upgrade", "check", "--to", "v1.38", "--kubeconfig", kc, "--format", "json")
	if code != 0 {
		t.Fatalf("upgrade check: exit %d: %s", code, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Summaries) != 1 || !strings.HasPrefix(rep.Summaries[0].Facts["current"], "v1.37") || rep.Summaries[0].Facts["path"] != "v1.38 (1 minor upgrade(s), one at a time)" {
		t.Errorf("summaries: %+v", rep.Summaries)
	}
	for _, e := range rep.Errors {
		if strings.Contains(e.Message, "deprecated APIs requested") {
			t.Errorf("metrics not read: %s", e.Message)
		}
	}
}
