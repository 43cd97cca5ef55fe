package finding

import (
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
)

func TestParseSeverity(t *testing.T) {
	for _, s := range Severities {
		got, err := ParseSeverity(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("%s: got %v, %v", s, got, err)
		}
	}
	if _, err := ParseSeverity("urgent"); err == nil || !strings.Contains(err.Error(), "critical, high, medium, low, info") {
		t.Errorf("bad severity error: %v", err)
	}
	if !(Critical > High && High > Medium && Medium > Low && Low > Info) {
		t.Error("severities out of order")
	}
	var zero Severity
	if _, err := zero.MarshalText(); err == nil {
		t.Error("zero severity marshalled")
	}
}

func rule(id string, aliases ...Alias) *Rule {
	return &Rule{ID: id, Control: control.DockerfileLint, Severity: Low, Title: "t", Doc: "d", Aliases: aliases}
}

func TestRegistryValidation(t *testing.T) {
	tests := []struct {
		name  string
		rules []*Rule
		want  string
	}{
		{"bad id", []*Rule{rule("DF-1")}, "not of the form PAL-<AREA>-<NNN>"},
		{"bad number", []*Rule{rule("PAL-DF-1a2")}, "not of the form"},
		{"duplicate", []*Rule{rule("PAL-DF-001"), rule("PAL-DF-001")}, "registered twice"},
		{"duplicate alias", []*Rule{rule("PAL-DF-001", Alias{"hadolint", "DL3007"}), rule("PAL-DF-002", Alias{"hadolint", "DL3007"})}, "claimed by both"},
		{"unknown control", []*Rule{{ID: "PAL-DF-001", Control: "app.nope", Severity: Low, Title: "t", Doc: "d"}}, "unknown control"},
		{"no severity", []*Rule{{ID: "PAL-DF-001", Control: control.DockerfileLint, Title: "t", Doc: "d"}}, "no valid severity"},
		{"title with period", []*Rule{{ID: "PAL-DF-001", Control: control.DockerfileLint, Severity: Low, Title: "t.", Doc: "d"}}, "title"},
		{"no doc", []*Rule{{ID: "PAL-DF-001", Control: control.DockerfileLint, Severity: Low, Title: "t"}}, "no doc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewRegistry(tt.rules...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	reg, err := NewRegistry(rule("PAL-DF-011", Alias{"hadolint", "DL3007"}, Alias{"trivy", "DS-0001"}), rule("PAL-DF-010", Alias{"hadolint", "DL3006"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"PAL-DF-011", "pal-df-011", "DL3007", "hadolint:DL3007", "ds-0001"} {
		if rs := reg.Resolve(name); len(rs) != 1 || rs[0].ID != "PAL-DF-011" {
			t.Errorf("Resolve(%q) = %v", name, rs)
		}
	}
	if rs := reg.Resolve("DL9999"); len(rs) != 0 {
		t.Errorf("unknown name resolved: %v", rs)
	}
	if all := reg.All(); all[0].ID != "PAL-DF-010" {
		t.Error("registry not sorted by ID")
	}
}

func TestSortAndThreshold(t *testing.T) {
	fs := []Finding{
		{RuleID: "B", Target: "b", Severity: Low},
		{RuleID: "A", Target: "a", Severity: Info, Location: Location{StartLine: 9}},
		{RuleID: "C", Target: "a", Severity: High, Location: Location{StartLine: 2}},
	}
	Sort(fs)
	if fs[0].RuleID != "C" || fs[1].RuleID != "A" || fs[2].RuleID != "B" {
		t.Errorf("order: %v %v %v", fs[0].RuleID, fs[1].RuleID, fs[2].RuleID)
	}
	if !AtOrAbove(fs, High) || AtOrAbove(fs, Critical) {
		t.Error("threshold")
	}
}
