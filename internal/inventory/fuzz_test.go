package inventory

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
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
	f.Add(zipOf(f, map[string]string{"META-INF/maven/g/a/pom.properties": "groupId=g\nartifactId=a\nversion=1\n", "META-INF/maven/g/a/pom.xml": pomHeader + "<licenses><license><name>MIT</name></license></licenses></project>"}))
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

// walSeed makes a small rpmdb.sqlite whose only package is committed to
// its write-ahead log, the way a killed rpm leaves it: the database is
// put in WAL mode with automatic checkpoints off, a header blob taken
// from a real database is inserted, and both files are copied while the
// connection is still open (closing it would checkpoint the log away).
func walSeed(t testing.TB) (db, wal []byte) {
	t.Helper()
	real, err := sql.Open("sqlite", pkgdb+"rpm/knqyf263__go-rpmdb__pkg__testdata__amazonlinux2023-plain__rpmdb.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer real.Close()
	var blob []byte
	if err := real.QueryRow("SELECT blob FROM Packages WHERE hnum = (SELECT MIN(hnum) FROM Packages)").Scan(&blob); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "rpmdb.sqlite")
	conn, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA page_size = 1024",
		"PRAGMA journal_mode = WAL",
		"PRAGMA wal_autocheckpoint = 0",
		"CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)",
		"PRAGMA wal_checkpoint(TRUNCATE)",
	} {
		if _, err := conn.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := conn.Exec("INSERT INTO Packages (blob) VALUES (?)", blob); err != nil {
		t.Fatal(err)
	}
	db, wal = read(t, p), read(t, p+"-wal")
	if len(wal) == 0 {
		t.Fatal("the seed's log is empty")
	}
	return db, wal
}

// FuzzParseRPMSQLiteWAL gives SQLite a database and a write-ahead log
// to replay, both from the fuzzer: any pair must fail cleanly.
func FuzzParseRPMSQLiteWAL(f *testing.F) {
	db, wal := walSeed(f)
	f.Add(db, wal)
	f.Add(db, wal[:len(wal)/2])
	f.Add(db, []byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, db, wal []byte) {
		d, err := os.MkdirTemp(dir, "case-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(d)
		p := filepath.Join(d, "rpmdb.sqlite")
		os.WriteFile(p, db, 0o600)
		os.WriteFile(p+"-wal", wal, 0o600)
		ps, _ := ParseRPMDB(p)
		for _, p := range ps {
			if p.Name == "" {
				t.Fatalf("package without a name: %+v", p)
			}
		}
	})
}

func FuzzParseYarnLock(f *testing.F) {
	seedDir(f, "yarn")
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _ := ParseYarnLock(b)
		for _, p := range ps {
			if p.Name == "" || !plausibleVersion(p.Version) {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}

func FuzzParsePNPMLock(f *testing.F) {
	seedDir(f, "pnpm")
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, _ := ParsePNPMLock(b)
		for _, p := range ps {
			if p.Name == "" || !plausibleVersion(p.Version) {
				t.Fatalf("bad package %+v", p)
			}
		}
	})
}

func FuzzParsePomXML(f *testing.F) {
	f.Add([]byte(pomHeader + "<groupId>g</groupId><artifactId>a</artifactId><version>1</version><licenses><license><name>Apache 2.0</name><url>http://www.apache.org/licenses/LICENSE-2.0.txt</url></license></licenses></project>"))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><project><parent><groupId>g</groupId><version>2</version></parent><artifactId>a</artifactId></project>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pom, err := parsePomXML(b)
		if err != nil {
			return
		}
		if p, ok := pom.pkg(); ok && (p.Name == "" || p.Version == "") {
			t.Fatalf("bad package %+v", p)
		}
		for _, l := range pom.licenses() {
			if l == "" || len(l) > 200 {
				t.Fatalf("bad license %q", l)
			}
		}
	})
}

// FuzzGoLicense covers the module cache and vendor path readers,
// vendor/modules.txt and license identification.
func FuzzGoLicense(f *testing.F) {
	f.Add("go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2", []byte("# github.com/a/b v1.2.3\n## explicit\n# github.com/c/d v0.1.0 => github.com/e/d v0.2.0\n"))
	f.Add("src/app/vendor/golang.org/x/sys", []byte("Copyright (c) 2009 The Go Authors. All rights reserved.\n\nRedistribution and use in source and binary forms"))
	f.Fuzz(func(t *testing.T, dir string, b []byte) {
		if m, v, ok := goModuleCacheRoot(dir); ok && (m == "" || v == "" || strings.ContainsAny(m, "!@")) {
			t.Fatalf("goModuleCacheRoot(%q) = %q %q", dir, m, v)
		}
		if vd, rel, ok := goVendorRoot(dir); ok && (vd == "" || !plausibleModulePath(rel)) {
			t.Fatalf("goVendorRoot(%q) = %q %q", dir, vd, rel)
		}
		for m, v := range ParseVendorModules(b) {
			if m == "" || v == "" {
				t.Fatalf("module %q version %q", m, v)
			}
		}
		if len(b) < 64<<10 {
			IdentifyLicense(b)
		}
	})
}
