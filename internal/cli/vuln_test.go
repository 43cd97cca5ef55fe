package cli

import (
	"archive/zip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func vulnRecords(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, _ := filepath.Glob("../vuln/testdata/osv/*.json")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
	}
	return dir
}

func TestDBImportAndStatus(t *testing.T) {
	db := t.TempDir()
	code, out, errs := run(t, "", "db", "import", "--db-dir", db, vulnRecords(t))
	if code != 0 || !strings.Contains(out, "imported 11 new") || !strings.Contains(out, "Go, PyPI, npm") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	code, out, errs = run(t, "", "db", "status", "--db-dir", db)
	if code != 0 || !strings.Contains(out, "Records:  11") || !strings.Contains(out, "PyPI") {
		t.Fatalf("status: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, "", "db", "status", "--db-dir", db, "--format", "json")
	var st DBStatus
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Records != 11 || len(st.Ecosystems) != 3 || st.Stale {
		t.Fatalf("status json: %d %s", code, out)
	}
	// Usage errors.
	if code, _, errs := run(t, "", "db", "import", "--db-dir", db, filepath.Join(db, "nope.zip")); code != 2 || !strings.Contains(errs, "cannot import") {
		t.Errorf("missing path: %d %q", code, errs)
	}
	if code, _, errs := run(t, "", "db", "status", "--db-dir", t.TempDir()); code != 2 || !strings.Contains(errs, "palisade db update") {
		t.Errorf("empty store: %d %q", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte("{"), 0o644)
	if code, _, errs := run(t, "", "db", "import", "--db-dir", t.TempDir(), bad); code != 2 || !strings.Contains(errs, "nothing imported") {
		t.Errorf("bad record: %d %q", code, errs)
	}
}

func TestDBUpdate(t *testing.T) {
	var zipData []byte
	{
		p := filepath.Join(t.TempDir(), "all.zip")
		f, _ := os.Create(p)
		zw := zip.NewWriter(f)
		b, _ := os.ReadFile("../vuln/testdata/osv/PYSEC-2019-217.json")
		w, _ := zw.Create("PYSEC-2019-217.json")
		w.Write(b)
		zw.Close()
		f.Close()
		zipData, _ = os.ReadFile(p)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/PyPI/all.zip" {
			w.Write(zipData)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	db := t.TempDir()
	code, out, errs := run(t, "", "db", "update", "--db-dir", db, "--base-url", srv.URL, "--ecosystem", "PyPI")
	if code != 0 || !strings.Contains(out, "updated PyPI: 1 records added") || errs != "" {
		t.Fatalf("update: %d %q %q", code, out, errs)
	}
	// Without --ecosystem, the ecosystems already in the database.
	code, out, _ = run(t, "", "db", "update", "--db-dir", db, "--base-url", srv.URL)
	if code != 0 || !strings.Contains(out, "PyPI") {
		t.Fatalf("default update: %d %q", code, out)
	}
	if code, _, errs := run(t, "", "db", "update", "--db-dir", db, "--base-url", srv.URL, "--ecosystem", "Nope"); code == 0 || !strings.Contains(errs, "404") {
		t.Errorf("unknown ecosystem: %d %q", code, errs)
	}
	// The configured list and mirror of .palisade.yaml are the defaults.
	cfg := filepath.Join(t.TempDir(), ".palisade.yaml")
	if err := os.WriteFile(cfg, []byte("vuln:\n  ecosystems: [PyPI]\n  baseURL: "+srv.URL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fresh := t.TempDir()
	code, out, errs = run(t, "", "db", "update", "--db-dir", fresh, "--config", cfg)
	if code != 0 || !strings.Contains(out, "updated PyPI: 1 records added") {
		t.Fatalf("configured update: %d %q %q", code, out, errs)
	}
}

// `image scan` with the vulnerability options: the image's inventory is
// matched, findings are gated by --fail-on, a stale database warns and
// --max-db-age fails.
func TestVulnFlagsOnImage(t *testing.T) {
	db := t.TempDir()
	if code, _, errs := run(t, "", "db", "import", "--db-dir", db, vulnRecords(t)); code != 0 {
		t.Fatal(errs)
	}
	root := t.TempDir()
	meta := filepath.Join(root, "usr/lib/python3/site-packages/Jinja2-2.10.dist-info")
	os.MkdirAll(meta, 0o755)
	os.WriteFile(filepath.Join(meta, "METADATA"), []byte("Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n"), 0o644)
	ios := &IO{Out: &strings.Builder{}, Err: &strings.Builder{}}
	opts := &ImageScanOptions{IO: ios}
	opts.Source.Rootfs = root
	opts.NoCache = true
	a, err := opts.assess(t.Context(), ios)
	if err != nil {
		t.Fatal(err)
	}
	f := &VulnFlags{DBFlags: DBFlags{DBDir: db}, BaseLayers: 1, Now: func() time.Time { return time.Now() }}
	res, err := f.scanVulns(ios, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := ""
	for _, fd := range res.Findings {
		ids += fd.RuleID + " " + fd.Message + "\n"
	}
	if !strings.Contains(ids, "PAL-VULN-002 CVE-2019-10906 (GHSA-462w-v97r-4m45, PYSEC-2019-217) in pypi Jinja2 2.10: fixed in 2.10.1") {
		t.Errorf("findings:\n%s", ids)
	}
	// Stale data warns; --max-db-age fails with exit 2.
	f.Now = func() time.Time { return time.Now().Add(30 * 24 * time.Hour) }
	if _, err := f.scanVulns(ios, a, nil); err != nil || !strings.Contains(ios.Err.(*strings.Builder).String(), "days old") {
		t.Errorf("stale: %v %q", err, ios.Err)
	}
	f.MaxDBAge = 24 * time.Hour
	if _, err := f.scanVulns(ios, a, nil); ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "--max-db-age") {
		t.Errorf("max age: %v", err)
	}
	// No database: an error entry, not a failed scan.
	f.MaxDBAge, f.DBDir = 0, t.TempDir()
	res, err = f.scanVulns(ios, a, nil)
	if err != nil || len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "vulnerabilities not checked") {
		t.Errorf("no database: %+v %v", res, err)
	}
	f.VEX = []string{filepath.Join(t.TempDir(), "missing.json")}
	if _, err := f.scanVulns(ios, a, nil); ExitCode(err) != ExitUsage {
		t.Errorf("bad --vex: %v", err)
	}
}

func TestRegistryWatchUsage(t *testing.T) {
	if code, _, errs := run(t, "", "registry", "watch"); code != 2 || !strings.Contains(errs, "accepts 1 arg") {
		t.Errorf("%d %q", code, errs)
	}
	if code, _, errs := run(t, "", "registry", "watch", "localhost:1", "--interval", "0s"); code != 2 || !strings.Contains(errs, "--interval") {
		t.Errorf("%d %q", code, errs)
	}
}
