package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// The test control plane has no controller manager and no kubelet: no
// DaemonSet controller makes the pods and nothing runs them. The tests
// play the DaemonSet controller (pods for the nodes they choose) and the
// kubelet (an audit init container that terminated), and hand in the
// logs a kubelet would serve; everything else (creation, RBAC, waiting,
// timeouts, cleanup) is the real API server's.

// fakeDaemonSetController waits for the run's DaemonSet and makes a pod
// for each node in run (from the DaemonSet's own template, bound to the
// node), marking those in done as having finished their audit with the
// given exit code. It stops with ctx.
func fakeDaemonSetController(ctx context.Context, t *testing.T, admin kubernetes.Interface, ns string, run []string, done map[string]int32) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			list, err := admin.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/name=palisade-node-audit"})
			if err != nil || len(list.Items) == 0 {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			ds := list.Items[0]
			for _, n := range run {
				pod := &corev1.Pod{
					ObjectMeta: metav1.ObjectMeta{
						GenerateName: ds.Name + "-", Namespace: ns, Labels: ds.Spec.Template.Labels,
						OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: ds.Name, UID: ds.UID}},
					},
					Spec: *ds.Spec.Template.Spec.DeepCopy(),
				}
				pod.Spec.NodeName = n
				created, err := admin.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{})
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("creating the pod for %s: %v", n, err)
					}
					return
				}
				if code, ok := done[n]; ok {
					created.Status.Phase = corev1.PodRunning
					created.Status.InitContainerStatuses = []corev1.ContainerStatus{{Name: "audit", Image: "palisade", State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: map[bool]string{true: "Completed", false: "Error"}[code == 0]}}}}
					if _, err := admin.CoreV1().Pods(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil && ctx.Err() == nil {
						t.Errorf("marking the audit on %s finished: %v", n, err)
					}
				}
			}
			return
		}
	}()
	return &wg
}

// nodeLogs are the logs a kubelet would serve: the summary line on
// standard error and the node's result from --results=- on standard
// output, for a fixture audited as each node.
func nodeLogs(t *testing.T) func(ctx context.Context, pod *corev1.Pod) ([]byte, error) {
	root := buildFixture(t, nodetest.Worker, nodetest.Compliant)
	res, _, err := Audit(Options{Root: root, Certs: CertOptions{Now: nodetest.Now}})
	if err != nil {
		t.Fatal(err)
	}
	return func(_ context.Context, pod *corev1.Pod) ([]byte, error) {
		r := *res
		r.Node = pod.Spec.NodeName
		data, err := json.MarshalIndent(&r, "", "  ")
		if err != nil {
			return nil, err
		}
		if pod.Spec.NodeName == "node-fail" {
			return []byte("Error: cannot read the node root /host: permission denied\n"), nil
		}
		return append([]byte(r.Summary()+"\n"), data...), nil
	}
}

func createNodes(t *testing.T, admin kubernetes.Interface, names ...string) {
	for _, n := range names {
		if _, err := admin.CoreV1().Nodes().Create(context.Background(), &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: n}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// assertCleanedUp checks the run's DaemonSet is gone, and the namespace
// too when the run created it (it stays Terminating without the
// namespace controller).
func assertCleanedUp(t *testing.T, admin kubernetes.Interface, ns string, nsCreated bool) {
	t.Helper()
	ctx := context.Background()
	list, err := admin.AppsV1().DaemonSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 0 {
		t.Errorf("daemonset %s left behind", list.Items[0].Name)
	}
	got, err := admin.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	switch {
	case nsCreated && err == nil && got.DeletionTimestamp == nil:
		t.Errorf("namespace %s created by the run was not deleted", ns)
	case !nsCreated && (err != nil || got.DeletionTimestamp != nil):
		t.Errorf("namespace %s that existed before was deleted (%v)", ns, err)
	}
}

func TestAuditAllNodes(t *testing.T) {
	c := kubetest.Start(t)
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	createNodes(t, admin, "node-a", "node-b", "node-c", "node-fail")
	logs := nodeLogs(t)

	t.Run("timeout names the pods that never ran", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		wg := fakeDaemonSetController(ctx, t, admin, "audit-timeout", []string{"node-a", "node-b", "node-fail"}, map[string]int32{"node-a": 0, "node-fail": 2})
		var progress []string
		run, err := AuditAllNodes(ctx, admin, AllNodesOptions{
			Manifest: ManifestOptions{Namespace: "audit-timeout"},
			Timeout:  5 * time.Second, Poll: 100 * time.Millisecond, Logs: logs,
			Progress: func(m string) { progress = append(progress, m) },
		})
		cancel()
		wg.Wait()
		if err == nil || !strings.Contains(err.Error(), "timed out after 5s waiting for the audit on 2 of 4 node(s)") {
			t.Fatalf("error %v", err)
		}
		for _, want := range []string{"node node-b: pod audit-timeout/palisade-node-audit-", "never ran the audit (Pending", "node node-c: no audit pod was created for it", "(rerun with --keep to inspect the DaemonSet and its pods)"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
		if len(run.Results) != 1 || run.Results[0].Node != "node-a" || run.Nodes != 4 {
			t.Fatalf("results %d, nodes %d", len(run.Results), run.Nodes)
		}
		if len(run.Problems) != 3 || !strings.Contains(run.Problems[2], "node node-fail: the audit in pod") || !strings.Contains(run.Problems[2], "exited 2 (Error): Error: cannot read the node root") {
			t.Errorf("problems %q", run.Problems)
		}
		if !slices.ContainsFunc(progress, func(s string) bool {
			return strings.HasPrefix(s, "created daemonset audit-timeout/palisade-node-audit-")
		}) {
			t.Errorf("progress %q", progress)
		}
		assertCleanedUp(t, admin, "audit-timeout", true)
	})

	t.Run("interrupted", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			// Ctrl-C once the DaemonSet exists.
			for ctx.Err() == nil {
				if l, err := admin.AppsV1().DaemonSets("audit-cancel").List(ctx, metav1.ListOptions{}); err == nil && len(l.Items) > 0 {
					cancel()
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		_, err := AuditAllNodes(ctx, admin, AllNodesOptions{Manifest: ManifestOptions{Namespace: "audit-cancel"}, Timeout: time.Minute, Poll: 100 * time.Millisecond, Logs: logs})
		if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
			t.Fatalf("error %v", err)
		}
		assertCleanedUp(t, admin, "audit-cancel", true)
	})

	t.Run("logs through the API server need a kubelet", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		wg := fakeDaemonSetController(ctx, t, admin, "audit-logs", []string{"node-a"}, map[string]int32{"node-a": 0})
		run, err := AuditAllNodes(ctx, admin, AllNodesOptions{Manifest: ManifestOptions{Namespace: "audit-logs"}, Timeout: 3 * time.Second, Poll: 100 * time.Millisecond})
		cancel()
		wg.Wait()
		if err == nil || len(run.Results) != 0 {
			t.Fatalf("err %v, %d results", err, len(run.Results))
		}
		if !strings.Contains(run.Problems[0], "node node-a: reading the log of pod audit-logs/") {
			t.Errorf("problems %q", run.Problems)
		}
	})

	t.Run("least privilege", func(t *testing.T) {
		// The runner RBAC manifest, applied as an administrator would.
		rbacYAML, err := RunnerRBACManifest(ManifestOptions{Namespace: "palisade"}, "")
		if err != nil {
			t.Fatal(err)
		}
		applyRBAC(t, admin, rbacYAML)
		auditor, err := c.UserConfig("alice", "palisade-node-auditors")
		if err != nil {
			t.Fatal(err)
		}
		client := kubernetes.NewForConfigOrDie(auditor)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		all := []string{"node-a", "node-b", "node-c", "node-fail"}
		wg := fakeDaemonSetController(ctx, t, admin, "palisade", all, map[string]int32{"node-a": 0, "node-b": 0, "node-c": 0, "node-fail": 0})
		run, err := AuditAllNodes(ctx, client, AllNodesOptions{Timeout: 30 * time.Second, Poll: 100 * time.Millisecond, Logs: func(ctx context.Context, pod *corev1.Pod) ([]byte, error) {
			if pod.Spec.NodeName == "node-fail" {
				pod = pod.DeepCopy()
				pod.Spec.NodeName = "node-d"
			}
			return logs(ctx, pod)
		}})
		cancel()
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range run.Results {
			names = append(names, r.Node)
		}
		slices.Sort(names)
		if !slices.Equal(names, []string{"node-a", "node-b", "node-c", "node-d"}) || len(run.Problems) != 0 {
			t.Errorf("results %v, problems %v", names, run.Problems)
		}
		// The namespace was there before: only the DaemonSet goes.
		assertCleanedUp(t, admin, "palisade", false)

		// Someone without those rights is told what is missing, and
		// nothing is created.
		nobody, err := c.UserConfig("bob")
		if err != nil {
			t.Fatal(err)
		}
		_, err = AuditAllNodes(context.Background(), kubernetes.NewForConfigOrDie(nobody), AllNodesOptions{Manifest: ManifestOptions{Namespace: "palisade"}, Timeout: time.Second})
		if err == nil || !strings.Contains(err.Error(), "this user may not list nodes, ") || !strings.Contains(err.Error(), "create daemonsets.apps in namespace palisade") || !strings.Contains(err.Error(), "runner-rbac.yaml") {
			t.Errorf("error %v", err)
		}
		assertCleanedUp(t, admin, "palisade", false)
	})

	t.Run("namespace that refuses privileged pods", func(t *testing.T) {
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "restricted", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}}}
		if _, err := admin.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		_, err := AuditAllNodes(context.Background(), admin, AllNodesOptions{Manifest: ManifestOptions{Namespace: "restricted"}})
		if err == nil || !strings.Contains(err.Error(), "enforces the restricted Pod Security level") {
			t.Errorf("error %v", err)
		}
	})
}

// applyRBAC creates the objects of the runner RBAC manifest.
func applyRBAC(t *testing.T, admin kubernetes.Interface, text string) {
	t.Helper()
	ctx := context.Background()
	for _, doc := range strings.Split(text, "\n---\n") {
		var meta metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &meta); err != nil {
			t.Fatal(err)
		}
		var err error
		switch meta.Kind {
		case "Namespace":
			var o corev1.Namespace
			mustYAML(t, doc, &o)
			_, err = admin.CoreV1().Namespaces().Create(ctx, &o, metav1.CreateOptions{})
		case "ClusterRole":
			var o rbacv1.ClusterRole
			mustYAML(t, doc, &o)
			_, err = admin.RbacV1().ClusterRoles().Create(ctx, &o, metav1.CreateOptions{})
		case "ClusterRoleBinding":
			var o rbacv1.ClusterRoleBinding
			mustYAML(t, doc, &o)
			_, err = admin.RbacV1().ClusterRoleBindings().Create(ctx, &o, metav1.CreateOptions{})
		case "Role":
			var o rbacv1.Role
			mustYAML(t, doc, &o)
			_, err = admin.RbacV1().Roles(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
		case "RoleBinding":
			var o rbacv1.RoleBinding
			mustYAML(t, doc, &o)
			_, err = admin.RbacV1().RoleBindings(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
		default:
			t.Fatalf("unexpected kind %q in the RBAC manifest", meta.Kind)
		}
		if err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("%s: %v", meta.Kind, err)
		}
	}
}

func mustYAML(t *testing.T, doc string, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(doc), v); err != nil {
		t.Fatal(fmt.Errorf("%w\n%s", err, doc))
	}
}
