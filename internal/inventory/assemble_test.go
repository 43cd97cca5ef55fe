package inventory

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/image"
)

func testLayer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for n, body := range files {
		tw.WriteHeader(&tar.Header{Name: n, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))})
		tw.Write([]byte(body))
	}
	tw.Close()
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

const (
	stanzaA  = "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n"
	stanzaB  = "Package: b\nStatus: install ok installed\nVersion: 2.0\nArchitecture: amd64\n\n"
	stanzaC  = "Package: c\nStatus: install ok installed\nVersion: 3.0\nArchitecture: amd64\n\n"
	stanzaB2 = "Package: b\nStatus: install ok installed\nVersion: 2.1\nArchitecture: amd64\n\n"
)

// TestFromContentsLayers checks the layer of each package when a later
// layer rewrites the database, and that deleted files no longer count.
func TestFromContentsLayers(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image,
		testLayer(t, map[string]string{"etc/os-release": "ID=debian\nVERSION_ID=12\n", "var/lib/dpkg/status": stanzaA + stanzaB, "app/venv/lib/x-1.0.dist-info/METADATA": "Name: x\nVersion: 1.0\n"}),
		testLayer(t, map[string]string{"var/lib/dpkg/status": stanzaA + stanzaB + stanzaC}),
		testLayer(t, map[string]string{"var/lib/dpkg/status": stanzaA + stanzaB2 + stanzaC, "app/venv/lib/x-1.0.dist-info/.wh.METADATA": ""}),
	)
	if err != nil {
		t.Fatal(err)
	}
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...))
	if err != nil {
		t.Fatal(err)
	}
	inv := FromContents(c)
	got := map[string]int{}
	for _, p := range inv.Packages {
		got[p.Name+"@"+p.Version] = p.Layer
	}
	want := map[string]int{"a@1.0": 0, "b@2.1": 2, "c@3.0": 1}
	if len(got) != len(want) {
		t.Errorf("packages %v, want %v", got, want)
	}
	for k, l := range want {
		if gl, ok := got[k]; !ok || gl != l {
			t.Errorf("%s in layer %d (present %v), want %d", k, gl, ok, l)
		}
	}
	if inv.OS.ID != "debian" || inv.Packages[0].LayerDiffID != c.Layers[inv.Packages[0].Layer].DiffID.String() {
		t.Errorf("OS %+v, first package %+v", inv.OS, inv.Packages[0])
	}
}
