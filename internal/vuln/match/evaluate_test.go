package match

import (
	"slices"
	"testing"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/version"
)

func rng(typ string, evs ...osv.Event) osv.Range { return osv.Range{Type: typ, Events: evs} }
func in(v string) osv.Event                      { return osv.Event{Introduced: v} }
func fx(v string) osv.Event                      { return osv.Event{Fixed: v} }
func la(v string) osv.Event                      { return osv.Event{LastAffected: v} }
func lim(v string) osv.Event                     { return osv.Event{Limit: v} }

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name      string
		scheme    version.Scheme
		installed string
		entry     store.Entry
		affected  bool
		fixed     []string
		last      string
	}{
		{"fixed above", version.Dpkg, "3.0.11-1~deb12u2", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("3.0.13-1~deb12u1"))}}, true, []string{"3.0.13-1~deb12u1"}, ""},
		{"fixed equal", version.Dpkg, "3.0.13-1~deb12u1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("3.0.13-1~deb12u1"))}}, false, nil, ""},
		{"tilde backport below fix", version.Dpkg, "1.0-1~deb12u1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("1.0-1"))}}, true, []string{"1.0-1"}, ""},
		{"epoch above fix", version.Dpkg, "1:1.0-1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("2.0-1"))}}, false, nil, ""},
		{"unfixed", version.Dpkg, "2.38.1-5", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"))}}, true, nil, ""},
		{"introduced after installed", version.Dpkg, "1.0-1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("1.1-1"), fx("1.2-1"))}}, false, nil, ""},
		{"last_affected at", version.Dpkg, "1.5-1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), la("1.5-1"))}}, true, nil, "1.5-1"},
		{"last_affected above", version.Dpkg, "1.5-2", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), la("1.5-1"))}}, false, nil, ""},
		{"explicit versions", version.Dpkg, "1.14.0-2", store.Entry{Versions: []string{"1.14.0-1", "1.14.0-2"}}, true, nil, ""},
		{"explicit versions miss", version.Dpkg, "1.14.0-3", store.Entry{Versions: []string{"1.14.0-1", "1.14.0-2"}}, false, nil, ""},
		{"explicit versions equal by scheme", version.Dpkg, "0:1.14.0-2", store.Entry{Versions: []string{"1.14.0-2"}}, true, nil, ""},
		{"two intervals, in second", version.SemVer, "1.2.0", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("0"), fx("0.9.0"), in("1.0.0"), fx("1.2.3"))}}, true, []string{"1.2.3"}, ""},
		{"two intervals, between", version.SemVer, "0.9.5", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("0"), fx("0.9.0"), in("1.0.0"), fx("1.2.3"))}}, false, nil, ""},
		{"unsorted events", version.SemVer, "1.1.0", store.Entry{Ranges: []osv.Range{rng("SEMVER", fx("1.2.3"), in("1.0.0"), fx("0.9.0"), in("0"))}}, true, []string{"1.2.3"}, ""},
		{"limit", version.SemVer, "2.0.0", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("1.0.0"), lim("2.0.0"))}}, false, nil, ""},
		{"below limit", version.SemVer, "1.9.0", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("1.0.0"), lim("2.0.0"))}}, true, nil, ""},
		{"go stdlib toolchain", version.Go, "1.21rc2", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("1.21.0-0"), fx("1.21.5"))}}, true, []string{"1.21.5"}, ""},
		{"go module v prefix", version.Go, "v0.3.6", store.Entry{Ranges: []osv.Range{rng("SEMVER", in("0"), fx("0.3.7"))}}, true, []string{"0.3.7"}, ""},
		{"pep440 pre-release", version.PEP440, "2.10.1rc1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("2.10.1"))}}, true, []string{"2.10.1"}, ""},
		{"rpm epoch 0 explicit", version.RPM, "2.13.3-3.el8_6.1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("0:2.13.3-3.el8_6.1"))}}, false, nil, ""},
		{"rpm caret snapshot", version.RPM, "1.0^git1-1", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("1.0.1-1"))}}, true, []string{"1.0.1-1"}, ""},
		{"apk", version.APK, "3.1.4-r5", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("3.1.4-r6"))}}, true, []string{"3.1.4-r6"}, ""},
		{"maven", version.Maven, "2.9.10.7", store.Entry{Ranges: []osv.Range{rng("ECOSYSTEM", in("2.9.0"), fx("2.9.10.8"))}}, true, []string{"2.9.10.8"}, ""},
		{"explicit versions and range give the fix", version.PEP440, "2.10", store.Entry{Versions: []string{"2.9", "2.10"}, Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("2.10.1"))}}, true, []string{"2.10.1"}, ""},
		{"listed outside the ranges", version.PEP440, "3.0", store.Entry{Versions: []string{"3.0"}, Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("2.10.1")), rng("ECOSYSTEM", in("3.0"), fx("3.0.1"), in("4.0"))}}, true, []string{"3.0.1"}, ""},
		{"git ranges ignored", version.SemVer, "1.0.0", store.Entry{Ranges: []osv.Range{{Type: "GIT", Events: []osv.Event{in("abc")}}}}, false, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &Query{Name: "p", Version: tt.installed, Scheme: tt.scheme}
			e := tt.entry
			v, err := Evaluate(q, []*store.Entry{&e})
			if err != nil && tt.name != "git ranges ignored" {
				t.Fatal(err)
			}
			if v.Affected != tt.affected || !slices.Equal(v.Fixed, tt.fixed) || v.LastAffected != tt.last {
				t.Errorf("got %+v, want affected=%v fixed=%v last=%q", v, tt.affected, tt.fixed, tt.last)
			}
		})
	}
}

// A range whose versions do not parse is reported and skipped; another
// range still decides.
func TestEvaluateBadRange(t *testing.T) {
	q := &Query{Name: "p", Version: "1.0-1", Scheme: version.Dpkg}
	v, err := Evaluate(q, []*store.Entry{{Ranges: []osv.Range{rng("ECOSYSTEM", in("0"), fx("::bad")), rng("ECOSYSTEM", in("0"), fx("2.0-1"))}}})
	if err == nil || !v.Affected || !slices.Equal(v.Fixed, []string{"2.0-1"}) {
		t.Errorf("got %+v, %v", v, err)
	}
}

func TestQueries(t *testing.T) {
	inv := &inventory.Inventory{
		OS: inventory.OS{ID: "debian", Version: "12", Family: "debian"},
		Packages: []inventory.Package{
			{Name: "libssl3", Version: "3.0.11-1~deb12u2", Type: inventory.Deb, SourceName: "openssl"},
			{Name: "bsdutils", Version: "1:2.38.1-5+b1", Type: inventory.Deb, SourceName: "util-linux", SourceVersion: "2.38.1-5"},
			{Name: "Jinja2", Version: "2.10", Type: inventory.PyPI},
			{Name: "stdlib", Version: "1.22.1", Type: inventory.Golang},
		},
	}
	qs, skipped := Queries(inv)
	if len(skipped) != 0 || len(qs) != 4 {
		t.Fatalf("queries %+v skipped %+v", qs, skipped)
	}
	if q := qs[0]; q.Base != "Debian" || q.Name != "openssl" || q.Version != "3.0.11-1~deb12u2" || !q.Applies("Debian:12") || q.Applies("Debian:11") {
		t.Errorf("libssl3: %+v", q)
	}
	if q := qs[1]; q.Name != "util-linux" || q.Version != "2.38.1-5" {
		t.Errorf("bsdutils: %+v", q)
	}
	if q := qs[2]; q.Base != "PyPI" || q.Scheme != version.PEP440 || !q.Applies("PyPI") {
		t.Errorf("jinja2: %+v", q)
	}

	for _, c := range []struct {
		os   inventory.OS
		t    inventory.Type
		eco  string
		good bool
	}{
		{inventory.OS{ID: "debian", Codename: "bookworm"}, inventory.Deb, "Debian:12", true},
		{inventory.OS{ID: "ubuntu", Version: "22.04"}, inventory.Deb, "Ubuntu:22.04:LTS", true},
		{inventory.OS{ID: "ubuntu", Version: "22.04"}, inventory.Deb, "Ubuntu:Pro:22.04:LTS", false},
		{inventory.OS{ID: "alpine", Version: "3.20.3"}, inventory.APK, "Alpine:v3.20", true},
		{inventory.OS{ID: "alpine", Version: "3.20.3"}, inventory.APK, "Alpine:v3.19", false},
		{inventory.OS{ID: "rhel", Version: "9.4"}, inventory.RPM, "Red Hat:enterprise_linux:9::baseos", true},
		{inventory.OS{ID: "rhel", Version: "9.4"}, inventory.RPM, "Red Hat:rhel_eus:9.2::baseos", false},
		{inventory.OS{ID: "rhel", Version: "8.10"}, inventory.RPM, "Red Hat:enterprise_linux:9::baseos", false},
		{inventory.OS{ID: "rocky", Version: "9.3"}, inventory.RPM, "Rocky Linux:9", true},
		{inventory.OS{ID: "almalinux", Version: "8.9"}, inventory.RPM, "AlmaLinux:8", true},
		{inventory.OS{ID: "wolfi"}, inventory.APK, "Wolfi", true},
		{inventory.OS{ID: "chainguard"}, inventory.APK, "Chainguard", true},
	} {
		q, reason := osQuery(c.os, c.t)
		if reason != "" {
			t.Errorf("%v: %s", c.os, reason)
			continue
		}
		if q.Applies(c.eco) != c.good {
			t.Errorf("%v applies to %s = %v", c.os, c.eco, !c.good)
		}
	}
	inv.OS = inventory.OS{ID: "fedora", Version: "40"}
	inv.Packages = []inventory.Package{{Name: "bash", Version: "5.2-1.fc40", Type: inventory.RPM}, {Name: "glibc", Version: "2.39-1.fc40", Type: inventory.RPM}}
	if _, skipped := Queries(inv); len(skipped) != 1 || skipped[0].Packages != 2 {
		t.Errorf("fedora skipped: %+v", skipped)
	}
}

func rec(id string, aliases []string, upstream ...string) *store.Record {
	return &store.Record{ID: id, Aliases: aliases, Upstream: upstream}
}

func TestMerge(t *testing.T) {
	q := &Query{Name: "openssl", Version: "1.0"}
	p := &inventory.Package{Name: "openssl"}
	hit := func(r *store.Record, fixed ...string) Hit {
		return Hit{Record: r, Ecosystem: "Debian:12", Verdict: Verdict{Affected: true, Fixed: fixed}}
	}
	got := Merge(q, p, []Hit{
		hit(rec("CVE-2024-1", nil), "1.1"),
		hit(rec("DSA-5555-1", []string{"CVE-2024-1", "CVE-2024-2"}), "1.1"),
		hit(rec("CVE-2024-2", nil), "1.1"),
		hit(rec("CVE-2024-3", nil)),
		hit(rec("UBUNTU-CVE-2024-4", nil, "CVE-2024-4")),
		hit(rec("USN-1-1", nil, "UBUNTU-CVE-2024-4"), "1.2"),
		hit(rec("USN-2-1", nil, "CVE-2024-3", "CVE-2024-9"), "1.3"),
		hit(rec("RHSA-2024:1", nil, "CVE-2024-7", "CVE-2024-8"), "1.4"),
	})
	var ids [][]string
	for _, v := range got {
		ids = append(ids, v.IDs)
	}
	want := [][]string{
		{"CVE-2024-1", "CVE-2024-2", "DSA-5555-1"},
		{"CVE-2024-3", "USN-2-1"},
		{"CVE-2024-4", "UBUNTU-CVE-2024-4", "USN-1-1"},
		{"RHSA-2024:1"},
	}
	if len(ids) != len(want) {
		t.Fatalf("merged into %v", ids)
	}
	for i := range want {
		if !slices.Equal(ids[i], want[i]) {
			t.Errorf("group %d = %v, want %v", i, ids[i], want[i])
		}
	}
	if !slices.Equal(got[1].Fixed, []string{"1.3"}) || !slices.Equal(got[2].Fixed, []string{"1.2"}) {
		t.Errorf("fixes: %v %v", got[1].Fixed, got[2].Fixed)
	}
}
