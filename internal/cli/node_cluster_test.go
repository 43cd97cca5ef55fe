package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/node"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
	"github.com/palisade-sec/palisade/internal/report"
)

// TestCertsCluster runs palisade certs against the TLS Secrets of a real
// API server.
func TestCertsCluster(t *testing.T) {
	c := kubetest.Start(t)
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "shop"}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, s := range []struct {
		name     string
		from, to time.Time
	}{
		{"expired-tls", now.Add(-400 * 24 * time.Hour), now.Add(-2 * 24 * time.Hour)},
		{"expiring-tls", now.Add(-300 * 24 * time.Hour), now.Add(20 * 24 * time.Hour)},
		{"good-tls", now.Add(-24 * time.Hour), now.Add(300 * 24 * time.Hour)},
	} {
		crt, _, key, err := nodetest.ServingCert(s.name+".example.com", []string{s.name + ".example.com"}, s.from, s.to)
		if err != nil {
			t.Fatal(err)
		}
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: s.name}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": crt, "tls.key": key}}
		if _, err := cs.CoreV1().Secrets("shop").Create(ctx, secret, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	kubeconfig, err := c.WriteKubeconfig(c.Admin, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "certs", "--kubeconfig", kubeconfig)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(stdout, "\n")
	// Soonest expiry first.
	if len(lines) < 4 || !strings.HasPrefix(lines[0], "EXPIRES") || !strings.Contains(lines[1], "expired") || !strings.Contains(lines[1], "secret shop/expired-tls tls.crt") ||
		!strings.Contains(lines[2], "fail") || !strings.Contains(lines[2], "secret shop/expiring-tls") || !strings.Contains(lines[3], "ok") {
		t.Errorf("list:\n%s", stdout)
	}
	if !strings.Contains(stderr, "3 certificate(s) read, 2 finding(s)") {
		t.Errorf("stderr %q", stderr)
	}
	code, stdout, _ = run(t, "", "certs", "--kubeconfig", kubeconfig, "-n", "shop", "--format", "json", "--fail-on", "high")
	if code != ExitFindings {
		t.Fatalf("exit %d, want 1 (an expired certificate)", code)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Name != "cluster admin" || len(rep.Findings) != 2 {
		t.Fatalf("targets %+v, %d findings", rep.Targets, len(rep.Findings))
	}
	if f := rep.Findings[0]; f.RuleID != "PAL-CERT-001" || !strings.Contains(f.Evidence, "secret shop/expired-tls tls.crt") || f.Location.File != "" {
		t.Errorf("finding %+v", f)
	}
	if code, _, stderr := run(t, "", "certs", "--kubeconfig", kubeconfig, "--context", "nope"); code != ExitUsage || !strings.Contains(stderr, "nope") {
		t.Errorf("unknown context: exit %d, %s", code, stderr)
	}
}

// TestNodeAuditAllNodesCommand runs palisade node audit --all-nodes
// against a real API server. It has no kubelet, so no audit pod ever
// runs: the command must time out naming the nodes, delete what it
// created and exit 2. The log → merge path is then run with the output of
// a real node audit of this machine as the pods' logs.
func TestNodeAuditAllNodesCommand(t *testing.T) {
	c := kubetest.Start(t)
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	for _, n := range []string{"worker-1", "worker-2"} {
		if _, err := cs.CoreV1().Nodes().Create(ctx, &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	kubeconfig, err := c.WriteKubeconfig(c.Admin, "admin", "")
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "node", "audit", "--all-nodes", "--kubeconfig", kubeconfig, "--namespace", "node-audit", "--timeout", "2s", "--controls", "cluster.cis")
	if code != ExitUsage {
		t.Fatalf("exit %d, want 2; stderr %s", code, stderr)
	}
	t.Logf("stderr of the timed-out run:\n%s", stderr)
	if strings.Count(stderr, "timed out") != 1 {
		t.Errorf("the error is printed more than once:\n%s", stderr)
	}
	for _, want := range []string{"timed out after 2s waiting for the audit on 2 of 2 node(s)", "node worker-1: no audit pod was created for it", "node worker-2: no audit pod was created for it"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr)
		}
	}
	dss, err := cs.AppsV1().DaemonSets("node-audit").List(ctx, metav1.ListOptions{})
	if err != nil || len(dss.Items) != 0 {
		t.Errorf("daemonsets left: %v %v", dss, err)
	}
	if ns, err := cs.CoreV1().Namespaces().Get(ctx, "node-audit", metav1.GetOptions{}); err == nil && ns.DeletionTimestamp == nil {
		t.Error("the namespace the run created was not deleted")
	}
	if code, _, stderr := run(t, "", "node", "audit", "--all-nodes", "--root", "/mnt"); code != ExitUsage || !strings.Contains(stderr, "drop --root") {
		t.Errorf("--root with --all-nodes: %d %s", code, stderr)
	}

	// A real audit of this machine, as the pods' logs would hold it:
	// the summary line on standard error, the result on standard output.
	code, out, summary := run(t, "", "node", "audit", "--root", "/", "--results", "-")
	if code != 0 {
		t.Fatalf("node audit of this machine: exit %d: %s", code, summary)
	}
	realLog := summary + out
	nodes := map[string]bool{"worker-1": true, "worker-2": true}
	stop := make(chan struct{})
	defer close(stop)
	go playDaemonSetController(t, cs, "node-audit-2", nodes, stop)
	res, err := node.AuditAllNodes(ctx, cs, node.AllNodesOptions{
		Manifest: node.ManifestOptions{Namespace: "node-audit-2"},
		Timeout:  30 * time.Second, Poll: 100 * time.Millisecond,
		Logs: func(_ context.Context, pod *corev1.Pod) ([]byte, error) {
			// The same real log, as each node would have written it.
			var r map[string]any
			i := strings.Index(realLog, "{")
			if err := json.Unmarshal([]byte(realLog[i:]), &r); err != nil {
				return nil, err
			}
			r["node"] = pod.Spec.NodeName
			data, _ := json.MarshalIndent(r, "", "  ")
			return append([]byte(realLog[:i]), data...), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Results) != 2 {
		t.Fatalf("%d results", len(res.Results))
	}
	var errBuf bytes.Buffer
	p, err := (&ReportFlags{Format: "json"}).prepare(".")
	if err != nil {
		t.Fatal(err)
	}
	rep := mergedReport(&IO{Err: &errBuf}, res.Results, []string{"node worker-3: pod node-audit-2/x never ran the audit (Pending)"}, p)
	if len(rep.Targets) != 2 || rep.Targets[0].Name != "node worker-1" || rep.Targets[1].Name != "node worker-2" {
		t.Errorf("targets %+v", rep.Targets)
	}
	if len(rep.Errors) == 0 || rep.Errors[len(rep.Errors)-1].Target != "node worker-3" {
		t.Errorf("errors %+v", rep.Errors)
	}
	if !strings.Contains(errBuf.String(), "node worker-1 (") {
		t.Errorf("summaries %q", errBuf.String())
	}
}

// playDaemonSetController makes, for each node, the pod the DaemonSet
// controller would, and marks its audit as finished, as the kubelet would.
func playDaemonSetController(t *testing.T, cs kubernetes.Interface, ns string, nodes map[string]bool, stop chan struct{}) {
	ctx := context.Background()
	for {
		select {
		case <-stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		list, err := cs.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
		if err != nil || len(list.Items) == 0 {
			continue
		}
		ds := list.Items[0]
		for n := range nodes {
			pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{GenerateName: ds.Name + "-", Namespace: ns, Labels: ds.Spec.Template.Labels}, Spec: *ds.Spec.Template.Spec.DeepCopy()}
			pod.Spec.NodeName = n
			created, err := cs.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
			if err != nil {
				t.Errorf("pod for %s: %v", n, err)
				return
			}
			created.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "audit", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed"}}}}
			if _, err := cs.CoreV1().Pods(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				t.Errorf("status for %s: %v", n, err)
			}
		}
		return
	}
}
