package node

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/node/nodetest/live"
)

// TestAuditAllNodesLive runs `node audit --all-nodes` as the CLI does
// against a real node: the test kube-apiserver with the real DaemonSet,
// garbage-collector and namespace controllers and the scheduler, and a
// kubelet on containerd on this machine that runs the audit pod from a
// locally built palisade image. The API server reads the audit's log
// from the kubelet, and the node's result must describe that kubelet:
// its process, its configuration file, and a flag that overrides the
// file, as the kubelet itself reports its configuration.
func TestAuditAllNodesLive(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts a control plane, containerd and a kubelet")
	}
	c := kubetest.Start(t)
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	ctl := live.StartControllers(t, c)

	tools := t.TempDir()
	bin, err := live.GoBuild(tools, "github.com/palisade-sec/palisade/cmd/palisade")
	if err != nil {
		t.Fatal(err)
	}
	// Not :latest, so the kubelet's default pull policy (IfNotPresent)
	// uses the imported image and never pulls.
	const image = "palisade.test/palisade:live"
	archive, err := live.ImageArchive(tools, image, bin)
	if err != nil {
		t.Fatal(err)
	}
	n := live.StartNode(t, c, live.Options{
		Images: []string{archive},
		// The file opens the read-only port; the flag closes it again.
		KubeletConfig: "readOnlyPort: 10255\n",
		KubeletArgs:   []string{"--read-only-port=0"},
	})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// A controller or the kubelet that dies ends the wait at once.
	runCtx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	go func() {
		for runCtx.Err() == nil {
			if msg := cmp.Or(ctl.Exited(), n.Exited()); msg != "" {
				stopRun(errors.New(msg))
			}
			time.Sleep(time.Second)
		}
	}()
	var progress []string
	// The default reader (the API server asks the kubelet), keeping what
	// it read for failure messages, and the pod it read.
	var logs []byte
	var pod *corev1.Pod
	run, err := AuditAllNodes(runCtx, admin, AllNodesOptions{
		Manifest: ManifestOptions{Image: image, Namespace: "palisade-live"},
		Timeout:  5 * time.Minute, Poll: time.Second,
		Progress: func(m string) { progress = append(progress, m) },
		Logs: func(ctx context.Context, p *corev1.Pod) ([]byte, error) {
			data, err := apiServerLogs(ctx, admin, p)
			logs, pod = data, p
			return data, err
		},
	})
	if err != nil {
		t.Fatalf("%v (%v)\nprogress: %q\n%s\n%s", err, context.Cause(runCtx), progress, n.Logs(), ctl.Logs())
	}
	stopRun(nil)
	if run.Nodes != 1 || len(run.Results) != 1 || len(run.Problems) != 0 {
		t.Fatalf("nodes %d, %d result(s), problems %q\naudit log (%d bytes, the end): %s\n%s", run.Nodes, len(run.Results), run.Problems, len(logs), tail(logs, 2000), n.Logs())
	}
	nodes, sums := Merge(run.Results)
	res := nodes[0]

	// The node is named as its /etc/hostname says, or by its root
	// where it has none.
	hostname, err := os.ReadFile("/etc/hostname")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	if want := cmp.Or(strings.TrimSpace(string(hostname)), "/host"); res.Node != want || res.Root != "/host" {
		t.Errorf("result for node %q at root %q, want this host (%q) at /host", res.Node, res.Root, want)
	}
	// The pod as the API server kept it: the host's root read-only,
	// recursively where containerd can (the kubelet says whether it
	// did), and the pod's UID given to the audit.
	audit := pod.Spec.InitContainers[0]
	if m := audit.VolumeMounts[0]; !m.ReadOnly || m.RecursiveReadOnly == nil || *m.RecursiveReadOnly != corev1.RecursiveReadOnlyIfPossible {
		t.Errorf("host mount %+v", m)
	}
	if e := audit.Env; len(e) != 1 || e[0].Name != "PALISADE_POD_UID" || e[0].ValueFrom == nil || e[0].ValueFrom.FieldRef == nil || e[0].ValueFrom.FieldRef.FieldPath != "metadata.uid" {
		t.Errorf("audit env %+v", e)
	}
	for _, st := range pod.Status.InitContainerStatuses {
		for _, m := range st.VolumeMounts {
			if m.RecursiveReadOnly != nil {
				t.Logf("container %s: %s mounted with recursive read-only %s", st.Name, m.MountPath, *m.RecursiveReadOnly)
			}
		}
	}
	// The log holds the summary, then the framed result.
	if !strings.Contains(string(logs), "\n"+frameMark+"begin ") {
		t.Errorf("the audit's log has no framed result: %s", tail(logs, 500))
	}
	// The kubelet is found as a process (hostPID) with its --config.
	kubelet := ComponentAt{Name: "kubelet", Source: "process " + strconv.Itoa(n.KubeletPID()), Config: n.KubeletConfig}
	if !slices.Contains(res.Components, kubelet) {
		t.Errorf("components %+v, want %+v", res.Components, kubelet)
	}

	byID := map[string]CheckResult{}
	for _, r := range res.Checks {
		byID[r.ID] = r
	}
	kubeconfig := flagValue(n.KubeletArgs, "--kubeconfig")
	for _, w := range []struct {
		id       string
		status   Status
		evidence string
	}{
		// From the configuration file the kubelet was started with.
		{"PAL-NODE-501", Pass, fmt.Sprintf(`--anonymous-auth = "false" (authentication.anonymous.enabled in %s)`, n.KubeletConfig)},
		{"PAL-NODE-502", Pass, fmt.Sprintf(`--authorization-mode = "Webhook" (authorization.mode in %s)`, n.KubeletConfig)},
		{"PAL-NODE-503", Pass, fmt.Sprintf(`--client-ca-file = %q (authentication.x509.clientCAFile in %s)`, c.CAFile(), n.KubeletConfig)},
		{"PAL-NODE-510", Fail, fmt.Sprintf(`--rotate-certificates = "false" (rotateCertificates in %s)`, n.KubeletConfig)},
		// The flag wins over the file's 10255.
		{"PAL-NODE-504", Pass, fmt.Sprintf(`--read-only-port = "0" (flag --read-only-port (process %d))`, n.KubeletPID())},
		// The files the flags name, with their real modes.
		{"PAL-NODE-405", Pass, kubeconfig + " mode 600"},
		{"PAL-NODE-409", Pass, n.KubeletConfig + " mode 600"},
	} {
		got, ok := byID[w.id]
		if !ok {
			t.Errorf("%s missing from the result", w.id)
			continue
		}
		if got.Status != w.status || !slices.Contains(got.Evidence, w.evidence) {
			t.Errorf("%s: %s %q (evidence %q), want %s with evidence %q", w.id, got.Status, got.Reason, got.Evidence, w.status, w.evidence)
		}
	}
	// Read through the pod, the node's network sysctls are the host's
	// (the pod is on the host's network namespace).
	forward, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`net.ipv4.ip_forward = %q (/proc/sys/net/ipv4/ip_forward)`, strings.TrimSpace(string(forward)))
	if got := byID["PAL-OS-002"]; !slices.Contains(got.Evidence, want) {
		t.Errorf("PAL-OS-002 evidence %q, want %q", got.Evidence, want)
	}
	// The merged summary names the node where a check failed.
	for _, s := range sums {
		if s.ID == "PAL-NODE-510" && (s.Counts[Fail] != 1 || !slices.Equal(s.Failing, []string{res.Node})) {
			t.Errorf("summary of PAL-NODE-510: %+v", s)
		}
	}

	// What the kubelet itself says it runs with: the read-only port is
	// closed, as palisade judged.
	raw, err := n.Configz(ctx, c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	var configz struct {
		KubeletConfig struct {
			Port int `json:"port"`
			// Left out when 0.
			ReadOnlyPort int `json:"readOnlyPort"`
		} `json:"kubeletconfig"`
	}
	if err := json.Unmarshal(raw, &configz); err != nil {
		t.Fatalf("kubelet configz: %v: %.300s", err, raw)
	}
	if k := configz.KubeletConfig; k.Port != n.KubeletPort || k.ReadOnlyPort != 0 {
		t.Errorf("kubelet configz says port %d, read-only port %d; want %d and 0", k.Port, k.ReadOnlyPort, n.KubeletPort)
	}

	// Cleanup: the run deleted its DaemonSet and namespace; the real
	// controllers and the kubelet finish the job.
	if !slices.Equal(run.Cleanup, []string{"deleted daemonset palisade-live/" + dsName(progress), "deleted namespace palisade-live"}) {
		t.Errorf("cleanup %q", run.Cleanup)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		_, err := admin.CoreV1().Namespaces().Get(ctx, "palisade-live", metav1.GetOptions{})
		tasks, terr := n.RunningTasks()
		if apierrors.IsNotFound(err) && terr == nil && len(tasks) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("3 minutes after the run the namespace is still there (%v) or containers still run (%v %v)\n%s", err, tasks, terr, n.Logs())
		}
		time.Sleep(time.Second)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// flagValue is the value of --name=value in args.
func flagValue(args []string, name string) string {
	for _, a := range args {
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// dsName is the run's DaemonSet name, from its progress line.
func dsName(progress []string) string {
	for _, p := range progress {
		if rest, ok := strings.CutPrefix(p, "created daemonset palisade-live/"); ok {
			return strings.Fields(rest)[0]
		}
	}
	return ""
}
