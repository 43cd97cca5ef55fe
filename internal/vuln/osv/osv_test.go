package osv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every real record copied from the feeds (Debian, Ubuntu, Alpine, Red
// Hat, Rocky, Alma, Chainguard, Go, PyPA, npm, crates.io, NuGet, Maven)
// parses, with an ID, a modified time and at least one package.
func TestParseRealRecords(t *testing.T) {
	files, err := filepath.Glob("testdata/records/*.json")
	if err != nil || len(files) < 40 {
		t.Fatalf("testdata: %d files, %v", len(files), err)
	}
	ecos := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := Parse(b)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if v.ID == "" {
			t.Errorf("%s: no id", f)
		}
		for _, a := range v.Affected {
			if a.Package.Ecosystem != "" {
				ecos[EcosystemBase(a.Package.Ecosystem)] = true
			}
		}
	}
	for _, want := range []string{"Debian", "Ubuntu", "Alpine", "Red Hat", "Rocky Linux", "AlmaLinux", "Chainguard", "Go", "PyPI", "npm", "crates.io", "NuGet", "Maven"} {
		if !ecos[want] {
			t.Errorf("no record of ecosystem %s parsed", want)
		}
	}
}

func TestParseFields(t *testing.T) {
	b, err := os.ReadFile("testdata/records/USN-5614-1.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Upstream) != 1 || v.Upstream[0] != "UBUNTU-CVE-2021-3782" {
		t.Errorf("upstream = %v", v.Upstream)
	}
	a := v.Affected[0]
	if a.Package.Ecosystem != "Ubuntu:18.04:LTS" || a.Package.Name != "wayland" || len(a.Versions) != 4 {
		t.Errorf("affected[0] = %+v", a.Package)
	}
	if ev := a.Ranges[0].Events; len(ev) != 2 || ev[0].Introduced != "0" || ev[1].Fixed != "1.16.0-1ubuntu1.1~18.04.4" {
		t.Errorf("events = %+v", ev)
	}
}

func TestParseBad(t *testing.T) {
	for name, in := range map[string]string{
		"not json":        `{`,
		"no id":           `{"modified":"2024-01-01T00:00:00Z"}`,
		"bad time":        `{"id":"X-1","modified":"yesterday"}`,
		"slash in id":     `{"id":"../x","modified":"2024-01-01T00:00:00Z"}`,
		"bad range type":  `{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"NOPE","events":[]}]}]}`,
		"two-field event": `{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}`,
		"empty event":     `{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"ranges":[{"type":"SEMVER","events":[{}]}]}]}`,
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Parse([]byte(strings.Repeat(" ", MaxRecordSize+1))); err == nil || !strings.Contains(err.Error(), "MiB") {
		t.Errorf("huge record: %v", err)
	}
}

func TestNormalizeName(t *testing.T) {
	for _, c := range [][3]string{
		{"PyPI", "Jinja2", "jinja2"}, {"PyPI", "zope.interface", "zope-interface"}, {"PyPI", "Foo__Bar-.baz", "foo-bar-baz"},
		{"npm", "@Scope/Pkg", "@Scope/Pkg"}, {"NuGet", "Newtonsoft.Json", "newtonsoft.json"}, {"Debian:12", "openssl", "openssl"},
	} {
		if got := NormalizeName(c[0], c[1]); got != c[2] {
			t.Errorf("NormalizeName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestIsID(t *testing.T) {
	for _, id := range []string{"CVE-2024-3094", "GHSA-ppp9-7jff-5vj2", "GO-2021-0113", "PYSEC-2019-217", "DSA-3029-1", "DLA-1234-2", "USN-5614-1", "RHSA-2024:4546", "RLSA-2021:3891", "ALSA-2023:4520", "CGA-224q-ccj5-2p53", "UBUNTU-CVE-2021-3782", "RUSTSEC-2021-0001"} {
		if !IsID(id) {
			t.Errorf("IsID(%q) = false", id)
		}
	}
	for _, s := range []string{"PAL-VULN-001", "DL3007", "CKV_DOCKER_8", "C-0001", "hadolint:DL3007", ""} {
		if IsID(s) {
			t.Errorf("IsID(%q) = true", s)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/records/*.json")
	for _, p := range files[:min(len(files), 10)] {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"id":"X-1","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0"}]}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if err != nil {
			return
		}
		if v.ID == "" {
			t.Fatalf("accepted a record without an id: %q", b)
		}
		_ = v.IDs()
	})
}
