package cli

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/report"
)

// TestImageScanVulnerabilities runs the build-phase gate end to end: a
// real PyPA record imported with `db import`, an image archive holding
// the affected Jinja2 release, and `image scan --fail-on high`.
func TestImageScanVulnerabilities(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "db")
	code, _, stderr := run(t, "", "db", "import", "--db-dir", db, "../vuln/osv/testdata/records/PYSEC-2019-217.json")
	if code != 0 {
		t.Fatalf("db import: exit %d: %s", code, stderr)
	}

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	meta := []byte("Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n\nA template engine.\n")
	tw.WriteHeader(&tar.Header{Name: "usr/lib/python3/site-packages/Jinja2-2.10.dist-info/METADATA", Mode: 0o644, Size: int64(len(meta)), ModTime: time.Unix(0, 0)})
	tw.Write(meta)
	tw.Close()
	layer, err := tarball.LayerFromReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "app.tar")
	tag, _ := name.NewTag("example.com/app:1")
	if err := tarball.WriteToFile(archive, tag, img); err != nil {
		t.Fatal(err)
	}

	args := []string{"image", "scan", "--archive", archive, "--db-dir", db, "--cache-dir", filepath.Join(dir, "cache"), "--format", "json"}
	code, stdout, stderr := run(t, "", args...)
	if code != 0 {
		t.Fatalf("image scan: exit %d: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.RuleID, "PAL-VULN-") && strings.Contains(f.Message+f.Evidence, "PYSEC-2019-217") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no vulnerability finding for Jinja2 2.10: %+v", rep.Findings)
	}

	// --skip-vulns turns matching off without failing the scan.
	code, _, _ = run(t, "", append(args, "--skip-vulns")...)
	if code != 0 {
		t.Errorf("--skip-vulns: exit %d", code)
	}
}
