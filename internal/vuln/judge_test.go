package vuln

import (
	"strings"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/match"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/vex"
)

func TestRate(t *testing.T) {
	cvss := []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
	tests := []struct {
		name   string
		v      match.Vulnerability
		want   finding.Severity
		source string
	}{
		{"debian urgency wins over CVSS", match.Vulnerability{Ecosystem: "Debian:12", Urgency: "low", Records: []*store.Record{{Severity: cvss}}}, finding.Low, "debian"},
		{"debian unimportant", match.Vulnerability{Ecosystem: "Debian:12", Urgency: "unimportant"}, finding.Info, "debian"},
		{"debian not yet assigned falls to CVSS", match.Vulnerability{Ecosystem: "Debian:12", Urgency: "not yet assigned", Records: []*store.Record{{Severity: cvss}}}, finding.Critical, "cvss"},
		{"ubuntu priority", match.Vulnerability{Ecosystem: "Ubuntu:22.04:LTS", Records: []*store.Record{{Severity: append([]osv.Severity{{Type: "Ubuntu", Score: "medium"}}, cvss...)}}}, finding.Medium, "ubuntu"},
		{"red hat summary", match.Vulnerability{Ecosystem: "Red Hat:enterprise_linux:9::baseos", Records: []*store.Record{{Summary: "Moderate: openssl security update", Severity: cvss}}}, finding.Medium, "redhat"},
		{"cvss v4 preferred", match.Vulnerability{Ecosystem: "PyPI", Records: []*store.Record{{Severity: append(cvss, osv.Severity{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N"})}}}, finding.Medium, "cvss"},
		{"github", match.Vulnerability{Ecosystem: "npm", Records: []*store.Record{{DatabaseSeverity: "MODERATE"}}}, finding.Medium, "github"},
		{"unrated", match.Vulnerability{Ecosystem: "Go", Records: []*store.Record{{}}}, finding.Medium, "unrated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Rate(&tt.v)
			if r.Severity != tt.want || r.Source != tt.source {
				t.Errorf("got %s from %s (%s)", r.Severity, r.Source, r)
			}
		})
	}
}

func TestJudgeSuppression(t *testing.T) {
	pkgBase := &inventory.Package{Name: "libssl3", Version: "3.0.11-1", Type: inventory.Deb, SourceName: "openssl", Layer: 0, File: "var/lib/dpkg/status", PURL: "pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12"}
	pkgApp := &inventory.Package{Name: "jinja2", Version: "2.10", Type: inventory.PyPI, Layer: 2, File: "app/METADATA", PURL: "pkg:pypi/jinja2@2.10"}
	crit := []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
	vuln := func(p *inventory.Package, id string, fixed ...string) match.Vulnerability {
		return match.Vulnerability{IDs: []string{id}, Package: p, Installed: p.Version, Fixed: fixed, Ecosystem: "x",
			Records: []*store.Record{{ID: id, Severity: crit, Summary: "s"}}}
	}
	res := &match.Result{Vulnerabilities: []match.Vulnerability{
		vuln(pkgBase, "CVE-2099-1", "3.0.13-1"),
		vuln(pkgBase, "CVE-2099-2", "3.0.13-1"),
		vuln(pkgApp, "CVE-2099-3", "2.10.1"),
		vuln(pkgApp, "CVE-2099-4"),
		vuln(pkgApp, "CVE-2099-5", "2.10.1"),
	}, Skipped: []match.Skipped{{Reason: "no feed", Packages: 3}}}
	doc, err := vex.Parse([]byte(`{"@context":"https://openvex.dev/ns/v0.2.0","author":"sec","timestamp":"2026-01-01T00:00:00Z",
	"statements":[{"vulnerability":{"name":"CVE-2099-2"},"products":[{"@id":"img","subcomponents":[{"@id":"pkg:deb/debian/libssl3"}]}],"status":"not_affected","justification":"vulnerable_code_not_present"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) config.Date { d, _ := time.Parse(time.DateOnly, s); return config.Date{Time: d} }
	out := Judge(res, nil, Options{
		Target: "img", Product: []string{"img"}, VEX: []*vex.Document{doc}, Now: testNow,
		Ignores: []config.Ignore{
			{Rule: "CVE-2099-3", Reason: "not reachable", Expires: day("2027-01-01"), Line: 4},
			{Rule: "CVE-2099-5", Reason: "old", Expires: day("2026-01-01"), Line: 9},
			{Rule: "PAL-DF-001", Reason: "a rule ignore, not mine"},
		},
		IgnoreSource: ".palisade.yaml",
	})
	reasons := map[string]string{}
	for _, s := range out.Suppressed {
		reasons[strings.Fields(s.Finding.Message)[0]] = s.Reason + " @ " + s.Source
	}
	if reasons["CVE-2099-2"] != "VEX not_affected: vulnerable_code_not_present: by sec @ VEX" || reasons["CVE-2099-3"] != "not reachable @ .palisade.yaml:4" || len(reasons) != 2 {
		t.Errorf("suppressed: %v", reasons)
	}
	rules := map[string]int{}
	for _, f := range out.Findings {
		rules[f.RuleID]++
		if f.RuleID == FixableInImage.ID && (f.Control != "app.secure-images" || !strings.Contains(f.Message, "2 high or critical") || !strings.Contains(f.Message, "1 in packages of the base image")) {
			t.Errorf("gate finding: %+v", f)
		}
	}
	want := map[string]int{VulnerableOSPackage.ID: 1, VulnerableLanguagePackage.ID: 1, UnfixedVulnerability.ID: 1, NotChecked.ID: 1, FixableInImage.ID: 1, config.ExpiredIgnore.ID: 1}
	for k, v := range want {
		if rules[k] != v {
			t.Errorf("%s: %d findings, want %d (all: %v)", k, rules[k], v, rules)
		}
	}
	for _, f := range out.Findings {
		if f.RuleID == VulnerableLanguagePackage.ID && !strings.HasPrefix(f.Remediation, "Upgrade jinja2 to 2.10.1") {
			t.Errorf("language fix hint %q", f.Remediation)
		}
	}
}

func TestOpenDBAge(t *testing.T) {
	s := importRecords(t, nil)
	dir := s.Info().Path
	s.Close()
	dir = dir[:len(dir)-len("/osv.db")]
	if _, w, err := OpenDB(dir, 0, testNow.Add(time.Hour)); err != nil || w != "" {
		t.Errorf("fresh: %q %v", w, err)
	}
	s2, w, err := OpenDB(dir, 0, testNow.Add(10*24*time.Hour))
	if err != nil || !strings.Contains(w, "10 days old") {
		t.Errorf("stale: %q %v", w, err)
	}
	s2.Close()
	if _, _, err := OpenDB(dir, 24*time.Hour, testNow.Add(48*time.Hour)); err == nil || !strings.Contains(err.Error(), "--max-db-age") {
		t.Errorf("max age: %v", err)
	}
}
