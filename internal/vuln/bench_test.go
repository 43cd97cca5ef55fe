package vuln

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/feed"
	"github.com/palisade-sec/palisade/internal/vuln/osvtest"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

// BenchmarkScan matches 2,000 packages against a generated store of
// 40,000 records (scripts/bench-vuln.sh measures 300,000).
func BenchmarkScan(b *testing.B) {
	dir, zips := b.TempDir(), b.TempDir()
	var paths []string
	for i, sh := range []osvtest.Shape{osvtest.Debian, osvtest.PyPI, osvtest.NPM, osvtest.Go} {
		p := filepath.Join(zips, fmt.Sprint(i)+".zip")
		if err := osvtest.WriteZip(p, osvtest.Options{Shape: sh, Records: 10000, Packages: 3000, Seed: uint64(i)}); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	if _, err := feed.Import(context.Background(), dir, paths, testNow, nil); err != nil {
		b.Fatal(err)
	}
	s, err := store.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(1, 2))
	inv := &inventory.Inventory{OS: inventory.OS{ID: "debian", Version: "12"}}
	for i := range 2000 {
		switch i % 4 {
		case 0:
			inv.Packages = append(inv.Packages, inventory.Package{Name: fmt.Sprint("bin", i), SourceName: osvtest.PackageName(osvtest.Debian, r.IntN(3000)), Version: fmt.Sprintf("%d.%d.%d-1", r.IntN(5), r.IntN(20), r.IntN(30)), Type: inventory.Deb})
		case 1:
			inv.Packages = append(inv.Packages, inventory.Package{Name: osvtest.PackageName(osvtest.PyPI, r.IntN(3000)), Version: fmt.Sprintf("%d.%d.%d", r.IntN(6), r.IntN(10), r.IntN(10)), Type: inventory.PyPI})
		case 2:
			inv.Packages = append(inv.Packages, inventory.Package{Name: osvtest.PackageName(osvtest.NPM, r.IntN(3000)), Version: fmt.Sprintf("%d.%d.%d", r.IntN(6), r.IntN(10), r.IntN(10)), Type: inventory.NPM})
		default:
			inv.Packages = append(inv.Packages, inventory.Package{Name: osvtest.PackageName(osvtest.Go, r.IntN(3000)), Version: fmt.Sprintf("v%d.%d.%d", r.IntN(2), r.IntN(9), r.IntN(9)), Type: inventory.Golang})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Scan(s, inv, Options{Target: "bench", Now: testNow}); err != nil {
			b.Fatal(err)
		}
	}
}
