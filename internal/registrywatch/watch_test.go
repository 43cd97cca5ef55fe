package registrywatch

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/vuln/feed"
)

func layer(t testing.TB, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for n, c := range files {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(c)), Typeflag: tar.TypeReg})
		tw.Write([]byte(c))
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func npmImage(t testing.TB, pkg, version string) v1.Image {
	img, err := mutate.AppendLayers(empty.Image, layer(t, map[string]string{
		"app/node_modules/" + pkg + "/package.json": `{"name":"` + pkg + `","version":"` + version + `"}`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func pyImage(t testing.TB, pkg, version string) v1.Image {
	img, err := mutate.AppendLayers(empty.Image, layer(t, map[string]string{
		"usr/lib/python3/site-packages/" + pkg + "-" + version + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: " + pkg + "\nVersion: " + version + "\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// countingRegistry is a real OCI registry on loopback that counts blob
// downloads, so a test can tell a pull from a rescan.
type countingRegistry struct {
	h     http.Handler
	blobs atomic.Int64
}

func (c *countingRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
		c.blobs.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

func push(t testing.TB, host, ref string, img v1.Image) {
	t.Helper()
	tag, err := name.NewTag(host+"/"+ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
}

func copyRecords(t testing.TB, dst string, names ...string) {
	t.Helper()
	os.MkdirAll(dst, 0o755)
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("../vuln/testdata/osv", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type hook struct {
	mu    sync.Mutex
	posts [][]Event
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Findings []Event `json:"findings"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	h.mu.Lock()
	h.posts = append(h.posts, body.Findings)
	h.mu.Unlock()
}

// A real registry with several repositories: a first pass records every
// image once and reports what the database knows; a pass with nothing
// new reports nothing and pulls nothing; after newer OSV records that
// affect one image are imported, the next pass reports exactly that
// finding, without pulling any image again.
func TestWatchPasses(t *testing.T) {
	reg := &countingRegistry{h: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	srv := httptest.NewServer(reg)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	host := u.Host
	alpha := npmImage(t, "minimist", "1.2.0")
	push(t, host, "apps/alpha:1.0", alpha)
	push(t, host, "apps/alpha:latest", alpha)
	push(t, host, "apps/beta:2.0", pyImage(t, "Jinja2", "2.10"))
	push(t, host, "tools/gamma:0.1", npmImage(t, "left-pad", "1.3.0"))

	hk := &hook{}
	hsrv := httptest.NewServer(hk)
	defer hsrv.Close()

	dbDir, state := t.TempDir(), t.TempDir()
	ctx := context.Background()
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	records := t.TempDir()
	copyRecords(t, records, "GHSA-vh95-rmgr-6w4m.json")
	if _, err := feed.Import(ctx, dbDir, []string{records}, now, nil); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, err := New(Options{Target: host, Insecure: true, StateDir: state, DBDir: dbDir, Out: &out, Webhook: hsrv.URL, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	res, err := w.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Repositories != 3 || res.Images != 3 || res.Pulled != 3 || len(res.Errors) != 0 {
		t.Fatalf("first pass: %+v", res)
	}
	if len(res.Events) != 1 || res.Events[0].Vulnerability != "CVE-2020-7598" || res.Events[0].Package != "minimist" || strings.Join(res.Events[0].Tags, ",") != "1.0,latest" {
		t.Fatalf("first pass events: %+v", res.Events)
	}
	if lines := strings.Count(out.String(), "\n"); lines != 1 {
		t.Errorf("stdout: %q", out.String())
	}

	// Nothing changed: no rescan, no pull, nothing reported.
	blobs := reg.blobs.Load()
	out.Reset()
	res, err = w.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pulled != 0 || res.Rescanned != 0 || len(res.Events) != 0 || out.Len() != 0 || reg.blobs.Load() != blobs {
		t.Fatalf("idle pass: %+v, %d blob downloads", res, reg.blobs.Load()-blobs)
	}

	// Newer OSV records: one affects beta's Jinja2.
	records2 := t.TempDir()
	copyRecords(t, records2, "PYSEC-2019-217.json")
	if _, err := feed.Import(ctx, dbDir, []string{records2}, now.Add(time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	res, err = w.Pass(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pulled != 0 || res.Rescanned != 3 || reg.blobs.Load() != blobs {
		t.Fatalf("rescan pulled: %+v, %d blob downloads", res, reg.blobs.Load()-blobs)
	}
	if len(res.Events) != 1 {
		t.Fatalf("rescan events: %+v", res.Events)
	}
	ev := res.Events[0]
	if !strings.HasSuffix(ev.Repository, "/apps/beta") || ev.Package != "Jinja2" || ev.Version != "2.10" || ev.Vulnerability != "CVE-2019-10906" || strings.Join(ev.Fixed, ",") != "2.10.1" || ev.RuleID != "PAL-VULN-002" {
		t.Errorf("event %+v", ev)
	}
	var line Event
	if err := json.Unmarshal(out.Bytes(), &line); err != nil || line.Vulnerability != "CVE-2019-10906" {
		t.Errorf("stdout %q: %v", out.String(), err)
	}
	hk.mu.Lock()
	defer hk.mu.Unlock()
	w.Close() // NeededEcosystems reads the state read-only
	if len(hk.posts) != 2 || len(hk.posts[1]) != 1 || hk.posts[1][0].Vulnerability != "CVE-2019-10906" {
		t.Errorf("webhook posts: %+v", hk.posts)
	}
	if ecos, err := NeededEcosystems(state); err != nil || strings.Join(ecos, ",") != "PyPI,npm" {
		t.Errorf("needed ecosystems %v %v", ecos, err)
	}
}

// One repository only.
func TestWatchRepository(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	push(t, u.Host, "apps/alpha:1.0", npmImage(t, "minimist", "1.2.0"))
	push(t, u.Host, "apps/beta:1.0", npmImage(t, "minimist", "1.2.0"))
	w, err := New(Options{Target: u.Host + "/apps/beta", Insecure: true, StateDir: t.TempDir(), DBDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	res, err := w.Pass(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Repositories != 1 || res.Images != 1 {
		t.Errorf("%+v", res)
	}
}
