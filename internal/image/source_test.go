package image

import (
	"archive/tar"
	"context"
	"io"
	"io/fs"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// TestSources writes one image to every kind of source and reads it back.
func TestSources(t *testing.T) {
	img := imageOf(t,
		tarBytes(t, tf{name: "etc/os-release", body: "ID=alpine\n"}, tf{name: "bin/busybox", body: "ELF", mode: 0o4755}, tf{name: "bin/sh", typ: tar.TypeSymlink, link: "busybox"}),
		tarBytes(t, tf{name: "app/key.pem", body: "secret"}),
		tarBytes(t, tf{name: "app/.wh.key.pem"}, tf{name: "app/main", body: "main"}),
	)
	ctx := context.Background()
	dir := t.TempDir()

	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ref := u.Host + "/test/app:1"
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	archivePath := filepath.Join(dir, "app.tar")
	if err := tarball.WriteToFile(archivePath, tag, img); err != nil {
		t.Fatal(err)
	}
	ociDir := filepath.Join(dir, "oci")
	lp, err := layout.Write(ociDir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	ociTar := filepath.Join(dir, "oci.tar")
	if err := tarDir(ociDir, ociTar); err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	for p, body := range map[string]string{"etc/os-release": "ID=alpine\n", "bin/busybox": "ELF", "app/main": "main"} {
		os.MkdirAll(filepath.Join(rootfs, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(rootfs, p), []byte(body), 0o644)
	}
	os.Chmod(filepath.Join(rootfs, "bin/busybox"), 0o755|fs.ModeSetuid)
	os.Symlink("busybox", filepath.Join(rootfs, "bin/sh"))

	want := []string{"app/main", "bin/busybox", "bin/sh", "etc/os-release"}
	for _, tc := range []struct {
		src    Source
		layers int
	}{
		{Source{Ref: ref, Insecure: true}, 3},
		{Source{Archive: archivePath}, 3},
		{Source{Archive: archivePath, Ref: ref}, 3},
		{Source{OCI: ociDir}, 3},
		{Source{OCI: ociTar}, 3},
		{Source{Rootfs: rootfs}, 1},
	} {
		t.Run(string(tc.src.Kind()), func(t *testing.T) {
			img, err := Open(ctx, tc.src)
			if err != nil {
				t.Fatal(err)
			}
			c, err := Walk(ctx, img, WithAnalyzers(contentAnalyzer{want: "os-release"}))
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Layers) != tc.layers {
				t.Fatalf("%d layers, want %d", len(c.Layers), tc.layers)
			}
			for _, l := range c.Layers {
				if l.Err != "" {
					t.Errorf("layer %d: %s", l.Index, l.Err)
				}
			}
			var got []string
			for _, n := range c.View.Nodes() {
				if n.Type != TypeDir {
					got = append(got, n.Path)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("paths = %q, want %q", got, want)
			}
			n, _ := c.View.Lookup("bin/busybox")
			if n == nil || n.Mode&fs.ModeSetuid == 0 {
				t.Errorf("setuid bit lost: %+v", n)
			}
			if r := c.ResultsOf("content"); len(r) != 1 || r[0].Value != "ID=alpine\n" {
				t.Errorf("results = %+v", r)
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	dir := t.TempDir()
	notTar := filepath.Join(dir, "x.tar")
	os.WriteFile(notTar, []byte("hello"), 0o644)
	for _, tc := range []struct {
		src  Source
		want string
	}{
		{Source{}, "name an image"},
		{Source{Archive: "a", OCI: "b"}, "only one"},
		{Source{Rootfs: dir, Ref: "x"}, "no image reference"},
		{Source{Ref: "x", Platform: "linux/amd64/v1/x"}, "--platform"},
		{Source{Archive: filepath.Join(dir, "missing.tar")}, "no such file"},
		{Source{Archive: notTar}, "tar file"},
		{Source{OCI: notTar}, "tar file"},
		{Source{Rootfs: notTar}, "not a directory"},
		{Source{Ref: "UPPER/case:bad tag"}, "parsing image reference"},
	} {
		_, err := Open(context.Background(), tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%+v) = %v, want an error mentioning %q", tc.src, err, tc.want)
		}
	}
}

// tarDir writes dir as a tar file (an "oci-archive").
func tarDir(dir, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		return err
	}
	return tw.Close()
}

// TestPlatform picks one image of a multi-platform index, from a
// registry and from an OCI layout.
func TestPlatform(t *testing.T) {
	mk := func(arch string) v1.Image {
		img := imageOf(t, tarBytes(t, tf{name: "etc/arch", body: arch}))
		cfg, _ := img.ConfigFile()
		cfg = cfg.DeepCopy()
		cfg.OS, cfg.Architecture = "linux", arch
		img, err := mutate.ConfigFile(img, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: mk("amd64"), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: mk("arm64"), Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64"}}},
	)
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ref := u.Host + "/multi:1"
	tag, _ := name.NewTag(ref, name.Insecure)
	if err := remote.WriteIndex(tag, idx); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "oci")
	if _, err := layout.Write(dir, idx); err != nil {
		t.Fatal(err)
	}
	for _, src := range []Source{{Ref: ref, Insecure: true}, {OCI: dir}} {
		for _, arch := range []string{"amd64", "arm64"} {
			src.Platform = "linux/" + arch
			img, err := Open(context.Background(), src)
			if err != nil {
				t.Fatalf("%s %s: %v", src.Kind(), arch, err)
			}
			c, err := Walk(context.Background(), img, WithAnalyzers(contentAnalyzer{want: "arch"}))
			if err != nil {
				t.Fatal(err)
			}
			if r := c.ResultsOf("content"); len(r) != 1 || r[0].Value != arch {
				t.Errorf("%s %s: got %+v", src.Kind(), arch, r)
			}
		}
	}
	src := Source{OCI: dir, Platform: "linux/s390x"}
	if _, err := Open(context.Background(), src); err == nil || !strings.Contains(err.Error(), "--platform") {
		t.Errorf("missing platform: %v", err)
	}
}
