package audit

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "update golden files")

const corpusRoot = "../load/testdata/corpus"

// TestCorpusGolden audits every real manifest and chart of the corpus
// and compares the findings, errors and summaries with a reviewed
// golden file (go test -run TestCorpusGolden -update, then review the
// diff).
func TestCorpusGolden(t *testing.T) {
	res, err := Path(filepath.FromSlash(corpusRoot), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	strip := func(s string) string { return strings.ReplaceAll(s, corpusRoot+"/", "") }
	for _, f := range res.Findings {
		loc := strip(f.Location.File)
		if f.Location.StartLine > 0 {
			loc = fmt.Sprintf("%s:%d", loc, f.Location.StartLine)
		}
		fmt.Fprintf(&b, "%s %s %s %s: %s\n", f.RuleID, f.Severity, f.Target, loc, strip(f.Message))
	}
	errs := make([]string, 0, len(res.Errors))
	for _, e := range res.Errors {
		errs = append(errs, "error "+strip(e.Target)+": "+strip(e.Message))
	}
	sort.Strings(errs)
	for _, e := range errs {
		fmt.Fprintln(&b, e)
	}
	for _, s := range res.Summaries {
		var cni []string
		for _, c := range s.CNI {
			cni = append(cni, c.Name+" "+string(c.Enforcement))
		}
		fmt.Fprintf(&b, "summary %s: %d objects, %d workloads, pss %v, secrets %v, cni %v\n",
			strip(s.Name), s.Objects, s.Workloads, s.PodSecurity, s.SecretDelivery, cni)
	}
	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (create it with -update and review it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		shown := 0
		for i := 0; i < max(len(gl), len(wl)) && shown < 20; i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("line %d:\n got  %s\n want %s", i+1, g, w)
				shown++
			}
		}
		t.Fatal("findings differ from testdata/corpus.golden: run go test -run TestCorpusGolden -update and review the diff")
	}
	if len(res.Findings) < 1000 {
		t.Errorf("only %d findings on the corpus", len(res.Findings))
	}
}
