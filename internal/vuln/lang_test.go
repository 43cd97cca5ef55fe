package vuln

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/image/assess"
)

// buildGo compiles a program that uses golang.org/x/text at the given
// version (fetched from the Go module proxy) and returns the binary.
func buildGo(t *testing.T, textVersion string) []byte {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/langtag\n\ngo 1.21\n\nrequire golang.org/x/text "+textVersion+"\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"golang.org/x/text/language\"\n)\n\nfunc main() { t, err := language.Parse(os.Args[1]); fmt.Println(t, err) }\n"), 0o644)
	run := func(args ...string) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("mod", "tidy")
	run("build", "-trimpath", "-o", "langtag", ".")
	b, err := os.ReadFile(filepath.Join(dir, "langtag"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pushAndScan pushes img to a loopback registry, reads it back through
// the registry the way `palisade image scan REF` does, and matches it.
func pushAndScan(t *testing.T, img v1.Image, repo string, opts Options) (*Outcome, *assess.Assessment) {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	ref := u.Host + "/" + repo + ":1"
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pulled, err := image.Open(ctx, image.Source{Ref: ref, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := assess.Image(ctx, ref, pulled)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := filepath.Glob("testdata/osv/*.json")
	if err != nil || len(recs) == 0 {
		t.Fatal("no testdata records")
	}
	s := importRecords(t, nil, "testdata/osv")
	opts.Target = ref
	out, err := Scan(s, a.Inventory, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out, a
}

func idsOf(out *Outcome) map[string][]string {
	m := map[string][]string{}
	for _, f := range out.Vulnerabilities {
		m[f.Package.Name+" "+f.Package.Version] = append(m[f.Package.Name+" "+f.Package.Version], f.IDs...)
	}
	return m
}

// A Go binary built against golang.org/x/text v0.3.6, a Python
// site-packages with Jinja2 2.10 and an npm node_modules with minimist
// 1.2.0, in one image served by a registry, against the real Go
// vulnerability database, PyPA and GitHub records; then the same image
// built with the fixed x/text.
func TestLanguagePackages(t *testing.T) {
	vulnerable := buildGo(t, "v0.3.6")
	fixed := buildGo(t, "v0.42.0")
	app := func(bin []byte) v1.Image {
		return imageOf(t,
			tarLayer(t, map[string][]byte{"usr/local/bin/langtag": bin}, "usr/local/bin/langtag"),
			tarLayer(t, map[string][]byte{
				"usr/lib/python3/site-packages/Jinja2-2.10.dist-info/METADATA": []byte("Metadata-Version: 2.1\nName: Jinja2\nVersion: 2.10\n\nA template engine.\n"),
			}),
			tarLayer(t, map[string][]byte{
				"app/node_modules/minimist/package.json": []byte(`{"name":"minimist","version":"1.2.0","license":"MIT"}`),
			}),
		)
	}
	out, a := pushAndScan(t, app(vulnerable), "lang/app", Options{Now: testNow})
	got := idsOf(out)
	text := got["golang.org/x/text v0.3.6"]
	for _, id := range []string{"GO-2021-0113", "CVE-2021-38561", "GHSA-ppp9-7jff-5vj2", "GO-2022-1059", "CVE-2022-32149", "GO-2026-5970"} {
		if !slices.Contains(text, id) {
			t.Errorf("x/text v0.3.6: %s not reported (got %v)", id, text)
		}
	}
	if jinja := got["Jinja2 2.10"]; !slices.Contains(jinja, "PYSEC-2019-217") || !slices.Contains(jinja, "CVE-2019-10906") {
		t.Errorf("Jinja2 2.10: %v", jinja)
	}
	if mm := got["minimist 1.2.0"]; !slices.Contains(mm, "GHSA-vh95-rmgr-6w4m") || !slices.Contains(mm, "CVE-2020-7598") || !slices.Contains(mm, "GHSA-xvch-5gv4-984h") {
		t.Errorf("minimist 1.2.0: %v", mm)
	}
	// Findings name the layer and the fix.
	for _, f := range out.Findings {
		if strings.Contains(f.Message, "GO-2021-0113") {
			if f.RuleID != VulnerableLanguagePackage.ID || !strings.Contains(f.Message, "fixed in 0.3.7") || !strings.Contains(f.Evidence, "layer 0") || f.Location.File != "/usr/local/bin/langtag" {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if len(a.Inventory.Packages) == 0 {
		t.Fatal("empty inventory")
	}

	out, _ = pushAndScan(t, app(fixed), "lang/app-fixed", Options{Now: testNow})
	for pkg, ids := range idsOf(out) {
		if strings.HasPrefix(pkg, "golang.org/x/text ") {
			t.Errorf("fixed x/text still reported: %s %v", pkg, ids)
		}
	}
}
