package inventory

import (
	"context"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/image"
)

func TestGoModulePaths(t *testing.T) {
	for _, tc := range []struct {
		dir, mod, ver string
	}{
		{"go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2", "github.com/BurntSushi/toml", "v1.3.2"},
		{"root/go/pkg/mod/golang.org/x/mod@v0.17.0", "golang.org/x/mod", "v0.17.0"},
		{"go/pkg/mod/github.com/x/y@v1.0.0/sub", "", ""},
		{"go/pkg/mod/cache/download/github.com/x/y/@v", "", ""},
		{"go/pkg/mod/github.com/Bad/y@v1.0.0", "", ""},
		{"go/pkg/mod/github.com/!/y@v1.0.0", "", ""},
		{"notpkg/mod/x.org/y@v1", "", ""},
	} {
		m, v, ok := goModuleCacheRoot(tc.dir)
		if m != tc.mod || v != tc.ver || ok != (tc.mod != "") {
			t.Errorf("goModuleCacheRoot(%q) = %q %q %v", tc.dir, m, v, ok)
		}
	}
	for _, tc := range []struct{ dir, vendor, rel string }{
		{"src/app/vendor/github.com/x/y", "src/app/vendor", "github.com/x/y"},
		{"vendor/golang.org/x/sys", "vendor", "golang.org/x/sys"},
		{"src/app/vendor/x", "", ""},
		{"src/app/notvendor/github.com/x/y", "", ""},
	} {
		v, r, ok := goVendorRoot(tc.dir)
		if v != tc.vendor || r != tc.rel || ok != (tc.vendor != "") {
			t.Errorf("goVendorRoot(%q) = %q %q %v", tc.dir, v, r, ok)
		}
	}
	for name, want := range map[string]bool{"LICENSE": true, "LICENSE.txt": true, "license.md": true, "LICENCE": true, "COPYING": true, "LICENSE-MIT": true, "LICENSES": false, "license.go": true, "NOTICE": false} {
		if got := licenseFileName(name); got != want {
			t.Errorf("licenseFileName(%q) = %v", name, got)
		}
	}
	mods := ParseVendorModules([]byte("# github.com/a/b v1.2.3\n## explicit; go 1.18\ngithub.com/a/b\n# github.com/c/d v0.1.0 => github.com/e/d v0.2.0\n# example.com/local v0.0.0 => ../local\n# broken\n"))
	want := map[string]string{"github.com/a/b": "v1.2.3", "github.com/c/d": "github.com/e/d@v0.2.0"}
	if !maps.Equal(mods, want) {
		t.Errorf("modules %v", mods)
	}
}

// modCacheDir returns the module cache directory of a module this
// project depends on (so it is there without a download).
func modCacheDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", mod, err)
	}
	return strings.TrimSpace(string(out))
}

func TestIdentifyLicense(t *testing.T) {
	for mod, want := range map[string]string{
		"github.com/package-url/packageurl-go":   "MIT",
		"github.com/google/go-containerregistry": "Apache-2.0",
		"github.com/google/licensecheck":         "BSD-3-Clause",
	} {
		b := read(t, filepath.Join(modCacheDir(t, mod), "LICENSE"))
		if got := IdentifyLicense(b); !slices.Equal(got, []string{want}) {
			t.Errorf("%s: %q, want %s", mod, got, want)
		}
	}
	if got := IdentifyLicense([]byte("All rights reserved. Ask us.")); got != nil {
		t.Errorf("unknown text: %q", got)
	}
}

// TestGoLicensesInImage builds a Go program the way a Dockerfile does,
// `go mod vendor` then `go build -mod=vendor`, offline from this
// module's cache, and puts the binary in an image: with the vendor
// directory beside it the dependency's license is known; with the module
// cache it is too; with the binary alone it is not (a binary does not
// carry licenses), except the standard library's.
func TestGoLicensesInImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program: not in -short mode")
	}
	const dep, depVersion = "github.com/package-url/packageurl-go", "v0.1.7"
	src := t.TempDir()
	sum := ""
	for _, l := range strings.Split(string(read(t, "../../go.sum")), "\n") {
		if strings.HasPrefix(l, dep+" "+depVersion) {
			sum += l + "\n"
		}
	}
	os.WriteFile(filepath.Join(src, "go.mod"), []byte("module example.com/vendored\n\ngo 1.22\n\nrequire "+dep+" "+depVersion+"\n"), 0o644)
	os.WriteFile(filepath.Join(src, "go.sum"), []byte(sum), 0o644)
	os.WriteFile(filepath.Join(src, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\n\tpackageurl \""+dep+"\"\n)\n\nfunc main() { fmt.Println(packageurl.TypeGolang) }\n"), 0o644)
	goCmd := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "CGO_ENABLED=0", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %v: %v\n%s", args, err, b)
		}
	}
	goCmd("mod", "vendor")
	goCmd("build", "-mod=vendor", "-o", "app", ".")

	for _, tc := range []struct {
		name  string
		files map[string]string // image path -> host path
		want  string
	}{
		{"vendor directory", map[string]string{"usr/local/bin/app": "app", "src/app/vendor/modules.txt": "vendor/modules.txt", "src/app/vendor/" + dep + "/LICENSE": "vendor/" + dep + "/LICENSE"}, "MIT"},
		{"module cache", map[string]string{"usr/local/bin/app": "app", "go/pkg/mod/" + dep + "@" + depVersion + "/LICENSE": filepath.Join(modCacheDir(t, dep), "LICENSE")}, "MIT"},
		{"other version in the cache", map[string]string{"usr/local/bin/app": "app", "go/pkg/mod/" + dep + "@v0.1.6/LICENSE": filepath.Join(modCacheDir(t, dep), "LICENSE")}, ""},
		{"binary alone", map[string]string{"usr/local/bin/app": "app"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for to, from := range tc.files {
				if !filepath.IsAbs(from) {
					from = filepath.Join(src, from)
				}
				copyFile(t, from, filepath.Join(root, to))
			}
			img, err := image.Rootfs(root)
			if err != nil {
				t.Fatal(err)
			}
			c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...), image.WithScratchDir(t.TempDir()))
			if err != nil {
				t.Fatal(err)
			}
			inv := FromContents(c)
			p, std := find(inv.Packages, dep), find(inv.Packages, "stdlib")
			if p == nil || p.Version != depVersion || std == nil {
				t.Fatalf("packages %+v", inv.Packages)
			}
			if got := strings.Join(p.Licenses, ","); got != tc.want {
				t.Errorf("%s licenses %q, want %q", dep, got, tc.want)
			}
			if !slices.Equal(std.Licenses, []string{"BSD-3-Clause"}) {
				t.Errorf("stdlib licenses %q", std.Licenses)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, _ := in.Stat()
	os.MkdirAll(filepath.Dir(to), 0o755)
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm()|0o200)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	out.Close()
}
