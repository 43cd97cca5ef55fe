package image

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// walAnalyzer groups "x.db" with "x.db-wal" and reports what it saw,
// reading the group through LocalDir as an SQLite library would.
type walAnalyzer struct{}

func (walAnalyzer) Name() string                 { return "wal" }
func (walAnalyzer) Version() int                 { return 1 }
func (walAnalyzer) Decode(b []byte) (any, error) { return DecodeJSON[string](b) }
func (walAnalyzer) Required(p string, _ fs.FileInfo) bool {
	return strings.HasSuffix(p, ".db") || strings.HasSuffix(p, ".db-wal") || strings.HasSuffix(p, ".txt")
}
func (walAnalyzer) GroupOf(p string) (string, bool) {
	switch {
	case strings.HasSuffix(p, ".db"):
		return p, true
	case strings.HasSuffix(p, ".db-wal"):
		return strings.TrimSuffix(p, "-wal"), true
	}
	return "", false // .txt files are analysed on their own
}
func (walAnalyzer) Analyze(_ context.Context, f *File) (any, error) {
	if strings.HasSuffix(f.Path, ".txt") {
		b, _ := io.ReadAll(f.Reader())
		return "alone " + string(b), nil
	}
	dir, err := f.LocalDir()
	if err != nil {
		return nil, err
	}
	ents, _ := os.ReadDir(dir)
	var parts []string
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		parts = append(parts, e.Name()+"="+string(b))
	}
	// The copies are the analyzer's to change (SQLite checkpoints).
	os.WriteFile(filepath.Join(dir, filepath.Base(f.Path)), []byte("changed"), 0o600)
	return strings.Join(parts, " "), nil
}

func TestWalkGroups(t *testing.T) {
	img := imageOf(t,
		// The log comes before its database, and a file is given twice.
		tarBytes(t, tf{name: "var/a.db-wal", body: "wal1"}, tf{name: "var/a.db", body: "old"}, tf{name: "var/a.db", body: "db1"}, tf{name: "var/note.txt", body: "n"}),
		// A database without a log, and a log without its database.
		tarBytes(t, tf{name: "var/a.db", body: "db2"}, tf{name: "var/b.db-wal", body: "orphan"}),
	)
	scratch := t.TempDir()
	c, err := Walk(context.Background(), img, WithAnalyzers(walAnalyzer{}), WithScratchDir(scratch), WithParallel(2))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.ResultsOf("wal") {
		got = append(got, r.Path+": "+r.Value.(string))
	}
	slices.Sort(got)
	want := []string{
		"var/a.db: a.db=db1 a.db-wal=wal1",
		"var/a.db: a.db=db2",
		"var/b.db-wal: b.db-wal=orphan",
		"var/note.txt: alone n",
	}
	if !slices.Equal(got, want) {
		t.Errorf("results\n%q\nwant\n%q", got, want)
	}
	for _, l := range c.Layers {
		if len(l.Issues) > 0 && l.Issues[0].Kind != IssueDuplicate {
			t.Errorf("layer %d issues %+v", l.Index, l.Issues)
		}
	}
	if ents, _ := os.ReadDir(scratch); len(ents) != 0 {
		t.Errorf("scratch files left: %v", ents)
	}
}
