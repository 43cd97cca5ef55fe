package node

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

var update = flag.Bool("update", false, "update golden files")

// fixtures are the node roots every golden test judges.
var fixtures = []struct {
	name  string
	build func(string, nodetest.Variant) error
	v     nodetest.Variant
}{
	{"control-plane-compliant", nodetest.ControlPlane, nodetest.Compliant},
	{"control-plane-failing", nodetest.ControlPlane, nodetest.Failing},
	{"worker-compliant", nodetest.Worker, nodetest.Compliant},
	{"worker-failing", nodetest.Worker, nodetest.Failing},
	{"docker-host-compliant", nodetest.DockerHost, nodetest.Compliant},
	{"docker-host-failing", nodetest.DockerHost, nodetest.Failing},
}

// buildFixture writes a fixture into a fresh temporary directory.
func buildFixture(t testing.TB, build func(string, nodetest.Variant) error, v nodetest.Variant) string {
	t.Helper()
	nodetest.RequireRoot(t, testing.Short())
	root := t.TempDir()
	if err := build(root, v); err != nil {
		t.Fatal(err)
	}
	return root
}

// renderResult prints a result for a golden file: no temporary paths, no
// times, checks in order.
func renderResult(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "role: %s\nflavour: %s (%s)\nkubernetes: %s (%s)\nbenchmark: %s %s\n", r.Role, r.Flavour, r.FlavourEvidence, r.KubernetesVersion, r.VersionSource, r.Benchmark.ID, r.Benchmark.Note)
	for _, c := range r.Components {
		fmt.Fprintf(&b, "component: %s from %s", c.Name, c.Source)
		if c.Config != "" {
			fmt.Fprintf(&b, " config %s", c.Config)
		}
		b.WriteString("\n")
	}
	for _, s := range Statuses {
		fmt.Fprintf(&b, "%s: %d\n", s, r.Counts[s])
	}
	for _, e := range r.Errors {
		fmt.Fprintf(&b, "error: %s\n", e)
	}
	b.WriteString("\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "%-6s %s %s %s\n", c.Status, c.ID, c.Ref, c.Title)
		if c.Reason != "" {
			fmt.Fprintf(&b, "       reason: %s\n", c.Reason)
		}
		for _, e := range c.Evidence {
			fmt.Fprintf(&b, "       found: %s\n", e)
		}
	}
	return b.String()
}

// golden compares got with a golden file, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the result; verify the diff and rerun with -update.\n%s", path, diffLines(string(want), got))
	}
}

// diffLines shows the first lines that differ.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(w), len(g)) && n < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
			n++
		}
	}
	return b.String()
}

func TestFixtureGoldens(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			root := buildFixture(t, fx.build, fx.v)
			res, _, err := Audit(Options{Root: root, Certs: CertOptions{Now: nodetest.Now}})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, fx.name+".txt", renderResult(res))
		})
	}
}
