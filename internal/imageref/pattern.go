package imageref

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/opencontainers/go-digest"
)

// Pattern is an image pattern of the image policy, written like a
// reference with wildcards and normalised the same way:
//
//	docker.io/library/*                   every image in Docker Hub's library namespace
//	node                                  docker.io/library/node, any tag or digest
//	gcr.io/distroless/*                   one path element under gcr.io/distroless
//	ghcr.io/acme/**                       any depth under ghcr.io/acme
//	registry.example.com/base/node:20-*   tags matching 20-*
//	alpine@sha256:<64 hex>                exactly this digest
//
// "*" matches within one path element (or anywhere in a tag), "**" across
// path elements, "?" one character. A pattern without a tag accepts any
// tag; one with a tag needs a written or implied tag that matches (an
// image given only by digest has no tag). A pattern with a digest needs
// exactly that digest. The registry part follows Docker's rule: the first
// element is a registry only when it contains "." or ":" or is
// "localhost"; otherwise the pattern is on docker.io, and a single
// element means the library namespace.
type Pattern struct {
	// Raw is the pattern as written.
	Raw string
	// Normalised is the pattern in normalised form, e.g.
	// "docker.io/library/node:20-*".
	Normalised string

	name   *regexp.Regexp
	tag    *regexp.Regexp // nil: any tag
	digest string         // "": any digest
	// groups is the number of capturing wildcards, name then tag.
	groups int
}

var (
	patternNameChars = regexp.MustCompile(`^[a-z0-9._\-/*?]+$`)
	patternHostChars = regexp.MustCompile(`^(?:[A-Za-z0-9.\-*?]+|\[[0-9A-Fa-f:]+\])(?::[0-9*?]+)?$`)
	patternTagChars  = regexp.MustCompile(`^[A-Za-z0-9_.\-*?]+$`)
)

// ParsePattern parses and normalises an image pattern.
func ParsePattern(s string) (Pattern, error) {
	p := Pattern{Raw: s}
	in := strings.TrimSpace(s)
	if in == "" {
		return p, fmt.Errorf("empty image pattern")
	}
	if len(in) > maxReferenceSize {
		return p, fmt.Errorf("image pattern of %d bytes is too long", len(in))
	}
	rest := in
	if at := strings.IndexByte(rest, '@'); at >= 0 {
		d, err := digest.Parse(rest[at+1:])
		if err != nil {
			return p, fmt.Errorf("image pattern %q: invalid digest %q: %w (digests cannot contain wildcards)", s, rest[at+1:], err)
		}
		p.digest = d.String()
		rest = rest[:at]
	}
	tag := ""
	hasTag := false
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		tag, hasTag = rest[i+1:], true
		rest = rest[:i]
	}
	registry, path, err := splitPatternName(rest)
	if err != nil {
		return p, fmt.Errorf("image pattern %q: %w", s, err)
	}
	nameRe, n := globRegexp(registry+"/"+path, false)
	p.name = regexp.MustCompile(nameRe)
	p.groups = n
	p.Normalised = registry + "/" + path
	if hasTag {
		if !patternTagChars.MatchString(tag) || len(tag) > 128 {
			return p, fmt.Errorf("image pattern %q: invalid tag %q (letters, digits, '_', '.', '-' and wildcards)", s, tag)
		}
		tagRe, n := globRegexp(tag, true)
		p.tag = regexp.MustCompile(tagRe)
		p.groups += n
		p.Normalised += ":" + tag
	}
	if p.digest != "" {
		p.Normalised += "@" + p.digest
	}
	return p, nil
}

// splitPatternName applies Docker's registry rule to a pattern name.
func splitPatternName(s string) (registry, path string, err error) {
	if s == "" {
		return "", "", fmt.Errorf("no repository name")
	}
	first, rest, found := strings.Cut(s, "/")
	if found && (first == "localhost" || strings.ContainsAny(first, ".:") || strings.ToLower(first) != first) {
		registry, path = strings.ToLower(first), rest
		if !patternHostChars.MatchString(first) {
			return "", "", fmt.Errorf("invalid registry %q", first)
		}
	} else {
		registry, path = DefaultRegistry, s
	}
	if registry == legacyHubDomain {
		registry = DefaultRegistry
	}
	if path == "" {
		return "", "", fmt.Errorf("no repository name after the registry")
	}
	if strings.ToLower(path) != path {
		return "", "", fmt.Errorf("repository %q must be lower-case, as Docker requires", path)
	}
	if !patternNameChars.MatchString(path) {
		return "", "", fmt.Errorf("invalid repository %q (lower-case letters, digits, '.', '_', '-', '/' and wildcards)", path)
	}
	if strings.Contains(path, "//") || strings.HasPrefix(path, "/") || strings.HasSuffix(path, "/") {
		return "", "", fmt.Errorf("invalid repository %q (empty path element)", path)
	}
	if registry == DefaultRegistry && !strings.Contains(path, "/") && !strings.Contains(path, "**") {
		path = OfficialPrefix + path
	}
	return registry, path, nil
}

// globRegexp turns a glob into an anchored regexp with one capturing
// group per wildcard. In names "*" stays inside a path element; in tags
// (inTag) there are no elements to stay inside.
func globRegexp(glob string, inTag bool) (string, int) {
	var b strings.Builder
	groups := 0
	b.WriteString("^")
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '*':
			if i+1 < len(glob) && glob[i+1] == '*' {
				for i+1 < len(glob) && glob[i+1] == '*' {
					i++
				}
				b.WriteString("(.*)")
			} else if inTag {
				b.WriteString("(.*)")
			} else {
				b.WriteString("([^/]*)")
			}
			groups++
		case '?':
			if inTag {
				b.WriteString(".")
			} else {
				b.WriteString("[^/]")
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return b.String(), groups
}

// String returns the pattern as written.
func (p Pattern) String() string { return p.Raw }

// Match reports whether ref matches the pattern.
func (p Pattern) Match(ref Ref) bool {
	_, ok := p.captures(ref)
	return ok
}

// captures returns what the wildcards matched, in order: name, then tag.
func (p Pattern) captures(ref Ref) ([]string, bool) {
	if p.name == nil {
		return nil, false
	}
	m := p.name.FindStringSubmatch(strings.ToLower(ref.Registry) + "/" + ref.Repository)
	if m == nil {
		return nil, false
	}
	caps := append([]string(nil), m[1:]...)
	if p.tag != nil {
		if ref.Tag == "" {
			return nil, false
		}
		t := p.tag.FindStringSubmatch(ref.Tag)
		if t == nil {
			return nil, false
		}
		caps = append(caps, t[1:]...)
	}
	if p.digest != "" && ref.Digest != p.digest {
		return nil, false
	}
	return caps, true
}

// HasTag reports whether the pattern constrains the tag.
func (p Pattern) HasTag() bool { return p.tag != nil }

// HasDigest reports whether the pattern requires a digest.
func (p Pattern) HasDigest() bool { return p.digest != "" }

// wildcards counts the wildcards of a rewrite target: "*" and "**" each
// stand for one captured value.
func wildcards(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '*' {
			n++
			for i+1 < len(s) && s[i+1] == '*' {
				i++
			}
		}
	}
	return n
}

// substitute replaces the wildcards of to, in order, with caps.
func substitute(to string, caps []string) string {
	var b strings.Builder
	k := 0
	for i := 0; i < len(to); i++ {
		if to[i] != '*' {
			b.WriteByte(to[i])
			continue
		}
		for i+1 < len(to) && to[i+1] == '*' {
			i++
		}
		if k < len(caps) {
			b.WriteString(caps[k])
		}
		k++
	}
	return b.String()
}
