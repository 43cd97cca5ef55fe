package checks

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

// TestWant runs the checks named by each fixture's "# check:" header on
// testdata/want/*.yaml and compares the findings with the fixture's
// `# want "RULE" ["message part"...]` comments: every expected finding
// must be reported on its line, and nothing else.
//
// Other headers: "# pss-level: baseline", "# pss-version: v1.N",
// "# images.allow: PATTERN", "# now: YYYY-MM-DD", "# upgrade-to: v1.N".
func TestWant(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "want", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			h, wants := parseFixture(t, data)
			s := load.Files("fixture", []string{file})
			for _, e := range s.Errors {
				t.Fatalf("fixture does not load: %v", e)
			}
			var list []Check
			found := map[string]bool{}
			for _, c := range Checks() {
				if slices.Contains(h.checks, c.Rule.ID) {
					list = append(list, c)
					found[c.Rule.ID] = true
				}
			}
			if len(found) != len(h.checks) {
				t.Fatalf("# check: names unknown rules: %v", h.checks)
			}
			got := Run(s, list, h.opts)
			matched := make([]bool, len(got))
			for _, w := range wants {
				found := false
				for i, f := range got {
					if matched[i] || f.RuleID != w.rule || f.Location.StartLine != w.line || !containsAll(f.Message, w.parts) {
						continue
					}
					matched[i], found = true, true
					break
				}
				if !found {
					t.Errorf("line %d: want %s %q, not reported; got on that line: %s", w.line, w.rule, w.parts, onLine(got, w.line))
				}
			}
			for i, f := range got {
				if !matched[i] {
					t.Errorf("line %d: unexpected %s: %s", f.Location.StartLine, f.RuleID, f.Message)
				}
			}
		})
	}
}

type header struct {
	checks []string
	opts   Options
}

type want struct {
	line  int
	rule  string
	parts []string
}

var (
	wantRe   = regexp.MustCompile(`#\s*want\s+((?:"(?:[^"\\]|\\.)*"[ \t]*)+)`)
	quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

func parseFixture(t *testing.T, data []byte) (header, []want) {
	var h header
	var ws []want
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	var err error
	for sc.Scan() {
		line++
		text := sc.Text()
		if v, ok := strings.CutPrefix(text, "# check:"); ok {
			h.checks = append(h.checks, strings.Fields(v)...)
		}
		if v, ok := strings.CutPrefix(text, "# pss-level:"); ok {
			h.opts.PSSLevel = api.Level(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(text, "# pss-version:"); ok {
			ver, err := api.ParseVersion(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			h.opts.PSSVersion = ver
		}
		if v, ok := strings.CutPrefix(text, "# now:"); ok {
			if h.opts.Upgrade.Now, err = time.Parse(time.DateOnly, strings.TrimSpace(v)); err != nil {
				t.Fatal(err)
			}
		}
		if v, ok := strings.CutPrefix(text, "# upgrade-to:"); ok {
			if h.opts.Upgrade.Target, err = upgrade.ParseVersion(strings.TrimSpace(v)); err != nil {
				t.Fatal(err)
			}
		}
		if v, ok := strings.CutPrefix(text, "# images.allow:"); ok {
			h.opts.Images.Allow = append(h.opts.Images.Allow, strings.TrimSpace(v))
		}
		for _, m := range wantRe.FindAllStringSubmatch(text, -1) {
			q := quotedRe.FindAllStringSubmatch(m[1], -1)
			var parts []string
			for _, p := range q {
				u, err := strconv.Unquote(p[0])
				if err != nil {
					t.Fatalf("line %d: %v", line, err)
				}
				parts = append(parts, u)
			}
			w := want{line: line, rule: parts[0], parts: parts[1:]}
			ws = append(ws, w)
		}
	}
	if len(h.checks) == 0 {
		t.Fatal("fixture has no # check: header")
	}
	return h, ws
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func onLine(fs []finding.Finding, line int) string {
	var out []string
	for _, f := range fs {
		if f.Location.StartLine == line {
			out = append(out, fmt.Sprintf("%s %q", f.RuleID, f.Message))
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, "; ")
}
