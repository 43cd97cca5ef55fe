package node

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// The container runtime tests start a real containerd and a real dockerd
// (Debian's packages, installed by .ci/setup-node.sh) with their state in
// a temporary directory and their sockets where a node has them under a
// test root, create containers with the runtimes' own command-line tools
// (none is started: creation is what records the configuration), and
// audit them through the sockets palisade finds under the root.

// requireRuntimeTools fails the test, naming the setup script, when a
// runtime binary is missing; it skips only under -short.
func requireRuntimeTools(t *testing.T, bins ...string) map[string]string {
	t.Helper()
	if os.Geteuid() != 0 {
		if testing.Short() {
			t.Skip("-short: the runtime daemons need root")
		}
		t.Fatal("the container runtime tests start containerd and dockerd, which need root (CI runs as root)")
	}
	out := map[string]string{}
	for _, b := range bins {
		p, err := nodetest.LookBin(b)
		if err != nil {
			if testing.Short() {
				t.Skipf("-short: %s not installed", b)
			}
			t.Fatalf("%s is not installed: run `bash .ci/setup-node.sh` (it installs Debian's containerd and docker.io)", b)
		}
		out[b] = p
	}
	return out
}

// daemon starts a long-running process in its own process group, with
// its output in a log file, and stops the group when the test ends.
func daemon(t *testing.T, logFile, bin string, args ...string) {
	t.Helper()
	log, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		log.Close()
	})
}

// waitFor runs probe until it succeeds, failing with the log's tail.
func waitFor(t *testing.T, what, logFile string, probe func() error) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		if err = probe(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	data, _ := os.ReadFile(logFile)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	t.Fatalf("%s did not come up: %v\n%s", what, err, data)
}

func run(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// testImage writes a one-layer image as a docker archive: user "" runs as
// root, "1000:1000" as an unprivileged user.
func testImage(t *testing.T, dir, ref, user string) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	content := []byte("palisade test image\n")
	for _, h := range []*tar.Header{
		{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "etc/palisade", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(content))},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(content)
		}
	}
	tw.Close()
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg := cf.Config
	cfg.User = user
	cfg.Cmd = []string{"/bin/app"}
	cfg.Env = []string{"PATH=/bin"}
	img, err = mutate.Config(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.ConfigFile(img, withPlatform(must(img.ConfigFile())))
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, strings.NewReplacer("/", "_", ":", "_").Replace(ref)+".tar")
	if err := tarball.WriteToFile(p, tag, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func withPlatform(cf *v1.ConfigFile) *v1.ConfigFile {
	cf.OS, cf.Architecture = "linux", "amd64"
	return cf
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// auditContainers collects and judges only the container facts of root.
func auditContainers(t *testing.T, root string, o CollectOptions) (*Facts, *Result) {
	t.Helper()
	o.NoCerts = true
	f, err := Collect(root, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	return f, Judge(f, nil, JudgeOptions{Controls: []control.ID{control.CISRuntime}})
}

// findingsByContainer maps a container's name or ID to the rule IDs it
// breaks.
func findingsByContainer(f *Facts) map[string][]string {
	out := map[string][]string{}
	for _, x := range JudgeContainers(f) {
		k := x.Container.Name
		if k == "" {
			k = x.Container.ID
		}
		out[k] = append(out[k], x.Rule.ID)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func TestContainerdContainers(t *testing.T) {
	bins := requireRuntimeTools(t, "containerd", "ctr")
	tmp := t.TempDir()
	root := filepath.Join(tmp, "node")
	// The socket where a node has it, under the test root: palisade must
	// find it there by itself.
	sock := filepath.Join(root, "run/containerd/containerd.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o711); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = %q
[ttrpc]
  address = %q
`, filepath.Join(tmp, "root"), filepath.Join(tmp, "state"), sock, sock+".ttrpc")
	if err := os.WriteFile(filepath.Join(tmp, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(tmp, "containerd.log")
	daemon(t, logFile, bins["containerd"], "--config", filepath.Join(tmp, "config.toml"))
	ctr := func(args ...string) string {
		return run(t, bins["ctr"], append([]string{"--address", sock, "--namespace", "palisade-test"}, args...)...)
	}
	waitFor(t, "containerd", logFile, func() error {
		return exec.Command(bins["ctr"], "--address", sock, "version").Run()
	})

	ctr("images", "import", testImage(t, tmp, "example.com/palisade/app:1", "1000:1000"))
	ctr("images", "import", testImage(t, tmp, "example.com/palisade/root:1", ""))
	app, rootImg := "example.com/palisade/app:1", "example.com/palisade/root:1"

	// hardened: unprivileged user, read-only root, seccomp, limits.
	ctr("containers", "create", "--read-only", "--seccomp", "--memory-limit", "67108864", app, "hardened")
	// privileged, host network, PID and IPC namespaces, host mounts.
	ctr("containers", "create", "--privileged", "--net-host",
		"--with-ns", "pid:/proc/1/ns/pid", "--with-ns", "ipc:/proc/1/ns/ipc",
		"--mount", "type=bind,src=/etc,dst=/host/etc,options=rbind:ro",
		"--mount", "type=bind,src=/run/containerd/containerd.sock,dst=/run/containerd/containerd.sock,options=rbind:rw",
		"--mount", "type=bind,src=/srv/data,dst=/data,options=rbind:rshared",
		rootImg, "privileged")
	// added capabilities and new privileges allowed, as a Kubernetes pod.
	ctr("containers", "create", "--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_NET_ADMIN", "--allow-new-privs",
		"--label", "io.kubernetes.pod.name=web", "--label", "io.kubernetes.pod.namespace=shop", "--label", "io.kubernetes.container.name=nginx",
		rootImg, "caps")
	// a CRI pod sandbox, and palisade's own audit pod: left out.
	ctr("containers", "create", "--label", "io.cri-containerd.kind=sandbox", rootImg, "sandbox")
	ctr("containers", "create", "--with-ns", "pid:/proc/1/ns/pid", "--mount", "type=bind,src=/,dst=/host,options=rbind:ro",
		"--label", "io.kubernetes.pod.name=palisade-node-audit-x7k2p", "--label", "io.kubernetes.pod.namespace=palisade", "--label", "io.kubernetes.container.name=audit",
		"--label", "io.kubernetes.pod.uid=5d1e0c7a-audit",
		app, "own-audit")

	f, res := auditContainers(t, root, CollectOptions{SelfPodUID: "5d1e0c7a-audit"})
	if len(f.Runtimes) != 1 || f.Runtimes[0].Err != "" || f.Runtimes[0].Socket != "/run/containerd/containerd.sock" {
		t.Fatalf("runtimes: %+v (errors %v)", f.Runtimes, f.Errors)
	}
	if !strings.HasPrefix(f.Runtimes[0].Version, "1.") || f.Runtimes[0].Containers != 3 {
		t.Errorf("runtime %+v: want containerd 1.x with 3 containers (the sandbox left out)", f.Runtimes[0])
	}
	if sk := f.Runtimes[0].Skipped; len(sk) != 2 || !strings.Contains(sk[0], "1 pod sandbox") || !strings.Contains(sk[1], "1 container(s) of palisade's own node-audit pod") {
		t.Errorf("skipped %v, want the sandbox and the audit pod", sk)
	}
	byName := map[string]Container{}
	for _, c := range f.Containers {
		byName[c.ID] = c
	}
	p := byName["privileged"]
	if !p.Privileged || p.State != "created" || p.Namespace != "palisade-test" || p.Image != rootImg {
		t.Errorf("privileged container read as %+v", p)
	}
	if !slices.Equal(p.HostNamespaces, []string{"pid", "ipc", "network"}) {
		t.Errorf("host namespaces %v", p.HostNamespaces)
	}
	if c := byName["caps"]; c.Pod != "shop/web" || c.KubeContainer != "nginx" || !slices.Equal(c.AddedCaps, []string{"NET_ADMIN", "SYS_ADMIN"}) || c.Privileged {
		t.Errorf("caps container read as %+v", c)
	}
	if h := byName["hardened"]; h.RunsAsRoot || !h.ReadOnlyRootfs || h.Seccomp != "profile" || !h.NoNewPrivileges || h.MemoryLimit != 64<<20 || h.User != "1000" {
		t.Errorf("hardened container read as %+v", h)
	}

	got := findingsByContainer(f)
	want := map[string][]string{
		// No CPU shares or PIDs limit can be set with ctr create.
		"hardened":   {"PAL-RT-512", "PAL-RT-529"},
		"privileged": {"PAL-RT-401", "PAL-RT-505", "PAL-RT-506", "PAL-RT-510", "PAL-RT-511", "PAL-RT-512", "PAL-RT-513", "PAL-RT-516", "PAL-RT-517", "PAL-RT-520", "PAL-RT-529", "PAL-RT-532"},
		// A Kubernetes container: PIDs are limited per pod, not here.
		"caps": {"PAL-RT-401", "PAL-RT-504", "PAL-RT-511", "PAL-RT-512", "PAL-RT-513", "PAL-RT-522", "PAL-RT-526"},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s breaks %v, want %v", k, got[k], w)
		}
	}
	statuses := map[string]Status{
		"PAL-RT-505": Fail, "PAL-RT-532": Fail, "PAL-RT-504": Fail, "PAL-RT-510": Fail,
		"PAL-RT-502": NotApplicable, // no AppArmor on the test host
		"PAL-RT-508": NotApplicable, // containerd: ports are the CNI's
		"PAL-RT-527": NotApplicable,
		"PAL-RT-521": Pass,
	}
	if f.hostMAC().apparmor {
		statuses["PAL-RT-502"] = Fail
	}
	for id, st := range statuses {
		if r := resultByID(res, id); r.Status != st {
			t.Errorf("%s: %s (%s), want %s", id, r.Status, r.Reason, st)
		}
	}
	if r := resultByID(res, "PAL-RT-532"); !strings.Contains(r.Reason, "containerd palisade-test/privileged") || !strings.Contains(r.Reason, "/run/containerd/containerd.sock at /run/containerd/containerd.sock") {
		t.Errorf("PAL-RT-532 reason %q names neither the container nor the socket", r.Reason)
	}
	if r := resultByID(res, "PAL-RT-504"); !strings.Contains(r.Reason, "pod shop/web, container nginx") {
		t.Errorf("PAL-RT-504 reason %q does not name the pod", r.Reason)
	}

	if os.Getenv("PALISADE_RECORD_RUNTIME") != "" {
		for _, n := range []string{"hardened", "privileged", "caps"} {
			record(t, "containerd-"+n+".json", ctr("containers", "info", "--spec", n))
		}
	}

	// Only running containers: none runs, so the checks do not apply.
	f2, res2 := auditContainers(t, root, CollectOptions{RunningContainersOnly: true})
	if len(f2.Containers) != 0 || resultByID(res2, "PAL-RT-505").Status != NotApplicable {
		t.Errorf("running only: %d containers, PAL-RT-505 %s", len(f2.Containers), resultByID(res2, "PAL-RT-505").Status)
	}
	// --no-proc (a snapshot): the sockets are not asked.
	f3, res3 := auditContainers(t, root, CollectOptions{NoProc: true})
	if len(f3.Runtimes) != 0 || resultByID(res3, "PAL-RT-505").Status != NotApplicable {
		t.Errorf("no-proc: runtimes %+v", f3.Runtimes)
	}
	if r := resultByID(res, "PAL-RT-507"); r.Status != NotApplicable || !strings.Contains(r.Reason, "running containers only") {
		t.Errorf("PAL-RT-507 with nothing running: %s %q", r.Status, r.Reason)
	}

	// A running task with sshd: its processes are read from the node's
	// /proc (the host's, bind-mounted under the root as a DaemonSet has
	// it) by the PIDs containerd names.
	ctr("images", "import", runnableImage(t, tmp, "example.com/palisade/run:1", "1000:1000", buildWaiter(t, tmp)))
	// runc keeps its state under the machine's /run: the ID is unique.
	runID := fmt.Sprintf("sshd-%d", os.Getpid())
	ctr("run", "-d", "--null-io", "example.com/palisade/run:1", runID, "/usr/sbin/sshd", "-D")
	t.Cleanup(func() {
		// Before containerd stops: the shim and the rootfs mount go too.
		_ = exec.Command(bins["ctr"], "--address", sock, "--namespace", "palisade-test", "tasks", "delete", "--force", runID).Run()
	})
	bindProc(t, root)
	// The socket is named and the host's processes are not scanned: with
	// the live /proc, other runtimes on the test machine would be found.
	f4, res4 := auditContainers(t, root, CollectOptions{NoProc: true, ContainerdSocket: sock, RunningContainersOnly: true})
	if len(f4.Containers) != 1 || !f4.Containers[0].ProcessesListed || !slices.Equal(f4.Containers[0].Processes, []string{"sshd"}) {
		t.Fatalf("running containers %+v, runtimes %+v, errors %v\n%s", f4.Containers, f4.Runtimes, f4.Errors, ctr("tasks", "ls"))
	}
	if r := resultByID(res4, "PAL-RT-507"); r.Status != Fail || !strings.Contains(r.Reason, "containerd palisade-test/"+runID) || !strings.Contains(r.Reason, "runs sshd") {
		t.Errorf("PAL-RT-507: %s %q", r.Status, r.Reason)
	}
	for _, id := range []string{"PAL-RT-523", "PAL-RT-525", "PAL-RT-528", "PAL-RT-509"} {
		if r := resultByID(res4, id); r.Status != NotApplicable {
			t.Errorf("%s on containerd: %s %q, want n/a", id, r.Status, r.Reason)
		}
	}

	// More containers than palisade judges, in two namespaces: the limit
	// is said once.
	other := func(args ...string) string {
		return run(t, bins["ctr"], append([]string{"--address", sock, "--namespace", "palisade-other"}, args...)...)
	}
	other("images", "import", testImage(t, tmp, "example.com/palisade/other:1", ""))
	other("containers", "create", "example.com/palisade/other:1", "other")
	cs, _, _, errs, err := ContainerdContainers(context.Background(), sock, ContainerdOptions{limit: 1})
	if err != nil || len(cs) != 1 {
		t.Fatalf("with a limit of 1: %d containers, %v", len(cs), err)
	}
	if n := strings.Count(strings.Join(errs, "\n"), "only the first 1 containers judged"); n != 1 {
		t.Errorf("the limit is said %d times: %q", n, errs)
	}
}

func TestRuntimeSocketUnreachable(t *testing.T) {
	requireRuntimeTools(t)
	root := t.TempDir()
	sock := filepath.Join(root, "run/containerd/containerd.sock")
	os.MkdirAll(filepath.Dir(sock), 0o755)
	if err := syscall.Mknod(sock, syscall.S_IFSOCK|0o660, 0); err != nil {
		t.Fatal(err)
	}
	// A socket file nobody listens on in a copy of a node (no live /proc):
	// its containers cannot be asked, the checks do not apply.
	f, res := auditContainers(t, root, CollectOptions{})
	if len(f.Runtimes) != 1 || f.Runtimes[0].NotAsked == "" || len(f.Errors) != 0 {
		t.Fatalf("runtimes %+v, errors %v", f.Runtimes, f.Errors)
	}
	if r := resultByID(res, "PAL-RT-505"); r.Status != NotApplicable || !strings.Contains(r.Reason, "a copy of a node") {
		t.Errorf("PAL-RT-505: %s %q", r.Status, r.Reason)
	}
	// A socket the user names that does not answer (a daemon that died):
	// the checks warn, they never pass, and the error names the socket.
	f, res = auditContainers(t, root, CollectOptions{DockerSocket: sock})
	if len(f.Runtimes) != 2 || f.Runtimes[0].Name != "docker" || !strings.Contains(f.Runtimes[0].Err, "is the daemon running") || len(f.Errors) != 1 {
		t.Fatalf("runtimes %+v, errors %v", f.Runtimes, f.Errors)
	}
	if r := resultByID(res, "PAL-RT-505"); r.Status != Warn || !strings.Contains(r.Reason, "could not be listed") {
		t.Errorf("PAL-RT-505: %s %q", r.Status, r.Reason)
	}
}

func TestDockerContainers(t *testing.T) {
	bins := requireRuntimeTools(t, "dockerd", "docker")
	tmp := t.TempDir()
	root := filepath.Join(tmp, "node")
	sock := filepath.Join(root, "run/docker.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		t.Fatal(err)
	}
	// /var/run is a link to /run on the node, as on Debian: the socket
	// must be found once.
	os.MkdirAll(filepath.Join(root, "var"), 0o755)
	os.Symlink("/run", filepath.Join(root, "var/run"))
	logFile := filepath.Join(tmp, "dockerd.log")
	// Its own empty daemon.json: the machine's /etc/docker must not matter.
	if err := os.WriteFile(filepath.Join(tmp, "daemon.json"), []byte("{}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	daemon(t, logFile, bins["dockerd"], "--config-file", filepath.Join(tmp, "daemon.json"),
		"--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
		"--data-root", filepath.Join(tmp, "data"), "--exec-root", filepath.Join(tmp, "exec"),
		"--pidfile", filepath.Join(tmp, "docker.pid"), "--host", "unix://"+sock)
	docker := func(args ...string) string {
		return run(t, bins["docker"], append([]string{"--host", "unix://" + sock}, args...)...)
	}
	waitFor(t, "dockerd", logFile, func() error {
		return exec.Command(bins["docker"], "--host", "unix://"+sock, "version").Run()
	})
	docker("load", "--input", testImage(t, tmp, "example.com/palisade/app:1", "1000:1000"))
	docker("load", "--input", testImage(t, tmp, "example.com/palisade/root:1", ""))
	app, rootImg := "example.com/palisade/app:1", "example.com/palisade/root:1"

	docker("create", "--name", "hardened", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--memory", "64m", "--cpu-shares", "512", "--pids-limit", "100", "--restart", "on-failure:3",
		"--health-cmd", "/bin/app --health", "--network", "none", app)
	docker("create", "--name", "privileged", "--privileged", "--pid", "host", "--ipc", "host", "--network", "host", "--uts", "host",
		"-v", "/:/host", "-v", "/var/run/docker.sock:/var/run/docker.sock", "--restart", "always", rootImg)
	docker("create", "--name", "ports", "-p", "80:8080", "-p", "127.0.0.1:8443:8443", "--cap-add", "SYS_ADMIN",
		"--security-opt", "seccomp=unconfined", "--device", "/dev/null:/dev/xnull",
		"-v", "/etc:/host-etc:ro", "-v", "/srv/data:/data:rshared", "--user", "root", rootImg)
	// What a person must confirm: a cgroup parent and ulimit overrides.
	docker("create", "--name", "confirm", "--cgroup-parent", "/palisade-test", "--ulimit", "nofile=1024:2048", app)
	// A container whose tag was pulled again after it was created.
	docker("load", "--input", testImage(t, tmp, "example.com/palisade/moving:1", ""))
	docker("create", "--name", "stale", "example.com/palisade/moving:1")
	docker("load", "--input", testImage(t, t.TempDir(), "example.com/palisade/moving:1", "1000:1000"))
	// A running container with sshd, and exec sessions into it as root
	// and privileged.
	docker("load", "--input", runnableImage(t, tmp, "example.com/palisade/run:1", "1000:1000", buildWaiter(t, tmp)))
	docker("run", "-d", "--name", "sshd", "--network", "none", "example.com/palisade/run:1", "/usr/sbin/sshd", "-D")
	// A privileged exec cannot start on the test machine (its own
	// container lacks capabilities to hand out) and Docker forgets one
	// that failed: the session is created through the API, as docker
	// exec does first, and kept unstarted.
	hc := unixClient(sock, 30*time.Second)
	resp, err := hc.Post("http://docker/containers/sshd/exec", "application/json", strings.NewReader(`{"Privileged":true,"Cmd":["/bin/app","--privileged"]}`))
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("creating a privileged exec: %v %v", err, resp)
	}
	resp.Body.Close()
	docker("exec", "-d", "--user", "root", "sshd", "/bin/app", "--as-root")

	f, res := auditContainers(t, root, CollectOptions{})
	if len(f.Runtimes) != 1 || f.Runtimes[0].Err != "" || f.Runtimes[0].Socket != "/run/docker.sock" {
		t.Fatalf("runtimes %+v, errors %v", f.Runtimes, f.Errors)
	}
	if f.Runtimes[0].Containers != 6 || f.Runtimes[0].Version == "" {
		t.Errorf("runtime %+v", f.Runtimes[0])
	}
	got := findingsByContainer(f)
	want := map[string][]string{
		"hardened":   nil,
		"privileged": {"PAL-RT-401", "PAL-RT-505", "PAL-RT-506", "PAL-RT-510", "PAL-RT-511", "PAL-RT-512", "PAL-RT-513", "PAL-RT-515", "PAL-RT-516", "PAL-RT-517", "PAL-RT-521", "PAL-RT-526", "PAL-RT-527", "PAL-RT-529", "PAL-RT-532"},
		"ports":      {"PAL-RT-401", "PAL-RT-504", "PAL-RT-506", "PAL-RT-508", "PAL-RT-511", "PAL-RT-512", "PAL-RT-513", "PAL-RT-514", "PAL-RT-518", "PAL-RT-520", "PAL-RT-522", "PAL-RT-526", "PAL-RT-527", "PAL-RT-529", "PAL-RT-530"},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s breaks %v, want %v", k, got[k], w)
		}
	}
	for id, st := range map[string]Status{"PAL-RT-505": Fail, "PAL-RT-518": Warn, "PAL-RT-530": Warn, "PAL-RT-531": Pass, "PAL-RT-503": NotApplicable} {
		if r := resultByID(res, id); r.Status != st {
			t.Errorf("%s: %s (%s), want %s", id, r.Status, r.Reason, st)
		}
	}
	if r := resultByID(res, "PAL-RT-508"); !strings.Contains(r.Reason, "docker ports") || !strings.Contains(r.Reason, "host port 80 → 8080/tcp") {
		t.Errorf("PAL-RT-508 reason %q", r.Reason)
	}
	for _, k := range []struct{ container, rule string }{
		{"sshd", "PAL-RT-507"}, {"sshd", "PAL-RT-523"}, {"sshd", "PAL-RT-524"},
		{"confirm", "PAL-RT-519"}, {"confirm", "PAL-RT-525"}, {"stale", "PAL-RT-528"},
	} {
		if !slices.Contains(got[k.container], k.rule) {
			t.Errorf("%s does not break %s: %v", k.container, k.rule, got[k.container])
		}
	}
	for _, n := range []string{"hardened", "privileged", "ports", "confirm"} {
		for _, id := range []string{"PAL-RT-507", "PAL-RT-523", "PAL-RT-524", "PAL-RT-528"} {
			if slices.Contains(got[n], id) {
				t.Errorf("%s breaks %s", n, id)
			}
		}
	}
	byName := map[string]Container{}
	for _, c := range f.Containers {
		byName[c.Name] = c
	}
	if c := byName["sshd"]; c.State != "running" || !c.ProcessesListed || !slices.Equal(c.Processes, []string{"app", "sshd"}) || len(c.Execs) != 2 {
		t.Errorf("sshd container read as state %s, processes %v (listed %v), execs %+v", c.State, c.Processes, c.ProcessesListed, c.Execs)
	}
	for id, want := range map[string]struct {
		st   Status
		text string
	}{
		"PAL-RT-507": {Fail, "docker sshd"},
		"PAL-RT-509": {Manual, "0.0.0.0:80 → 8080/tcp"},
		"PAL-RT-519": {Warn, "nofile=1024:2048"},
		"PAL-RT-523": {Fail, "privileged exec app"},
		"PAL-RT-524": {Fail, `as user "root"`},
		"PAL-RT-525": {Warn, "cgroup parent /palisade-test"},
		"PAL-RT-528": {Warn, "example.com/palisade/moving:1 now names sha256:"},
	} {
		r := resultByID(res, id)
		if r.Status != want.st || !strings.Contains(r.Reason+strings.Join(r.Evidence, "\n"), want.text) {
			t.Errorf("%s: %s %q %v, want %s naming %q", id, r.Status, r.Reason, r.Evidence, want.st, want.text)
		}
	}
	if os.Getenv("PALISADE_RECORD_RUNTIME") != "" {
		// The daemon's own responses, not the CLI's re-encoding.
		get := func(p string) string {
			data, err := dockerGet(context.Background(), hc, p, 8<<20)
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
		record(t, "docker-info.json", get("/info"))
		for _, n := range []string{"hardened", "privileged", "ports"} {
			record(t, "docker-"+n+".json", get("/containers/"+n+"/json"))
		}
		record(t, "docker-sshd.json", get("/containers/sshd/json"))
		record(t, "docker-sshd-top.json", get("/containers/sshd/top"))
		for _, e := range byName["sshd"].Execs {
			name := "docker-exec-root.json"
			if e.Privileged {
				name = "docker-exec-privileged.json"
			}
			record(t, name, get("/exec/"+e.ID+"/json"))
		}
	}
}

// record writes a real runtime response under testdata/runtime, for the
// parser tests and the fuzz seeds (PALISADE_RECORD_RUNTIME=1 go test -run
// 'Test(Docker|Containerd)Containers').
func record(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join("testdata", "runtime"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "runtime", name), []byte(data+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
