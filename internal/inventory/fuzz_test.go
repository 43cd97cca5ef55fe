package inventory

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func seedDir(f *testing.F, dir string) {
	ents, _ := os.ReadDir(pkgdb + dir)
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join(pkgdb, dir, e.Name())); err == nil && len(b) < 256<<10 {
			f.Add(b)
		}
	}
}

func FuzzParseDpkgStatus(f *testing.F) {
	seedDir(f, "dpkg")
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _ := ParseDpkgStatus(bytes.NewReader(b))
		for _, p := range ps {
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
		}
		ParseDebianCopyright(b)
	})
}

func FuzzParseAPKInstalled(f *testing.F) {
	seedDir(f, "apk")
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _ := ParseAPKInstalled(bytes.NewReader(b))
		for _, p := range ps {
			if p.Name == "" || p.Version == "" {
				t.Fatalf("package without name or version: %+v", p)
			}
		}
	})
}

// FuzzParseRPMDB writes each input as a database file: go-rpmdb (Berkeley
// DB, NDB and SQLite readers) must fail cleanly on anything.
func FuzzParseRPMDB(f *testing.F) {
	for _, n := range []string{"knqyf263__go-rpmdb__pkg__testdata__libuuid__Packages", "anchore__syft__syft__pkg__cataloger__redhat__testdata__Packages"} {
		f.Add(read(f, pkgdb+"rpm/"+n), "Packages")
	}
	sle := read(f, pkgdb+"rpm/knqyf263__go-rpmdb__pkg__testdata__sle15-bci__Packages.db")
	f.Add(sle[:64<<10], "Packages.db")
	f.Add([]byte("SQLite format 3\x00"), "rpmdb.sqlite")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		switch name {
		case "Packages", "Packages.db", "rpmdb.sqlite":
		default:
			name = "Packages"
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		ParseRPMDB(p)
	})
}

func FuzzParseLanguageMetadata(f *testing.F) {
	seedDir(f, "python")
	seedDir(f, "npm")
	f.Add([]byte("s.name = \"rake\"\ns.version = \"1\"\ns.licenses = [\"MIT\"]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParsePythonMetadata(bytes.NewReader(b))
		ParseNPMPackageJSON(b)
		ParseNPMLock(b)
		ParseGemspec(b)
		ParseOSRelease(b)
		DetectOS(map[string][]byte{"etc/os-release": b, "etc/redhat-release": b, "etc/lsb-release": b}, false, false)
	})
}

func FuzzParseJavaArchive(f *testing.F) {
	f.Add(zipOf(f, map[string]string{"META-INF/maven/g/a/pom.properties": "groupId=g\nartifactId=a\nversion=1\n", "META-INF/MANIFEST.MF": "Implementation-Title: x\n"}))
	f.Add(zipOf(f, map[string]string{"lib/in.jar": string(zipOf(f, map[string]string{"META-INF/MANIFEST.MF": "Bundle-SymbolicName: a.b\nBundle-Version: 1\n"}))}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseJavaArchive(bytes.NewReader(b), int64(len(b)), "x.jar")
	})
}

func FuzzParseBinaries(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ParseGoBinary(bytes.NewReader(b))
		ParseRustAuditable(bytes.NewReader(b))
	})
}
