package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/kube"
)

// TestCorpusManifests loads every real manifest of the corpus (copied
// from /work/shared/corpus/k8s): no document may fail to load.
func TestCorpusManifests(t *testing.T) {
	root := filepath.Join("testdata", "corpus", "k8s")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && IsManifestName(p) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 170 {
		t.Fatalf("found %d corpus manifests, want the whole corpus (180)", len(files))
	}
	s := Files("corpus", files)
	for _, e := range s.Errors {
		t.Errorf("load error: %v", e)
	}
	kinds := map[string]int{}
	typed := 0
	for _, o := range s.Objects {
		kinds[o.Kind()]++
		if o.Typed != nil {
			typed++
		}
		if o.Source.Line == 0 {
			t.Errorf("%s: no source line", o.Ref())
		}
	}
	if len(s.Objects) < 400 {
		t.Errorf("loaded %d objects, want at least 400", len(s.Objects))
	}
	if len(s.Workloads()) < 100 {
		t.Errorf("found %d workloads, want at least 100", len(s.Workloads()))
	}
	t.Logf("%d files, %d objects (%d typed), %d workloads, kinds: %v", len(files), len(s.Objects), typed, len(s.Workloads()), kinds)
}

// TestCorpusCharts renders the four real Helm charts of the corpus with
// their default values: no error, and workloads in the release namespace.
func TestCorpusCharts(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "corpus", "helm", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range dirs {
		if !IsChartDir(dir) {
			continue
		}
		n++
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s := Chart(dir, HelmOptions{Namespace: "sec"})
			for _, e := range s.Errors {
				t.Errorf("load error: %v", e)
			}
			ws := s.Workloads()
			if len(ws) == 0 {
				t.Fatalf("no workloads rendered from %s (%d objects)", dir, len(s.Objects))
			}
			for _, w := range ws {
				if w.Namespace() == "" {
					t.Errorf("%s has no namespace", w.Object.Ref())
				}
				if !strings.HasPrefix(w.Object.Source.File, filepath.ToSlash(dir)+"/") {
					t.Errorf("%s: source %q is not a template of the chart", w.Object.Ref(), w.Object.Source.File)
				}
			}
			t.Logf("%d objects, %d workloads", len(s.Objects), len(ws))
		})
	}
	if n != 4 {
		t.Errorf("found %d charts, want 4", n)
	}
}

func TestDiscoverCorpus(t *testing.T) {
	units, errs, err := Discover(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Error(e)
	}
	var charts, files int
	for _, u := range units {
		switch u.Kind {
		case kube.FromHelm:
			charts++
		case kube.FromFile:
			files += len(u.Files)
		}
	}
	if charts != 4 || files < 170 {
		t.Errorf("discovered %d charts and %d manifest files, want 4 and the corpus", charts, files)
	}
}
