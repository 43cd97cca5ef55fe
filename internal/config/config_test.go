package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "version: 1\nfailon: high\n", `line 2: unknown key "failon"`},
		{"unknown nested key", "rules:\n  disabled: [X]\n", `line 2: unknown key "disabled"`},
		{"ignore without reason", "ignores:\n  - rule: PAL-DF-011\n", "line 2: ignore of PAL-DF-011 has no reason"},
		{"ignore without rule", "ignores:\n  - reason: because\n", "ignore has no rule"},
		{"bad expiry", "ignores:\n  - rule: X\n    reason: r\n    expires: next week\n", "expires must be a date like 2027-01-31"},
		{"bad severity", "rules:\n  severity:\n    PAL-DF-011: urgent\n", `rules.severity.PAL-DF-011: unknown severity "urgent"`},
		{"bad failOn", "failOn: sometimes\n", "failOn: unknown severity"},
		{"bad strategy", "images:\n  strategies: [official, vibes]\n", `unknown strategy "vibes"`},
		{"rewrite without target", "images:\n  rewrites:\n    - from: a/*\n", "every rewrite needs both from and to"},
		{"unsupported version", "version: 2\n", "version 2 is not supported"},
		{"not yaml", "rules: [\n", "config x.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", strings.NewReader(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "x.yaml") {
				t.Errorf("error does not name the file: %v", err)
			}
		})
	}
}

func TestParseEmptyAndFull(t *testing.T) {
	if _, err := Parse("empty", strings.NewReader("")); err != nil {
		t.Fatalf("empty config: %v", err)
	}
	cfg, err := Parse("full", strings.NewReader(`version: 1
failOn: high
rules:
  disable: [DL3059]
  enable: [PAL-DF-012]
  severity: {PAL-DF-011: critical}
ignores:
  - rule: PAL-DF-019
    paths: ["legacy/**"]
    reason: legacy images
    expires: 2027-01-31
images:
  allow: [docker.io/library/*]
  pins: {docker.io/acme/x:1: "sha256:abc"}
  rewrites: [{from: "docker.io/bitnami/*", to: "registry.example.com/base/*"}]
  requireDigest: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Ignores[0].Line != 8 || cfg.Ignores[0].Expires.Format(time.DateOnly) != "2027-01-31" {
		t.Errorf("ignore: %+v", cfg.Ignores[0])
	}
	if got := cfg.Images.StrategyOrder(); len(got) != 3 || got[0] != StrategyOfficial {
		t.Errorf("default strategies: %v", got)
	}
}

var (
	ruleA = &finding.Rule{ID: "PAL-DF-011", Control: control.DockerfileLint, Severity: finding.Medium, Title: "Latest tag", Doc: "d", Aliases: []finding.Alias{{Tool: "hadolint", ID: "DL3007"}}}
	ruleB = &finding.Rule{ID: "PAL-DF-012", Control: control.DockerfileLint, Severity: finding.Medium, Title: "No digest", Doc: "d", Optional: true}
)

func registry(t *testing.T) *finding.Registry {
	t.Helper()
	reg, err := finding.NewRegistry(ruleA, ruleB, ExpiredIgnore)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func TestResolveUnknownRule(t *testing.T) {
	cfg, err := Parse("p.yaml", strings.NewReader("rules:\n  disable: [DL9999]\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.Resolve(registry(t))
	if err == nil || !strings.Contains(err.Error(), `unknown rule "DL9999"`) || !strings.Contains(err.Error(), "p.yaml") {
		t.Fatalf("got %v", err)
	}
}

func TestPolicyApply(t *testing.T) {
	cfg, err := Parse("p.yaml", strings.NewReader(`rules:
  enable: [PAL-DF-012]
  severity: {DL3007: high}
ignores:
  - rule: hadolint:DL3007
    paths: ["legacy/**"]
    reason: old images
  - rule: PAL-DF-011
    paths: ["expired/*"]
    reason: was fine last year
    expires: 2020-01-01
`))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := cfg.Resolve(registry(t))
	if err != nil {
		t.Fatal(err)
	}
	if !pol.Enabled(ruleB) || !pol.Enabled(ruleA) {
		t.Error("enable did not turn the optional rule on")
	}
	mk := func(target string) finding.Finding {
		f := ruleA.New("latest")
		f.Target = target
		return f
	}
	kept, sup := pol.Apply([]finding.Finding{mk("app/Dockerfile"), mk("repo/legacy/Dockerfile"), mk("expired/Dockerfile")}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(sup) != 1 || sup[0].Finding.Target != "repo/legacy/Dockerfile" || sup[0].Reason != "old images" || sup[0].Source != "p.yaml:5" {
		t.Errorf("suppressed: %+v", sup)
	}
	var rules []string
	for _, f := range kept {
		rules = append(rules, f.RuleID+"@"+f.Target)
		if f.RuleID == ruleA.ID && f.Severity != finding.High {
			t.Errorf("severity override not applied: %v", f.Severity)
		}
		if f.RuleID == ExpiredIgnore.ID && (f.Control != control.DockerfileLint || f.Location.StartLine != 8) {
			t.Errorf("expired ignore finding: %+v", f)
		}
	}
	want := "PAL-DF-011@app/Dockerfile PAL-CFG-001@p.yaml PAL-DF-011@expired/Dockerfile"
	if strings.Join(rules, " ") != want {
		t.Errorf("kept %v, want %s", rules, want)
	}
}

func TestDisable(t *testing.T) {
	cfg, _ := Parse("p.yaml", strings.NewReader("rules:\n  disable: [DL3007]\n"))
	pol, err := cfg.Resolve(registry(t))
	if err != nil {
		t.Fatal(err)
	}
	if pol.Enabled(ruleA) || pol.Enabled(ruleB) {
		t.Error("disabled rule or optional rule enabled")
	}
	kept, _ := pol.Apply([]finding.Finding{ruleA.New("x")}, time.Now())
	if len(kept) != 0 {
		t.Errorf("finding of a disabled rule kept: %v", kept)
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pat, path string
		want      bool
	}{
		{"legacy/**", "legacy/a/Dockerfile", true},
		{"legacy/**", "repo/legacy/Dockerfile", true},
		{"legacy/**", "legacyx/Dockerfile", false},
		{"*.Dockerfile", "a/b/prod.Dockerfile", true},
		{"a/*/Dockerfile", "a/b/Dockerfile", true},
		{"a/*/Dockerfile", "a/b/c/Dockerfile", false},
		{"**/Dockerfile", "x/y/Dockerfile", true},
		{"Dockerfile", "Dockerfile.prod", false},
	}
	for _, tt := range tests {
		if got := globRegexp(tt.pat).MatchString(tt.path); got != tt.want {
			t.Errorf("%q ~ %q = %v, want %v", tt.pat, tt.path, got, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a", ".palisade.yml"), []byte("failOn: low\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Discover("", sub)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.FailOn != "low" || !strings.HasSuffix(cfg.Path, filepath.Join("a", ".palisade.yml")) {
		t.Errorf("found %+v", cfg)
	}
}
