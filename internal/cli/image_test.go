package cli

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/report"
)

// imageArchive writes a small two-layer alpine-like image as a docker
// archive: a key added then deleted, an apk database, a busybox shell.
func imageArchive(t *testing.T) string {
	t.Helper()
	layer := func(files map[string]string) v1.Layer {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for n, body := range files {
			mode := int64(0o644)
			if strings.HasPrefix(n, "bin/") {
				mode = 0o755
			}
			tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body))})
			tw.Write([]byte(body))
		}
		tw.Close()
		b := buf.Bytes()
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDkRdu9GRnzFyk8pk1Z1RzKvEt2tgW/hyvGJ2Cw2HK6qgAAAJi0uGbxtLhm\n8QAAAAtzc2gtZWQyNTUxOQAAACDkRdu9GRnzFyk8pk1Z1RzKvEt2tgW/hyvGJ2Cw2HK6qg\nAAAEBYnB1MdH5x9yM1Hc0W6mQ8yTgXCaDCWb3hh8m3rAnUq+RF270ZGfMXKTymTVnVHMq8\nS3a2Bb+HK8YnYLDYcrqqAAAAEXRlc3RAZXhhbXBsZS5jb20BAgME\n-----END OPENSSH PRIVATE KEY-----\n"
	img, err := mutate.Append(empty.Image,
		mutate.Addendum{Layer: layer(map[string]string{
			"etc/os-release":       "ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME=\"Alpine Linux v3.19\"\n",
			"lib/apk/db/installed": "P:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\n\nP:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\no:busybox\n\n",
			"bin/busybox":          "\x7fELF not really a binary but large enough? no",
			"root/.ssh/id_ed25519": key,
		}), History: v1.History{CreatedBy: "ADD rootfs.tar.gz / # buildkit"}},
		mutate.Addendum{Layer: layer(map[string]string{"root/.ssh/.wh.id_ed25519": ""}), History: v1.History{CreatedBy: "RUN rm /root/.ssh/id_ed25519 # buildkit"}},
	)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "img.tar")
	tag, _ := name.NewTag("example.com/app:1")
	if err := tarball.WriteToFile(p, tag, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImageCommands(t *testing.T) {
	archive := imageArchive(t)
	cache := t.TempDir()
	base := []string{"--archive", archive, "--cache-dir", cache}

	code, out, errOut := run(t, "", append([]string{"image", "scan", "--format", "json", "--fail-on", "high"}, base...)...)
	if code != ExitFindings {
		t.Fatalf("scan exit %d, stderr %s", code, errOut)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("scan JSON: %v\n%s", err, out)
	}
	ids := map[string]int{}
	for _, f := range rep.Findings {
		ids[f.RuleID]++
		if strings.Contains(f.Evidence, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ") {
			t.Errorf("a finding reveals the key: %+v", f)
		}
	}
	if ids["PAL-IMG-002"] != 1 || ids["PAL-IMG-010"] != 1 || ids["PAL-OS-202"] != 1 {
		t.Errorf("findings %v", ids)
	}
	if ids["PAL-IMG-013"] != 0 {
		t.Error("the optional health check rule ran without being enabled")
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Kind != "image" {
		t.Errorf("targets %+v", rep.Targets)
	}

	// A second run is served from the cache and says the same.
	code2, out2, _ := run(t, "", append([]string{"image", "scan", "--format", "json", "--fail-on", "high"}, base...)...)
	if code2 != code || out2 != out {
		t.Error("the cached run differs from the first")
	}

	code, out, errOut = run(t, "", append([]string{"image", "inspect", "--format", "json"}, base...)...)
	if code != 0 {
		t.Fatalf("inspect exit %d: %s", code, errOut)
	}
	var ins InspectResult
	if err := json.Unmarshal([]byte(out), &ins); err != nil {
		t.Fatal(err)
	}
	if ins.OS.ID != "alpine" || len(ins.Packages) != 2 || ins.MinimalOS.Class != "minimal" || len(ins.Layers) != 2 || len(ins.Secrets) != 1 || ins.Secrets[0].Visible {
		t.Errorf("inspect = %+v", ins)
	}
	code, out, _ = run(t, "", append([]string{"image", "inspect"}, base...)...)
	if code != 0 || !strings.Contains(out, "alpine 3.19.1") || !strings.Contains(out, "busybox") || !strings.Contains(out, "1.36.1-r15") {
		t.Errorf("inspect table:\n%s", out)
	}

	for _, f := range []string{"cyclonedx", "spdx"} {
		code, out, errOut = run(t, "", append([]string{"image", "sbom", "--format", f}, base...)...)
		if code != 0 || !json.Valid([]byte(out)) || !strings.Contains(out, "pkg:apk/alpine/musl@1.2.4-r2") {
			t.Errorf("sbom %s: exit %d, %s\n%s", f, code, errOut, out)
		}
	}
}

func TestImageUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"image", "scan"}, "name an image"},
		{[]string{"image", "scan", "--archive", "a.tar", "--oci", "b"}, "only one"},
		{[]string{"image", "scan", "--archive", "/nonexistent.tar", "--no-cache"}, "no such file"},
		{[]string{"image", "inspect", "--rootfs", ".", "--format", "xml"}, "use table or json"},
		{[]string{"image", "sbom", "--rootfs", ".", "--format", "swid"}, "unknown SBOM format"},
		{[]string{"image", "scan", "--platform", "a/b/c/d", "x"}, "--platform"},
	} {
		code, _, errOut := run(t, "", tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", tc.args, code, errOut, tc.want)
		}
	}
}

// TestImageScanPrivateRegistry reads an image from a loopback registry
// that demands HTTP Basic credentials: anonymous fails with exit 2 and a
// message that says how to log in; docker's config.json and a credential
// helper on PATH both work; the password never reaches stdout or stderr.
func TestImageScanPrivateRegistry(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a credential helper script: not in -short mode")
	}
	const user, pass = "ci", "hunter2-Zq81-palisade"
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != pass {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/team/app:1"
	img, err := tarball.ImageFromPath(imageArchive(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	tag, _ := name.NewTag(ref, name.Insecure)
	if err := remote.Write(tag, img, remote.WithAuth(&authn.Basic{Username: user, Password: pass})); err != nil {
		t.Fatal(err)
	}

	home, cfgDir, bin := t.TempDir(), t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", cfgDir)
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("XDG_RUNTIME_DIR", home)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	helper := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread -r server || true\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + pass + "\"}' \"$server\"\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-citest"), []byte(helper), 0o755); err != nil {
		t.Fatal(err)
	}
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	args := []string{"image", "scan", ref, "--insecure-registry", "--no-cache", "--format", "json"}
	for _, tc := range []struct {
		name, config string
		code         int
		want         string
	}{
		{"anonymous", "", ExitUsage, "run `docker login " + host + "`"},
		{"config.json auths", `{"auths":{"` + host + `":{"auth":"` + auth + `"}}}`, 0, `"PAL-IMG-002"`},
		{"credential helper", `{"credHelpers":{"` + host + `":"citest"}}`, 0, `"PAL-IMG-002"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(filepath.Join(cfgDir, "config.json"))
			if tc.config != "" {
				os.WriteFile(filepath.Join(cfgDir, "config.json"), []byte(tc.config), 0o600)
			}
			code, out, errOut := run(t, "", args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), want %q in\nstdout %s\nstderr %s", code, tc.code, tc.want, out, errOut)
			}
			if strings.Contains(out+errOut, pass) || strings.Contains(out+errOut, auth) {
				t.Error("the output reveals the registry password")
			}
		})
	}
}
