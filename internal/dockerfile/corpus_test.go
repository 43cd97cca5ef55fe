package dockerfile

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

// corpusFiles lists the real Dockerfiles copied from public repositories
// (testdata/corpus/SOURCES.tsv names each origin).
func corpusFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir("testdata/corpus", func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() != "SOURCES.tsv" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 300 {
		t.Fatalf("corpus has %d Dockerfiles, want the ~312 of testdata/corpus", len(files))
	}
	return files
}

// refusedByDocker are corpus files that only BuildKit's *parser* accepts:
// they are parser test cases whose instructions `docker build` refuses
// (HEALTHCHECK without a command, an unknown HEALTHCHECK type). palisade
// must report them, so they are exempt from the no-problem rule.
var refusedByDocker = map[string]bool{
	"moby__buildkit/frontend__dockerfile__parser__testfiles__health__Dockerfile": true,
}

// TestCorpus lints ~300 real Dockerfiles: none may fail to parse (Docker
// builds them all), and the findings must match the reviewed golden file.
func TestCorpus(t *testing.T) {
	var b strings.Builder
	counts := map[string]int{}
	for _, path := range corpusFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(filepath.ToSlash(path), "testdata/corpus/")
		f, err := Parse(name, data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, p := range f.Problems {
			if refusedByDocker[name] {
				continue
			}
			t.Errorf("%s:%d: parse problem on a Dockerfile Docker accepts: %s", name, p.Loc.StartLine, p.Message)
		}
		res := Lint(f, Checks(), Options{})
		for _, fd := range res.Findings {
			counts[fd.RuleID]++
			fmt.Fprintf(&b, "%s:%d %s %s\n", name, fd.Location.StartLine, fd.RuleID, fd.Message)
		}
	}
	var summary []string
	for id, n := range counts {
		summary = append(summary, fmt.Sprintf("# %s %d", id, n))
	}
	sort.Strings(summary)
	got := strings.Join(summary, "\n") + "\n" + b.String()
	golden := "testdata/corpus.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/dockerfile -run TestCorpus -update, then review the diff)", err)
	}
	if got != string(want) {
		t.Errorf("corpus findings differ from %s; run with -update and review the diff:\n%s", golden, firstDiff(string(want), got))
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, wl, gl)
		}
	}
	return ""
}

// TestBuildKitParserCases runs BuildKit's own parser test files: the AST
// palisade works on must be the one BuildKit builds (its "result" dump),
// and none may be reported as a parse error.
func TestBuildKitParserCases(t *testing.T) {
	dirs, err := filepath.Glob("testdata/buildkit/moby__buildkit/testfiles/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no BuildKit test files: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "result"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse("Dockerfile", data)
			if err != nil {
				t.Fatal(err)
			}
			var dump strings.Builder
			for _, in := range f.Instructions {
				dump.WriteString("(" + in.Node.Dump() + ")\n")
			}
			if dump.String() != string(want) {
				t.Errorf("AST differs from BuildKit's expected dump:\n%s", firstDiff(string(want), dump.String()))
			}
		})
	}
}

// TestBuildKitNegativeCases: files BuildKit refuses must be reported as
// parse errors, never linted as if fine.
func TestBuildKitNegativeCases(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/buildkit/moby__buildkit/testfiles-negative/*")
	if len(dirs) == 0 {
		t.Fatal("no negative BuildKit test files")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse("Dockerfile", data)
			if err != nil {
				return // refused as a whole: also fine
			}
			res := Lint(f, Checks(), Options{})
			for _, fd := range res.Findings {
				if fd.RuleID == ParseError.ID {
					return
				}
			}
			t.Errorf("no %s finding for a file BuildKit refuses", ParseError.ID)
		})
	}
}
