package image

import (
	"archive/tar"
	"context"
	"os"
	"strings"
	"testing"
)

// FuzzWalkLayer feeds arbitrary bytes to the layer reader and the
// whiteout merge: no panic, only safe paths in the view, and every
// issue and error is a sentence.
func FuzzWalkLayer(f *testing.F) {
	f.Add(tarBytes(f, tf{name: "etc/os-release", body: "ID=debian"}, tf{name: "a/.wh..wh..opq"}, tf{name: "a/.wh.b"}))
	f.Add(tarBytes(f, tf{name: "../x", body: "x"}, tf{name: "l", typ: tar.TypeSymlink, link: "../../y"}, tf{name: "h", typ: tar.TypeLink, link: "/../z"}))
	f.Add(tarBytes(f, tf{name: "d/"}, tf{name: "d", body: "file over dir"}, tf{name: "d/.wh..wh..opq"}, tf{name: ".wh..wh..opq"}))
	f.Add([]byte("not a tar"))
	f.Add(tarBytes(f, tf{name: "v/a.db-wal", body: "w"}, tf{name: "v/a.db", body: "d"}, tf{name: "v/a.db", body: "d2"}, tf{name: "v/b.db-wal", body: "orphan"}))
	scratch := f.TempDir()
	o, err := makeOptions([]Option{WithAnalyzers(contentAnalyzer{want: ""}, walAnalyzer{}), WithMaxLayerSize(1 << 20), WithMaxFileSize(1 << 20), WithScratchDir(scratch)})
	if err != nil {
		f.Fatal(err)
	}
	base := &Layer{Index: 0, Entries: []Entry{{Path: "a/b", Type: TypeFile}, {Path: "a", Type: TypeDir}, {Path: "d/e", Type: TypeFile}}}
	f.Fuzz(func(t *testing.T, b []byte) {
		l := &Layer{Index: 1}
		o.readLayer(context.Background(), l, strings.NewReader(string(b)), false)
		v := Merge([]*Layer{base, l})
		for _, p := range v.Paths() {
			if p == "" || strings.HasPrefix(p, "/") || p == ".." || strings.HasPrefix(p, "../") || strings.Contains(p, "/../") {
				t.Fatalf("unsafe path %q in the view", p)
			}
		}
		for _, p := range v.Touched() {
			v.History(p)
			v.Resolve(p)
		}
		// Grouped files are kept until the layer ends, then removed.
		if ents, _ := os.ReadDir(scratch); len(ents) != 0 {
			t.Fatalf("scratch files left: %v", ents)
		}
	})
}
