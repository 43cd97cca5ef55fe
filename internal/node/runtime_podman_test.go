package node

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPodmanContainers starts Podman's API service (Debian's podman,
// installed by .ci/setup-node.sh) on the node's /run/podman/podman.sock
// under a test root, with its storage in a temporary directory: palisade
// reads it with its Docker API client.
func TestPodmanContainers(t *testing.T) {
	bins := requireRuntimeTools(t, "podman")
	tmp := t.TempDir()
	root := filepath.Join(tmp, "node")
	sock := filepath.Join(root, "run/podman/podman.sock")
	if err := os.MkdirAll(filepath.Dir(sock), 0o755); err != nil {
		t.Fatal(err)
	}
	global := []string{"--root", filepath.Join(tmp, "storage"), "--runroot", filepath.Join(tmp, "runroot"),
		"--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--tmpdir", filepath.Join(tmp, "tmp")}
	podman := func(args ...string) string {
		return run(t, bins["podman"], append(slices.Clone(global), args...)...)
	}
	logFile := filepath.Join(tmp, "podman.log")
	daemon(t, logFile, bins["podman"], append(slices.Clone(global), "system", "service", "--time=0", "unix://"+sock)...)
	waitFor(t, "podman system service", logFile, func() error {
		_, err := os.Stat(sock)
		return err
	})
	app := "example.com/palisade/run:1"
	podman("load", "--input", runnableImage(t, tmp, app, "1000:1000", buildWaiter(t, tmp)))
	podman("create", "--name", "hardened", "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"--memory", "64m", "--pids-limit", "100", "--network", "none", app)
	podman("create", "--name", "privileged", "--privileged", "--network", "host", "--pid", "host",
		"-v", "/etc:/host/etc", "-v", "/run:/host/run", "--user", "root", app)

	f, res := auditContainers(t, root, CollectOptions{})
	if len(f.Runtimes) != 1 || f.Runtimes[0].Name != "podman" || f.Runtimes[0].Socket != "/run/podman/podman.sock" || f.Runtimes[0].Err != "" || f.Runtimes[0].Version == "" || f.Runtimes[0].Containers != 2 {
		t.Fatalf("runtimes %+v, errors %v", f.Runtimes, f.Errors)
	}
	got := findingsByContainer(f)
	for _, id := range []string{"PAL-RT-401", "PAL-RT-505", "PAL-RT-506", "PAL-RT-510", "PAL-RT-516", "PAL-RT-532"} {
		if !slices.Contains(got["privileged"], id) {
			t.Errorf("privileged does not break %s: %v", id, got["privileged"])
		}
	}
	for _, id := range []string{"PAL-RT-401", "PAL-RT-505", "PAL-RT-504", "PAL-RT-511", "PAL-RT-513", "PAL-RT-526", "PAL-RT-529"} {
		if slices.Contains(got["hardened"], id) {
			t.Errorf("hardened breaks %s: %v", id, got["hardened"])
		}
	}
	if r := resultByID(res, "PAL-RT-505"); r.Status != Fail || !strings.Contains(r.Reason, "podman privileged") {
		t.Errorf("PAL-RT-505: %s %q", r.Status, r.Reason)
	}
}
