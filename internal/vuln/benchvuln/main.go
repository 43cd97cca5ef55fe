// Command benchvuln measures what scripts/bench-vuln.sh reports. It is a
// benchmark helper, not part of palisade.
//
//	benchvuln gen -dir D -records N      write D/<ecosystem>.zip: N generated OSV
//	                                     records in the shape of the Debian, PyPI,
//	                                     npm and Go feeds
//	benchvuln import -db D ZIP...        import the zips (time it from outside)
//	benchvuln match -db D -packages N    open the store and match an inventory of
//	                                     N packages; prints open and match times
//	benchvuln rescan -db D -images N     push N images to a loopback registry,
//	                                     record them with registry watch, import
//	                                     newer records, and time the rescan pass
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/registrywatch"
	"github.com/palisade-sec/palisade/internal/vuln"
	"github.com/palisade-sec/palisade/internal/vuln/feed"
	"github.com/palisade-sec/palisade/internal/vuln/osvtest"
	"github.com/palisade-sec/palisade/internal/vuln/store"
)

// The generated feeds: share of the records and number of distinct
// package names, roughly as in the real feeds.
var feeds = []struct {
	name     string
	shape    osvtest.Shape
	share    float64
	packages int
}{
	{"Debian", osvtest.Debian, 0.45, 20000},
	{"PyPI", osvtest.PyPI, 0.20, 15000},
	{"npm", osvtest.NPM, 0.20, 30000},
	{"Go", osvtest.Go, 0.15, 5000},
}

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: benchvuln gen|import|match|rescan ...")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	dir := fs.String("dir", "", "output directory (gen)")
	db := fs.String("db", "", "database directory")
	records := fs.Int("records", 300000, "records to generate")
	packages := fs.Int("packages", 2000, "packages to match")
	images := fs.Int("images", 1000, "images to record and rescan")
	runs := fs.Int("runs", 5, "runs of each measurement (the fastest is printed)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the match runs here")
	fs.Parse(os.Args[2:])
	switch os.Args[1] {
	case "gen":
		for i, f := range feeds {
			n := int(float64(*records) * f.share)
			p := filepath.Join(*dir, f.name+".zip")
			if err := osvtest.WriteZip(p, osvtest.Options{Shape: f.shape, Records: n, Packages: f.packages, Seed: uint64(i + 1)}); err != nil {
				log.Fatal(err)
			}
		}
	case "import":
		// The Go heap is sampled: resident memory also counts the pages
		// of the memory-mapped database file, which the kernel can drop.
		var peak atomic.Uint64
		done := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		res, err := feed.Import(context.Background(), *db, fs.Args(), time.Now(), nil)
		close(done)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("imported %d records; peak Go heap %d MB\n", res.Added+res.Updated+res.Unchanged, peak.Load()>>20)
	case "match":
		if *cpuprofile != "" {
			f, err := os.Create(*cpuprofile)
			if err != nil {
				log.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		match(*db, *packages, *runs)
	case "rescan":
		rescan(*db, *images)
	default:
		log.Fatalf("unknown command %s", os.Args[1])
	}
}

// benchInventory is n packages of a Debian 12 image: OS packages named
// like the Debian feed's, and Python, npm and Go packages.
func benchInventory(n int, seed uint64) *inventory.Inventory {
	r := rand.New(rand.NewPCG(seed, 1))
	inv := &inventory.Inventory{OS: inventory.OS{ID: "debian", Version: "12", Family: "debian"}}
	for i := range n {
		var p inventory.Package
		switch k := i % 10; {
		case k < 5:
			p = inventory.Package{Name: fmt.Sprintf("lib%d", i), SourceName: osvtest.PackageName(osvtest.Debian, r.IntN(20000)), Version: fmt.Sprintf("%d.%d.%d-1", r.IntN(5), r.IntN(20), r.IntN(30)), Type: inventory.Deb, File: "var/lib/dpkg/status"}
		case k < 7:
			p = inventory.Package{Name: osvtest.PackageName(osvtest.PyPI, r.IntN(15000)), Version: fmt.Sprintf("%d.%d.%d", r.IntN(6), r.IntN(10), r.IntN(10)), Type: inventory.PyPI}
		case k < 9:
			p = inventory.Package{Name: osvtest.PackageName(osvtest.NPM, r.IntN(30000)), Version: fmt.Sprintf("%d.%d.%d", r.IntN(6), r.IntN(10), r.IntN(10)), Type: inventory.NPM}
		default:
			p = inventory.Package{Name: osvtest.PackageName(osvtest.Go, r.IntN(5000)), Version: fmt.Sprintf("v%d.%d.%d", r.IntN(2), r.IntN(9), r.IntN(9)), Type: inventory.Golang}
		}
		inv.Packages = append(inv.Packages, p)
	}
	return inv
}

func match(db string, n, runs int) {
	inv := benchInventory(n, 42)
	bestOpen, bestMatch, bestCPU := time.Hour, time.Hour, time.Hour
	var found int
	for range runs {
		t0 := time.Now()
		s, err := store.Open(db)
		if err != nil {
			log.Fatal(err)
		}
		t1 := time.Now()
		c1 := cpuTime()
		out, err := vuln.Scan(s, inv, vuln.Options{Target: "bench", Now: time.Now()})
		if err != nil {
			log.Fatal(err)
		}
		c2 := cpuTime()
		t2 := time.Now()
		s.Close()
		bestOpen = min(bestOpen, t1.Sub(t0))
		bestMatch = min(bestMatch, t2.Sub(t1))
		bestCPU = min(bestCPU, c2-c1)
		found = len(out.Vulnerabilities)
	}
	s, _ := store.Open(db)
	info := s.Info()
	s.Close()
	fmt.Printf("store: %d records; open %.1f ms; match %d packages: %.1f ms wall, %.1f ms CPU (%d vulnerabilities)\n",
		info.Records(), float64(bestOpen.Microseconds())/1000, n, float64(bestMatch.Microseconds())/1000, float64(bestCPU.Microseconds())/1000, found)
}

// cpuTime is the process's user and system CPU time: on a shared
// machine it measures the work itself, where wall time also measures
// the other load.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type counting struct {
	h     http.Handler
	blobs atomic.Int64
}

func (c *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
		c.blobs.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

// dpkgStatus renders an inventory's Debian packages as a dpkg database.
func dpkgStatus(inv *inventory.Inventory) []byte {
	var b strings.Builder
	for _, p := range inv.Packages {
		if p.Type != inventory.Deb {
			continue
		}
		fmt.Fprintf(&b, "Package: %s\nStatus: install ok installed\nVersion: %s\nSource: %s\nArchitecture: amd64\n\n", p.Name, p.Version, p.SourceName)
	}
	return []byte(b.String())
}

func imageWith(files map[string][]byte) v1.Image {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg})
		tw.Write(files[n])
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		log.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		log.Fatal(err)
	}
	return img
}

func rescan(db string, n int) {
	reg := &counting{h: registry.New(registry.Logger(log.New(io.Discard, "", 0)))}
	srv := httptest.NewServer(reg)
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	t0 := time.Now()
	for i := range n {
		inv := benchInventory(200, uint64(i))
		img := imageWith(map[string][]byte{
			"etc/os-release":      []byte("ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"),
			"var/lib/dpkg/status": dpkgStatus(inv),
		})
		tag, err := name.NewTag(fmt.Sprintf("%s/team%d/app%d:1.0", u.Host, i%20, i), name.Insecure)
		if err != nil {
			log.Fatal(err)
		}
		if err := remote.Write(tag, img); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("pushed %d images in %.1f s\n", n, time.Since(t0).Seconds())
	state, err := os.MkdirTemp("", "benchvuln-state-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(state)
	w, err := registrywatch.New(registrywatch.Options{Target: u.Host, Insecure: true, StateDir: state, DBDir: db})
	if err != nil {
		log.Fatal(err)
	}
	defer w.Close()
	t1 := time.Now()
	res, err := w.Pass(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("first pass: %d images recorded (%d pulled) in %.1f s, %d findings\n", res.Images, res.Pulled, time.Since(t1).Seconds(), len(res.Events))
	// A database update: newer records for one ecosystem.
	zip := filepath.Join(state, "newer.zip")
	if err := osvtest.WriteZip(zip, osvtest.Options{Shape: osvtest.Debian, Records: 2000, Packages: 20000, Seed: 99, IDPrefix: "9", Modified: time.Now()}); err != nil {
		log.Fatal(err)
	}
	if _, err := feed.Import(context.Background(), db, []string{zip}, time.Now(), nil); err != nil {
		log.Fatal(err)
	}
	blobs := reg.blobs.Load()
	t2, c2 := time.Now(), cpuTime()
	res, err = w.Pass(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rescan after a database update: %d stored inventories in %.2f s wall, %.2f s CPU (registry included), %d images pulled, %d blob downloads, %d new findings\n",
		res.Rescanned, time.Since(t2).Seconds(), (cpuTime() - c2).Seconds(), res.Pulled, reg.blobs.Load()-blobs, len(res.Events))
}
