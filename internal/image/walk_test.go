package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// tf is one tar entry of a test layer.
type tf struct {
	name, body, link string
	typ              byte
	mode             int64
	size             int64 // declared size when different from len(body)
}

func tarBytes(t testing.TB, files ...tf) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		typ := f.typ
		if typ == 0 {
			typ = tar.TypeReg
			if strings.HasSuffix(f.name, "/") {
				typ = tar.TypeDir
			}
		}
		mode := f.mode
		if mode == 0 {
			mode = 0o644
		}
		h := &tar.Header{Name: f.name, Typeflag: typ, Mode: mode, Linkname: f.link, Format: tar.FormatPAX}
		if typ == tar.TypeReg {
			h.Size = int64(len(f.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(f.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func layerOf(t testing.TB, b []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func imageOf(t testing.TB, layers ...[]byte) v1.Image {
	t.Helper()
	img := empty.Image
	for i, b := range layers {
		var err error
		img, err = mutate.Append(img, mutate.Addendum{Layer: layerOf(t, b), History: v1.History{CreatedBy: fmt.Sprintf("RUN step %d", i)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return img
}

// rawImage builds an image whose layers are given byte streams (gzip
// detected by magic), with diffIDs made up from their hashes: broken
// layers cannot go through mutate.Append, which reads them.
func rawImage(t testing.TB, layers ...[]byte) v1.Image {
	t.Helper()
	cfg := v1.ConfigFile{OS: "linux", RootFS: v1.RootFS{Type: "layers"}}
	img := &blobImage{layers: map[v1.Hash]v1.Descriptor{}}
	store := memStore{}
	for i, b := range layers {
		content := b
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			if u, err := io.ReadAll(zr); err == nil {
				content = u
			}
		}
		h, _, _ := v1.SHA256(bytes.NewReader(content))
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, h)
		cfg.History = append(cfg.History, v1.History{CreatedBy: fmt.Sprintf("RUN step %d", i)})
		img.layers[h] = v1.Descriptor{Digest: h}
		store[h] = b
	}
	img.store = store
	img.config, _ = json.Marshal(cfg)
	out, err := partial.UncompressedToImage(img)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type memStore map[v1.Hash][]byte

func (m memStore) read(string) ([]byte, error)    { return nil, errors.New("no file") }
func (m memStore) blob(h v1.Hash) ([]byte, error) { return m[h], nil }
func (m memStore) open(h v1.Hash) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(m[h])), nil
}

// contentAnalyzer records the content of files whose name contains want.
type contentAnalyzer struct {
	want   string
	limit  int64
	prefix bool
}

func (a contentAnalyzer) Name() string                 { return "content" }
func (a contentAnalyzer) Version() int                 { return 1 }
func (a contentAnalyzer) Decode(b []byte) (any, error) { return DecodeJSON[string](b) }
func (a contentAnalyzer) Required(p string, info fs.FileInfo) bool {
	return strings.Contains(p, a.want)
}
func (a contentAnalyzer) Analyze(_ context.Context, f *File) (any, error) {
	b, err := io.ReadAll(f.Reader())
	if err != nil {
		return nil, err
	}
	if strings.Contains(string(b), "PANIC") {
		panic("analyzer bug")
	}
	return string(b), nil
}
func (a contentAnalyzer) Limit() (int64, bool) {
	if a.limit == 0 {
		return DefaultMaxFileSize, false
	}
	return a.limit, a.prefix
}

func TestWalkWhiteoutsAndHistory(t *testing.T) {
	img := imageOf(t,
		tarBytes(t,
			tf{name: "etc/"}, tf{name: "etc/os-release", body: "ID=debian\n"},
			tf{name: "opt/app/"}, tf{name: "opt/app/a", body: "a"}, tf{name: "opt/app/sub/b", body: "b"},
			tf{name: "root/.ssh/id_rsa", body: "KEY"},
			tf{name: "bin/sh", body: "ELF", mode: 0o755},
		),
		tarBytes(t,
			tf{name: "root/.ssh/.wh.id_rsa"},
			tf{name: "opt/app/.wh..wh..opq"}, tf{name: "opt/app/c", body: "c"},
			tf{name: "etc/os-release", body: "ID=ubuntu\n"},
		),
		tarBytes(t, tf{name: "bin/.wh.sh"}, tf{name: "root/.ssh/id_rsa", body: "KEY2"}),
	)
	c, err := Walk(context.Background(), img, WithAnalyzers(contentAnalyzer{want: "e"}))
	if err != nil {
		t.Fatal(err)
	}
	got := c.View.Paths()
	want := []string{"etc", "etc/os-release", "opt/app", "opt/app/c", "root/.ssh/id_rsa"}
	if !slices.Equal(got, want) {
		t.Errorf("final paths = %q, want %q", got, want)
	}
	if n, _ := c.View.Lookup("etc/os-release"); n.Layer != 1 {
		t.Errorf("os-release from layer %d, want 1", n.Layer)
	}
	hist := func(p string) string {
		var s []string
		for _, ch := range c.View.History(p) {
			s = append(s, fmt.Sprintf("%d:%s", ch.Layer, ch.Op))
		}
		return strings.Join(s, " ")
	}
	for p, w := range map[string]string{
		"root/.ssh/id_rsa": "0:added 1:deleted 2:added",
		"opt/app/sub/b":    "0:added 1:deleted",
		"opt/app/a":        "0:added 1:deleted",
		"bin/sh":           "0:added 2:deleted",
		"etc/os-release":   "0:added 1:changed",
		"opt/app":          "0:added",
	} {
		if h := hist(p); h != w {
			t.Errorf("history of %s = %q, want %q", p, h, w)
		}
	}
	if c.View.Visible(0, "root/.ssh/id_rsa") || !c.View.Visible(2, "root/.ssh/id_rsa") {
		t.Error("Visible is wrong for a file deleted then re-added")
	}
	if c.Layers[1].CreatedBy != "RUN step 1" {
		t.Errorf("layer 1 created by %q", c.Layers[1].CreatedBy)
	}
	// The analyzer saw both versions of os-release, in their layers.
	var seen []string
	for _, r := range c.ResultsOf("content") {
		if r.Path == "etc/os-release" {
			seen = append(seen, fmt.Sprintf("%d=%s", r.Layer, strings.TrimSpace(r.Value.(string))))
		}
	}
	if !slices.Equal(seen, []string{"0=ID=debian", "1=ID=ubuntu"}) {
		t.Errorf("os-release results = %q", seen)
	}
}

func TestWalkHostileEntries(t *testing.T) {
	evil := tarBytes(t,
		tf{name: "../../etc/passwd", body: "x"},
		tf{name: "/abs/file", body: "abs"},
		tf{name: "./dot/file", body: "dot"},
		tf{name: "lnk", typ: tar.TypeSymlink, link: "../../../../etc/shadow"},
		tf{name: "abslnk", typ: tar.TypeSymlink, link: "/etc/shadow"},
		tf{name: "hard", typ: tar.TypeLink, link: "../../outside"},
		tf{name: "dev/sda", typ: tar.TypeBlock},
		tf{name: "dup", body: "one"}, tf{name: "dup", body: "two"},
		tf{name: "dir/.wh...", body: ""},
		tf{name: "after", body: "still read"},
	)
	c, err := Walk(context.Background(), imageOf(t, evil), WithAnalyzers(contentAnalyzer{want: ""}))
	if err != nil {
		t.Fatal(err)
	}
	l := c.Layers[0]
	if l.Err != "" {
		t.Fatalf("layer error: %s", l.Err)
	}
	kinds := map[IssueKind][]string{}
	for _, is := range l.Issues {
		kinds[is.Kind] = append(kinds[is.Kind], is.Path)
	}
	for k, want := range map[IssueKind][]string{
		IssuePathTraversal: {"../../etc/passwd", "hard"},
		IssueLinkEscape:    {"lnk"},
		IssueDevice:        {"dev/sda"},
		IssueDuplicate:     {"dup"},
		IssueBadWhiteout:   {"dir/.wh..."},
	} {
		if !slices.Equal(kinds[k], want) {
			t.Errorf("%s issues on %q, want %q", k, kinds[k], want)
		}
	}
	paths := c.View.Paths()
	for _, p := range []string{"abs/file", "dot/file", "after", "abslnk", "lnk"} {
		if !slices.Contains(paths, p) {
			t.Errorf("%s missing from the view %q", p, paths)
		}
	}
	for _, p := range paths {
		if strings.Contains(p, "..") || strings.HasPrefix(p, "/") {
			t.Errorf("unsafe path %q in the view", p)
		}
	}
	var dup []string
	for _, r := range c.ResultsOf("content") {
		if r.Path == "dup" {
			dup = append(dup, r.Value.(string))
		}
	}
	if !slices.Equal(dup, []string{"one", "two"}) {
		t.Errorf("dup analysed as %q", dup)
	}
}

func TestWalkBrokenLayers(t *testing.T) {
	good := tarBytes(t, tf{name: "ok", body: "fine"})
	full := tarBytes(t, tf{name: "first", body: "first"}, tf{name: "second", body: strings.Repeat("x", 4096)})
	truncated := full[:1024+512+100]
	garbage := []byte("this is not a tar stream at all, not even close; " + strings.Repeat("z", 600))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(full)
	zw.Close()
	badGzip := gz.Bytes()[:gz.Len()/2]

	for _, tc := range []struct {
		name  string
		layer []byte
		err   string
		paths []string
	}{
		{"truncated tar", truncated, "truncated", []string{"first", "ok"}},
		{"not a tar", garbage, "not a valid tar", []string{"ok"}},
		{"truncated gzip", badGzip, "", []string{"ok"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Walk(context.Background(), rawImage(t, good, tc.layer), WithAnalyzers(contentAnalyzer{want: ""}))
			if err != nil {
				t.Fatal(err)
			}
			if c.Layers[0].Err != "" {
				t.Errorf("good layer failed: %s", c.Layers[0].Err)
			}
			if c.Layers[1].Err == "" || !strings.Contains(c.Layers[1].Err, tc.err) {
				t.Errorf("broken layer error = %q, want it to mention %q", c.Layers[1].Err, tc.err)
			}
			for _, p := range tc.paths {
				if _, ok := c.View.Lookup(p); !ok {
					t.Errorf("%s missing from the view", p)
				}
			}
		})
	}
}

func TestWalkLimits(t *testing.T) {
	big := strings.Repeat("A", 100_000)
	layer := tarBytes(t, tf{name: "big", body: big}, tf{name: "small", body: "s"}, tf{name: "boom/PANIC", body: "PANIC"})
	t.Run("file too large", func(t *testing.T) {
		c, err := Walk(context.Background(), imageOf(t, layer), WithAnalyzers(contentAnalyzer{want: "", limit: 1000}))
		if err != nil {
			t.Fatal(err)
		}
		var tooLarge, analyzerErr bool
		for _, is := range c.Layers[0].Issues {
			tooLarge = tooLarge || (is.Kind == IssueTooLarge && is.Path == "big")
			analyzerErr = analyzerErr || (is.Kind == IssueAnalyzer && is.Path == "boom/PANIC")
		}
		if !tooLarge || !analyzerErr {
			t.Errorf("issues = %+v", c.Layers[0].Issues)
		}
		if r := c.ResultsOf("content"); len(r) != 1 || r[0].Path != "small" {
			t.Errorf("results = %+v", r)
		}
	})
	t.Run("prefix", func(t *testing.T) {
		c, err := Walk(context.Background(), imageOf(t, layer), WithAnalyzers(contentAnalyzer{want: "big", limit: 10, prefix: true}))
		if err != nil {
			t.Fatal(err)
		}
		if r := c.ResultsOf("content"); len(r) != 1 || r[0].Value != "AAAAAAAAAA" {
			t.Errorf("results = %+v", r)
		}
	})
	t.Run("spill to scratch", func(t *testing.T) {
		dir := t.TempDir()
		o := []Option{WithAnalyzers(contentAnalyzer{want: "big"}), WithScratchDir(dir)}
		c, err := Walk(context.Background(), imageOf(t, layer), append(o, func(o *options) error { o.memoryFileSize = 10; return nil })...)
		if err != nil {
			t.Fatal(err)
		}
		if r := c.ResultsOf("content"); len(r) != 1 || r[0].Value != big {
			t.Errorf("spilled file read wrong")
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("scratch files left behind: %v", ents)
		}
	})
	t.Run("decompression bomb", func(t *testing.T) {
		c, err := Walk(context.Background(), imageOf(t, tarBytes(t, tf{name: "ok", body: "x"}), layer), WithMaxLayerSize(50_000))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Layers[1].Err, "decompression bomb") {
			t.Errorf("err = %q", c.Layers[1].Err)
		}
		if _, ok := c.View.Lookup("ok"); !ok {
			t.Error("the other layer was lost")
		}
	})
	t.Run("huge declared size", func(t *testing.T) {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		tw.WriteHeader(&tar.Header{Name: "huge", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644})
		tw.Write([]byte("only a little"))
		c, err := Walk(context.Background(), imageOf(t, buf.Bytes()), WithAnalyzers(contentAnalyzer{want: ""}))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.Layers[0].Err, "truncated") {
			t.Errorf("err = %q", c.Layers[0].Err)
		}
		var tooLarge bool
		for _, is := range c.Layers[0].Issues {
			tooLarge = tooLarge || is.Kind == IssueTooLarge
		}
		if !tooLarge {
			t.Errorf("a 1 TiB file was not refused: %+v", c.Layers[0].Issues)
		}
	})
}

func TestWalkCache(t *testing.T) {
	dir := t.TempDir()
	cache, err := OpenCache(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	img := imageOf(t, tarBytes(t, tf{name: "etc/os-release", body: "ID=alpine"}), tarBytes(t, tf{name: "etc/.wh.os-release"}))
	a := contentAnalyzer{want: "os-release"}
	cold, err := Walk(context.Background(), img, WithAnalyzers(a), WithCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	warm, err := Walk(context.Background(), img, WithAnalyzers(a), WithCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	for i := range cold.Layers {
		if cold.Layers[i].Cached || !warm.Layers[i].Cached {
			t.Errorf("layer %d cached cold=%v warm=%v", i, cold.Layers[i].Cached, warm.Layers[i].Cached)
		}
		if !slices.Equal(cold.Layers[i].Entries, warm.Layers[i].Entries) || !slices.Equal(cold.Layers[i].Whiteouts, warm.Layers[i].Whiteouts) {
			t.Errorf("layer %d differs from the cache", i)
		}
	}
	if r := warm.ResultsOf("content"); len(r) != 1 || r[0].Value != "ID=alpine" {
		t.Errorf("cached results = %+v", r)
	}
	if warm.View.Len() != cold.View.Len() {
		t.Error("views differ")
	}
	if cache.Has(cold.Layers[0].DiffID, []Analyzer{contentAnalyzer{want: "x", limit: 1}}) != true {
		t.Error("Has should ignore analyzer settings but not names")
	}
	// Size bound: a tiny cache keeps at most what fits.
	small, _ := OpenCache(filepath.Join(dir, "small"), 1)
	if _, err := Walk(context.Background(), img, WithAnalyzers(a), WithCache(small)); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "small", "layers"))
	if len(ents) != 0 {
		t.Errorf("a 1-byte cache holds %d entries", len(ents))
	}
}

func TestCleanPath(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"etc/passwd", "etc/passwd", true},
		{"/etc/passwd", "etc/passwd", true},
		{"./etc//passwd", "etc/passwd", true},
		{"a/../b", "b", true},
		{"../x", "", false},
		{"a/../../x", "", false},
		{"/../x", "", false},
		{".", "", false},
		{"./", "", false},
		{"", "", false},
		{"a\x00b", "", false},
		{`a\..\b`, `a\..\b`, true},
	} {
		got, ok := CleanPath(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CleanPath(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestResolve(t *testing.T) {
	img := imageOf(t, tarBytes(t,
		tf{name: "usr/bin/dash", body: "ELF"},
		tf{name: "bin", typ: tar.TypeSymlink, link: "usr/bin"},
		tf{name: "usr/bin/sh", typ: tar.TypeSymlink, link: "dash"},
		tf{name: "loop", typ: tar.TypeSymlink, link: "loop"},
		tf{name: "up", typ: tar.TypeSymlink, link: "../../../usr/bin/dash"},
	))
	c, err := Walk(context.Background(), img)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"bin/sh": "usr/bin/dash", "/bin/dash": "usr/bin/dash", "up": "usr/bin/dash", "loop": ""} {
		n, ok := c.View.Resolve(p)
		got := ""
		if ok {
			got = n.Path
		}
		if got != want {
			t.Errorf("Resolve(%s) = %q, want %q", p, got, want)
		}
	}
}

// TestWalkDiffIDMismatch: a layer whose content does not hash to the
// diffID of the config is an error and is never cached, so a lying
// config cannot borrow the cached results of another layer.
func TestWalkDiffIDMismatch(t *testing.T) {
	good := tarBytes(t, tf{name: "etc/os-release", body: "ID=debian"})
	evil := tarBytes(t, tf{name: "root/.ssh/id_rsa", body: "KEY"})
	img := rawImage(t, good)
	// Point the (only) diffID at the evil content.
	cfg, _ := img.ConfigFile()
	store := memStore{cfg.RootFS.DiffIDs[0]: evil}
	raw, _ := json.Marshal(cfg)
	liar, err := partial.UncompressedToImage(&blobImage{store: store, config: raw, layers: map[v1.Hash]v1.Descriptor{cfg.RootFS.DiffIDs[0]: {Digest: cfg.RootFS.DiffIDs[0]}}})
	if err != nil {
		t.Fatal(err)
	}
	cache, _ := OpenCache(t.TempDir(), 0)
	c, err := Walk(context.Background(), liar, WithCache(cache))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Layers[0].Err, "does not match its diffID") {
		t.Errorf("err = %q", c.Layers[0].Err)
	}
	if cache.Has(cfg.RootFS.DiffIDs[0], nil) {
		t.Error("a mismatching layer was cached")
	}
}

func TestRootfsNotCached(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	img, err := Rootfs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cache, _ := OpenCache(t.TempDir(), 0)
	c, err := Walk(context.Background(), img, WithCache(cache))
	if err != nil || c.Layers[0].Err != "" {
		t.Fatalf("%v %q", err, c.Layers[0].Err)
	}
	if ents, _ := os.ReadDir(filepath.Join(cache.Dir(), "layers")); len(ents) != 0 {
		t.Errorf("a root file system was cached: %v", ents)
	}
}
