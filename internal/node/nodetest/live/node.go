// Package live runs a real Kubernetes node on this machine for tests:
// containerd with its CRI plugin and the kubelet built by
// .ci/setup-kube.sh, registered with a kubetest cluster, and the
// controllers (kube-controller-manager, kube-scheduler) that turn a
// DaemonSet into pods on it. No image is pulled: the pod sandbox image
// is built here, the test imports its own. Everything lives in the
// test's temporary directory and is torn down when the test ends:
// pods, processes, mounts, cgroups.
package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// Options configure StartNode.
type Options struct {
	// Images are docker archives (ImageArchive) to import before the
	// kubelet starts.
	Images []string
	// KubeletArgs are command-line flags added after the node's own;
	// a flag overrides the configuration file.
	KubeletArgs []string
	// KubeletConfig is YAML appended to the kubelet's configuration
	// file; it must not repeat a key the file sets.
	KubeletConfig string
}

// Node is a running kubelet and containerd.
type Node struct {
	// Name is the node's name: the host's name, as a kubelet without
	// --hostname-override registers, when it resolves to loopback (else
	// localhost, with --hostname-override).
	Name string
	// Dir holds the node's state, configuration and logs.
	Dir string
	// KubeletConfig is the path of the kubelet's configuration file.
	KubeletConfig string
	// KubeletArgs are the kubelet's command-line flags.
	KubeletArgs []string
	// KubeletPort is the kubelet API's port on 127.0.0.1.
	KubeletPort int
	// ContainerdSocket is containerd's socket.
	ContainerdSocket string
	// CgroupRoot is the kubelet's cgroup root, the node's own.
	CgroupRoot string

	containerd, kubelet *process
	ctr                 string
	podLogs             string
	healthz             string
	// madeLogLinks says the kubelet created /var/log/containers.
	madeLogLinks bool
	// sysctls are the host's kernel settings the kubelet changes, as
	// they were before it started (hostSysctls keeps them on disk too).
	sysctls map[string]string
	// stopSignals ends the handler that tears down on SIGINT or SIGTERM.
	stopSignals func()
}

// StartNode starts containerd and a kubelet that registers with c, waits
// until the node is Ready, and tears everything down when the test ends.
// It needs root, the kubelet from .ci/setup-kube.sh and containerd, ctr
// and runc from .ci/setup-node.sh.
func StartNode(t *testing.T, c *kubetest.Cluster, o Options) *Node {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("a live node runs containerd and a kubelet, which need root (CI runs as root)")
	}
	kubeletBin, err := kubetest.Binary("kubelet")
	if err != nil {
		t.Fatal(err)
	}
	bins := map[string]string{}
	for _, b := range []string{"containerd", "ctr", "runc", "containerd-shim-runc-v2"} {
		p, err := nodetest.LookBin(b)
		if err != nil {
			t.Fatalf("%s is not installed: run `bash .ci/setup-node.sh` (Debian's containerd and runc)", b)
		}
		bins[b] = p
	}
	name, override, err := nodeName()
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	dir := t.TempDir()
	n := &Node{
		Name:             name,
		Dir:              dir,
		ContainerdSocket: filepath.Join(dir, "containerd", "containerd.sock"),
		CgroupRoot:       "/palisade-live-" + hex.EncodeToString(suffix),
		ctr:              bins["ctr"],
		podLogs:          filepath.Join(dir, "pod-logs"),
	}
	t.Cleanup(func() { n.teardown(t) })
	// Before the kubelet changes them: the host's settings, or those a
	// killed test left its kubelet's values over.
	originals, dead, err := hostSysctls.Save(savedSysctls{PID: os.Getpid(), Start: processStart(os.Getpid()), Dir: n.Dir, CgroupRoot: n.CgroupRoot, Socket: n.ContainerdSocket})
	if err != nil {
		t.Fatalf("saving the host's kernel settings before the kubelet changes them: %v", err)
	}
	for _, d := range dead {
		t.Logf("test process %d was killed with its node running: restored the kernel settings, removing what its node left (%s)", d.PID, removeLeftovers(d))
	}
	n.sysctls = originals
	n.stopSignals = onSignal(n.abort)
	if err := n.startContainerd(bins["containerd"]); err != nil {
		t.Fatal(err)
	}
	tools := t.TempDir()
	pause, err := GoBuild(tools, "github.com/palisade-sec/palisade/internal/node/nodetest/live/pause")
	if err != nil {
		t.Fatal(err)
	}
	pauseImage, err := ImageArchive(tools, PauseImage, pause)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range append([]string{pauseImage}, o.Images...) {
		if out, err := n.ctrRun("images", "import", img); err != nil {
			t.Fatalf("importing %s: %v\n%s", img, err, out)
		}
	}
	if override {
		o.KubeletArgs = append([]string{"--hostname-override=" + name}, o.KubeletArgs...)
	}
	// The kubelet's ports are found free, then closed for it to bind:
	// another process may take one in between, so try other ports.
	for attempt := 1; ; attempt++ {
		if err := n.startKubelet(c, kubeletBin, o); err != nil {
			t.Fatal(err)
		}
		err := n.waitReady(c, 3*time.Minute)
		if err == nil {
			break
		}
		if !errors.Is(err, errPortTaken) || attempt == 3 {
			t.Fatal(err)
		}
		t.Logf("attempt %d: %v; starting the kubelet again", attempt, err)
		n.kubelet.stop(30 * time.Second)
	}
	return n
}

// errPortTaken is a kubelet that could not bind its ports.
var errPortTaken = errors.New("a port of the kubelet was taken")

// onSignal runs f, then dies of the signal, when the test process gets
// SIGINT or SIGTERM (Ctrl-C, a CI job cancelled), as no cleanup runs
// then; the returned func stops it.
func onSignal(f func()) func() {
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		select {
		case sig := <-sigs:
			f()
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(done)
		})
	}
}

// removeLeftovers removes what the node of a killed test process left:
// its containers, shims, mounts, cgroups and directory.
func removeLeftovers(d savedSysctls) string {
	var done []string
	if d.CgroupRoot != "" {
		pids, _ := killCgroup(d.CgroupRoot)
		done = append(done, fmt.Sprintf("%d process(es) killed", len(pids)))
	}
	if d.Socket != "" {
		done = append(done, fmt.Sprintf("%d shim(s) killed", len(killShims(d.Socket))))
	}
	// The killed test's temporary directories (t.TempDir makes
	// $TMPDIR/TestName123/004), its etcd's too.
	if testDir := filepath.Dir(d.Dir); filepath.Dir(testDir) == filepath.Clean(os.TempDir()) && strings.HasPrefix(filepath.Base(testDir), "Test") {
		left, _ := unmountAll(testDir)
		if len(left) == 0 {
			_ = os.RemoveAll(testDir)
		}
		done = append(done, fmt.Sprintf("%s removed, %d mount(s) left", testDir, len(left)))
	}
	if d.CgroupRoot != "" {
		if err := removeCgroupRoot(d.CgroupRoot, 5*time.Second); err != nil {
			done = append(done, err.Error())
		}
	}
	return strings.Join(done, "; ")
}

// abort is the teardown of a test process about to die of a signal:
// stop everything the node runs and restore the kernel settings, with
// no waiting.
func (n *Node) abort() {
	for _, p := range []*process{n.kubelet, n.containerd} {
		if p != nil {
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	_, _ = killCgroup(n.CgroupRoot)
	killShims(n.ContainerdSocket)
	_, _ = unmountAll(n.Dir)
	_ = removeCgroupRoot(n.CgroupRoot, 3*time.Second)
	if err := hostSysctls.Release(os.Getpid(), n.sysctls); err != nil {
		fmt.Fprintf(os.Stderr, "live node: restoring the host's kernel settings: %v\n", err)
	}
}

// nodeName is the name the kubelet registers with. The API server
// reaches a kubelet at its name (kubetest), and this one serves on
// loopback only (traffic stays on the machine), so the name must resolve
// to loopback: the host's name usually does (/etc/hosts), else
// localhost is the name and override says so.
func nodeName() (name string, override bool, err error) {
	host, err := os.Hostname()
	if err != nil {
		return "", false, err
	}
	host = strings.ToLower(host)
	addrs, err := net.LookupHost(host)
	if err == nil && len(addrs) > 0 {
		loop := true
		for _, a := range addrs {
			if ip := net.ParseIP(a); ip == nil || !ip.IsLoopback() {
				loop = false
			}
		}
		if loop {
			return host, false, nil
		}
	}
	return "localhost", true, nil
}

// Configz is the kubelet's effective configuration as its API serves
// it (/configz), asked on loopback with the client certificate of cfg
// (the API server's node proxy refuses loopback nodes).
func (n *Node) Configz(ctx context.Context, cfg *rest.Config) ([]byte, error) {
	tlsCfg, err := rest.TLSConfigFor(cfg)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}, Timeout: 10 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://127.0.0.1:"+strconv.Itoa(n.KubeletPort)+"/configz", nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("kubelet /configz: HTTP %d: %.300s", resp.StatusCode, body)
	}
	return body, nil
}

// Exited says whether the kubelet or containerd exited, or "" while
// both run.
func (n *Node) Exited() string {
	for _, p := range []*process{n.kubelet, n.containerd} {
		if msg := p.exited(); msg != "" {
			return msg
		}
	}
	return ""
}

// KubeletPID is the kubelet's process ID.
func (n *Node) KubeletPID() int { return n.kubelet.cmd.Process.Pid }

// RunningTasks lists the IDs of containerd's running tasks: containers
// and pod sandboxes that have a process.
func (n *Node) RunningTasks() ([]string, error) {
	out, err := n.ctrRun("tasks", "list")
	if err != nil {
		return nil, fmt.Errorf("ctr tasks list: %v: %s", err, out)
	}
	var ids []string
	for _, line := range strings.Split(out, "\n")[1:] { // after the header
		f := strings.Fields(line)
		if len(f) >= 3 && f[2] == "RUNNING" {
			ids = append(ids, f[0])
		}
	}
	return ids, nil
}

// Logs are the ends of the kubelet's and containerd's logs, for failure
// messages.
func (n *Node) Logs() string {
	return n.kubelet.tail(40) + n.containerd.tail(20)
}

func (n *Node) ctrRun(args ...string) (string, error) {
	out, err := exec.Command(n.ctr, append([]string{"--address", n.ContainerdSocket, "--namespace", "k8s.io"}, args...)...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// startContainerd runs containerd with its CRI plugin, its root and state
// in the node's directory. The node is for pods on the host's network
// (the audit DaemonSet's), which never reach CNI: one loopback network
// configuration, with no plugin binaries, is what makes the runtime
// report its network ready and so the node Ready.
func (n *Node) startContainerd(bin string) error {
	d := filepath.Join(n.Dir, "containerd")
	cniConf := filepath.Join(n.Dir, "cni", "net.d")
	if err := os.MkdirAll(cniConf, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(cniConf, "10-loopback.conflist"), []byte(`{
  "cniVersion": "1.0.0",
  "name": "palisade-live",
  "plugins": [{"type": "loopback"}]
}
`), 0o644); err != nil {
		return err
	}
	config := fmt.Sprintf(`version = 2
root = %q
state = %q

[grpc]
  address = %q

[ttrpc]
  address = %q

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %q
  stream_server_address = "127.0.0.1"
  # Where root lacks CAP_SYS_RESOURCE (this machine's sandbox), runc
  # cannot lower a container's oom_score_adj (-998 for a pod sandbox):
  # keep it at least containerd's own.
  restrict_oom_score_adj = true

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = %q
  conf_dir = %q

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
`, filepath.Join(d, "root"), filepath.Join(d, "state"), n.ContainerdSocket, n.ContainerdSocket+".ttrpc", PauseImage, filepath.Join(n.Dir, "cni", "bin"), cniConf)
	if err := os.MkdirAll(d, 0o711); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d, "config.toml"), []byte(config), 0o600); err != nil {
		return err
	}
	p, err := startProcess(n.Dir, "containerd", bin, "--config", filepath.Join(d, "config.toml"))
	if err != nil {
		return err
	}
	n.containerd = p
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := n.ctrRun("version")
		if err == nil {
			return nil
		}
		if msg := p.exited(); msg != "" || time.Now().After(deadline) {
			return fmt.Errorf("containerd did not come up: %s %v: %s\n%s", msg, err, out, p.tail(30))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// startKubelet writes the kubelet's credentials and configuration and
// starts it: authentication by client certificate only, authorization
// by the API server (Webhook), a serving certificate from the cluster's
// CA, and its own ports, directories and cgroup root so that it shares
// nothing with another kubelet on the machine.
func (n *Node) startKubelet(c *kubetest.Cluster, bin string, o Options) error {
	d := filepath.Join(n.Dir, "kubelet")
	pki := filepath.Join(d, "pki")
	if err := os.MkdirAll(pki, 0o700); err != nil {
		return err
	}
	cfg, err := c.UserConfig("system:node:"+n.Name, "system:nodes")
	if err != nil {
		return err
	}
	kubeconfig, err := c.WriteKubeconfig(cfg, "node-"+n.Name, "")
	if err != nil {
		return err
	}
	certPEM, keyPEM, err := c.ServingCert([]net.IP{net.ParseIP("127.0.0.1")}, n.Name, "localhost")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(pki, "kubelet.crt"), certPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(pki, "kubelet.key"), keyPEM, 0o600); err != nil {
		return err
	}
	if err := makeCgroupRoot(n.CgroupRoot); err != nil {
		return err
	}
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	n.KubeletPort = ports[0]
	n.KubeletConfig = filepath.Join(d, "config.yaml")
	config := fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: %d
healthzBindAddress: 127.0.0.1
healthzPort: %d
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: false
  x509:
    clientCAFile: %q
authorization:
  mode: Webhook
tlsCertFile: %q
tlsPrivateKeyFile: %q
containerRuntimeEndpoint: unix://%s
cgroupDriver: cgroupfs
cgroupRoot: %s
failCgroupV1: false
failSwapOn: true
podLogsDir: %q
maxPods: 20
registerNode: true
rotateCertificates: false
serverTLSBootstrap: false
# A shared test machine: no eviction, no image garbage collection.
# The kubelet's own OOM score: -999 needs CAP_SYS_RESOURCE.
oomScoreAdj: 0
evictionHard:
  memory.available: 1Mi
  nodefs.available: 1%%
  nodefs.inodesFree: 1%%
  imagefs.available: 1%%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
nodeStatusUpdateFrequency: 2s
syncFrequency: 10s
fileCheckFrequency: 10s
%s`, n.KubeletPort, ports[1], c.CAFile(), filepath.Join(pki, "kubelet.crt"), filepath.Join(pki, "kubelet.key"),
		n.ContainerdSocket, n.CgroupRoot, n.podLogs, o.KubeletConfig)
	if err := os.WriteFile(n.KubeletConfig, []byte(config), 0o600); err != nil {
		return err
	}
	n.KubeletArgs = append([]string{
		"--config=" + n.KubeletConfig,
		"--kubeconfig=" + kubeconfig,
		"--root-dir=" + filepath.Join(d, "root"),
		"--v=2",
	}, o.KubeletArgs...)
	if _, err := os.Stat(logLinks); errors.Is(err, fs.ErrNotExist) {
		n.madeLogLinks = true
	}
	p, err := startProcess(n.Dir, "kubelet", bin, n.KubeletArgs...)
	if err != nil {
		return err
	}
	n.kubelet = p
	n.healthz = "http://127.0.0.1:" + strconv.Itoa(ports[1]) + "/healthz"
	return nil
}

// waitReady waits until the kubelet answers its health check and the
// API server has the node Ready.
func (n *Node) waitReady(c *kubetest.Cluster, timeout time.Duration) error {
	cs, err := kubernetes.NewForConfig(c.Admin)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	last := "not registered"
	for time.Now().Before(deadline) {
		if n.kubelet.logContains("address already in use") {
			return fmt.Errorf("%w: %s", errPortTaken, n.kubelet.tail(10))
		}
		if msg := n.kubelet.exited(); msg != "" {
			return fmt.Errorf("%s\n%s", msg, n.Logs())
		}
		if msg := n.containerd.exited(); msg != "" {
			return fmt.Errorf("%s\n%s", msg, n.Logs())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		node, err := cs.CoreV1().Nodes().Get(ctx, n.Name, metav1.GetOptions{})
		cancel()
		if err == nil {
			last = "registered, not Ready"
			for _, cond := range node.Status.Conditions {
				if cond.Type == corev1.NodeReady {
					last = fmt.Sprintf("Ready=%s: %s %s", cond.Status, cond.Reason, cond.Message)
					if cond.Status == corev1.ConditionTrue && n.healthy() {
						return nil
					}
				}
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("node %s not Ready after %s (%s)\n%s", n.Name, timeout, last, n.Logs())
}

func (n *Node) healthy() bool {
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(n.healthz)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// teardown stops the kubelet, removes every container and sandbox,
// stops containerd and removes what they left on the host; anything
// still mounted afterwards fails the test.
func (n *Node) teardown(t *testing.T) {
	if n.stopSignals != nil {
		defer n.stopSignals()
	}
	n.kubelet.stop(30 * time.Second)
	if n.sysctls != nil {
		if err := hostSysctls.Release(os.Getpid(), n.sysctls); err != nil {
			t.Errorf("the kubelet changed the host's kernel settings: %v", err)
		}
	}
	if n.containerd != nil && n.containerd.exited() == "" {
		// The tasks first (their shims exit), then the containers.
		if out, err := n.ctrRun("tasks", "list", "--quiet"); err == nil {
			for _, id := range strings.Fields(out) {
				_, _ = n.ctrRun("tasks", "kill", "--signal", "SIGKILL", id)
				_, _ = n.ctrRun("tasks", "delete", "--force", id)
			}
		}
		if out, err := n.ctrRun("containers", "list", "--quiet"); err == nil {
			for _, id := range strings.Fields(out) {
				_, _ = n.ctrRun("containers", "delete", id)
			}
		}
	}
	n.containerd.stop(30 * time.Second)
	// What ctr could not stop: containers first, then their shims.
	if pids, err := killCgroup(n.CgroupRoot); err != nil {
		t.Errorf("killing the node's containers: %v", err)
	} else if len(pids) > 0 {
		t.Logf("killed %d process(es) left in the node's cgroups: %v", len(pids), pids)
	}
	if pids := killShims(n.ContainerdSocket); len(pids) > 0 {
		t.Logf("killed %d containerd shim(s) left running: %v", len(pids), pids)
	}
	if mps, err := mountsUnder(n.Dir); err == nil && len(mps) > 0 {
		t.Logf("unmounting %d mount(s) left under %s: %v", len(mps), n.Dir, mps)
	}
	left, err := unmountAll(n.Dir)
	if err != nil {
		t.Errorf("reading the mounts: %v", err)
	}
	if len(left) > 0 {
		t.Errorf("still mounted after the node's teardown: %v", left)
	}
	if err := removeCgroupRoot(n.CgroupRoot, 20*time.Second); err != nil {
		t.Errorf("removing the node's cgroups: %v", err)
	}
	removeLogLinks(n.podLogs)
	if n.madeLogLinks {
		_ = os.Remove(logLinks) // only when empty
	}
	if t.Failed() && n.kubelet != nil {
		t.Logf("node %s logs:\n%s", n.Name, n.Logs())
	}
}
