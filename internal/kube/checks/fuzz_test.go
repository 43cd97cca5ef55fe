package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/palisade-sec/palisade/internal/kube/load"
)

// FuzzChecks runs every check over whatever the loader makes of
// arbitrary input: no check may panic on a strange object (nil
// pointers, empty selectors, odd PodSecurityPolicies or
// EncryptionConfigurations).
func FuzzChecks(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "want", "*.yaml"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	all := Checks()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := load.Bytes("fuzz.yaml", data)
		_ = Run(s, all, Options{})
		_ = ClassifySecrets(s, s.Workloads())
	})
}
