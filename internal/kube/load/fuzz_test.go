package load

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/palisade-sec/palisade/internal/kube"
)

// FuzzParse feeds arbitrary bytes to the manifest loader: it must never
// panic, every object must have a kind, and line lookups must stay
// within the input.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "corpus", "k8s", "*", "*.yaml"))
	for i, p := range seeds {
		if i%6 != 0 {
			continue // a sample keeps the seed corpus fast
		}
		if data, err := os.ReadFile(p); err == nil && len(data) < 4<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("--- |\n  text\n---\n...\n"))
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _ := Parse(data, kube.Source{File: "fuzz.yaml"})
		lines := 1
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
		for _, o := range objs {
			if o.Kind() == "" {
				t.Fatalf("object without kind: %+v", o.GVK)
			}
			if l := o.Line(kube.ParsePath("spec.template.spec.containers[0].image")); l < 0 || l > lines {
				t.Fatalf("line %d outside the input's %d lines", l, lines)
			}
			_, _, _ = kube.PodTemplate(o)
		}
		s := &kube.Snapshot{}
		s.Add(objs...)
		_ = s.Workloads()
		_ = s.Namespaces()
	})
}
