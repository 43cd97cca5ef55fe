package imageref

import (
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/config"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern string
		norm    string
		match   []string
		noMatch []string
	}{
		{"docker.io/library/*", "docker.io/library/*",
			[]string{"ubuntu", "node:20", "docker.io/library/alpine@" + dgA, "index.docker.io/library/redis:7"},
			[]string{"someuser/node", "gcr.io/library/node", "library/a/b"}},
		{"*", "docker.io/library/*", []string{"node"}, []string{"someuser/node"}},
		{"node", "docker.io/library/node", []string{"node", "node:20", "node@" + dgA, "docker.io/library/node:lts"}, []string{"someuser/node", "nodejs"}},
		{"gcr.io/distroless/*", "gcr.io/distroless/*",
			[]string{"gcr.io/distroless/static", "gcr.io/distroless/base-debian12:nonroot"},
			[]string{"gcr.io/distroless/java/jre", "gcr.io/distroless", "gcr.io/other/static"}},
		{"ghcr.io/acme/**", "ghcr.io/acme/**",
			[]string{"ghcr.io/acme/app", "ghcr.io/acme/team/app:1"},
			[]string{"ghcr.io/other/app", "ghcr.io/acmex/app"}},
		{"registry.example.com/base/node:20-*", "registry.example.com/base/node:20-*",
			[]string{"registry.example.com/base/node:20-alpine", "registry.example.com/base/node:20-bookworm@" + dgA},
			[]string{"registry.example.com/base/node:18-alpine", "registry.example.com/base/node", "registry.example.com/base/node@" + dgA, "registry.example.com/base/python:20-x"}},
		{"node:latest", "docker.io/library/node:latest", []string{"node", "node:latest"}, []string{"node:20"}},
		{"alpine@" + dgA, "docker.io/library/alpine@" + dgA,
			[]string{"alpine@" + dgA, "alpine:3.20@" + dgA},
			[]string{"alpine", "alpine:3.20", "alpine@" + dgB}},
		{"*.example.com/team/*", "*.example.com/team/*",
			[]string{"eu.example.com/team/app", "us.example.com/team/app:1"},
			// The port is part of the registry: it must be in the pattern.
			[]string{"example.com/team/app", "eu.example.org/team/app", "us.example.com:5000/team/app"}},
		{"localhost:5000/*:v?", "localhost:5000/*:v?", []string{"localhost:5000/app:v1"}, []string{"localhost:5000/app:v10", "localhost/app:v1"}},
		{"Registry.Example.com/app", "registry.example.com/app", []string{"registry.example.com/app:1", "REGISTRY.example.com/app"}, nil},
		{"docker.io/**", "docker.io/**", []string{"node", "someuser/node", "a/b/c"}, []string{"quay.io/a/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := ParsePattern(tt.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if p.Normalised != tt.norm {
				t.Errorf("Normalised = %q, want %q", p.Normalised, tt.norm)
			}
			for _, m := range tt.match {
				if !p.Match(MustParse(m)) {
					t.Errorf("%s does not match %s", tt.pattern, m)
				}
			}
			for _, m := range tt.noMatch {
				if p.Match(MustParse(m)) {
					t.Errorf("%s matches %s", tt.pattern, m)
				}
			}
		})
	}
}

func TestParsePatternRejects(t *testing.T) {
	for _, in := range []string{"", "Node", "docker.io/Library/*", "node@sha256:*", "node:bad tag", "gcr.io/", "gcr.io//x", "a b/c"} {
		if _, err := ParsePattern(in); err == nil {
			t.Errorf("ParsePattern(%q) succeeded", in)
		}
	}
}

var testOfficial = NewOfficialSet("node", "ubuntu", "alpine", "python")

func TestEvaluate(t *testing.T) {
	full := config.ImagePolicy{
		Allow: []string{"gcr.io/distroless/*", "registry.example.com/base/node:20-*", "alpine@" + dgA},
		Pins:  map[string]string{"ghcr.io/acme/tool:1.2": dgA, "quay.io/prometheus/busybox": dgB},
		Rewrites: []config.Rewrite{
			{From: "bitnami/*", To: "registry.example.com/mirror/bitnami/*"},
			{From: "someuser/node:*", To: "registry.example.com/base/node:*"},
		},
	}
	only := func(p config.ImagePolicy, s ...string) config.ImagePolicy { p.Strategies = s; return p }
	tests := []struct {
		name    string
		image   string
		policy  config.ImagePolicy
		allowed bool
		by      string
		suggest string
		reason  []string // substrings of Reason
	}{
		{"allow pattern", "gcr.io/distroless/static:nonroot", full, true, "allow:gcr.io/distroless/*", "", []string{"matches the allowed pattern gcr.io/distroless/*"}},
		{"allow tag glob", "registry.example.com/base/node:20-alpine", full, true, "allow:registry.example.com/base/node:20-*", "", nil},
		{"allow digest pin pattern", "alpine:3.20@" + dgA, full, true, "allow:alpine@" + dgA, "", nil},
		{"official accepted", "node:20", full, true, "official", "", []string{"official: docker.io/library/node is a Docker Official Image"}},
		{"official implicit tag", "ubuntu", full, true, "official", "", nil},
		{"someuser/node is not official", "someuser/node:20", only(full, "official"), false, "", "",
			[]string{"matches none of the 3 allowed patterns", "official: docker.io/someuser/node is not a Docker Official Image: only docker.io/library/node is"}},
		{"library but unlisted", "centos:7", only(full, "official"), false, "", "", []string{"docker.io/library/centos is not on the Docker Official Images list (custom list)"}},
		{"other registry not official", "ghcr.io/acme/app:1", only(full, "official"), false, "", "", []string{"those are docker.io/library/<name> only"}},
		{"pinned accepted", "ghcr.io/acme/tool:1.2@" + dgA, full, true, "pinned", "", []string{"pinned: " + dgA + " matches the pin for ghcr.io/acme/tool:1.2"}},
		{"pinned without tag in image", "ghcr.io/acme/tool@" + dgA, full, true, "pinned", "", nil},
		{"pinned any tag", "quay.io/prometheus/busybox:glibc@" + dgB, full, true, "pinned", "", nil},
		{"pinned wrong digest", "ghcr.io/acme/tool:1.2@" + dgB, full, false, "", "", []string{"pinned: digest " + dgB + " does not match the pinned ghcr.io/acme/tool:1.2@" + dgA}},
		{"pinned other tag", "ghcr.io/acme/tool:1.3@" + dgA, full, false, "", "", []string{"pinned: images.pins has no entry for ghcr.io/acme/tool:1.3"}},
		{"pinned but not by digest", "ghcr.io/acme/tool:1.2", full, false, "", "", []string{"pinned: it is not pinned by digest; images.pins accepts ghcr.io/acme/tool:1.2@" + dgA}},
		{"rewrite suggested", "someuser/node:20-alpine", full, false, "rewrite", "registry.example.com/base/node:20-alpine",
			[]string{"someuser/node:20-alpine is not approved as written; rewrite: rule someuser/node:* → registry.example.com/base/node:* suggests registry.example.com/base/node:20-alpine"}},
		{"rewrite carries tag and digest", "bitnami/redis:7.2@" + dgA, full, false, "rewrite", "registry.example.com/mirror/bitnami/redis:7.2@" + dgA,
			[]string{"itself is not approved by images.allow"}},
		{"rewrite without tag", "bitnami/redis", full, false, "rewrite", "registry.example.com/mirror/bitnami/redis", nil},
		{"strategy order: rewrite before official", "node:20", only(config.ImagePolicy{Rewrites: []config.Rewrite{{From: "node", To: "mirror.example.com/node"}}}, "rewrite", "official"),
			false, "rewrite", "mirror.example.com/node:20", nil},
		{"all rejected", "quay.io/someone/thing:1", full, false, "", "",
			[]string{"matches none of the 3 allowed patterns", "official: quay.io/someone/thing is not a Docker Official Image", "pinned: it is not pinned by digest, and images.pins has no entry for quay.io/someone/thing", "rewrite: no rewrite rule matches quay.io/someone/thing:1"}},
		{"strategy disabled", "node:20", only(full, "pinned"), false, "", "", []string{"pinned:"}},
		{"only allow list", "python:3.12", config.ImagePolicy{Allow: []string{"gcr.io/distroless/*"}, Strategies: []string{"pinned"}}, false, "", "",
			[]string{"it does not match the allowed pattern gcr.io/distroless/*", "pinned: images.pins is empty"}},
		{"no policy", "someuser/anything", config.ImagePolicy{}, true, "", "", []string{"no image policy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Evaluate(MustParse(tt.image), tt.policy, testOfficial)
			if d.Allowed != tt.allowed || d.By != tt.by || d.Suggest != tt.suggest {
				t.Errorf("got allowed=%v by=%q suggest=%q, want %v %q %q\nreason: %s", d.Allowed, d.By, d.Suggest, tt.allowed, tt.by, tt.suggest, d.Reason)
			}
			for _, r := range tt.reason {
				if !strings.Contains(d.Reason, r) {
					t.Errorf("reason %q\n lacks %q", d.Reason, r)
				}
			}
			if tt.policy.Allow != nil || tt.policy.Pins != nil || tt.policy.Rewrites != nil {
				if len(d.Steps) == 0 {
					t.Error("no steps recorded")
				}
			}
		})
	}
}

func TestCompileReportsBadEntries(t *testing.T) {
	p := config.ImagePolicy{
		Allow:      []string{"Bad", "node"},
		Pins:       map[string]string{"node": "sha256:zz", "node@" + dgA: dgA},
		Rewrites:   []config.Rewrite{{From: "a", To: "b/*"}, {From: "a/*", To: "b/?"}},
		Strategies: []string{"official", "bogus"},
	}
	cp, err := Compile(p)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`images.allow: image pattern "Bad"`, "images.pins: node: invalid digest", "has a digest", "1 wildcards but \"a\" only 0", "not \"?\"", `unknown strategy "bogus"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if !cp.Evaluate(MustParse("node:20"), testOfficial).Allowed {
		t.Error("the valid allow entry was dropped")
	}
}

func TestOfficialEmbedded(t *testing.T) {
	o := Official()
	if o.Len() < 100 {
		t.Fatalf("embedded list has %d names", o.Len())
	}
	if !strings.Contains(o.Source(), "docker-library/official-images") {
		t.Errorf("source %q does not name the list's origin", o.Source())
	}
	for _, n := range []string{"node", "ubuntu", "alpine", "golang", "python", "debian", "nginx"} {
		if !o.Contains(MustParse(n)) {
			t.Errorf("%s missing", n)
		}
	}
	for _, n := range []string{"someuser/node", "ghcr.io/library/node", "gcr.io/distroless/static", "library/nosuchimage"} {
		if o.Contains(MustParse(n)) {
			t.Errorf("%s counted as official", n)
		}
	}
	names := o.Names()
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatal("Names not sorted and unique")
		}
	}
}
