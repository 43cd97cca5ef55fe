package inventory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/palisade-sec/palisade/internal/image"
)

// rpmTools fails the test when rpm or rpmbuild is missing.
func rpmTools(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs rpmbuild: not in -short mode")
	}
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run .ci/setup-image.sh (%v)", tool, err)
		}
	}
}

// runTool runs a command with HOME set to home (rpmbuild reads ~/.rpmmacros).
func runTool(t *testing.T, home string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "HOME="+home)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, b)
	}
}

// rpmBuild builds noarch packages from spec files with the real rpmbuild
// and returns their paths.
func rpmBuild(t *testing.T, top string, specs map[string]string) []string {
	t.Helper()
	for n, spec := range specs {
		p := filepath.Join(top, n+".spec")
		os.WriteFile(p, []byte(spec), 0o644)
		runTool(t, top, "rpmbuild", "--define", "_topdir "+filepath.Join(top, "build"), "-bb", p)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "build/RPMS/noarch/*.rpm"))
	slices.Sort(rpms)
	return rpms
}

var testSpecs = map[string]string{
	"hello": "Name: palisade-hello\nVersion: 1.2.3\nRelease: 4\nEpoch: 2\nSummary: test\nLicense: MIT\nBuildArch: noarch\n%description\ntest\n%install\nmkdir -p %{buildroot}/usr/share/hello\necho hi > %{buildroot}/usr/share/hello/hi.txt\n%files\n/usr/share/hello/hi.txt\n",
	"lib":   "Name: palisade-lib\nVersion: 0.9\nRelease: 1.el9\nSummary: test\nLicense: Apache-2.0\nBuildArch: noarch\n%description\ntest\n%package extra\nSummary: sub\n%description extra\nsub\n%install\nmkdir -p %{buildroot}/usr/share/lib\necho a > %{buildroot}/usr/share/lib/a\necho b > %{buildroot}/usr/share/lib/b\n%files\n/usr/share/lib/a\n%files extra\n/usr/share/lib/b\n",
}

// rpmRoot writes an RPM database with the real rpm tool (Debian's rpm
// 4.18, SQLite backend): rpmbuild builds two small packages, and
// `rpm --root` installs them into a fresh root.
func rpmRoot(t *testing.T) string {
	t.Helper()
	rpmTools(t)
	top := t.TempDir()
	root := filepath.Join(top, "root")
	rpms := rpmBuild(t, top, testSpecs)
	if len(rpms) != 3 {
		t.Fatalf("rpmbuild made %q", rpms)
	}
	runTool(t, top, "rpm", "--root", root, "--dbpath", "/var/lib/rpm", "--initdb")
	runTool(t, top, append([]string{"rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--ignoreos", "--ignorearch"}, rpms...)...)
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	os.WriteFile(filepath.Join(root, "etc/os-release"), []byte("ID=\"rocky\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3 (Blue Onyx)\"\n"), 0o644)
	return root
}

func TestRealRPMDatabase(t *testing.T) {
	root := rpmRoot(t)
	db := filepath.Join(root, "var/lib/rpm/rpmdb.sqlite")
	ps, err := ParseRPMDB(db)
	if err != nil {
		t.Fatal(err)
	}
	// What rpm itself says.
	out, err := exec.Command("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{SOURCERPM}\n").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := splitLines(string(out))
	var got []string
	for _, p := range ps {
		sn, sv := p.Source()
		_ = sv
		got = append(got, fmt.Sprintf("%s %s %s", p.Name, p.Version, sn))
	}
	slices.Sort(got)
	var wantNV []string
	for _, w := range want {
		var n, v, src string
		fmt.Sscan(w, &n, &v, &src)
		sn, _, _, _ := parseSourceRPM(src)
		wantNV = append(wantNV, fmt.Sprintf("%s %s %s", n, v, sn))
	}
	slices.Sort(wantNV)
	if !slices.Equal(got, wantNV) {
		t.Errorf("palisade %q\nrpm -qa  %q", got, wantNV)
	}
	extra := find(ps, "palisade-lib-extra")
	if extra == nil || extra.SourceName != "palisade-lib" || extra.Licenses[0] != "Apache-2.0" {
		t.Errorf("sub-package = %+v", extra)
	}

	// The same database through the image walker (a root file system
	// source): the analyzer hands go-rpmdb a scratch copy.
	img, err := image.Rootfs(root)
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...), image.WithScratchDir(scratch))
	if err != nil {
		t.Fatal(err)
	}
	inv := FromContents(c)
	if inv.OS.ID != "rocky" || inv.OS.Family != "redhat" || inv.Count(RPM) != 3 {
		t.Errorf("inventory: OS %+v, %d rpm packages, errors %v", inv.OS, inv.Count(RPM), inv.Errors)
	}
	if p := find(inv.Packages, "palisade-hello"); p == nil || p.PURL != "pkg:rpm/rocky/palisade-hello@1.2.3-4?arch=noarch&distro=rocky-9.3&epoch=2" || p.File != "var/lib/rpm/rpmdb.sqlite" {
		t.Errorf("palisade-hello = %+v", p)
	}
	if ents, _ := os.ReadDir(scratch); len(ents) != 0 {
		t.Errorf("scratch files left: %v", ents)
	}
}

func splitLines(s string) []string {
	var out []string
	for _, l := range slices.Collect(func(yield func(string) bool) {
		start := 0
		for i := 0; i < len(s); i++ {
			if s[i] == '\n' {
				if !yield(s[start:i]) {
					return
				}
				start = i + 1
			}
		}
		if start < len(s) {
			yield(s[start:])
		}
	}) {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// killerSpec builds a package whose %posttrans scriptlet (Lua, run inside
// the rpm process) kills rpm with SIGKILL once the transaction is done.
const killerSpec = "Name: palisade-wal\nVersion: 3.1\nRelease: 7\nSummary: test\nLicense: BSD-3-Clause\nBuildArch: noarch\n%description\ntest\n%posttrans -p <lua>\nposix.kill(posix.getprocessid(\"pid\"), 9)\n%files\n"

// TestRealRPMDatabaseWAL: rpm 4.18 keeps rpmdb.sqlite in WAL mode. After
// a clean exit the log is empty: rpm checkpoints it into the database and
// keeps the 0-byte file (checked here, as the evidence). When rpm dies
// with the database open (a build step killed mid-install, a container
// committed while dnf runs), the packages it installed are committed to
// rpmdb.sqlite-wal only: the database file alone does not list them.
// palisade reads the log with its database.
func TestRealRPMDatabaseWAL(t *testing.T) {
	root := rpmRoot(t)
	dbDir := filepath.Join(root, "var/lib/rpm")
	walPath := filepath.Join(dbDir, "rpmdb.sqlite-wal")
	if fi, err := os.Stat(walPath); err != nil || fi.Size() != 0 {
		t.Fatalf("after a clean rpm -i the log should be an empty file: %v %v", fi, err)
	}
	cleanDB, cleanWAL := readFile(t, filepath.Join(dbDir, "rpmdb.sqlite")), readFile(t, walPath)

	top := t.TempDir()
	killer := rpmBuild(t, top, map[string]string{"killer": killerSpec})
	cmd := exec.Command("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--ignoreos", "--ignorearch", killer[0])
	cmd.Env = append(os.Environ(), "HOME="+top)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("rpm was not killed by its scriptlet: %v\n%s", err, out)
	}
	killedDB, killedWAL := readFile(t, filepath.Join(dbDir, "rpmdb.sqlite")), readFile(t, walPath)
	if len(killedWAL) == 0 {
		t.Fatal("rpm left nothing in the write-ahead log")
	}

	// The database file alone misses the package.
	alone := filepath.Join(t.TempDir(), "rpmdb.sqlite")
	os.WriteFile(alone, killedDB, 0o600)
	ps, err := ParseRPMDB(alone)
	if err != nil {
		t.Fatal(err)
	}
	if find(ps, "palisade-wal") != nil || len(ps) != 3 {
		t.Fatalf("without the log: %q", names(ps))
	}

	// What rpm itself lists (it replays the log), on a copy of the root.
	rootCopy := filepath.Join(t.TempDir(), "root")
	if b, err := exec.Command("cp", "-a", root, rootCopy).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, b)
	}
	qa, err := exec.Command("rpm", "--root", rootCopy, "--dbpath", "/var/lib/rpm", "-qa", "--qf", "%{NAME}\n").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := splitLines(string(qa))
	slices.Sort(want)

	// The root file system source: the walker hands the analyzer both
	// files, and the root is left as it was.
	img, err := image.Rootfs(root)
	if err != nil {
		t.Fatal(err)
	}
	inv := walkInventory(t, img)
	if got := rpmNames(inv); !slices.Equal(got, want) || len(inv.Errors) != 0 {
		t.Errorf("palisade %q\nrpm -qa  %q\nerrors %v", got, want, inv.Errors)
	}
	if p := find(inv.Packages, "palisade-wal"); p == nil || p.Version != "3.1-7" || p.File != "var/lib/rpm/rpmdb.sqlite" || p.Licenses[0] != "BSD-3-Clause" {
		t.Errorf("palisade-wal = %+v", p)
	}
	if !bytes.Equal(readFile(t, walPath), killedWAL) || !bytes.Equal(readFile(t, filepath.Join(dbDir, "rpmdb.sqlite")), killedDB) {
		t.Error("reading the image changed the database in the root file system")
	}

	// A layered image: the clean install, then the killed one. The new
	// package belongs to the second layer, the others to the first.
	const db, wal = "var/lib/rpm/rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite-wal"
	osRelease := "ID=rocky\nVERSION_ID=9.3\n"
	img, err = mutate.AppendLayers(empty.Image,
		testLayer(t, map[string]string{"etc/os-release": osRelease, db: string(cleanDB), wal: string(cleanWAL)}),
		testLayer(t, map[string]string{db: string(killedDB), wal: string(killedWAL)}),
	)
	if err != nil {
		t.Fatal(err)
	}
	inv = walkInventory(t, img)
	if got := rpmNames(inv); !slices.Equal(got, want) || len(inv.Errors) != 0 {
		t.Errorf("layered: %q, errors %v", got, inv.Errors)
	}
	for _, p := range inv.Packages {
		if wantLayer := map[bool]int{true: 1, false: 0}[p.Name == "palisade-wal"]; p.Layer != wantLayer {
			t.Errorf("%s in layer %d, want %d", p.Name, p.Layer, wantLayer)
		}
	}

	// A snapshotter that copies changed files only puts the log in the
	// second layer without the (unchanged) database: the log cannot be
	// read alone, and the report says so.
	if !bytes.Equal(cleanDB, killedDB) {
		t.Log("rpm wrote to the database file too; the log-only layer below is synthetic")
	}
	img, err = mutate.AppendLayers(empty.Image,
		testLayer(t, map[string]string{"etc/os-release": osRelease, db: string(cleanDB), wal: string(cleanWAL)}),
		testLayer(t, map[string]string{wal: string(killedWAL)}),
	)
	if err != nil {
		t.Fatal(err)
	}
	inv = walkInventory(t, img)
	if len(inv.Errors) != 1 || inv.Errors[0].File != wal || !strings.Contains(inv.Errors[0].Message, "write-ahead log") || inv.Count(RPM) != 3 {
		t.Errorf("log-only layer: %d packages, errors %+v", inv.Count(RPM), inv.Errors)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func walkInventory(t *testing.T, img v1.Image) *Inventory {
	t.Helper()
	scratch := t.TempDir()
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...), image.WithScratchDir(scratch))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Layers {
		for _, is := range l.Issues {
			t.Errorf("layer %d: %+v", l.Index, is)
		}
	}
	if ents, _ := os.ReadDir(scratch); len(ents) != 0 {
		t.Errorf("scratch files left: %v", ents)
	}
	return FromContents(c)
}

func rpmNames(inv *Inventory) []string {
	var out []string
	for _, p := range inv.Packages {
		if p.Type == RPM {
			out = append(out, p.Name)
		}
	}
	slices.Sort(out)
	return out
}
