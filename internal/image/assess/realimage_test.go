package assess

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
)

// bookwormRoot is the Debian root file system .ci/setup-image.sh builds
// with `debootstrap --variant=minbase bookworm`.
const bookwormRoot = "/var/cache/palisade-test/bookworm-minbase"

func needBookworm(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a real Debian image: not in -short mode")
	}
	if _, err := os.Stat(filepath.Join(bookwormRoot, "var/lib/dpkg/status")); err != nil {
		t.Fatalf("the Debian root is missing (%v): run .ci/setup-image.sh", err)
	}
}

// realImage is the test image built from the Debian root:
//
//	layer 0: the debootstrap root (base)
//	layer 1: COPY id_rsa /root/.ssh/id_rsa (a real RSA private key)
//	layer 2: RUN rm /root/.ssh/id_rsa, plus a Go binary compiled here
//
// with a config that runs as root, exposes 22, has a password in its
// environment and an npm token passed as a build argument.
type realImage struct {
	img     v1.Image
	dir     string
	archive string
	oci     string
	ref     string
	srv     *httptest.Server
}

var (
	realOnce sync.Once
	real     *realImage
	realErr  error
)

func buildRealImage(t *testing.T) *realImage {
	t.Helper()
	needBookworm(t)
	realOnce.Do(func() { real, realErr = makeRealImage() })
	if realErr != nil {
		t.Fatal(realErr)
	}
	return real
}

func gzipLayer(tarData func() (io.ReadCloser, error)) (v1.Layer, error) {
	return tarball.LayerFromOpener(tarData, tarball.WithCompressionLevel(gzip.BestSpeed))
}

func tarOf(files map[string]string, modes map[string]int64) []byte {
	var buf bytes.Buffer
	tw := newTarWriter(&buf)
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mode := modes[k]
		if mode == 0 {
			mode = 0o600
		}
		tw.file(k, []byte(files[k]), mode)
	}
	tw.close()
	return buf.Bytes()
}

func makeRealImage() (*realImage, error) {
	dir, err := os.MkdirTemp("", "palisade-real-image-")
	if err != nil {
		return nil, err
	}
	base, err := image.Rootfs(bookwormRoot)
	if err != nil {
		return nil, err
	}
	baseLayers, err := base.Layers()
	if err != nil {
		return nil, err
	}
	l0, err := gzipLayer(baseLayers[0].Uncompressed)
	if err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	l1Data := tarOf(map[string]string{"root/.ssh/id_rsa": keyPEM}, nil)
	l1, err := gzipLayer(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(l1Data)), nil })
	if err != nil {
		return nil, err
	}
	bin, err := buildGoBinary(dir)
	if err != nil {
		return nil, err
	}
	binData, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	l2Data := tarOf(map[string]string{"root/.ssh/.wh.id_rsa": "", "usr/local/bin/hello": string(binData)}, map[string]int64{"usr/local/bin/hello": 0o755})
	l2, err := gzipLayer(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(l2Data)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: l0, History: v1.History{CreatedBy: "debootstrap --variant=minbase bookworm"}},
		mutate.Addendum{Layer: l1, History: v1.History{CreatedBy: "COPY id_rsa /root/.ssh/id_rsa # buildkit"}},
		mutate.Addendum{Layer: l2, History: v1.History{CreatedBy: "RUN |1 NPM_TOKEN=npm_4f8ZcXq2LmT7vR9wY3kP6sN1bH5jD0aEuG2i /bin/sh -c rm /root/.ssh/id_rsa && npm ci # buildkit"}},
	)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "DB_PASSWORD=Zq7!vP2#mK9xR4tL"}
	cfg.Config.ExposedPorts = map[string]struct{}{"22/tcp": {}, "8080/tcp": {}}
	cfg.Config.Volumes = map[string]struct{}{"/var/run/docker.sock": {}, "/data": {}}
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return nil, err
	}

	r := &realImage{img: img, dir: dir}
	r.srv = httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	u, _ := url.Parse(r.srv.URL)
	r.ref = u.Host + "/palisade/bookworm-secret:1"
	tag, err := name.NewTag(r.ref, name.Insecure)
	if err != nil {
		return nil, err
	}
	if err := remote.Write(tag, img); err != nil {
		return nil, fmt.Errorf("pushing to the loopback registry: %w", err)
	}
	// Read the pushed image back, so the archive and the layout are
	// written from what the registry serves.
	pulled, err := remote.Image(tag)
	if err != nil {
		return nil, err
	}
	r.archive = filepath.Join(dir, "image.tar")
	if err := tarball.WriteToFile(r.archive, tag, pulled); err != nil {
		return nil, err
	}
	r.oci = filepath.Join(dir, "oci")
	lp, err := layout.Write(r.oci, empty.Index)
	if err != nil {
		return nil, err
	}
	if err := lp.AppendImage(pulled); err != nil {
		return nil, err
	}
	return r, nil
}

// buildGoBinary compiles a small Go program that depends on
// go-containerregistry.
func buildGoBinary(dir string) (string, error) {
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/google/go-containerregistry/pkg/name\"\n)\n\nfunc main() { fmt.Println(name.DefaultRegistry) }\n"), 0o644)
	out := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, b)
	}
	return out, nil
}

// dpkgQuery lists the installed packages of a root with the real dpkg.
func dpkgQuery(t *testing.T, root string) []string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "--admindir="+filepath.Join(root, "var/lib/dpkg"),
		"-f", "${db:Status-Abbrev}|${Package}|${Version}|${Architecture}|${source:Package}\n").Output()
	if err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "|")
		if strings.TrimSpace(f[0]) != "ii" {
			continue
		}
		pkgs = append(pkgs, f[1]+" "+f[2]+" "+f[3]+" "+f[4])
	}
	slices.Sort(pkgs)
	return pkgs
}

func dpkgOf(inv *inventory.Inventory) []string {
	var out []string
	for _, p := range inv.Packages {
		if p.Type == inventory.Deb {
			src, _ := p.Source()
			out = append(out, p.Name+" "+p.Version+" "+p.Arch+" "+src)
		}
	}
	slices.Sort(out)
	return out
}

// TestRealImageEverySource reads the Debian image from the loopback
// registry, the docker archive, the OCI layout, and the root directory,
// and checks the inventory against dpkg-query on the same root.
func TestRealImageEverySource(t *testing.T) {
	r := buildRealImage(t)
	ctx := context.Background()
	want := dpkgQuery(t, bookwormRoot)
	if len(want) < 50 {
		t.Fatalf("dpkg-query lists only %d packages", len(want))
	}
	for _, src := range []image.Source{
		{Ref: r.ref, Insecure: true},
		{Archive: r.archive},
		{OCI: r.oci},
		{Rootfs: bookwormRoot},
	} {
		t.Run(string(src.Kind()), func(t *testing.T) {
			img, err := image.Open(ctx, src)
			if err != nil {
				t.Fatal(err)
			}
			a, err := Image(ctx, src.Name(), img, image.WithScratchDir(t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range a.Errors {
				t.Errorf("error: %s: %s", e.Target, e.Message)
			}
			if got := dpkgOf(a.Inventory); !slices.Equal(got, want) {
				t.Errorf("inventory differs from dpkg-query: %d vs %d packages\nonly palisade: %q\nonly dpkg: %q",
					len(got), len(want), minus(got, want), minus(want, got))
			}
			if o := a.Inventory.OS; o.ID != "debian" || o.Version != "12" || o.Codename != "bookworm" {
				t.Errorf("OS = %+v", o)
			}
			if a.Minimal.Class != ClassFull || len(a.Minimal.Shells) == 0 || len(a.Minimal.PackageManagers) == 0 || len(a.Minimal.Setuid) == 0 {
				t.Errorf("minimal OS = %+v", a.Minimal)
			}
			for _, p := range a.Inventory.Packages {
				if p.PURL == "" || !strings.HasPrefix(p.File, "var/lib/dpkg/status") && p.Type == inventory.Deb {
					t.Errorf("package %+v", p)
					break
				}
			}
			libc := findPkg(a.Inventory, "libc6")
			if libc == nil || libc.SourceName != "glibc" || !strings.HasPrefix(libc.PURL, "pkg:deb/debian/libc6@") || !strings.Contains(libc.PURL, "distro=debian-12") {
				t.Errorf("libc6 = %+v", libc)
			}
			if p := findPkg(a.Inventory, "dpkg"); p == nil || !slices.Contains(p.Licenses, "GPL-2+") {
				t.Errorf("dpkg licenses from its machine-readable copyright file: %+v", p)
			}
			if src.Kind() == image.KindRootfs {
				return
			}
			checkLayeredFindings(t, a)
		})
	}
}

func findPkg(inv *inventory.Inventory, name string) *inventory.Package {
	for i := range inv.Packages {
		if inv.Packages[i].Name == name {
			return &inv.Packages[i]
		}
	}
	return nil
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 10 {
		out = append(out[:10], "...")
	}
	return out
}

// checkLayeredFindings checks what the three-layer image must give.
func checkLayeredFindings(t *testing.T, a *Assessment) {
	t.Helper()
	rules := map[string][]string{}
	for _, f := range a.Findings {
		rules[f.RuleID] = append(rules[f.RuleID], f.Message+" | "+f.Location.File+" | "+f.Evidence)
	}
	// The deleted private key: PAL-IMG-002 with its layer and history.
	deleted := strings.Join(rules["PAL-IMG-002"], "\n")
	if !strings.Contains(deleted, "/root/.ssh/id_rsa") || !strings.Contains(deleted, "layer 1") || !strings.Contains(deleted, "COPY id_rsa") || !strings.Contains(deleted, "removed from the file system by layer 2") {
		t.Errorf("deleted-layer secret not reported: %q", rules["PAL-IMG-002"])
	}
	for _, f := range a.Findings {
		if strings.Contains(f.Evidence, "MII") && len(f.Evidence) > 40 {
			t.Errorf("evidence reveals the key: %q", f.Evidence)
		}
	}
	var keySecret *LayerSecret
	for i := range a.Secrets {
		if a.Secrets[i].Path == "root/.ssh/id_rsa" {
			keySecret = &a.Secrets[i]
		}
	}
	if keySecret == nil || keySecret.Visible || keySecret.Layer != 1 || keySecret.DiffID != a.Contents.Layers[1].DiffID.String() {
		t.Errorf("layer secret = %+v", keySecret)
	}
	for _, id := range []string{"PAL-IMG-003", "PAL-IMG-005", "PAL-IMG-010", "PAL-IMG-011", "PAL-IMG-012", "PAL-OS-201", "PAL-OS-202", "PAL-OS-203", "PAL-OS-204"} {
		if len(rules[id]) == 0 {
			t.Errorf("no %s finding; got %v", id, keys(rules))
		}
	}
	if len(rules["PAL-IMG-012"]) != 1 || !strings.Contains(rules["PAL-IMG-012"][0], "docker.sock") {
		t.Errorf("sensitive volumes: %q", rules["PAL-IMG-012"])
	}
	// The Go binary from layer 2.
	hello := 0
	for _, p := range a.Inventory.Packages {
		if p.File == "usr/local/bin/hello" {
			hello++
			if p.Layer != 2 || p.Type != inventory.Golang {
				t.Errorf("Go package %+v", p)
			}
		}
	}
	if hello < 2 {
		t.Errorf("%d packages from the Go binary", hello)
	}
	// dpkg packages come from the base layer.
	if p := findPkg(a.Inventory, "bash"); p == nil || p.Layer != 0 || p.LayerDiffID != a.Contents.Layers[0].DiffID.String() {
		t.Errorf("bash = %+v", p)
	}
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestMain removes the shared real image once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if real != nil {
		real.srv.Close()
		os.RemoveAll(real.dir)
	}
	os.Exit(code)
}
