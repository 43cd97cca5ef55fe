package dockerfile

import (
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
)

func lintOnly(t *testing.T, src string, opts Options, rules ...*finding.Rule) []finding.Finding {
	t.Helper()
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var checks []Check
	for _, c := range Checks() {
		for _, r := range rules {
			if c.Rule == r {
				checks = append(checks, c)
			}
		}
	}
	if len(checks) != len(rules) {
		t.Fatalf("found %d of %d checks", len(checks), len(rules))
	}
	return Lint(f, checks, opts).Findings
}

func TestImagePolicyFixAndMessages(t *testing.T) {
	pol := config.ImagePolicy{
		Allow:    []string{"gcr.io/distroless/*"},
		Rewrites: []config.Rewrite{{From: "bitnami/*", To: "gcr.io/distroless/*"}},
	}
	src := "FROM bitnami/redis:7.2\nFROM someuser/node:20\nFROM node:20\nFROM gcr.io/distroless/base\n"
	fs := lintOnly(t, src, Options{Images: pol}, ImageNotApproved)
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(fs), fs)
	}
	if fs[0].Fix != "gcr.io/distroless/redis:7.2" {
		t.Errorf("Fix = %q", fs[0].Fix)
	}
	if want := "FROM bitnami/redis:7.2 is not approved by the image policy as written; rewrite rule bitnami/* → gcr.io/distroless/* suggests gcr.io/distroless/redis:7.2"; fs[0].Message != want {
		t.Errorf("message\n got %q\nwant %q", fs[0].Message, want)
	}
	for _, want := range []string{
		"FROM someuser/node:20 is not approved by the image policy:",
		"it does not match the allowed pattern gcr.io/distroless/*",
		"official: docker.io/someuser/node is not a Docker Official Image: only docker.io/library/node is",
		"pinned: images.pins is empty",
		"rewrite: no rewrite rule matches docker.io/someuser/node:20",
	} {
		if !strings.Contains(fs[1].Message, want) {
			t.Errorf("message %q lacks %q", fs[1].Message, want)
		}
	}
	if fs[1].Fix != "" {
		t.Errorf("Fix without a rewrite: %q", fs[1].Fix)
	}
}

func TestImagePolicyInactiveWithoutPolicy(t *testing.T) {
	// Strategies alone are no policy: nothing is judged.
	fs := lintOnly(t, "FROM someuser/node:20\n", Options{Images: config.ImagePolicy{Strategies: []string{"official"}, RequireDigest: true}}, ImageNotApproved)
	if len(fs) != 0 {
		t.Fatalf("findings without a policy: %+v", fs)
	}
}

func TestDigestRuleEnabling(t *testing.T) {
	src := "FROM node:20\n"
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	count := func(opts Options) int {
		n := 0
		for _, fd := range Lint(f, Checks(), opts).Findings {
			if fd.RuleID == ImageDigest.ID {
				n++
			}
		}
		return n
	}
	if n := count(Options{}); n != 0 {
		t.Errorf("optional rule ran by default")
	}
	if n := count(Options{Images: config.ImagePolicy{RequireDigest: true}}); n != 1 {
		t.Errorf("images.requireDigest did not enable the rule")
	}
	off := func(r *finding.Rule) bool { return !r.Optional }
	if n := count(Options{Enabled: off, Images: config.ImagePolicy{RequireDigest: true}}); n != 1 {
		t.Errorf("images.requireDigest did not enable the rule under a config policy")
	}
	on := func(r *finding.Rule) bool { return true }
	if n := count(Options{Enabled: on}); n != 1 {
		t.Errorf("rules.enable did not enable the rule")
	}
}
