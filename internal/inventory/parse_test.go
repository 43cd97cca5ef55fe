package inventory

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/palisade-sec/palisade/internal/image"
)

const pkgdb = "testdata/pkgdb/"

func read(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func find(ps []Package, name string) *Package {
	for i := range ps {
		if ps[i].Name == name {
			return &ps[i]
		}
	}
	return nil
}

func names(ps []Package) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

func TestParseDpkgStatus(t *testing.T) {
	ps, err := ParseDpkgStatus(bytes.NewReader(read(t, pkgdb+"dpkg/aquasecurity__trivy__pkg__fanal__analyzer__pkg__dpkg__testdata__dpkg")))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 80 {
		t.Fatalf("%d packages", len(ps))
	}
	for _, tc := range []struct{ name, version, arch, srcName, srcVersion string }{
		{"libc6", "2.27-3ubuntu1", "amd64", "glibc", ""},
		{"bash", "4.4.18-2ubuntu1", "amd64", "", ""},
		{"libgcc1", "1:8-20180414-1ubuntu2", "amd64", "gcc-8", "8-20180414-1ubuntu2"},
	} {
		p := find(ps, tc.name)
		if p == nil {
			t.Errorf("%s missing", tc.name)
			continue
		}
		if p.Version != tc.version || p.Arch != tc.arch || p.SourceName != tc.srcName || p.SourceVersion != tc.srcVersion || p.Type != Deb {
			t.Errorf("%s = %+v", tc.name, *p)
		}
	}

	ps, err = ParseDpkgStatus(bytes.NewReader(read(t, pkgdb+"dpkg/google__osv-scalibr__extractor__filesystem__os__dpkg__testdata__dpkg__statusfield")))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(ps), []string{"wantinstall_installed", "wantdeinstall_installed", "wantpurge_installed", "wantnostatus"}; !slices.Equal(got, want) {
		t.Errorf("installed = %q, want %q", got, want)
	}

	ps, err = ParseDpkgStatus(bytes.NewReader(read(t, pkgdb+"dpkg/anchore__syft__syft__pkg__cataloger__debian__testdata__image-distroless-deb__var__lib__dpkg__status.d__libsqlite3-0")))
	if err != nil || len(ps) != 1 || ps[0].Name != "libsqlite3-0" || ps[0].SourceName != "sqlite3" || ps[0].Version != "3.34.1-3" || ps[0].Arch != "arm64" {
		t.Errorf("distroless status.d: %+v, %v", ps, err)
	}

	for _, bad := range []string{"Package: x\nno colon here\n", "Package: x\n\n", "Package: " + strings.Repeat("x", maxLine+10) + "\n"} {
		if _, err := ParseDpkgStatus(strings.NewReader(bad)); err == nil && strings.Contains(bad, "colon") {
			t.Errorf("no error for %q", bad)
		}
	}
	if _, err := ParseDpkgStatus(strings.NewReader("Package: x\nStatus: install ok installed\n\n")); err == nil {
		t.Error("a package without a version must be an error")
	}
}

func TestParseDebianCopyright(t *testing.T) {
	got := ParseDebianCopyright([]byte("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: *\nLicense: GPL-2+\n\nFiles: debian/*\nLicense: GPL-2+\n\nFiles: lib/*\nLicense: LGPL-2.1\n text\n"))
	if !slices.Equal(got, []string{"GPL-2+", "LGPL-2.1"}) {
		t.Errorf("licenses = %q", got)
	}
	if ParseDebianCopyright([]byte("This is free software\nLicense: whatever\n")) != nil {
		t.Error("free-form copyright files have no machine-readable licenses")
	}
}

func TestParseAPKInstalled(t *testing.T) {
	// Trivy's sample holds one stanza without a version: an error that
	// names it, with every other package kept.
	ps, err := ParseAPKInstalled(bytes.NewReader(read(t, pkgdb+"apk/aquasecurity__trivy__pkg__fanal__analyzer__pkg__apk__testdata__apk")))
	if err == nil || !strings.Contains(err.Error(), "invalidPackageWithoutAVersion") {
		t.Errorf("err = %v", err)
	}
	musl := find(ps, "musl")
	if musl == nil || musl.Version != "1.1.14-r10" || musl.Arch != "x86_64" || !slices.Equal(musl.Licenses, []string{"MIT"}) || musl.Type != APK {
		t.Errorf("musl = %+v", musl)
	}
	if len(ps) < 10 {
		t.Errorf("%d packages", len(ps))
	}
	// The corrupt database: the valid stanza survives, the rest is an error.
	ps, err = ParseAPKInstalled(bytes.NewReader(read(t, pkgdb+"apk/anchore__syft__syft__pkg__cataloger__alpine__testdata__corrupt__lib__apk__db__installed")))
	if err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("corrupt database: err = %v", err)
	}
	if len(ps) != 1 || ps[0].Name != "alpine-baselayout-data" || ps[0].SourceName != "alpine-baselayout" {
		t.Errorf("corrupt database packages = %+v", ps)
	}
}

func TestParseRPMDB(t *testing.T) {
	// go-rpmdb's expected `rpm -qa` output for the SQLite database.
	csv := strings.Split(strings.TrimSpace(string(read(t, pkgdb+"rpm/knqyf263__go-rpmdb__pkg__testdata__amazonlinux2023-plain__packages.csv"))), "\n")
	ps, err := ParseRPMDB(pkgdb + "rpm/knqyf263__go-rpmdb__pkg__testdata__amazonlinux2023-plain__rpmdb.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range csv {
		f := strings.Split(line, "¶")
		if len(f) < 8 || f[1] == "gpg-pubkey" {
			continue
		}
		v := f[2] + "-" + f[3]
		if f[0] != "" && f[0] != "0" {
			v = f[0] + ":" + v
		}
		want[f[1]+" "+f[4]] = v
	}
	if len(ps) != len(want) {
		t.Errorf("%d packages, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		if w := want[p.Name+" "+p.Arch]; w != p.Version {
			t.Errorf("%s.%s version %s, rpm says %s", p.Name, p.Arch, p.Version, w)
		}
	}
	repo := find(ps, "amazon-linux-repo-cdn")
	if repo == nil || repo.SourceName != "system-release" || repo.Licenses[0] != "MIT" {
		t.Errorf("amazon-linux-repo-cdn = %+v", repo)
	}
	for _, tc := range []struct {
		file, name string
		n          int
	}{
		{"knqyf263__go-rpmdb__pkg__testdata__sle15-bci__Packages.db", "system-user-root", 35},
		{"knqyf263__go-rpmdb__pkg__testdata__libuuid__Packages", "libuuid", 1},
	} {
		ps, err := ParseRPMDB(pkgdb + "rpm/" + tc.file)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if len(ps) != tc.n || find(ps, tc.name) == nil {
			t.Errorf("%s: %d packages %q", tc.file, len(ps), names(ps))
		}
	}
	if p := find(mustRPM(t, "knqyf263__go-rpmdb__pkg__testdata__libuuid__Packages"), "libuuid"); p.SourceName != "util-linux" || p.SourceVersion != "" {
		t.Errorf("libuuid source = %q %q", p.SourceName, p.SourceVersion)
	}
	if _, err := ParseRPMDB(pkgdb + "dpkg/aquasecurity__trivy__pkg__fanal__analyzer__pkg__dpkg__testdata__dpkg"); err == nil {
		t.Error("a dpkg file is not an rpm database")
	}
}

func mustRPM(t *testing.T, f string) []Package {
	ps, err := ParseRPMDB(pkgdb + "rpm/" + f)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestParseSourceRPM(t *testing.T) {
	for in, want := range map[string][3]string{
		"util-linux-2.32.1-42.el8_8.src.rpm":                {"util-linux", "2.32.1", "42.el8_8"},
		"system-release-2023.1.20230825-0.amzn2023.src.rpm": {"system-release", "2023.1.20230825", "0.amzn2023"},
	} {
		n, v, r, ok := parseSourceRPM(in)
		if !ok || [3]string{n, v, r} != want {
			t.Errorf("parseSourceRPM(%q) = %q %q %q", in, n, v, r)
		}
	}
	if _, _, _, ok := parseSourceRPM("garbage"); ok {
		t.Error("garbage parsed")
	}
}

func TestParsePythonMetadata(t *testing.T) {
	for _, tc := range []struct {
		file, name, version string
		licenses            []string
	}{
		{"python/aquasecurity__trivy__pkg__fanal__analyzer__language__python__packaging__testdata__happy-dist__distlib-0.3.1.dist-info__METADATA", "distlib", "0.3.1", []string{"Python license"}},
		{"python/aquasecurity__trivy__pkg__fanal__analyzer__language__python__packaging__testdata__classifier-license-dist__setuptools-51.3.3.dist-info__METADATA", "setuptools", "51.3.3", []string{"MIT License"}},
		{"python/anchore__syft__cmd__syft__internal__test__integration__testdata__image-pkg-coverage__pkgs__python__egg-info__PKG-INFO", "requests", "2.22.0", []string{"Apache 2.0"}},
	} {
		ps, err := ParsePythonMetadata(bytes.NewReader(read(t, pkgdb+tc.file)))
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if len(ps) != 1 || ps[0].Name != tc.name || ps[0].Version != tc.version || !slices.Equal(ps[0].Licenses, tc.licenses) {
			t.Errorf("%s: %+v", tc.file, ps)
		}
	}
	if _, err := ParsePythonMetadata(strings.NewReader("Summary: nothing\n")); err == nil {
		t.Error("metadata without Name must be an error")
	}
}

func TestParseNPM(t *testing.T) {
	ps, err := ParseNPMPackageJSON([]byte(`{"name":"@babel/core","version":"7.24.0","license":"MIT"}`))
	if err != nil || len(ps) != 1 || ps[0].Name != "@babel/core" || ps[0].Licenses[0] != "MIT" {
		t.Errorf("package.json = %+v, %v", ps, err)
	}
	ps, _ = ParseNPMPackageJSON([]byte(`{"name":"x","version":"1.0.0","licenses":[{"type":"MIT"},{"type":"Apache-2.0"}]}`))
	if len(ps) != 1 || !slices.Equal(ps[0].Licenses, []string{"MIT", "Apache-2.0"}) {
		t.Errorf("licenses array = %+v", ps)
	}
	if _, err := ParseNPMPackageJSON([]byte(`{`)); err == nil {
		t.Error("bad JSON must be an error")
	}
	for _, tc := range []struct {
		file string
		has  []string
	}{
		{"npm/aquasecurity__trivy__pkg__fanal__analyzer__language__nodejs__npm__testdata__happy__package-lock.json", nil},
		{"npm/google__osv-scalibr__extractor__filesystem__language__javascript__packagelockjson__testdata__nested-dependencies-dup.v1.json", nil},
		{"npm/google__osv-scalibr__extractor__filesystem__language__javascript__packagelockjson__testdata__bundled-dependencies.v3.json", nil},
	} {
		ps, err := ParseNPMLock(read(t, pkgdb+tc.file))
		if err != nil || len(ps) == 0 {
			t.Errorf("%s: %d packages, %v", tc.file, len(ps), err)
		}
		for _, p := range ps {
			if p.Name == "" || p.Version == "" || strings.Contains(p.Name, "node_modules") {
				t.Errorf("%s: bad package %+v", tc.file, p)
			}
		}
	}
	for p, want := range map[string]bool{
		"app/node_modules/lodash/package.json":           true,
		"app/node_modules/@babel/core/package.json":      true,
		"app/node_modules/a/node_modules/b/package.json": true,
		"app/package.json":                               false,
		"app/node_modules/lodash/lib/package.json":       false,
		"app/node_modules/.bin/package.json":             false,
	} {
		if npmPackageJSON(p) != want {
			t.Errorf("npmPackageJSON(%s) = %v", p, !want)
		}
	}
}

func TestParseGemspec(t *testing.T) {
	spec := `# -*- encoding: utf-8 -*-
# stub: rake 13.0.6 ruby lib

Gem::Specification.new do |s|
  s.name = "rake".freeze
  s.version = "13.0.6"

  s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
  s.authors = ["Hiroshi SHIBATA".freeze, "Eric Hodel".freeze, "Jim Weirich".freeze]
  s.licenses = ["MIT".freeze]
end
`
	ps, err := ParseGemspec([]byte(spec))
	if err != nil || len(ps) != 1 || ps[0].Name != "rake" || ps[0].Version != "13.0.6" || !slices.Equal(ps[0].Licenses, []string{"MIT"}) {
		t.Errorf("gemspec = %+v, %v", ps, err)
	}
	if _, err := ParseGemspec([]byte("nothing")); err == nil {
		t.Error("no name must be an error")
	}
}

func TestParseJavaArchive(t *testing.T) {
	inner := zipOf(t, map[string]string{
		"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\nImplementation-Title: commons-lang3\r\nImplementation-Version: 3.12.0\r\nImplementation-Vendor-Id: org.apache.commons\r\n",
	})
	innerPom := zipOf(t, map[string]string{
		"META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties": "#Created by Apache Maven\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
	})
	app := zipOf(t, map[string]string{
		"META-INF/maven/com.example/app/pom.properties": "groupId=com.example\nartifactId=app\nversion=1.0.0\n",
		"BOOT-INF/lib/commons-lang3-3.12.0.jar":         string(inner),
		"BOOT-INF/lib/log4j-core-2.14.1.jar":            string(innerPom),
		"BOOT-INF/lib/guava-31.1-jre.jar":               string(zipOf(t, map[string]string{"x.class": "x"})),
	})
	ps, err := ParseJavaArchive(bytes.NewReader(app), int64(len(app)), "app/app.jar")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range ps {
		got[p.Name+"@"+p.Version] = p.File
	}
	want := map[string]string{
		"com.example:app@1.0.0":                      "app/app.jar",
		"org.apache.commons:commons-lang3@3.12.0":    "app/app.jar!BOOT-INF/lib/commons-lang3-3.12.0.jar",
		"org.apache.logging.log4j:log4j-core@2.14.1": "app/app.jar!BOOT-INF/lib/log4j-core-2.14.1.jar",
		"guava:guava@31.1-jre":                       "app/app.jar!BOOT-INF/lib/guava-31.1-jre.jar",
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s in %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// A zip bomb: a nested archive that claims to be small.
	bomb := zipOf(t, map[string]string{"lib/bomb.jar": strings.Repeat("\x00", maxJavaNested+10)})
	if _, err := ParseJavaArchive(bytes.NewReader(bomb), int64(len(bomb)), "bomb.jar"); err == nil {
		t.Error("an oversized nested archive must be reported")
	}
	if _, err := ParseJavaArchive(bytes.NewReader([]byte("PK nope")), 7, "x.jar"); err == nil {
		t.Error("a broken zip must be an error")
	}
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w, err := zw.Create(k)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[k]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestParseGoBinary compiles a real Go program with a dependency and
// reads its build information back.
func TestParseGoBinary(t *testing.T) {
	bin := buildGoBinary(t)
	f, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := ParseGoBinary(f)
	if err != nil {
		t.Fatal(err)
	}
	std := find(ps, "stdlib")
	if std == nil || !strings.HasPrefix(std.Version, "1.") {
		t.Errorf("stdlib = %+v", std)
	}
	if p := find(ps, "github.com/google/go-containerregistry"); p == nil || p.Version != "v0.22.1" {
		t.Errorf("dependency missing: %+v", ps)
	}
	// Not a Go binary: nothing, no error.
	if ps, err := ParseGoBinary(bytes.NewReader([]byte("\x7fELF not really"))); ps != nil || err != nil {
		t.Errorf("non-Go file: %v, %v", ps, err)
	}
}

// buildGoBinary builds a small program of this module that imports
// go-containerregistry, so its build info lists a real dependency.
func buildGoBinary(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte("package main\n\nimport (\n\t\"fmt\"\n\n\t\"github.com/google/go-containerregistry/pkg/name\"\n)\n\nfunc main() { fmt.Println(name.DefaultRegistry) }\n"), 0o644)
	out := filepath.Join(dir, "hello")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// TestParseRustAuditable builds a real ELF with gcc and adds a
// cargo-auditable ".dep-v0" section with objcopy, as cargo-auditable does.
func TestParseRustAuditable(t *testing.T) {
	bin := buildAuditableELF(t)
	f, err := os.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := ParseRustAuditable(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(ps); !slices.Equal(got, []string{"hello", "serde"}) {
		t.Errorf("crates = %q", got)
	}
}

func buildAuditableELF(t testing.TB) string {
	t.Helper()
	for _, tool := range []string{"gcc", "objcopy"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed (Debian's gcc and binutils): %v", tool, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "m.c"), []byte("int main(void){return 0;}\n"), 0o644)
	var z bytes.Buffer
	zw := zlibWriter(&z)
	zw.Write([]byte(`{"packages":[{"name":"hello","version":"0.1.0","source":"local","root":true,"dependencies":[1]},{"name":"serde","version":"1.0.197","source":"crates.io"},{"name":"cc","version":"1.0.0","source":"crates.io","kind":"build"}]}`))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "deps.z"), z.Bytes(), 0o644)
	for _, args := range [][]string{
		{"gcc", "-o", "plain", "m.c"},
		{"objcopy", "--add-section", ".dep-v0=deps.z", "plain", "auditable"},
	} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, b)
		}
	}
	return filepath.Join(dir, "auditable")
}

func TestDetectOS(t *testing.T) {
	for _, tc := range []struct {
		name       string
		files      map[string]string
		db, dl     bool
		want       string
		family     string
		distroless bool
	}{
		{"debian", map[string]string{"etc/os-release": "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n"}, true, false, "debian 12 (bookworm)", "debian", false},
		{"ubuntu", map[string]string{"etc/os-release": "ID=ubuntu\nVERSION_ID=\"22.04\"\nVERSION_CODENAME=jammy\n"}, true, false, "ubuntu 22.04 (jammy)", "debian", false},
		{"alpine", map[string]string{"etc/os-release": "ID=alpine\nVERSION_ID=3.19.1\n", "etc/alpine-release": "3.19.1\n"}, true, false, "alpine 3.19.1", "alpine", false},
		{"rocky", map[string]string{"etc/os-release": "ID=\"rocky\"\nVERSION_ID=\"9.3\"\n"}, true, false, "rocky 9.3", "redhat", false},
		{"ubi", map[string]string{"etc/os-release": "ID=\"rhel\"\nVERSION_ID=\"9.4\"\n"}, true, false, "rhel 9.4", "redhat", false},
		{"alma", map[string]string{"usr/lib/os-release": "ID=\"almalinux\"\nVERSION_ID=\"9.3\"\n"}, true, false, "almalinux 9.3", "redhat", false},
		{"amazon", map[string]string{"etc/os-release": "ID=\"amzn\"\nVERSION_ID=\"2023\"\n"}, true, false, "amzn 2023", "redhat", false},
		{"wolfi", map[string]string{"etc/os-release": "ID=wolfi\nVERSION_ID=20230201\n"}, true, false, "wolfi 20230201", "wolfi", false},
		{"chainguard", map[string]string{"etc/os-release": "ID=chainguard\nVERSION_ID=20230214\n"}, true, false, "chainguard 20230214", "wolfi", false},
		{"distroless", map[string]string{"etc/os-release": "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n"}, true, true, "distroless (debian 12)", "debian", true},
		{"centos legacy", map[string]string{"etc/centos-release": "CentOS release 6.10 (Final)\n"}, true, false, "centos 6.10", "redhat", false},
		{"scratch", nil, false, false, "scratch (no operating system)", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{}
			for k, v := range tc.files {
				files[k] = []byte(v)
			}
			o := DetectOS(files, tc.db, tc.dl)
			if o.String() != tc.want || o.Family != tc.family || o.Distroless != tc.distroless {
				t.Errorf("DetectOS = %q %+v, want %q family %q", o.String(), o, tc.want, tc.family)
			}
		})
	}
}

func TestPURL(t *testing.T) {
	deb := OS{ID: "debian", Version: "12"}
	for _, tc := range []struct {
		p    Package
		os   OS
		want string
	}{
		{Package{Name: "libc6", Version: "2.36-9+deb12u4", Type: Deb, Arch: "amd64"}, deb, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"},
		{Package{Name: "musl", Version: "1.2.4-r2", Type: APK, Arch: "x86_64"}, OS{ID: "alpine", Version: "3.19.1"}, "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.19.1"},
		{Package{Name: "bash", Version: "1:5.1-6.el9", Type: RPM, Arch: "x86_64"}, OS{ID: "rhel", Version: "9.4"}, "pkg:rpm/redhat/bash@5.1-6.el9?arch=x86_64&distro=rhel-9.4&epoch=1"},
		{Package{Name: "github.com/google/uuid", Version: "v1.6.0", Type: Golang}, OS{}, "pkg:golang/github.com/google/uuid@v1.6.0"},
		{Package{Name: "@babel/core", Version: "7.24.0", Type: NPM}, OS{}, "pkg:npm/%40babel/core@7.24.0"},
		{Package{Name: "Flask_Login", Version: "0.6.3", Type: PyPI}, OS{}, "pkg:pypi/flask-login@0.6.3"},
		{Package{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: Maven}, OS{}, "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
	} {
		if got := PURL(&tc.p, tc.os); got != tc.want {
			t.Errorf("PURL(%s) = %s, want %s", tc.p.Name, got, tc.want)
		}
	}
}

func zlibWriter(w *bytes.Buffer) *zlib.Writer { return zlib.NewWriter(w) }

// TestParseRPMSQLiteWAL reads a database whose package is only in its
// write-ahead log, through the analyzer (the log next to the database in
// one layer) and without the log.
func TestParseRPMSQLiteWAL(t *testing.T) {
	db, wal := walSeed(t)
	alone := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	os.WriteFile(alone, db, 0o600)
	if ps, err := ParseRPMDB(alone); err != nil || len(ps) != 0 {
		t.Fatalf("database alone: %v %v", names(ps), err)
	}
	img, err := mutate.AppendLayers(empty.Image, testLayer(t, map[string]string{
		"usr/lib/sysimage/rpm/rpmdb.sqlite-wal": string(wal),
		"usr/lib/sysimage/rpm/rpmdb.sqlite":     string(db),
		"etc/os-release":                        "ID=amzn\nVERSION_ID=2023\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...), image.WithScratchDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	inv := FromContents(c)
	if inv.Count(RPM) != 1 || len(inv.Errors) != 0 || inv.Packages[0].File != "usr/lib/sysimage/rpm/rpmdb.sqlite" {
		t.Errorf("inventory %+v", inv)
	}
}
