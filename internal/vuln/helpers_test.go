package vuln

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/feed"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// tarLayer makes a gzip layer of files (path -> content), with mode 0755
// for paths in exec.
func tarLayer(t testing.TB, files map[string][]byte, exec ...string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		mode := int64(0o644)
		for _, e := range exec {
			if e == n {
				mode = 0o755
			}
		}
		tw.WriteHeader(&tar.Header{Name: n, Mode: mode, Size: int64(len(files[n])), Typeflag: tar.TypeReg, ModTime: testNow})
		tw.Write(files[n])
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func imageOf(t testing.TB, layers ...v1.Layer) v1.Image {
	t.Helper()
	var adds []mutate.Addendum
	for i, l := range layers {
		adds = append(adds, mutate.Addendum{Layer: l, History: v1.History{CreatedBy: "layer " + string(rune('0'+i))}})
	}
	img, err := mutate.Append(empty.Image, adds...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func inventoryOf(t testing.TB, img v1.Image) *inventory.Inventory {
	t.Helper()
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(inventory.Analyzers()...))
	if err != nil {
		t.Fatal(err)
	}
	return inventory.FromContents(c)
}

// importRecords writes records into a new database and opens it.
func importRecords(t testing.TB, records []*osv.Vulnerability, paths ...string) *store.Store {
	t.Helper()
	src := t.TempDir()
	for i, r := range records {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, r.ID+"-"+string(rune('a'+i%26))+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	res, err := feed.Import(context.Background(), dir, append([]string{src}, paths...), testNow, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Errors.Err(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
