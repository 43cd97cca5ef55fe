package vuln

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// bookwormRoot is the Debian root file system .ci/setup-image.sh builds
// with `debootstrap --variant=minbase bookworm`.
const bookwormRoot = "/var/cache/palisade-test/bookworm-minbase"

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: run .ci/setup-vuln.sh", name)
	}
}

// dpkgCmp asks the real dpkg whether `a op b`.
func dpkgCmp(t *testing.T, a, op, b string) bool {
	t.Helper()
	err := exec.Command("dpkg", "--compare-versions", a, op, b).Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return err == nil
}

// rpmCmp asks rpm's own comparison (rpm.vercmp) for a versus b.
func rpmCmp(t *testing.T, a, b string) int {
	t.Helper()
	out, err := exec.Command("rpm", "--eval", fmt.Sprintf(`%%{lua: print(rpm.vercmp(%q, %q))}`, a, b)).Output()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(strings.TrimSpace(string(out)), &n)
	return n
}

// debianRecord writes an advisory in the exact shape of the Debian OSV
// feed (security-tracker CVE records and DSA records).
func debianRecord(id, release, source string, events []osv.Event, versions []string, urgency string, aliases ...string) *osv.Vulnerability {
	a := osv.Affected{Package: osv.Package{Ecosystem: release, Name: source}, Versions: versions}
	if len(events) > 0 {
		a.Ranges = []osv.Range{{Type: osv.RangeEcosystem, Events: events}}
	}
	if urgency != "" {
		a.EcosystemSpecific = json.RawMessage(fmt.Sprintf(`{"urgency":%q}`, urgency))
	}
	return &osv.Vulnerability{ID: id, Modified: testNow, Published: testNow, Aliases: aliases,
		Details: "test advisory " + id, Affected: []osv.Affected{a},
		References: []osv.Reference{{Type: "ADVISORY", URL: "https://security-tracker.debian.org/tracker/" + id}}}
}

// expected computes the verdict of one range with the reference tool.
type rangeCase struct {
	introduced, fixed, last string
}

func (c rangeCase) events() []osv.Event {
	var evs []osv.Event
	if c.introduced != "" {
		evs = append(evs, osv.Event{Introduced: c.introduced})
	}
	if c.fixed != "" {
		evs = append(evs, osv.Event{Fixed: c.fixed})
	}
	if c.last != "" {
		evs = append(evs, osv.Event{LastAffected: c.last})
	}
	return evs
}

func (c rangeCase) dpkgAffected(t *testing.T, installed string) bool {
	in := c.introduced == "0" || dpkgCmp(t, installed, "ge", c.introduced)
	notFixed := c.fixed == "" || dpkgCmp(t, installed, "lt", c.fixed)
	notPast := c.last == "" || dpkgCmp(t, installed, "le", c.last)
	return in && notFixed && notPast
}

func (c rangeCase) rpmAffected(t *testing.T, installed string) bool {
	in := c.introduced == "0" || rpmCmp(t, installed, c.introduced) >= 0
	notFixed := c.fixed == "" || rpmCmp(t, installed, c.fixed) < 0
	notPast := c.last == "" || rpmCmp(t, installed, c.last) <= 0
	return in && notFixed && notPast
}

func sourceVersion(t *testing.T, inv *inventory.Inventory, source string) (string, []string) {
	t.Helper()
	var version string
	var binaries []string
	for _, p := range inv.Packages {
		if p.Type != inventory.Deb {
			continue
		}
		if n, v := p.Source(); n == source {
			version = v
			binaries = append(binaries, p.Name)
		}
	}
	if version == "" {
		t.Fatalf("source package %s is not installed in the bookworm root", source)
	}
	return version, binaries
}

// The Debian bookworm root built by debootstrap, as an image, against
// advisories in the Debian feed's shape: one per semantic case, each
// verdict checked against dpkg --compare-versions.
func TestDebianMatching(t *testing.T) {
	needTool(t, "dpkg")
	if _, err := os.Stat(filepath.Join(bookwormRoot, "var/lib/dpkg/status")); err != nil {
		t.Fatalf("%s is missing: run .ci/setup-image.sh", bookwormRoot)
	}
	root, err := image.Rootfs(bookwormRoot)
	if err != nil {
		t.Fatal(err)
	}
	inv := inventoryOf(t, root)
	if inv.OS.ID != "debian" || inv.OS.Version != "12" {
		t.Fatalf("OS %+v", inv.OS)
	}
	ver := func(src string) string { v, _ := sourceVersion(t, inv, src); return v }
	_, utilLinux := sourceVersion(t, inv, "util-linux")

	type dcase struct {
		name    string
		id      string
		release string
		source  string
		rc      *rangeCase
		// versions is an explicit list; want is then given.
		versions []string
		want     *bool
		aliases  []string
	}
	yes, no := true, false
	diffutils, debianutils, glibc, lz4 := ver("diffutils"), ver("debianutils"), ver("glibc"), ver("lz4")
	cases := []dcase{
		{name: "epoch beats a higher upstream", id: "CVE-2099-0001", release: "Debian:12", source: "diffutils", rc: &rangeCase{introduced: "0", fixed: "3.9-1"}},
		{name: "epoch, fix above", id: "CVE-2099-0002", release: "Debian:12", source: "diffutils", rc: &rangeCase{introduced: "0", fixed: "1:3.8-5"}},
		{name: "tilde sorts before the release", id: "CVE-2099-0003", release: "Debian:12", source: "debianutils", rc: &rangeCase{introduced: "0", fixed: strings.Split(debianutils, "~")[0]}},
		{name: "tilde backport already fixed", id: "CVE-2099-0004", release: "Debian:12", source: "debianutils", rc: &rangeCase{introduced: "0", fixed: debianutils}},
		{name: "source package names the binaries", id: "CVE-2099-0005", release: "Debian:12", source: "util-linux", rc: &rangeCase{introduced: "0", fixed: "2.38.1-5+deb12u99"}},
		{name: "binary name is not a source", id: "CVE-2099-0006", release: "Debian:12", source: "libblkid1", rc: &rangeCase{introduced: "0"}, want: &no},
		{name: "another release", id: "CVE-2099-0007", release: "Debian:11", source: "gnutls28", rc: &rangeCase{introduced: "0", fixed: "9:9.9-9"}, want: &no},
		{name: "unfixed", id: "CVE-2099-0008", release: "Debian:12", source: "pam", rc: &rangeCase{introduced: "0"}},
		{name: "last_affected at the installed version", id: "CVE-2099-0009", release: "Debian:12", source: "glibc", rc: &rangeCase{introduced: "0", last: glibc}},
		{name: "last_affected below the installed version", id: "CVE-2099-0010", release: "Debian:12", source: "glibc", rc: &rangeCase{introduced: "0", last: "2.36-9+deb12u1"}},
		{name: "explicit versions, listed", id: "CVE-2099-0011", release: "Debian:12", source: "lz4", versions: []string{"1.9.3-2", lz4}, want: &yes},
		{name: "explicit versions, not listed", id: "CVE-2099-0012", release: "Debian:12", source: "lz4", versions: []string{"1.9.3-2"}, want: &no},
		{name: "introduced after the installed version", id: "CVE-2099-0013", release: "Debian:12", source: "nettle", rc: &rangeCase{introduced: "3.9-1", fixed: "3.9.1-2"}},
		{name: "DSA with its CVE alias", id: "DSA-9999-1", release: "Debian:12", source: "diffutils", rc: &rangeCase{introduced: "0", fixed: "1:3.8-5"}, aliases: []string{"CVE-2099-0002"}},
	}
	var records []*osv.Vulnerability
	for _, c := range cases {
		var evs []osv.Event
		if c.rc != nil {
			evs = c.rc.events()
		}
		records = append(records, debianRecord(c.id, c.release, c.source, evs, c.versions, "medium", c.aliases...))
	}
	_ = diffutils
	s := importRecords(t, records)
	out, err := Scan(s, inv, Options{Target: "bookworm", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{} // record ID -> binary packages it was reported on
	for _, f := range out.Vulnerabilities {
		for _, r := range f.Records {
			found[r.ID] = append(found[r.ID], f.Package.Name)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want bool
			switch {
			case c.want != nil:
				want = *c.want
			default:
				want = c.rc.dpkgAffected(t, ver(c.source))
			}
			got := len(found[c.id]) > 0
			if got != want {
				t.Errorf("%s on %s %s: reported %v, dpkg says affected=%v", c.id, c.source, c.release, got, want)
			}
		})
	}
	// The util-linux advisory is reported on every binary built from it.
	if got := found["CVE-2099-0005"]; !slices.Equal(sorted(got), sorted(utilLinux)) {
		t.Errorf("util-linux advisory on %v, want %v", got, utilLinux)
	}
	// The DSA and its CVE merge into one finding per binary package.
	for _, f := range out.Vulnerabilities {
		if f.Package.Name == "diffutils" && slices.Contains(f.IDs, "DSA-9999-1") && !slices.Equal(f.IDs, []string{"CVE-2099-0002", "DSA-9999-1"}) {
			t.Errorf("merged IDs %v", f.IDs)
		}
	}
	// The unfixed one is a PAL-VULN-003 finding, dropped by --ignore-unfixed.
	var unfixed int
	for _, f := range out.Findings {
		if f.RuleID == UnfixedVulnerability.ID && strings.Contains(f.Message, "CVE-2099-0008") {
			unfixed++
			if !strings.Contains(f.Message, "no fix yet") {
				t.Errorf("unfixed message: %s", f.Message)
			}
		}
	}
	if unfixed == 0 {
		t.Error("no PAL-VULN-003 finding for the unfixed advisory")
	}
	out2, err := Scan(s, inv, Options{Target: "bookworm", Now: testNow, IgnoreUnfixed: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range out2.Findings {
		if f.RuleID == UnfixedVulnerability.ID {
			t.Errorf("--ignore-unfixed kept %s", f.Message)
		}
	}
	// A base-layer package's fix hint is to upgrade the base image.
	for _, f := range out.Findings {
		if f.RuleID == VulnerableOSPackage.ID && !strings.HasPrefix(f.Remediation, "Upgrade the base image") {
			t.Errorf("fix hint %q", f.Remediation)
		}
	}
}

func sorted(xs []string) []string { ys := slices.Clone(xs); slices.Sort(ys); return slices.Compact(ys) }

// Alpine: a real apk database (from Trivy's test data) in an image with
// an Alpine 3.20 os-release, against advisories in the Alpine feed's
// shape (source package names, purl arch=source, several releases).
func TestAlpineMatching(t *testing.T) {
	db, err := os.ReadFile("../inventory/testdata/pkgdb/apk/aquasecurity__trivy__pkg__fanal__analyzer__pkg__apk__testdata__apk")
	if err != nil {
		t.Fatal(err)
	}
	img := imageOf(t,
		tarLayer(t, map[string][]byte{"etc/alpine-release": []byte("3.20.3\n"), "etc/os-release": []byte("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\n"), "lib/apk/db/installed": db}),
	)
	inv := inventoryOf(t, img)
	version := map[string]string{}
	for _, p := range inv.Packages {
		n, v := p.Source()
		version[n] = v
	}
	if version["musl"] != "1.1.14-r10" || version["busybox"] != "1.24.2-r9" {
		t.Fatalf("inventory: %v", version)
	}
	alpine := func(id, release, name string, events ...osv.Event) *osv.Vulnerability {
		return &osv.Vulnerability{ID: id, Modified: testNow, Affected: []osv.Affected{{
			Package: osv.Package{Ecosystem: release, Name: name, PURL: "pkg:apk/alpine/" + name + "?arch=source"},
			Ranges:  []osv.Range{{Type: osv.RangeEcosystem, Events: events}},
		}}, Severity: []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}}
	}
	recs := []*osv.Vulnerability{
		alpine("CVE-2099-1001", "Alpine:v3.20", "musl", osv.Event{Introduced: "0"}, osv.Event{Fixed: "1.1.14-r11"}),      // revision above
		alpine("CVE-2099-1002", "Alpine:v3.20", "musl", osv.Event{Introduced: "0"}, osv.Event{Fixed: "1.1.14_rc1-r0"}),   // pre-release of the installed
		alpine("CVE-2099-1003", "Alpine:v3.19", "busybox", osv.Event{Introduced: "0"}, osv.Event{Fixed: "1.36.1-r0"}),    // another release
		alpine("CVE-2099-1004", "Alpine:v3.20", "busybox", osv.Event{Introduced: "0"}, osv.Event{Fixed: "1.24.2_p1-r0"}), // _p sorts after
	}
	s := importRecords(t, recs)
	out, err := Scan(s, inv, Options{Target: "alpine", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range out.Vulnerabilities {
		got[f.IDs[0]] = true
		if f.Rating.Severity.String() != "critical" {
			t.Errorf("%s: severity %s from %s", f.IDs[0], f.Rating.Severity, f.Rating)
		}
	}
	want := map[string]bool{"CVE-2099-1001": true, "CVE-2099-1004": true}
	if len(got) != len(want) || !got["CVE-2099-1001"] || !got["CVE-2099-1004"] {
		t.Errorf("reported %v, want %v", got, want)
	}
}

// RPM: a real RPM database (Amazon Linux 2023's rpmdb.sqlite) in an
// image labelled Rocky Linux 9, against advisories in the Rocky feed's
// shape (binary package names, epoch:version-release fixes); each
// verdict is checked against rpm's own comparison.
func TestRPMMatching(t *testing.T) {
	needTool(t, "rpm")
	db, err := os.ReadFile("../inventory/testdata/pkgdb/rpm/knqyf263__go-rpmdb__pkg__testdata__amazonlinux2023-plain__rpmdb.sqlite")
	if err != nil {
		t.Fatal(err)
	}
	img := imageOf(t, tarLayer(t, map[string][]byte{
		"etc/os-release":           []byte("NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"9.3\"\n"),
		"var/lib/rpm/rpmdb.sqlite": db,
	}))
	inv := inventoryOf(t, img)
	installed := map[string]string{}
	for _, p := range inv.Packages {
		installed[p.Name] = p.Version
	}
	if installed["ncurses-base"] == "" || installed["setup"] == "" {
		t.Fatalf("inventory: %d packages, %v", len(inv.Packages), inv.Errors)
	}
	type rcase struct {
		id, pkg, release string
		rc               rangeCase
	}
	cases := []rcase{
		{"RLSA-2099:0001", "ncurses-base", "Rocky Linux:9", rangeCase{introduced: "0", fixed: "0:6.2-8.20210508.el9"}},
		{"RLSA-2099:0002", "setup", "Rocky Linux:9", rangeCase{introduced: "0", fixed: "2.13.7-3.amzn2023.0.1"}},
		{"RLSA-2099:0003", "setup", "Rocky Linux:9", rangeCase{introduced: "0", fixed: "1:2.13.7-1"}},
		{"RLSA-2099:0004", "setup", "Rocky Linux:8", rangeCase{introduced: "0", fixed: "9.9-1"}},
		{"RLSA-2099:0005", "basesystem", "Rocky Linux:9", rangeCase{introduced: "12-1", fixed: "12-2"}},
		{"RLSA-2099:0006", "crypto-policies", "Rocky Linux:9", rangeCase{introduced: "0", fixed: "20220428-1.gitdfb10ea.amzn2023.0.2^1"}},
	}
	var recs []*osv.Vulnerability
	for _, c := range cases {
		recs = append(recs, &osv.Vulnerability{ID: c.id, Modified: testNow, Summary: "Important: " + c.pkg + " security update",
			Affected: []osv.Affected{{Package: osv.Package{Ecosystem: c.release, Name: c.pkg},
				Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: c.rc.events()}}}}})
	}
	s := importRecords(t, recs)
	out, err := Scan(s, inv, Options{Target: "rocky", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range out.Vulnerabilities {
		got[f.IDs[0]] = true
		if f.Rating.Source != "redhat" || f.Rating.Severity.String() != "high" {
			t.Errorf("%s: rating %+v", f.IDs[0], f.Rating)
		}
	}
	for _, c := range cases {
		want := c.release == "Rocky Linux:9" && c.rc.rpmAffected(t, installed[c.pkg])
		if got[c.id] != want {
			t.Errorf("%s on %s %s: reported %v, rpm says affected=%v", c.id, c.pkg, installed[c.pkg], got[c.id], want)
		}
	}
}
