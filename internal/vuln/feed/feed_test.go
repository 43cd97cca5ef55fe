package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/osvtest"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func records(t *testing.T, dir, base, name string) []string {
	t.Helper()
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ids []string
	if err := s.View(func(tx *store.Tx) error {
		return tx.Lookup(base, name, func(eco, id string, _ []*store.Entry) error {
			ids = append(ids, eco+" "+id)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// The real records of the corpus import from a directory; a malformed
// file is counted, not fatal.
func TestImportDirectory(t *testing.T) {
	src := t.TempDir()
	real, _ := filepath.Glob("../osv/testdata/records/*.json")
	for _, f := range real {
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(src, filepath.Base(f)), b, 0o644)
	}
	os.WriteFile(filepath.Join(src, "broken.json"), []byte("{not json"), 0o644)
	dir := t.TempDir()
	res, err := Import(context.Background(), dir, []string{src}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors.Count != 1 || !strings.Contains(res.Errors.Err().Error(), "broken.json") {
		t.Errorf("errors: %v", res.Errors.Err())
	}
	// Withdrawn records are not stored.
	if res.Added+res.Skipped != len(real) || res.Skipped != 3 {
		t.Errorf("added %d, skipped %d of %d", res.Added, res.Skipped, len(real))
	}
	added := res.Added
	if got := records(t, dir, "Debian", "nginx"); len(got) != 1 || got[0] != "Debian:7 DSA-3029-1" {
		t.Errorf("nginx: %v", got)
	}
	if got := records(t, dir, "Go", "golang.org/x/text"); len(got) != 3 {
		t.Errorf("x/text: %v", got)
	}
	if got := records(t, dir, "Red Hat", "git-lfs"); len(got) == 0 {
		t.Errorf("git-lfs: %v", got)
	}
	// Importing the same again changes nothing.
	res, err = Import(context.Background(), dir, []string{src}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 0 || res.Updated != 0 || res.Unchanged != added {
		t.Errorf("second import: %+v", res.Summary)
	}
}

// A generated all.zip of the size and shape of a real distribution feed
// imports with every record.
func TestImportRealisticZip(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	zipPath := filepath.Join(t.TempDir(), "all.zip")
	if err := osvtest.WriteZip(zipPath, osvtest.Options{Shape: osvtest.Debian, Records: n, Packages: 3000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	start := time.Now()
	res, err := Import(context.Background(), dir, []string{zipPath}, now, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d records in %v", n, time.Since(start))
	if res.Added != n || res.Errors.Count != 0 {
		t.Fatalf("result %+v, %v", res.Summary, res.Errors.Err())
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if e, _ := s.Info().Ecosystem("Debian"); e.Records != n {
		t.Errorf("Debian has %d records", e.Records)
	}
}

// A kill in the middle of an import leaves the previous database
// usable, and the next import cleans up after it.
func TestKillMidImport(t *testing.T) {
	if os.Getenv("PALISADE_IMPORT_HELPER") != "" {
		_, err := Import(context.Background(), os.Getenv("PALISADE_IMPORT_DIR"), []string{os.Getenv("PALISADE_IMPORT_ZIP")}, now, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir := t.TempDir()
	small := filepath.Join(t.TempDir(), "small.zip")
	if err := osvtest.WriteRecords(small, &osv.Vulnerability{ID: "CVE-2024-0001", Modified: now,
		Affected: []osv.Affected{{Package: osv.Package{Ecosystem: "Debian:12", Name: "openssl"},
			Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "3.0.9-1"}}}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(context.Background(), dir, []string{small}, now, nil); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(t.TempDir(), "big.zip")
	if err := osvtest.WriteZip(big, osvtest.Options{Shape: osvtest.Debian, Records: 60000, Packages: 5000, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidImport$")
	cmd.Env = append(os.Environ(), "PALISADE_IMPORT_HELPER=1", "PALISADE_IMPORT_DIR="+dir, "PALISADE_IMPORT_ZIP="+big)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the new database is being written, then kill.
	deadline := time.Now().Add(60 * time.Second)
	killed := false
	for time.Now().Before(deadline) {
		tmps, _ := filepath.Glob(filepath.Join(dir, store.FileName+".tmp-*"))
		if len(tmps) > 0 {
			if fi, err := os.Stat(tmps[0]); err == nil && fi.Size() > 4<<20 {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the import finished or never started before it could be killed")
	}
	if got := records(t, dir, "Debian", "openssl"); len(got) != 1 || got[0] != "Debian:12 CVE-2024-0001" {
		t.Fatalf("after the kill: %v", got)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, store.FileName+".tmp-*")); len(tmps) != 1 {
		t.Fatalf("expected the killed import's file, got %v", tmps)
	}
	// The next import succeeds and removes the leftover.
	if _, err := Import(context.Background(), dir, []string{small}, now, nil); err != nil {
		t.Fatal(err)
	}
	if tmps, _ := filepath.Glob(filepath.Join(dir, store.FileName+".tmp-*")); len(tmps) != 0 {
		t.Errorf("leftover not removed: %v", tmps)
	}
}

// mirror is an OSV mirror on loopback: <eco>/all.zip with ETags and
// <eco>/modified_id.csv, counting downloads.
type mirror struct {
	mu        sync.Mutex
	zips      map[string][]byte
	csv       map[string]string
	downloads map[string]int
	noCSV     bool
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	defer m.mu.Unlock()
	eco, file, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch file {
	case "all.zip":
		b, ok := m.zips[eco]
		if !ok {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		m.downloads[eco]++
		w.Header().Set("ETag", etag)
		w.Write(b)
	case "modified_id.csv":
		if m.noCSV || m.csv[eco] == "" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(m.csv[eco]))
	default:
		http.NotFound(w, r)
	}
}

func (m *mirror) set(t *testing.T, eco string, o osvtest.Options) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "all.zip")
	if err := osvtest.WriteZip(p, o); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	var csv strings.Builder
	Walk(p, &Errors{}, func(v *osv.Vulnerability) error {
		fmt.Fprintf(&csv, "%s,%s\n", v.Modified.Format(time.RFC3339), v.ID)
		return nil
	})
	m.mu.Lock()
	m.zips[eco], m.csv[eco] = b, csv.String()
	m.mu.Unlock()
}

func TestUpdateFromMirror(t *testing.T) {
	m := &mirror{zips: map[string][]byte{}, csv: map[string]string{}, downloads: map[string]int{}}
	m.set(t, "Debian", osvtest.Options{Shape: osvtest.Debian, Records: 500, Packages: 100, Seed: 1})
	m.set(t, "PyPI", osvtest.Options{Shape: osvtest.PyPI, Records: 300, Packages: 50, Seed: 2})
	m.set(t, "Go", osvtest.Options{Shape: osvtest.Go, Records: 200, Packages: 40, Seed: 3})
	srv := httptest.NewServer(m)
	defer srv.Close()
	var progress int
	c := &Client{BaseURL: srv.URL, Progress: func(string, int64, int64) { progress++ }}
	dir := t.TempDir()
	ctx := context.Background()

	// Only the ecosystems asked for are fetched.
	res, err := Update(ctx, dir, []string{"Debian", "PyPI"}, c, now)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Fetched, ",") != "Debian,PyPI" || res.Added != 800 || progress == 0 {
		t.Fatalf("first update: %+v (progress %d)", res, progress)
	}
	if m.downloads["Go"] != 0 {
		t.Error("Go was downloaded without being asked for")
	}

	// Nothing changed: modified_id.csv says so, nothing is downloaded.
	res, err = Update(ctx, dir, []string{"Debian", "PyPI"}, c, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fetched) != 0 || strings.Join(res.Current, ",") != "Debian,PyPI" || m.downloads["Debian"] != 1 {
		t.Fatalf("second update: %+v, downloads %v", res, m.downloads)
	}
	// Without modified_id.csv the ETag does the same.
	m.noCSV = true
	res, err = Update(ctx, dir, []string{"Debian", "PyPI"}, c, now)
	if err != nil || len(res.Fetched) != 0 || m.downloads["Debian"] != 1 {
		t.Fatalf("ETag update: %+v %v, downloads %v", res, err, m.downloads)
	}
	m.noCSV = false

	// PyPI changes (newer records): only PyPI is rewritten.
	m.set(t, "PyPI", osvtest.Options{Shape: osvtest.PyPI, Records: 310, Packages: 50, Seed: 2, Modified: now})
	before := records(t, dir, "Debian", osvtest.PackageName(osvtest.Debian, 7))
	res, err = Update(ctx, dir, []string{"Debian", "PyPI"}, c, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Fetched, ",") != "PyPI" || strings.Join(res.Ecosystems, ",") != "PyPI" {
		t.Fatalf("third update: %+v", res)
	}
	if after := records(t, dir, "Debian", osvtest.PackageName(osvtest.Debian, 7)); strings.Join(after, ",") != strings.Join(before, ",") || len(after) == 0 {
		t.Errorf("Debian changed: %v -> %v", before, after)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	py, _ := s.Info().Ecosystem("PyPI")
	deb, _ := s.Info().Ecosystem("Debian")
	if py.Records != 310 || !py.Updated.Equal(now.Add(time.Hour)) || deb.Records != 500 || !deb.Updated.Equal(now) || !strings.HasSuffix(py.Source, "/PyPI/all.zip") {
		t.Errorf("info: PyPI %+v Debian %+v", py, deb)
	}

	// An unknown ecosystem is an error that says what to check.
	if _, err := Update(ctx, dir, []string{"Nope"}, c, now); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown ecosystem: %v", err)
	}
}
