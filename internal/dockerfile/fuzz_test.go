package dockerfile

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLint feeds arbitrary bytes through the parser and every rule: no
// panic (a rule panic becomes an internal-error finding, which must not
// happen either), and every finding points at a line of the input.
func FuzzLint(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/want/*.Dockerfile")
	more, _ := filepath.Glob("testdata/buildkit/moby__buildkit/testfiles*/*/Dockerfile")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("FROM a\nRUN <<EOF\n"))
	f.Add([]byte("# escape=`\nFROM x\nRUN a `\n b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("Dockerfile", data)
		if err != nil {
			return
		}
		all := Checks()
		res := Lint(file, all, Options{Enabled: func(*finding.Rule) bool { return true }})
		for _, fd := range res.Findings {
			if fd.Message == "" {
				t.Errorf("%s: empty message", fd.RuleID)
			}
			if fd.Location.StartLine < 0 || fd.Location.StartLine > len(file.Lines) {
				t.Errorf("%s: line %d outside 1..%d", fd.RuleID, fd.Location.StartLine, len(file.Lines))
			}
			if isInternalError(fd.Message) {
				t.Errorf("rule panicked: %s", fd.Message)
			}
		}
	})
}

func isInternalError(msg string) bool { return strings.HasPrefix(msg, "internal error in rule") }
