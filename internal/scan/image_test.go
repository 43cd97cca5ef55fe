package scan

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/ruleset"
)

// keyLayer is a layer holding a freshly generated private key.
func keyLayer(t *testing.T) *bytes.Buffer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "root/.ssh/id_ed25519", Mode: 0o600, Size: int64(len(key)), ModTime: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	tw.Write(key)
	tw.Close()
	return &buf
}

// TestScanFindsImages: `palisade scan DIR` judges docker archives and OCI
// layouts found next to Dockerfiles, with the same report machinery.
func TestScanFindsImages(t *testing.T) {
	buf := keyLayer(t)
	layer, err := tarball.LayerFromReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	tag, _ := name.NewTag("example.com/app:1")
	if err := tarball.WriteToFile(filepath.Join(root, "app.tar"), tag, img); err != nil {
		t.Fatal(err)
	}
	lp, err := layout.Write(filepath.Join(root, "oci"), empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	inputs, errs, err := Discover(root)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	if len(inputs) != 2 || inputs[0].Kind != KindImage || inputs[1].Kind != KindImage {
		t.Fatalf("inputs: %+v", inputs)
	}
	reg := ruleset.All()
	pol, err := config.Default().Resolve(reg)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(inputs, nil, Options{Policy: pol, Registry: reg, Images: ImageOptions{CacheDir: t.TempDir()}})
	if len(rep.Errors) > 0 {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	secrets := map[string]bool{}
	for _, f := range rep.Findings {
		if f.Severity >= finding.High && strings.Contains(f.Message+f.Evidence+f.Location.File, "id_ed25519") {
			secrets[f.Target] = true
		}
	}
	if len(secrets) != 2 {
		t.Errorf("the private key was found in %v, want both the archive and the layout; findings: %+v", secrets, rep.Findings)
	}
	for _, c := range rep.Controls {
		if c.ID == "app.image-scanning" && c.Status != report.Failed {
			t.Errorf("app.image-scanning is %s", c.Status)
		}
	}
}
