package feed

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/palisade-sec/palisade/internal/vuln/osvtest"
)

// BenchmarkImport imports a generated Debian-shaped all.zip of 10,000
// records into a new database.
func BenchmarkImport(b *testing.B) {
	zip := filepath.Join(b.TempDir(), "all.zip")
	if err := osvtest.WriteZip(zip, osvtest.Options{Shape: osvtest.Debian, Records: 10000, Packages: 2000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Import(context.Background(), b.TempDir(), []string{zip}, now, nil); err != nil {
			b.Fatal(err)
		}
	}
}
