package dockerfile

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
)

// The want harness: every file in testdata/want is linted with all
// rules, and its findings must be exactly the ones its comments ask for.
//
//	# want: PAL-DF-010 PAL-DF-070   the next instruction yields these findings
//	# pass: PAL-DF-010              the next instruction is a negative case:
//	                                  it must not yield this rule
//
// A file NAME.Dockerfile may have NAME.palisade.yaml beside it: its image
// policy and rule switches apply (optional rules are enabled there).
//
// Only the rules a file names in its comments (plus PAL-DF-001) are
// compared: a file is the specification of the rules it is about, so a
// rule family's cases do not depend on every other family's findings
// (missing HEALTHCHECK, no USER, ...). False positives of other rules on
// real Dockerfiles are caught by the corpus golden test.
var (
	wantComment = regexp.MustCompile(`^#\s*(want|pass):\s*(.*)$`)
)

type expectation struct {
	want map[int][]string // start line -> rule IDs
	pass map[int][]string
}

func readExpectations(t *testing.T, f *File) expectation {
	t.Helper()
	e := expectation{want: map[int][]string{}, pass: map[int][]string{}}
	var pendingWant, pendingPass []string
	for i, raw := range f.Lines {
		line := strings.TrimSpace(raw)
		if m := wantComment.FindStringSubmatch(line); m != nil {
			ids := strings.Fields(strings.ReplaceAll(m[2], ",", " "))
			if m[1] == "want" {
				pendingWant = append(pendingWant, ids...)
			} else {
				pendingPass = append(pendingPass, ids...)
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// Expectations apply to the first line after the comments: the
		// start of the next instruction.
		if len(pendingWant) > 0 {
			e.want[i+1] = append(e.want[i+1], pendingWant...)
		}
		if len(pendingPass) > 0 {
			e.pass[i+1] = append(e.pass[i+1], pendingPass...)
		}
		pendingWant, pendingPass = nil, nil
	}
	return e
}

func wantFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/want/*.Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func lintWant(t *testing.T, path string) (*File, Result) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(filepath.Base(path), data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	opts := Options{}
	cfgPath := strings.TrimSuffix(path, ".Dockerfile") + ".palisade.yaml"
	if _, err := os.Stat(cfgPath); err == nil {
		cfg, err := config.Load(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		reg, err := finding.NewRegistry(Rules()...)
		if err != nil {
			t.Fatal(err)
		}
		pol, err := cfg.Resolve(reg)
		if err != nil {
			t.Fatal(err)
		}
		opts.Images = cfg.Images
		opts.Enabled = pol.Enabled
	}
	return f, Lint(f, Checks(), opts)
}

func TestWant(t *testing.T) {
	for _, path := range wantFiles(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, res := lintWant(t, path)
			exp := readExpectations(t, f)
			named := map[string]bool{ParseError.ID: true}
			for _, m := range []map[int][]string{exp.want, exp.pass} {
				for _, ids := range m {
					for _, id := range ids {
						named[id] = true
					}
				}
			}
			got := map[int][]string{}
			for _, fd := range res.Findings {
				if named[fd.RuleID] {
					got[fd.Location.StartLine] = append(got[fd.Location.StartLine], fd.RuleID)
				}
			}
			lines := map[int]bool{}
			for l := range got {
				lines[l] = true
			}
			for l := range exp.want {
				lines[l] = true
			}
			for l := range lines {
				g, w := slices.Clone(got[l]), slices.Clone(exp.want[l])
				slices.Sort(g)
				slices.Sort(w)
				if !slices.Equal(g, w) {
					t.Errorf("line %d: got %v, want %v\n  %s%s", l, g, w, f.Line(l), messagesAt(res.Findings, l))
				}
			}
			for l, ids := range exp.pass {
				for _, id := range ids {
					if slices.Contains(got[l], id) {
						t.Errorf("line %d: %s fired on a negative case", l, id)
					}
				}
			}
		})
	}
}

func messagesAt(fs []finding.Finding, line int) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Location.StartLine == line {
			fmt.Fprintf(&b, "\n  %s: %s", f.RuleID, f.Message)
		}
	}
	return b.String()
}

// TestEveryRuleHasCases requires a positive (want) and a negative (pass)
// case for every Dockerfile rule.
func TestEveryRuleHasCases(t *testing.T) {
	pos, neg := map[string]bool{}, map[string]bool{}
	for _, path := range wantFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if m := wantComment.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				for _, id := range strings.Fields(strings.ReplaceAll(m[2], ",", " ")) {
					if m[1] == "want" {
						pos[id] = true
					} else {
						neg[id] = true
					}
				}
			}
		}
	}
	for _, r := range Rules() {
		if !pos[r.ID] {
			t.Errorf("%s has no positive case (# want: %s) in testdata/want", r.ID, r.ID)
		}
		if !neg[r.ID] {
			t.Errorf("%s has no negative case (# pass: %s) in testdata/want", r.ID, r.ID)
		}
	}
}

func TestRegistryValid(t *testing.T) {
	if _, err := finding.NewRegistry(Rules()...); err != nil {
		t.Fatal(err)
	}
}
