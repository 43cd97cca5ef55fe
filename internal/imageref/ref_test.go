package imageref

import (
	"errors"
	"strings"
	"testing"

	"github.com/distribution/reference"
)

const (
	dgA = "sha256:" + "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
	dgB = "sha256:" + "0000000000000000000000000000000000000000000000000000000000000001"
)

// Normalisation cases, most of them Docker's own examples from
// distribution/reference's normalize tests and the Docker CLI docs.
func TestParseNormalises(t *testing.T) {
	tests := []struct {
		in         string
		registry   string
		repository string
		tag        string
		digest     string
		explicit   bool
		str        string
		familiar   string
		official   bool
	}{
		{"ubuntu", "docker.io", "library/ubuntu", "latest", "", false, "docker.io/library/ubuntu:latest", "ubuntu", true},
		{"debian", "docker.io", "library/debian", "latest", "", false, "docker.io/library/debian:latest", "debian", true},
		{"library/debian", "docker.io", "library/debian", "latest", "", false, "docker.io/library/debian:latest", "debian", true},
		{"docker.io/debian", "docker.io", "library/debian", "latest", "", false, "docker.io/library/debian:latest", "debian", true},
		{"docker.io/library/debian:12", "docker.io", "library/debian", "12", "", true, "docker.io/library/debian:12", "debian:12", true},
		{"index.docker.io/debian", "docker.io", "library/debian", "latest", "", false, "docker.io/library/debian:latest", "debian", true},
		{"index.docker.io/docker/docker", "docker.io", "docker/docker", "latest", "", false, "docker.io/docker/docker:latest", "docker/docker", false},
		{"docker/docker", "docker.io", "docker/docker", "latest", "", false, "docker.io/docker/docker:latest", "docker/docker", false},
		{"someuser/node:20", "docker.io", "someuser/node", "20", "", true, "docker.io/someuser/node:20", "someuser/node:20", false},
		{"localhost/debian", "localhost", "debian", "latest", "", false, "localhost/debian:latest", "localhost/debian", false},
		{"localhost:5000/debian:x", "localhost:5000", "debian", "x", "", true, "localhost:5000/debian:x", "localhost:5000/debian:x", false},
		{"127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000", "team/app", "1.0", "", true, "127.0.0.1:5000/team/app:1.0", "127.0.0.1:5000/team/app:1.0", false},
		{"[::1]:5000/app:v1", "[::1]:5000", "app", "v1", "", true, "[::1]:5000/app:v1", "[::1]:5000/app:v1", false},
		{"[2001:db8::1]/app", "[2001:db8::1]", "app", "latest", "", false, "[2001:db8::1]/app:latest", "[2001:db8::1]/app", false},
		{"registry.example.com:443/base/node:20-alpine", "registry.example.com:443", "base/node", "20-alpine", "", true, "registry.example.com:443/base/node:20-alpine", "registry.example.com:443/base/node:20-alpine", false},
		{"gcr.io/distroless/static:nonroot", "gcr.io", "distroless/static", "nonroot", "", true, "gcr.io/distroless/static:nonroot", "gcr.io/distroless/static:nonroot", false},
		{"Registry.Example.COM/app", "Registry.Example.COM", "app", "latest", "", false, "Registry.Example.COM/app:latest", "Registry.Example.COM/app", false},
		// An upper-case first element is a registry, as in Docker.
		{"A/b", "A", "b", "latest", "", false, "A/b:latest", "A/b", false},
		// Docker's quirk: without a "/" the colon starts a tag.
		{"foo_bar.com:8080", "docker.io", "library/foo_bar.com", "8080", "", true, "docker.io/library/foo_bar.com:8080", "foo_bar.com:8080", true},
		{"alpine@" + dgA, "docker.io", "library/alpine", "", dgA, false, "docker.io/library/alpine@" + dgA, "alpine@" + dgA, true},
		{"alpine:3.20@" + dgA, "docker.io", "library/alpine", "3.20", dgA, true, "docker.io/library/alpine:3.20@" + dgA, "alpine:3.20@" + dgA, true},
		{"ubuntu:latest", "docker.io", "library/ubuntu", "latest", "", true, "docker.io/library/ubuntu:latest", "ubuntu:latest", true},
		{"  node:20  ", "docker.io", "library/node", "20", "", true, "docker.io/library/node:20", "node:20", true},
		{"docker.io/library/a/b", "docker.io", "library/a/b", "latest", "", false, "docker.io/library/a/b:latest", "library/a/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Registry != tt.registry || r.Repository != tt.repository || r.Tag != tt.tag || r.Digest != tt.digest {
				t.Errorf("got %q %q %q %q, want %q %q %q %q", r.Registry, r.Repository, r.Tag, r.Digest, tt.registry, tt.repository, tt.tag, tt.digest)
			}
			if r.HasExplicitTag() != tt.explicit {
				t.Errorf("HasExplicitTag = %v, want %v", r.HasExplicitTag(), tt.explicit)
			}
			if got := r.String(); got != tt.str {
				t.Errorf("String = %q, want %q", got, tt.str)
			}
			if got := r.Familiar(); got != tt.familiar {
				t.Errorf("Familiar = %q, want %q", got, tt.familiar)
			}
			if r.IsOfficial() != tt.official {
				t.Errorf("IsOfficial = %v, want %v", r.IsOfficial(), tt.official)
			}
			if r.Original != tt.in {
				t.Errorf("Original = %q", r.Original)
			}
			// The normalised form is a fixed point.
			again, err := Parse(r.String())
			if err != nil || again.String() != r.String() {
				t.Errorf("reparse of %q: %v %q", r.String(), err, again.String())
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"   ", "empty"},
		{"Ubuntu", "must be lowercase (write the repository in lower-case"},
		{"docker/Docker", "lower-case"},
		{"docker.io/docker/Docker", "lower-case"},
		{"https://github.com/docker/docker", "invalid reference format"},
		{"-docker", "invalid reference format"},
		{"docker///docker", "invalid reference format"},
		{"ubuntu:", "invalid reference format"},
		{"ubuntu:-x", "invalid reference format"},
		{"alpine@sha256:123", "digest"},
		{"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a", "64-byte hexadecimal"},
		{"a b", "invalid reference format"},
		{strings.Repeat("a", 5000), "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatal("Parse succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestRefPredicates(t *testing.T) {
	tests := []struct {
		in                 string
		latest, pinned     bool
		officialName, name string
	}{
		{"node", true, false, "node", "docker.io/library/node"},
		{"node:latest", true, false, "node", "docker.io/library/node"},
		{"node:20", false, false, "node", "docker.io/library/node"},
		{"node@" + dgA, false, true, "node", "docker.io/library/node"},
		{"node:latest@" + dgA, true, true, "node", "docker.io/library/node"},
		{"someuser/node", true, false, "", "docker.io/someuser/node"},
		{"ghcr.io/library/node:1", false, false, "", "ghcr.io/library/node"},
	}
	for _, tt := range tests {
		r := MustParse(tt.in)
		if r.IsLatest() != tt.latest || r.IsPinned() != tt.pinned || r.OfficialName() != tt.officialName || r.Name() != tt.name {
			t.Errorf("%s: IsLatest=%v IsPinned=%v OfficialName=%q Name=%q", tt.in, r.IsLatest(), r.IsPinned(), r.OfficialName(), r.Name())
		}
	}
}

func TestReferenceForRegistries(t *testing.T) {
	tests := map[string]string{
		"ubuntu":                         "index.docker.io/library/ubuntu:latest",
		"gcr.io/distroless/static:debug": "gcr.io/distroless/static:debug",
		"alpine:3.20@" + dgA:             "index.docker.io/library/alpine@" + dgA,
		"localhost:5000/app":             "localhost:5000/app:latest",
	}
	for in, want := range tests {
		ref, err := MustParse(in).Reference()
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if ref.Name() != want {
			t.Errorf("%s: Reference().Name() = %q, want %q", in, ref.Name(), want)
		}
	}
}

func TestIsScratch(t *testing.T) {
	for in, want := range map[string]bool{"scratch": true, " scratch ": true, "Scratch": false, "scratch:1": false, "docker.io/library/scratch": false} {
		if IsScratch(in) != want {
			t.Errorf("IsScratch(%q) = %v", in, !want)
		}
	}
}

func TestParseErrorsWrap(t *testing.T) {
	_, err := Parse("Ubuntu:24.04")
	if !errors.Is(err, reference.ErrNameContainsUppercase) && !strings.Contains(err.Error(), "must be lowercase") {
		t.Errorf("error does not carry Docker's reason: %v", err)
	}
	_, err = Parse("-bad")
	if !errors.Is(err, reference.ErrReferenceInvalidFormat) {
		t.Errorf("error does not wrap reference.ErrReferenceInvalidFormat: %v", err)
	}
}
