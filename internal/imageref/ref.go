// Package imageref parses container image references the way Docker does
// and judges them against palisade's image policy (approved patterns,
// Docker Official Images, digest pins and rewrites). The same code serves
// the Dockerfile linter, the Kubernetes checks and the admission webhook,
// so an image is judged alike wherever it appears.
package imageref

import (
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/name"
)

// Docker's defaults, applied when a reference leaves them out.
const (
	DefaultRegistry  = "docker.io"
	OfficialPrefix   = "library/"
	DefaultTag       = "latest"
	legacyHubDomain  = "index.docker.io"
	maxReferenceSize = 4096
)

// Ref is a parsed, normalised image reference.
//
// Normalisation follows Docker (github.com/distribution/reference):
// "ubuntu" is docker.io/library/ubuntu:latest, "someuser/app" is
// docker.io/someuser/app:latest, "index.docker.io/x" is docker.io/library/x,
// and the first path element is a registry only when it contains "." or
// ":", is "localhost", or has an upper-case letter. Repository paths must
// be lower-case, as Docker requires; the registry is kept as written
// (Docker does not fold it either), and policy patterns compare it
// case-insensitively.
type Ref struct {
	// Registry is the host[:port], e.g. "docker.io", "gcr.io",
	// "localhost:5000", "[::1]:5000".
	Registry string `json:"registry"`
	// Repository is the path inside the registry, e.g. "library/ubuntu".
	Repository string `json:"repository"`
	// Tag is the tag as written, or "latest" when neither a tag nor a
	// digest was given (Docker's default). Empty when only a digest was
	// given.
	Tag string `json:"tag,omitempty"`
	// Digest is "algorithm:hex", e.g. "sha256:…", when the reference is
	// pinned by digest.
	Digest string `json:"digest,omitempty"`
	// Original is the text that was parsed.
	Original string `json:"original"`

	tagged bool
}

// Parse parses an image reference such as "ubuntu", "node:20-alpine",
// "gcr.io/distroless/static:nonroot", "localhost:5000/app@sha256:…" or
// "registry.example.com:443/team/app:1.2@sha256:…". It rejects what
// Docker rejects, with Docker's reason.
func Parse(s string) (Ref, error) {
	if len(s) > maxReferenceSize {
		return Ref{}, fmt.Errorf("image reference of %d bytes is too long", len(s))
	}
	in := strings.TrimSpace(s)
	if in == "" {
		return Ref{}, errors.New("empty image reference")
	}
	named, err := reference.ParseNormalizedNamed(in)
	if err != nil {
		return Ref{}, fmt.Errorf("invalid image reference %q: %w%s", s, err, hint(err))
	}
	r := Ref{
		Registry:   reference.Domain(named),
		Repository: reference.Path(named),
		Original:   s,
	}
	if t, ok := named.(reference.Tagged); ok {
		r.Tag, r.tagged = t.Tag(), true
	}
	if d, ok := named.(reference.Digested); ok {
		r.Digest = d.Digest().String()
	}
	if !r.tagged && r.Digest == "" {
		r.Tag = DefaultTag
	}
	return r, nil
}

// hint adds advice to distribution/reference's terse errors.
func hint(err error) string {
	msg := err.Error()
	switch {
	case errors.Is(err, reference.ErrNameContainsUppercase) || strings.Contains(msg, "must be lowercase"):
		return " (write the repository in lower-case: Docker refuses upper-case names)"
	case errors.Is(err, reference.ErrDigestInvalidFormat) || strings.Contains(msg, "digest"):
		return " (a digest is written @sha256: followed by 64 lower-case hex digits)"
	case errors.Is(err, reference.ErrTagInvalidFormat):
		return " (a tag has up to 128 letters, digits, '_', '.' and '-', and does not start with '.' or '-')"
	case errors.Is(err, reference.ErrReferenceInvalidFormat):
		return " (expected [registry[:port]/]path[:tag][@digest])"
	}
	return ""
}

// MustParse is Parse for references known to be valid, e.g. in tests.
func MustParse(s string) Ref {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// Name is the normalised repository name without tag or digest:
// "docker.io/library/ubuntu".
func (r Ref) Name() string { return r.Registry + "/" + r.Repository }

// String is the normalised reference: registry, repository, the tag
// (Docker's default "latest" when neither tag nor digest was written) and
// the digest, e.g. "docker.io/library/node:20@sha256:…".
func (r Ref) String() string {
	var b strings.Builder
	b.WriteString(r.Name())
	if r.Tag != "" {
		b.WriteString(":")
		b.WriteString(r.Tag)
	}
	if r.Digest != "" {
		b.WriteString("@")
		b.WriteString(r.Digest)
	}
	return b.String()
}

// Familiar is the short form Docker prints: "ubuntu:22.04",
// "someuser/app", "gcr.io/distroless/static:nonroot". The implicit
// "latest" tag is left out, as in Docker's output.
func (r Ref) Familiar() string {
	var b strings.Builder
	if r.Registry != DefaultRegistry {
		b.WriteString(r.Registry)
		b.WriteString("/")
		b.WriteString(r.Repository)
	} else if r.IsOfficial() {
		b.WriteString(strings.TrimPrefix(r.Repository, OfficialPrefix))
	} else {
		b.WriteString(r.Repository)
	}
	if r.tagged {
		b.WriteString(":")
		b.WriteString(r.Tag)
	}
	if r.Digest != "" {
		b.WriteString("@")
		b.WriteString(r.Digest)
	}
	return b.String()
}

// IsOfficial reports whether the reference is in Docker Hub's "library"
// namespace (docker.io/library/<name>), the only home of Docker Official
// Images. "someuser/node" is not, whatever its name. Whether <name> is a
// current official image is OfficialSet's business.
func (r Ref) IsOfficial() bool {
	if r.Registry != DefaultRegistry || !strings.HasPrefix(r.Repository, OfficialPrefix) {
		return false
	}
	return !strings.Contains(r.Repository[len(OfficialPrefix):], "/")
}

// OfficialName is the name inside the library namespace ("node" for
// docker.io/library/node), or "" when the reference is not there.
func (r Ref) OfficialName() string {
	if !r.IsOfficial() {
		return ""
	}
	return r.Repository[len(OfficialPrefix):]
}

// HasExplicitTag reports whether a tag was written ("node:20" yes,
// "node" and "node@sha256:…" no).
func (r Ref) HasExplicitTag() bool { return r.tagged }

// IsLatest reports whether the tag is "latest", written or implied.
// A reference pinned by digest still reports its tag; callers that judge
// mutability check Digest too.
func (r Ref) IsLatest() bool { return r.Tag == DefaultTag }

// IsPinned reports whether the reference carries a digest.
func (r Ref) IsPinned() bool { return r.Digest != "" }

// WithTag returns a copy with an explicit tag.
func (r Ref) WithTag(tag string) Ref {
	r.Tag, r.tagged = tag, true
	return r
}

// Reference converts r into a go-containerregistry reference, for
// talking to registries. Docker Hub becomes index.docker.io there.
func (r Ref) Reference() (name.Reference, error) {
	s := r.Name()
	if r.Digest != "" {
		s += "@" + r.Digest
	} else {
		s += ":" + r.Tag
	}
	ref, err := name.ParseReference(s)
	if err != nil {
		return nil, fmt.Errorf("converting %s for registry access: %w", r, err)
	}
	return ref, nil
}

// IsScratch reports whether s names Docker's reserved empty image.
// "FROM scratch" is not a pull, so it has no tag or source to judge.
// BuildKit compares case-sensitively: "Scratch" is an (invalid) image.
func IsScratch(s string) bool { return strings.TrimSpace(s) == "scratch" }
