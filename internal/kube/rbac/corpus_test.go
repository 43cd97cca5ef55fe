package rbac_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden")

// corpusRoot holds the real manifests and charts of the shared corpus,
// copied into the repository by the loader's tests.
const corpusRoot = "../load/testdata/corpus"

// TestCorpusGolden loads every RBAC-bearing manifest file and chart of
// the corpus (CNI installs, operators, monitoring stacks, ingress
// controllers) and records, per source: each subject's dangerous
// capabilities and the strongest identity it reaches with the chain, and
// the RBAC and identity findings. Review the diff after -update.
func TestCorpusGolden(t *testing.T) {
	var units []string
	err := filepath.WalkDir(filepath.Join(corpusRoot, "k8s"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(data), "rbac.authorization.k8s.io") {
			units = append(units, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	charts, _ := filepath.Glob(filepath.Join(corpusRoot, "helm", "*", "Chart.yaml"))
	for _, c := range charts {
		units = append(units, filepath.Dir(c))
	}
	slices.Sort(units)
	if len(units) < 15 {
		t.Fatalf("only %d RBAC sources in the corpus", len(units))
	}
	var list []checks.Check
	for _, c := range checks.Checks() {
		if strings.HasPrefix(c.Rule.ID, "PAL-RBAC-") || strings.HasPrefix(c.Rule.ID, "PAL-ID-") {
			list = append(list, c)
		}
	}
	var out strings.Builder
	for _, u := range units {
		var s *kube.Snapshot
		if load.IsChartDir(u) {
			s = load.Chart(u, load.HelmOptions{Namespace: "corpus"})
		} else {
			s = load.Files(u, []string{u})
		}
		m := rbac.FromSnapshot(s)
		own := 0 // roles of the manifests, not the API server's defaults
		for _, r := range m.Roles {
			if r.Object != nil {
				own++
			}
		}
		if len(m.Bindings) == 0 && own == 0 {
			continue
		}
		rel, _ := filepath.Rel(corpusRoot, u)
		fmt.Fprintf(&out, "== %s: %d roles, %d bindings\n", filepath.ToSlash(rel), own, len(m.Bindings))
		g := m.NewGraph()
		for _, p := range g.ExploreAll() {
			n := p.Start
			if n.Power().Total == 0 && !p.Escalates() {
				continue
			}
			fmt.Fprintf(&out, "  %s: %s\n", n, n.Describe())
			if p.Escalates() {
				fmt.Fprintf(&out, "    escalates: %s\n", p.Chain())
			}
		}
		for _, f := range checks.Run(s, list, checks.Options{}) {
			file := f.Location.File
			if r, err := filepath.Rel(u, file); err == nil && !strings.HasPrefix(r, "..") && r != "." {
				file = r
			} else {
				file = filepath.Base(file)
			}
			fmt.Fprintf(&out, "  %s %s:%d %s: %s\n", f.RuleID, file, f.Location.StartLine, f.Target, f.Message)
		}
	}
	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("golden rewritten: verify the diff, commit changes")
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run TestCorpusGolden -update)", err)
	}
	if string(want) != out.String() {
		t.Errorf("corpus findings differ from %s; run with -update and review the diff:\n%s", golden, firstDiff(string(want), out.String()))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, x, y)
		}
	}
	return ""
}
