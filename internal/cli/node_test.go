package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/node"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
	"github.com/palisade-sec/palisade/internal/report"
)

// TestNodeAuditThisMachine is the smoke test: auditing the machine the
// tests run on completes, whatever it is, and every check is accounted for.
func TestNodeAuditThisMachine(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results.json")
	code, stdout, stderr := run(t, "", "node", "audit", "--root", "/", "--format", "json", "--results", results)
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout)
	}
	// One node; and the identity of a kube-apiserver, when a test
	// running beside this one has started one.
	nodes := 0
	for _, tg := range rep.Targets {
		switch tg.Kind {
		case "node":
			nodes++
		case KindAPIServer:
		default:
			t.Errorf("target %+v", tg)
		}
	}
	if nodes != 1 {
		t.Fatalf("targets %+v", rep.Targets)
	}
	if !strings.Contains(stderr, "node ") {
		t.Errorf("no summary on stderr: %q", stderr)
	}
	var res node.Result
	data, err := os.ReadFile(results)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range res.Counts {
		total += n
	}
	if total != len(res.Checks) || total == 0 {
		t.Fatalf("counts %v do not add up to %d checks", res.Counts, len(res.Checks))
	}
}

func TestNodeAuditFixture(t *testing.T) {
	nodetest.RequireRoot(t, testing.Short())
	root := t.TempDir()
	if err := nodetest.ControlPlane(root, nodetest.Failing); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "node", "audit", "--root", root, "--format", "json", "--fail-on", "critical")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (critical findings)\nstderr: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	byRule := map[string]bool{}
	for _, f := range rep.Findings {
		byRule[f.RuleID] = true
		// The node's checks, and the identity checks of the API server
		// found on it.
		if f.Target != "node cp-1" && !(strings.HasPrefix(f.RuleID, "PAL-ID-") && f.Target == "kube-apiserver (manifest /etc/kubernetes/manifests/kube-apiserver.yaml) on node cp-1") {
			t.Errorf("finding %s target %q", f.RuleID, f.Target)
		}
	}
	for _, id := range []string{"PAL-NODE-001", "PAL-NODE-501", "PAL-AUD-002", "PAL-ID-001", "PAL-ID-002", "PAL-ID-007"} {
		if !byRule[id] {
			t.Errorf("no %s finding", id)
		}
	}
	status := map[string]report.Status{}
	for _, c := range rep.Controls {
		status[string(c.ID)] = c.Status
	}
	if status["cluster.cis"] != report.Failed || status["cluster.audit"] != report.Failed {
		t.Errorf("controls %v", status)
	}
	if !strings.Contains(stderr, "control-plane") || !strings.Contains(stderr, "kubeadm") || !strings.Contains(stderr, "1.33.2") {
		t.Errorf("summary %q", stderr)
	}
}

func TestNodeAuditUsage(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"node", "audit", "--root", "/nonexistent-root"}, "cannot read the node root"},
		{[]string{"node", "audit", "--flavour", "openshift"}, `unknown distribution "openshift"`},
		{[]string{"node", "audit", "--controls", "cluster.nope"}, `unknown control "cluster.nope"`},
		{[]string{"node", "audit", "extra"}, "unknown command"},
	} {
		code, _, stderr := run(t, "", tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
}

func TestAuditPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	broken := filepath.Join(dir, "broken.yaml")
	for p, content := range map[string]string{good: nodetest.GoodAuditPolicy, bad: nodetest.BadAuditPolicy, broken: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n"} {
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, stderr := run(t, "", "audit-policy", "check", good, "--fail-on", "low"); code != 0 || !strings.Contains(stderr, "0 of 6 requirements failed") {
		t.Errorf("good policy: exit %d, %s", code, stderr)
	}
	code, stdout, stderr := run(t, "", "audit-policy", "check", bad, "--format", "json", "--fail-on", "high")
	if code != 1 || !strings.Contains(stderr, "6 of 6 requirements failed") {
		t.Errorf("bad policy: exit %d, %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 6 || rep.Findings[0].Location.File != bad {
		t.Errorf("findings %+v", rep.Findings)
	}
	if code, _, stderr := run(t, "", "audit-policy", "check", broken); code != 2 || !strings.Contains(stderr, "0 rules") {
		t.Errorf("broken policy: exit %d, %s", code, stderr)
	}
	if code, stdout, _ := run(t, nodetest.BadAuditPolicy, "audit-policy", "check", "-", "--levels"); code != 0 || !strings.Contains(stdout, "get secrets") || !strings.Contains(stdout, "RequestResponse") {
		t.Errorf("levels: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := run(t, "", "audit-policy", "check", filepath.Join(dir, "nope.yaml")); code != 2 || !strings.Contains(stderr, "no such file") {
		t.Errorf("missing file: exit %d, %s", code, stderr)
	}
}

func TestCerts(t *testing.T) {
	nodetest.RequireRoot(t, testing.Short())
	root := t.TempDir()
	if err := nodetest.ControlPlane(root, nodetest.Failing); err != nil {
		t.Fatal(err)
	}
	// The fixture's certificates are issued around nodetest.Now; today
	// they have long expired, so judge key size and names, not dates.
	code, stdout, stderr := run(t, "", "certs", "--root", root)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(stdout, "\n")
	if !strings.HasPrefix(lines[0], "EXPIRES") || !strings.Contains(stdout, "/etc/kubernetes/pki/apiserver.crt") || !strings.Contains(stdout, "kubeconfig /etc/kubernetes/admin.conf (user kubernetes-admin)") {
		t.Errorf("list:\n%s", stdout)
	}
	if !strings.Contains(stdout, "PAL-CERT-004") {
		t.Errorf("no weak-key finding:\n%s", stdout)
	}
	results := filepath.Join(t.TempDir(), "certs.json")
	code, stdout, _ = run(t, "", "certs", "--root", root, "/etc/kubernetes/pki/apiserver.crt", "--format", "json", "--results", results)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var certs []node.CertInfo
	data, _ := os.ReadFile(results)
	if err := json.Unmarshal(data, &certs); err != nil || len(certs) != 1 || certs[0].KeyBits != 1024 {
		t.Fatalf("results %v %+v", err, certs)
	}
	if code, _, stderr := run(t, "", "certs", "--warn-days", "10", "--fail-days", "20"); code != 2 || !strings.Contains(stderr, "must be at least") {
		t.Errorf("thresholds: %d %s", code, stderr)
	}
}

func TestNodeManifestsAndMerge(t *testing.T) {
	code, stdout, _ := run(t, "", "node", "manifests", "--image", "reg.example/palisade:v1")
	if code != 0 || !strings.Contains(stdout, "kind: DaemonSet") || !strings.Contains(stdout, "image: reg.example/palisade:v1") {
		t.Fatalf("manifests: %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "", "node", "manifests", "--job", "worker-7")
	if code != 0 || !strings.Contains(stdout, "nodeName: worker-7") {
		t.Fatalf("job: %d\n%s", code, stdout)
	}
	if code, _, stderr := run(t, "", "node", "manifests", "--job", "a b"); code != 2 || !strings.Contains(stderr, "not a node name") {
		t.Errorf("bad node: %d %s", code, stderr)
	}

	nodetest.RequireRoot(t, testing.Short())
	dir := t.TempDir()
	var files []string
	for i, build := range []func(string, nodetest.Variant) error{nodetest.ControlPlane, nodetest.Worker} {
		root := filepath.Join(dir, "root"+string(rune('a'+i)))
		if err := build(root, nodetest.Failing); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "node"+string(rune('a'+i))+".json")
		if code, _, stderr := run(t, "", "node", "audit", "--root", root, "--results", out, "--output", filepath.Join(dir, "ignored.json")); code != 0 {
			t.Fatalf("audit: %d %s", code, stderr)
		}
		files = append(files, out)
	}
	code, stdout, stderr := run(t, "", append([]string{"node", "merge", "--format", "json"}, files...)...)
	if code != 0 {
		t.Fatalf("merge: %d %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 2 || rep.Targets[0].Name != "node cp-1" || rep.Targets[1].Name != "node worker-1" {
		t.Errorf("targets %+v", rep.Targets)
	}
	if !strings.Contains(stderr, "PAL-NODE-501 fails or warns on 2 of 2 nodes: cp-1, worker-1") {
		t.Errorf("cross-node summary missing:\n%s", stderr)
	}
	if code, _, stderr := run(t, "not results", "node", "merge", "-"); code != 2 || !strings.Contains(stderr, "no node results") {
		t.Errorf("garbage: %d %s", code, stderr)
	}
}
