package version

import (
	"fmt"
	"regexp"
	"strings"
)

// pep440Scheme implements the version ordering of PEP 440 (Python
// packages): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the
// spelling normalisations the PEP requires (case, "alpha"/"beta"/"c"/
// "pre"/"preview", "rev"/"r", implicit numbers, "-N" post-releases,
// "_", "-" and "." separators, a leading "v"). Release segments compare
// with trailing zeros ignored; a dev release of a final release sorts
// before its pre-releases; local versions sort after their public
// version, numeric local segments after alphanumeric ones.
type pep440Scheme struct{}

func (pep440Scheme) Name() string { return "pep440" }

var pep440Re = regexp.MustCompile(`^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)` +
	`(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?` +
	`(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?` +
	`(?:[-_.]?(dev)[-_.]?([0-9]+)?)?` +
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`)

type pep440Version struct {
	raw     string
	epoch   string
	release []string // numbers without leading zeros, trailing zeros dropped
	// preKind is 0 for a, 1 for b, 2 for rc; hasPre says whether set.
	hasPre  bool
	preKind int
	preNum  string
	hasPost bool
	postNum string
	hasDev  bool
	devNum  string
	local   []string
}

func trimZeros(s string) string {
	if s = strings.TrimLeft(s, "0"); s == "" {
		return "0"
	}
	return s
}

func (pep440Scheme) Parse(s string) (Version, error) {
	if err := checkInput("pep440", s); err != nil {
		return nil, err
	}
	m := pep440Re.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return nil, fmt.Errorf("pep440 version %q is not a valid PEP 440 version", s)
	}
	v := pep440Version{raw: s, epoch: trimZeros(m[1])}
	for _, p := range strings.Split(m[2], ".") {
		v.release = append(v.release, trimZeros(p))
	}
	for len(v.release) > 1 && v.release[len(v.release)-1] == "0" {
		v.release = v.release[:len(v.release)-1]
	}
	if m[3] != "" {
		v.hasPre, v.preNum = true, trimZeros(m[4])
		switch m[3] {
		case "a", "alpha":
			v.preKind = 0
		case "b", "beta":
			v.preKind = 1
		default:
			v.preKind = 2
		}
	}
	switch {
	case m[5] != "":
		v.hasPost, v.postNum = true, trimZeros(m[5])
	case m[6] != "":
		v.hasPost, v.postNum = true, trimZeros(m[7])
	}
	if m[8] != "" {
		v.hasDev, v.devNum = true, trimZeros(m[9])
	}
	if m[10] != "" {
		v.local = strings.FieldsFunc(m[10], func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	}
	return v, nil
}

func (v pep440Version) String() string { return v.raw }

// preRank orders the pre-release part: a dev release of a final release
// first (-1), then a, b, rc (0..2), then no pre-release (3).
func (v pep440Version) preRank() int {
	switch {
	case v.hasPre:
		return v.preKind
	case !v.hasPost && v.hasDev:
		return -1
	}
	return 3
}

func (v pep440Version) Compare(o Version) int {
	w := o.(pep440Version)
	if c := compareNumeric(v.epoch, w.epoch); c != 0 {
		return c
	}
	for i := 0; i < len(v.release) || i < len(w.release); i++ {
		switch {
		case i >= len(v.release):
			return -1
		case i >= len(w.release):
			return 1
		}
		if c := compareNumeric(v.release[i], w.release[i]); c != 0 {
			return c
		}
	}
	if c := sign(v.preRank() - w.preRank()); c != 0 {
		return c
	}
	if v.hasPre {
		if c := compareNumeric(v.preNum, w.preNum); c != 0 {
			return c
		}
	}
	// No post-release sorts before any post-release.
	switch {
	case v.hasPost && !w.hasPost:
		return 1
	case !v.hasPost && w.hasPost:
		return -1
	case v.hasPost:
		if c := compareNumeric(v.postNum, w.postNum); c != 0 {
			return c
		}
	}
	// No dev release sorts after any dev release.
	switch {
	case v.hasDev && !w.hasDev:
		return -1
	case !v.hasDev && w.hasDev:
		return 1
	case v.hasDev:
		if c := compareNumeric(v.devNum, w.devNum); c != 0 {
			return c
		}
	}
	// No local version sorts before any local version.
	switch {
	case v.local == nil && w.local == nil:
		return 0
	case v.local == nil:
		return -1
	case w.local == nil:
		return 1
	}
	for i := 0; i < len(v.local) && i < len(w.local); i++ {
		a, b := v.local[i], w.local[i]
		an, bn := allDigits(a), allDigits(b)
		var c int
		switch {
		case an && bn:
			c = compareNumeric(a, b)
		case an:
			c = 1
		case bn:
			c = -1
		default:
			c = strings.Compare(a, b)
		}
		if c != 0 {
			return c
		}
	}
	return sign(len(v.local) - len(w.local))
}
