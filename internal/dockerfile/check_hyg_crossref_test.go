package dockerfile

import (
	"strings"
	"testing"
)

// TestCrossReference checks the table docs/rules.md is rendered from:
// every check is covered by a rule or a family, or says why not; checks
// of the hygiene family resolve to a registered rule; and a rule found
// for a check belongs to the family the table names.
func TestCrossReference(t *testing.T) {
	rules := Rules()
	static := map[string]CrossRef{}
	for _, c := range crossRefs {
		k := c.Tool + ":" + c.ID
		if _, dup := static[k]; dup {
			t.Errorf("%s is listed twice", k)
		}
		static[k] = c
	}
	refs := CrossReference(rules)
	counts := map[string]int{}
	for _, c := range refs {
		counts[c.Tool]++
		k := c.Tool + ":" + c.ID
		if c.Title == "" {
			t.Errorf("%s has no title", k)
		}
		notCovered := strings.HasPrefix(c.Note, "not covered")
		if !c.Covered() && !notCovered {
			t.Errorf("%s is neither covered nor explained", k)
		}
		if c.Covered() && notCovered {
			t.Errorf("%s says %q but is covered by %s", k, c.Note, c.Rule)
		}
		s, known := static[k]
		if known && s.Family == "" && !notCovered && c.Rule == "" {
			t.Errorf("%s: no hygiene rule has the alias %s", k, k)
		}
		if known && s.Family != "" && c.Family != s.Family {
			t.Errorf("%s: covered by %s of family %q, the table says %q", k, c.Rule, c.Family, s.Family)
		}
	}
	// 71 hadolint rules of v2.14 (67 active, 4 retired) plus the 15 added since.
	for tool, min := range map[string]int{"hadolint": 86, "buildkit": 22, "trivy": 29, "checkov": 30} {
		if counts[tool] < min {
			t.Errorf("%s: %d checks in the table, want at least %d", tool, counts[tool], min)
		}
	}
}

func TestHygieneRulesAreHygiene(t *testing.T) {
	for _, c := range hygieneChecks {
		r := c.Rule
		if r.Family != "hygiene" || !strings.HasPrefix(r.ID, "PAL-DF-1") || len(r.Aliases) == 0 || r.Remediation == "" {
			t.Errorf("%s: family %q, %d aliases, remediation %q", r.ID, r.Family, len(r.Aliases), r.Remediation)
		}
	}
}

func TestHygValidSPDX(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"MIT", true},
		{"Apache-2.0", true},
		{"apache-2.0", true},
		{"MIT OR Apache-2.0", true},
		{"(MIT OR Apache-2.0) AND BSD-3-Clause", true},
		{"GPL-2.0-or-later WITH Classpath-exception-2.0", true},
		{"GPL-2.0+", true},
		{"LicenseRef-Proprietary", true},
		{"NOASSERTION", true},
		{"Apache License 2.0", false},
		{"GPL", false},
		{"MIT OR", false},
		{"(MIT", false},
		{"MIT Apache-2.0", false},
		{"", false},
	} {
		if got := hygValidSPDX(tt.in); got != tt.want {
			t.Errorf("hygValidSPDX(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestHygParsePortSpec(t *testing.T) {
	for _, tt := range []struct {
		in                     string
		ip, host, proto        string
		start, end             int
		notANumber, outOfRange bool
	}{
		{in: "80", start: 80, end: 80},
		{in: "53/udp", proto: "udp", start: 53, end: 53},
		{in: "8000-8010/tcp", proto: "tcp", start: 8000, end: 8010},
		{in: "8081:80", host: "8081", start: 80, end: 80},
		{in: "127.0.0.1:8080:80", ip: "127.0.0.1", host: "8080", start: 80, end: 80},
		{in: "127.0.0.1::80", ip: "127.0.0.1", start: 80, end: 80},
		{in: "70000", start: 70000, end: 70000, outOfRange: true},
		{in: "90-80", start: 90, end: 80, outOfRange: true},
		{in: "http", start: -1, end: -1, notANumber: true},
	} {
		got := hygParsePortSpec(tt.in, tt.in)
		if got.IP != tt.ip || got.Host != tt.host || got.Proto != tt.proto || got.Start != tt.start || got.End != tt.end || got.NotANumber != tt.notANumber || got.OutOfRange != tt.outOfRange {
			t.Errorf("hygParsePortSpec(%q) = %+v", tt.in, got)
		}
	}
}

func TestHygPinned(t *testing.T) {
	for _, tt := range []struct {
		f    func(string) bool
		name string
		in   string
		want bool
	}{
		{hygRpmPinned, "rpm", "httpd-2.4.57-5.el9", true},
		{hygRpmPinned, "rpm", "java-17-openjdk", false},
		{hygRpmPinned, "rpm", "java-17-openjdk-17.0.9.0.9-1.el9", true},
		{hygRpmPinned, "rpm", "@development", true},
		{hygRpmPinned, "rpm", "python3-devel", false},
		{hygNpmPinned, "npm", "typescript", false},
		{hygNpmPinned, "npm", "typescript@5.4.5", true},
		{hygNpmPinned, "npm", "typescript@latest", false},
		{hygNpmPinned, "npm", "@angular/cli", false},
		{hygNpmPinned, "npm", "@angular/cli@17.3.0", true},
		{hygNpmPinned, "npm", "github:user/repo", true},
		{hygPipPinned, "pip", "requests", false},
		{hygPipPinned, "pip", "requests==2.32.3", true},
		{hygPipPinned, "pip", "requests[socks]>=2", true},
		{hygPipPinned, "pip", "git+https://github.com/x/y", true},
		{hygPipPinned, "pip", "pkg.whl", true},
	} {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s pinned(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestHygLabelKeyProblem(t *testing.T) {
	for in, bad := range map[string]bool{
		"org.opencontainers.image.source": false,
		"com.example.build-id":            false,
		"maintainer":                      false,
		"Maintainer":                      true,
		"build_id":                        true,
		"com.docker.thing":                true,
		"a..b":                            true,
		"a-":                              true,
		"1abc":                            true,
	} {
		if got := hygLabelKeyProblem(in) != ""; got != bad {
			t.Errorf("hygLabelKeyProblem(%q) = %q, want problem %v", in, hygLabelKeyProblem(in), bad)
		}
	}
}
