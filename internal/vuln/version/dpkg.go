package version

import (
	"fmt"
	"strings"
)

// dpkgScheme implements Debian's version ordering (deb-version(7)):
// [epoch:]upstream_version[-debian_revision]. Epochs compare as numbers;
// upstream version and revision compare with the same algorithm:
// alternating non-digit parts, compared character by character with
// letters sorting before non-letters and "~" before anything, even the
// end of the part, and digit parts compared as numbers.
type dpkgScheme struct{}

func (dpkgScheme) Name() string { return "dpkg" }

type dpkgVersion struct {
	raw      string
	epoch    string // digits, "0" when absent
	upstream string
	revision string
}

func (dpkgScheme) Parse(s string) (Version, error) {
	if err := checkInput("dpkg", s); err != nil {
		return nil, err
	}
	v := dpkgVersion{raw: s, epoch: "0"}
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, fmt.Errorf("dpkg version %q: %w", s, errEmpty)
	}
	if strings.ContainsAny(t, " \t\n\r") {
		return nil, fmt.Errorf("dpkg version %q has embedded spaces", s)
	}
	if e, rest, ok := strings.Cut(t, ":"); ok {
		if e == "" {
			return nil, fmt.Errorf("dpkg version %q: the epoch is empty", s)
		}
		if !allDigits(e) || len(strings.TrimLeft(e, "0")) > 10 {
			return nil, fmt.Errorf("dpkg version %q: the epoch %q is not a number", s, e)
		}
		v.epoch = e
		t = rest
		if t == "" {
			return nil, fmt.Errorf("dpkg version %q: nothing after the epoch", s)
		}
	}
	if i := strings.LastIndexByte(t, '-'); i >= 0 {
		v.upstream, v.revision = t[:i], t[i+1:]
		if v.revision == "" {
			return nil, fmt.Errorf("dpkg version %q: the revision after the last '-' is empty", s)
		}
	} else {
		v.upstream = t
	}
	if v.upstream == "" {
		return nil, fmt.Errorf("dpkg version %q: the upstream version is empty", s)
	}
	for i := 0; i < len(v.upstream); i++ {
		if c := v.upstream[i]; !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".-+~:", rune(c)) {
			return nil, fmt.Errorf("dpkg version %q: invalid character %q in the upstream version", s, c)
		}
	}
	for i := 0; i < len(v.revision); i++ {
		if c := v.revision[i]; !isDigit(c) && !isAlpha(c) && !strings.ContainsRune(".+~", rune(c)) {
			return nil, fmt.Errorf("dpkg version %q: invalid character %q in the revision", s, c)
		}
	}
	return v, nil
}

func (v dpkgVersion) String() string { return v.raw }

func (v dpkgVersion) Compare(o Version) int {
	w := o.(dpkgVersion)
	if c := compareNumeric(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := dpkgCompareParts(v.upstream, w.upstream); c != 0 {
		return c
	}
	return dpkgCompareParts(v.revision, w.revision)
}

// dpkgOrder is the weight of one character in a non-digit part; 0 is
// the end of the part.
func dpkgOrder(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

// dpkgCompareParts compares upstream versions or revisions.
func dpkgCompareParts(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		// Non-digit prefix, compared character by character.
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := dpkgOrder(a, i), dpkgOrder(b, j)
			if ac != bc {
				return sign(ac - bc)
			}
			i++
			j++
		}
		// Digit part, compared as a number.
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		first := 0
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if first == 0 {
				first = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if first != 0 {
			return sign(first)
		}
	}
	return 0
}
