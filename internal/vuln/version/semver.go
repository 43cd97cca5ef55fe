package version

import (
	"fmt"
	"regexp"
	"strings"
)

// semverScheme implements Semantic Versioning 2.0.0 precedence (section
// 11): major, minor and patch compare numerically; a pre-release sorts
// before its release; pre-release identifiers compare left to right,
// numeric ones as numbers and below alphanumeric ones, which compare in
// ASCII order, and a longer list wins when all else is equal; build
// metadata is ignored. As npm and crates.io tooling does, a leading "v"
// or "=" and missing minor or patch numbers (0) are accepted.
type semverScheme struct{}

func (semverScheme) Name() string { return "semver" }

type semverVersion struct {
	raw                 string
	major, minor, patch string // digits, leading zeros stripped
	pre                 []string
}

func (semverScheme) Parse(s string) (Version, error) {
	if err := checkInput("semver", s); err != nil {
		return nil, err
	}
	v, err := parseSemver(s)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func parseSemver(s string) (semverVersion, error) {
	v := semverVersion{raw: s}
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "=")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	if i := strings.IndexByte(t, '+'); i >= 0 {
		if !validIdents(t[i+1:], false) {
			return v, fmt.Errorf("semver version %q: malformed build metadata", s)
		}
		t = t[:i]
	}
	core := t
	if i := strings.IndexByte(t, '-'); i >= 0 {
		core = t[:i]
		pre := t[i+1:]
		if !validIdents(pre, false) {
			return v, fmt.Errorf("semver version %q: malformed pre-release", s)
		}
		v.pre = strings.Split(pre, ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) > 3 {
		return v, fmt.Errorf("semver version %q: more than three numbers before the pre-release", s)
	}
	for _, p := range parts {
		if !allDigits(p) {
			return v, fmt.Errorf("semver version %q: %q is not a number", s, p)
		}
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	trim := func(p string) string {
		if p = strings.TrimLeft(p, "0"); p == "" {
			return "0"
		}
		return p
	}
	v.major, v.minor, v.patch = trim(parts[0]), trim(parts[1]), trim(parts[2])
	return v, nil
}

// validIdents checks dot-separated identifiers of [0-9A-Za-z-].
func validIdents(s string, allowEmpty bool) bool {
	if s == "" {
		return allowEmpty
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			if c := id[i]; !isDigit(c) && !isAlpha(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

func (v semverVersion) String() string { return v.raw }

func (v semverVersion) Compare(o Version) int {
	var w semverVersion
	switch x := o.(type) {
	case semverVersion:
		w = x
	case goVersion:
		w = x.semverVersion
	}
	return compareSemver(v, w)
}

func compareSemver(v, w semverVersion) int {
	for _, c := range [][2]string{{v.major, w.major}, {v.minor, w.minor}, {v.patch, w.patch}} {
		if r := compareNumeric(c[0], c[1]); r != 0 {
			return r
		}
	}
	switch {
	case len(v.pre) == 0 && len(w.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(w.pre) == 0:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(w.pre); i++ {
		a, b := v.pre[i], w.pre[i]
		an, bn := allDigits(a), allDigits(b)
		var r int
		switch {
		case an && bn:
			r = compareNumeric(a, b)
		case an:
			r = -1
		case bn:
			r = 1
		default:
			r = strings.Compare(a, b)
		}
		if r != 0 {
			return r
		}
	}
	return sign(len(v.pre) - len(w.pre))
}

// goScheme orders Go module versions ("v1.2.3", pseudo-versions such as
// "v0.0.0-20191109021931-daa7c04131f5", "+incompatible") and Go
// toolchain versions ("1.22.1", "go1.21rc2", "1.20" for 1.20.0) by
// SemVer precedence, converting toolchain versions the way the Go
// vulnerability database writes them ("1.21rc2" is "1.21.0-rc.2").
type goScheme struct{}

func (goScheme) Name() string { return "go" }

type goVersion struct{ semverVersion }

var goToolchain = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$`)

func (goScheme) Parse(s string) (Version, error) {
	if err := checkInput("go", s); err != nil {
		return nil, err
	}
	t := strings.TrimPrefix(strings.TrimSpace(s), "go")
	if m := goToolchain.FindStringSubmatch(t); m != nil {
		patch := m[3]
		if patch == "" {
			patch = "0"
		}
		t = m[1] + "." + m[2] + "." + patch
		if m[4] != "" {
			t += "-" + m[4] + "." + m[5]
		}
	}
	v, err := parseSemver(t)
	if err != nil {
		return nil, fmt.Errorf("go version %q: %w", s, err)
	}
	v.raw = s
	return goVersion{v}, nil
}

func (v goVersion) Compare(o Version) int {
	var w semverVersion
	switch x := o.(type) {
	case goVersion:
		w = x.semverVersion
	case semverVersion:
		w = x
	}
	return compareSemver(v.semverVersion, w)
}
