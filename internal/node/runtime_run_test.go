package node

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Containers that really run need a program: a static Go binary that
// waits for a signal, built by the test. It is both /bin/app and
// /usr/sbin/sshd of the runnable image, so a container can "run sshd"
// without an SSH server being installed.

const waiterSource = `package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
`

// buildWaiter compiles the waiting program statically into dir.
func buildWaiter(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "waiter")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(waiterSource), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module waiter\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "waiter.bin")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test program: %v\n%s", err, out)
	}
	return bin
}

// runnableImage writes a docker archive of an image whose /bin/app and
// /usr/sbin/sshd are the waiting program, run as user.
func runnableImage(t *testing.T, dir, ref, user, bin string) string {
	t.Helper()
	prog, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	passwd := []byte("root:x:0:0:root:/root:/bin/app\napp:x:1000:1000::/:/bin/app\n")
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range []*tar.Header{
		{Name: "bin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "bin/app", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(prog))},
		{Name: "usr/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "usr/sbin/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "usr/sbin/sshd", Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(prog))},
		{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(passwd))},
		{Name: "proc/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "sys/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "dev/", Typeflag: tar.TypeDir, Mode: 0o755},
	} {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			body := prog
			if h.Name == "etc/passwd" {
				body = passwd
			}
			if _, err := tw.Write(body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	img := must(mutate.AppendLayers(empty.Image, layer))
	cfg := must(img.ConfigFile()).Config
	cfg.User = user
	cfg.Cmd = []string{"/bin/app"}
	cfg.Env = []string{"PATH=/bin:/usr/sbin"}
	img = must(mutate.Config(img, cfg))
	img = must(mutate.ConfigFile(img, withPlatform(must(img.ConfigFile()))))
	p := filepath.Join(dir, strings.NewReplacer("/", "_", ":", "_").Replace(ref)+".run.tar")
	if err := tarball.WriteToFile(p, must(name.NewTag(ref)), img); err != nil {
		t.Fatal(err)
	}
	return p
}

// bindProc mounts the host's /proc at root/proc, as a DaemonSet's host
// mount has it, so the task PIDs containerd names can be read under the
// root.
func bindProc(t *testing.T, root string) {
	t.Helper()
	dst := filepath.Join(root, "proc")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("/proc", dst, "", syscall.MS_BIND, ""); err != nil {
		t.Fatalf("bind-mounting /proc: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Unmount(dst, syscall.MNT_DETACH) })
}
