package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// TestCRIContainers runs a real containerd with its CRI plugin serving
// on the node's CRI-O socket path (/run/crio/crio.sock under the test
// root): palisade finds it there and reads it with its CRI client, the
// code that reads CRI-O. The pod and containers are made through the CRI,
// as a kubelet makes them.
func TestCRIContainers(t *testing.T) {
	bins := requireRuntimeTools(t, "containerd", "ctr")
	tmp := t.TempDir()
	root := filepath.Join(tmp, "node")
	sock := filepath.Join(root, "run/crio/crio.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o711); err != nil {
		t.Fatal(err)
	}
	pause, app := "example.com/palisade/pause:1", "example.com/palisade/run:1"
	config := fmt.Sprintf(`version = 2
root = %q
state = %q
[grpc]
  address = %q
[ttrpc]
  address = %q
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %q
  # The test machine's own container lacks CAP_SYS_RESOURCE: the pause
  # container's oom_score_adj of -998 cannot be set there.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = %q
    conf_dir = %q
`, filepath.Join(tmp, "root"), filepath.Join(tmp, "state"), sock, sock+".ttrpc", pause, filepath.Join(tmp, "cni-bin"), filepath.Join(tmp, "cni-conf"))
	if err := os.WriteFile(filepath.Join(tmp, "config.toml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(tmp, "containerd.log")
	daemon(t, logFile, bins["containerd"], "--config", filepath.Join(tmp, "config.toml"))
	ctr := func(args ...string) string {
		return run(t, bins["ctr"], append([]string{"--address", sock, "--namespace", "k8s.io"}, args...)...)
	}
	waitFor(t, "containerd", logFile, func() error {
		return exec.Command(bins["ctr"], "--address", sock, "version").Run()
	})
	waiter := buildWaiter(t, tmp)
	ctr("images", "import", runnableImage(t, tmp, pause, "", waiter))
	ctr("images", "import", runnableImage(t, tmp, app, "1000:1000", waiter))

	conn, err := grpc.NewClient("unix://"+sock, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithAuthority("localhost"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() }) // after the pod is removed
	rs := runtimeapi.NewRuntimeServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	uid := fmt.Sprintf("palisade-%d", os.Getpid())
	// The pod shares the host's network (no CNI here) and PID namespace.
	sbConfig := &runtimeapi.PodSandboxConfig{
		Metadata:     &runtimeapi.PodSandboxMetadata{Name: "web", Namespace: "shop", Uid: uid},
		LogDirectory: filepath.Join(tmp, "logs"),
		Linux: &runtimeapi.LinuxPodSandboxConfig{SecurityContext: &runtimeapi.LinuxSandboxSecurityContext{
			NamespaceOptions: &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_NODE, Pid: runtimeapi.NamespaceMode_NODE},
		}},
	}
	sb, err := rs.RunPodSandbox(ctx, &runtimeapi.RunPodSandboxRequest{Config: sbConfig})
	if err != nil {
		data, _ := os.ReadFile(logFile)
		t.Fatalf("RunPodSandbox: %v\n%s", err, data[max(0, len(data)-3000):])
	}
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := rs.StopPodSandbox(c, &runtimeapi.StopPodSandboxRequest{PodSandboxId: sb.GetPodSandboxId()}); err != nil {
			t.Errorf("stopping the pod: %v", err)
		}
		if _, err := rs.RemovePodSandbox(c, &runtimeapi.RemovePodSandboxRequest{PodSandboxId: sb.GetPodSandboxId()}); err != nil {
			t.Errorf("removing the pod: %v", err)
		}
	})
	create := func(name string, lc *runtimeapi.LinuxContainerConfig, mounts []*runtimeapi.Mount, cmd ...string) string {
		t.Helper()
		resp, err := rs.CreateContainer(ctx, &runtimeapi.CreateContainerRequest{
			PodSandboxId: sb.GetPodSandboxId(), SandboxConfig: sbConfig,
			Config: &runtimeapi.ContainerConfig{
				Metadata: &runtimeapi.ContainerMetadata{Name: name}, Image: &runtimeapi.ImageSpec{Image: app},
				Command: cmd, Linux: lc, Mounts: mounts, LogPath: name + ".log",
				Labels: map[string]string{"io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "shop", "io.kubernetes.pod.uid": uid, "io.kubernetes.container.name": name},
			},
		})
		if err != nil {
			t.Fatalf("CreateContainer %s: %v", name, err)
		}
		return resp.GetContainerId()
	}
	// An added capability and a writable mount of the host's /etc:
	// created, not started.
	create("admin", &runtimeapi.LinuxContainerConfig{SecurityContext: &runtimeapi.LinuxContainerSecurityContext{
		Capabilities: &runtimeapi.Capability{AddCapabilities: []string{"SYS_ADMIN"}},
	}}, []*runtimeapi.Mount{{ContainerPath: "/host/etc", HostPath: "/etc"}}, "/bin/app")
	// A hardened container that runs sshd.
	sshd := create("sshd", &runtimeapi.LinuxContainerConfig{
		Resources: &runtimeapi.LinuxContainerResources{MemoryLimitInBytes: 64 << 20, CpuShares: 256},
		SecurityContext: &runtimeapi.LinuxContainerSecurityContext{
			ReadonlyRootfs: true, NoNewPrivs: true, RunAsUser: &runtimeapi.Int64Value{Value: 1000},
			Seccomp:          &runtimeapi.SecurityProfile{ProfileType: runtimeapi.SecurityProfile_RuntimeDefault},
			NamespaceOptions: &runtimeapi.NamespaceOption{Network: runtimeapi.NamespaceMode_NODE, Pid: runtimeapi.NamespaceMode_NODE},
		},
	}, nil, "/usr/sbin/sshd", "-D")
	if _, err := rs.StartContainer(ctx, &runtimeapi.StartContainerRequest{ContainerId: sshd}); err != nil {
		t.Fatalf("StartContainer: %v", err)
	}
	// A plain pod container with the mounts a kubelet gives every one
	// (under its --root-dir, here in the test's directory); containerd
	// adds the sandbox's hostname, resolv.conf and /dev/shm.
	kubelet := filepath.Join(tmp, "kubelet")
	podDir := filepath.Join(kubelet, "pods", uid)
	writeFiles(t, podDir, map[string]string{"etc-hosts": "127.0.0.1 localhost\n", "containers/plain/3f2a9c1e": "", "volumes/kubernetes.io~projected/kube-api-access-7xq2m/token": "x"})
	create("plain", nil, []*runtimeapi.Mount{
		{ContainerPath: "/var/run/secrets/kubernetes.io/serviceaccount", HostPath: filepath.Join(podDir, "volumes/kubernetes.io~projected/kube-api-access-7xq2m"), Readonly: true},
		{ContainerPath: "/etc/hosts", HostPath: filepath.Join(podDir, "etc-hosts")},
		{ContainerPath: "/dev/termination-log", HostPath: filepath.Join(podDir, "containers/plain/3f2a9c1e")},
	}, "/bin/app")

	// The host's /proc under the root, for the container's processes; the
	// socket is found by its path, the host's processes are not scanned.
	bindProc(t, root)
	f, res := auditContainers(t, root, CollectOptions{NoProc: true, CRISocket: ""})
	if len(f.Runtimes) != 0 {
		t.Fatalf("--no-proc without a named socket asked %+v", f.Runtimes)
	}
	f, res = auditContainers(t, root, CollectOptions{})
	_ = res
	var rt *RuntimeInfo
	for i := range f.Runtimes {
		if f.Runtimes[i].Socket == "/run/crio/crio.sock" {
			rt = &f.Runtimes[i]
		}
	}
	if rt == nil || rt.Name != "cri-o" || rt.Err != "" || !strings.HasPrefix(rt.Version, "containerd ") || rt.Containers != 3 {
		t.Fatalf("runtimes %+v, errors %v", f.Runtimes, f.Errors)
	}
	byName := map[string]Container{}
	for _, c := range f.Containers {
		if c.Runtime == "cri-o" {
			byName[c.Name] = c
		}
	}
	a, s := byName["admin"], byName["sshd"]
	if a.Pod != "shop/web" || a.KubeContainer != "admin" || !slices.Equal(a.AddedCaps, []string{"SYS_ADMIN"}) || a.Privileged || a.State != "created" {
		t.Errorf("admin read as %+v", a)
	}
	if !slices.Contains(a.HostNamespaces, "network") {
		t.Errorf("admin host namespaces %v, want the pod's host network", a.HostNamespaces)
	}
	if s.State != "running" || !s.ProcessesListed || !slices.Contains(s.Processes, "sshd") || s.RunsAsRoot || !s.ReadOnlyRootfs || !s.NoNewPrivileges || s.MemoryLimit != 64<<20 || s.Seccomp != "profile" {
		t.Errorf("sshd read as %+v", s)
	}
	got := findingsByContainer(f)
	for _, k := range []struct{ container, rule string }{
		{"admin", "PAL-RT-504"}, {"admin", "PAL-RT-506"}, {"admin", "PAL-RT-510"},
		{"sshd", "PAL-RT-507"}, {"sshd", "PAL-RT-510"}, {"sshd", "PAL-RT-516"},
	} {
		if !slices.Contains(got[k.container], k.rule) {
			t.Errorf("%s does not break %s: %v", k.container, k.rule, got[k.container])
		}
	}
	for _, id := range []string{"PAL-RT-505", "PAL-RT-513", "PAL-RT-522", "PAL-RT-526", "PAL-RT-401"} {
		if slices.Contains(got["sshd"], id) {
			t.Errorf("sshd breaks %s: %v", id, got["sshd"])
		}
	}

	// The pod's own directories, as containerd names them: the sandbox's
	// files are exempt from PAL-RT-506 by its ID, the kubelet's by the
	// pod's UID.
	plain := byName["plain"]
	if plain.PodUID != uid || plain.SandboxID != sb.GetPodSandboxId() {
		t.Fatalf("plain: pod UID %q, sandbox %q; want %q, %q", plain.PodUID, plain.SandboxID, uid, sb.GetPodSandboxId())
	}
	internal := map[string]bool{}
	for _, m := range plain.Mounts {
		if m.Type == "bind" {
			internal[m.Destination] = runtimeInternal(&plain, strings.Replace(m.Source, kubelet, "/var/lib/kubelet", 1))
		}
	}
	for _, dst := range []string{"/etc/hostname", "/etc/resolv.conf", "/dev/shm", "/etc/hosts", "/dev/termination-log", "/var/run/secrets/kubernetes.io/serviceaccount"} {
		if !internal[dst] {
			t.Errorf("the mount at %s of the plain container is not its own pod's (%v)", dst, plain.Mounts)
		}
	}
	if os.Getenv("PALISADE_RECORD_RUNTIME") != "" {
		// The spec with the node's paths for the test's directories.
		st, err := rs.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: plain.ID, Verbose: true})
		if err != nil {
			t.Fatal(err)
		}
		var info CRIInfo
		if err := json.Unmarshal([]byte(st.GetInfo()["info"]), &info); err != nil {
			t.Fatal(err)
		}
		var spec bytes.Buffer
		if err := json.Indent(&spec, info.RuntimeSpec, "", "    "); err != nil {
			t.Fatal(err)
		}
		record(t, "containerd-pod.json", strings.NewReplacer(
			kubelet, "/var/lib/kubelet", filepath.Join(tmp, "root"), "/var/lib/containerd", filepath.Join(tmp, "state"), "/run/containerd", uid, recordedPodUID,
		).Replace(spec.String()))
	}
}

// recordedPodUID is the pod UID in testdata/runtime/containerd-pod.json.
const recordedPodUID = "6f0c2a4e-8d1b-4c57-9a3e-2b7d5e1f9c80"
