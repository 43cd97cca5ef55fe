package scan

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIsDockerfile(t *testing.T) {
	yes := []string{"Dockerfile", "dockerfile", "Containerfile", "prod.Dockerfile", "Dockerfile.prod", "Containerfile.dev", "api.containerfile"}
	no := []string{"Dockerfile.dockerignore", "Dockerfile.md", "README.md", "docker-compose.yml", "Dockerfiles", "main.go"}
	for _, n := range yes {
		if !IsDockerfile(n) {
			t.Errorf("%s should be a Dockerfile", n)
		}
	}
	for _, n := range no {
		if IsDockerfile(n) {
			t.Errorf("%s should not be a Dockerfile", n)
		}
	}
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	write := func(p string) {
		t.Helper()
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("FROM scratch\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile")
	write("svc/api/Dockerfile.prod")
	write("node_modules/pkg/Dockerfile")
	write(".git/Dockerfile")
	write("vendor/x/Dockerfile")
	write("docs/Dockerfile.md")
	inputs, errs, err := Discover(root)
	if err != nil || len(errs) != 0 {
		t.Fatal(err, errs)
	}
	var got []string
	for _, in := range inputs {
		rel, _ := filepath.Rel(root, in.Path)
		got = append(got, filepath.ToSlash(rel))
	}
	if len(got) != 2 || got[0] != "Dockerfile" || got[1] != "svc/api/Dockerfile.prod" {
		t.Errorf("discovered %v", got)
	}
	// A file named explicitly is taken whatever its name.
	single, _, err := Discover(filepath.Join(root, "docs/Dockerfile.md"))
	if err != nil || len(single) != 1 {
		t.Errorf("explicit file: %v %v", single, err)
	}
	if _, _, err := Discover(filepath.Join(root, "missing")); err == nil {
		t.Error("missing path gave no error")
	}
}
