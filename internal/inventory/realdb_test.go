package inventory

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/palisade-sec/palisade/internal/image"
)

// rpmRoot writes an RPM database with the real rpm tool (Debian's rpm
// 4.18, SQLite backend): rpmbuild builds two small packages, and
// `rpm --root` installs them into a fresh root.
func rpmRoot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs rpmbuild: not in -short mode")
	}
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run .ci/setup-image.sh (%v)", tool, err)
		}
	}
	top := t.TempDir()
	root := filepath.Join(top, "root")
	specs := map[string]string{
		"hello": "Name: palisade-hello\nVersion: 1.2.3\nRelease: 4\nEpoch: 2\nSummary: test\nLicense: MIT\nBuildArch: noarch\n%description\ntest\n%install\nmkdir -p %{buildroot}/usr/share/hello\necho hi > %{buildroot}/usr/share/hello/hi.txt\n%files\n/usr/share/hello/hi.txt\n",
		"lib":   "Name: palisade-lib\nVersion: 0.9\nRelease: 1.el9\nSummary: test\nLicense: Apache-2.0\nBuildArch: noarch\n%description\ntest\n%package extra\nSummary: sub\n%description extra\nsub\n%install\nmkdir -p %{buildroot}/usr/share/lib\necho a > %{buildroot}/usr/share/lib/a\necho b > %{buildroot}/usr/share/lib/b\n%files\n/usr/share/lib/a\n%files extra\n/usr/share/lib/b\n",
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "HOME="+top)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, b)
		}
	}
	for n, spec := range specs {
		p := filepath.Join(top, n+".spec")
		os.WriteFile(p, []byte(spec), 0o644)
		run("rpmbuild", "--define", "_topdir "+filepath.Join(top, "build"), "-bb", p)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "build/RPMS/noarch/*.rpm"))
	if len(rpms) != 3 {
		t.Fatalf("rpmbuild made %q", rpms)
	}
	run("rpm", "--root", root, "--dbpath", "/var/lib/rpm", "--initdb")
	run(append([]string{"rpm", "--root", root, "--dbpath", "/var/lib/rpm", "-i", "--nodeps", "--ignoreos", "--ignorearch"}, rpms...)...)
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
