// Package version compares package versions with the exact rules of each
// ecosystem OSV knows: dpkg (Debian, Ubuntu), RPM (Red Hat, Rocky, Alma,
// SUSE), apk (Alpine, Wolfi, Chainguard), SemVer 2.0 (npm, crates.io,
// Hex, Pub), Go modules and toolchains, PEP 440 (PyPI), Maven,
// RubyGems and NuGet.
//
// Every scheme parses a string once into a Version; versions of the same
// scheme compare with Compare. Parsing never panics: malformed input
// gives an error that names the scheme.
package version

import (
	"errors"
	"fmt"
	"strings"
)

// Version is one parsed version.
type Version interface {
	// Compare returns -1, 0 or +1 as v sorts before, equal to or after
	// other. other must have been parsed by the same Scheme.
	Compare(other Version) int
	String() string
}

// Scheme is one ecosystem's version syntax and ordering.
type Scheme interface {
	Name() string
	Parse(s string) (Version, error)
}

// The schemes.
var (
	Dpkg   Scheme = dpkgScheme{}
	RPM    Scheme = rpmScheme{}
	APK    Scheme = apkScheme{}
	SemVer Scheme = semverScheme{}
	Go     Scheme = goScheme{}
	PEP440 Scheme = pep440Scheme{}
	Maven  Scheme = mavenScheme{}
	Gem    Scheme = gemScheme{}
	NuGet  Scheme = nugetScheme{}
)

// Schemes lists every scheme, for tests and fuzzing.
var Schemes = []Scheme{Dpkg, RPM, APK, SemVer, Go, PEP440, Maven, Gem, NuGet}

// MaxLen bounds the length of a version string: nothing real comes near,
// and a bound keeps hostile input from costing more than it should.
const MaxLen = 1024

var errEmpty = errors.New("empty version")

// ecosystemSchemes maps an OSV ecosystem (the part before any ":") to
// its scheme.
var ecosystemSchemes = map[string]Scheme{
	"Debian": Dpkg, "Ubuntu": Dpkg,
	"Alpine": APK, "Wolfi": APK, "Chainguard": APK, "Alpaquita": APK, "BellSoft Hardened Containers": APK,
	"Red Hat": RPM, "Rocky Linux": RPM, "AlmaLinux": RPM, "openSUSE": RPM, "SUSE": RPM,
	"Mageia": RPM, "openEuler": RPM, "Azure Linux": RPM, "Photon OS": RPM, "Oracle Linux": RPM,
	"Go":   Go,
	"PyPI": PEP440,
	"npm":  SemVer, "crates.io": SemVer, "Hex": SemVer, "Pub": SemVer, "SwiftURL": SemVer, "Bitnami": SemVer,
	"Maven":    Maven,
	"RubyGems": Gem,
	"NuGet":    NuGet,
}

// ForEcosystem returns the scheme of an OSV ecosystem such as "Debian:12",
// "Alpine:v3.20", "Red Hat:enterprise_linux:9::baseos" or "PyPI".
func ForEcosystem(ecosystem string) (Scheme, bool) {
	base, _, _ := strings.Cut(ecosystem, ":")
	s, ok := ecosystemSchemes[base]
	return s, ok
}

// Compare parses a and b with s and compares them.
func Compare(s Scheme, a, b string) (int, error) {
	va, err := s.Parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := s.Parse(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb), nil
}

func checkInput(scheme, s string) error {
	if s == "" {
		return fmt.Errorf("%s version: %w", scheme, errEmpty)
	}
	if len(s) > MaxLen {
		return fmt.Errorf("%s version is %d bytes long: at most %d are accepted", scheme, len(s), MaxLen)
	}
	return nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// compareNumeric compares two strings of decimal digits of any length
// numerically, without overflow.
func compareNumeric(a, b string) int {
	a = strings.TrimLeft(a, "0")
	b = strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
