package imageref

import (
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/config"
)

// FuzzParse checks that Parse never panics, that a parsed reference's
// normalised form is a fixed point (parsing it again gives the same
// reference), that the policy engine accepts whatever Parse accepts, and
// that patterns never panic on the same input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"ubuntu", "node:20-alpine", "library/debian", "docker.io/debian", "index.docker.io/debian",
		"someuser/node:20", "localhost/debian", "localhost:5000/debian:x", "[::1]:5000/app:v1",
		"registry.example.com:443/base/node:20-alpine", "gcr.io/distroless/static:nonroot",
		"alpine@" + dgA, "alpine:3.20@" + dgA, "foo_bar.com:8080", "Registry.Example.COM/app",
		"Ubuntu", "docker///docker", "alpine@sha256:123", "ubuntu:", "", "*", "docker.io/**",
		"registry.example.com/base/node:20-*", "a/b/c/d/e/f:g",
	} {
		f.Add(s)
	}
	pol, err := Compile(config.ImagePolicy{
		Allow:    []string{"docker.io/library/*", "gcr.io/distroless/*", "registry.example.com/base/node:20-*"},
		Pins:     map[string]string{"ghcr.io/acme/tool": dgA},
		Rewrites: []config.Rewrite{{From: "*/*", To: "mirror.example.com/*/*"}},
	})
	if err != nil {
		f.Fatal(err)
	}
	official := Official()
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := ParsePattern(s); err == nil {
			_ = p.Match(MustParse("node"))
		}
		r, err := Parse(s)
		if err != nil {
			return
		}
		if r.Registry == "" || r.Repository == "" || (r.Tag == "" && r.Digest == "") {
			t.Fatalf("Parse(%q) = %+v: incomplete", s, r)
		}
		if r.Repository != strings.ToLower(r.Repository) {
			t.Fatalf("Parse(%q) = %+v: not lower-case", s, r)
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, r.String(), err)
		}
		if again.String() != r.String() || again.Name() != r.Name() {
			t.Fatalf("not a fixed point: %q -> %q -> %q", s, r.String(), again.String())
		}
		fam, err := Parse(r.Familiar())
		if err != nil || fam.String() != r.String() && (r.HasExplicitTag() || r.Digest != "") {
			t.Fatalf("Familiar %q of %q does not round-trip: %v %q", r.Familiar(), s, err, fam.String())
		}
		d := pol.Evaluate(r, official)
		if d.Reason == "" {
			t.Fatalf("no reason for %q", s)
		}
		if d.By == ByRewrite && d.Suggest == "" {
			t.Fatalf("rewrite without suggestion for %q", s)
		}
	})
}
