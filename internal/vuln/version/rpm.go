package version

import (
	"fmt"
	"strings"
)

// rpmScheme implements RPM's ordering of [epoch:]version[-release]: the
// epoch (0 when absent), then the version, then the release when both
// sides have one, each compared with rpmvercmp: runs of digits or
// letters (everything else separates them), digits as numbers and newer
// than letters, "~" older than anything including the end, and "^"
// newer than the end but older than anything else.
type rpmScheme struct{}

func (rpmScheme) Name() string { return "rpm" }

type rpmVersion struct {
	raw, epoch, version, release string
	hasRelease                   bool
}

func (rpmScheme) Parse(s string) (Version, error) {
	if err := checkInput("rpm", s); err != nil {
		return nil, err
	}
	v := rpmVersion{raw: s, epoch: "0"}
	t := strings.TrimSpace(s)
	if t == "" {
		return nil, fmt.Errorf("rpm version %q: %w", s, errEmpty)
	}
	if e, rest, ok := strings.Cut(t, ":"); ok {
		if !allDigits(e) {
			return nil, fmt.Errorf("rpm version %q: the epoch %q is not a number", s, e)
		}
		v.epoch, t = e, rest
	}
	if i := strings.LastIndexByte(t, '-'); i >= 0 {
		v.version, v.release, v.hasRelease = t[:i], t[i+1:], true
	} else {
		v.version = t
	}
	if v.version == "" {
		return nil, fmt.Errorf("rpm version %q: the version is empty", s)
	}
	return v, nil
}

func (v rpmVersion) String() string { return v.raw }

func (v rpmVersion) Compare(o Version) int {
	w := o.(rpmVersion)
	if c := compareNumeric(v.epoch, w.epoch); c != 0 {
		return c
	}
	if c := rpmvercmp(v.version, w.version); c != 0 {
		return c
	}
	if v.hasRelease && w.hasRelease {
		return rpmvercmp(v.release, w.release)
	}
	return 0
}

func rpmSeparator(c byte) bool { return !isDigit(c) && !isAlpha(c) && c != '~' && c != '^' }

// rpmvercmp compares two version or release strings the way RPM does.
func rpmvercmp(a, b string) int {
	if a == b {
		return 0
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		for i < len(a) && rpmSeparator(a[i]) {
			i++
		}
		for j < len(b) && rpmSeparator(b[j]) {
			j++
		}
		// "~" sorts before everything else, the end included.
		ta, tb := i < len(a) && a[i] == '~', j < len(b) && b[j] == '~'
		if ta || tb {
			if !ta {
				return 1
			}
			if !tb {
				return -1
			}
			i++
			j++
			continue
		}
		// "^" sorts after the end but before anything else.
		ca, cb := i < len(a) && a[i] == '^', j < len(b) && b[j] == '^'
		if ca || cb {
			if i >= len(a) {
				return -1
			}
			if j >= len(b) {
				return 1
			}
			if !ca {
				return 1
			}
			if !cb {
				return -1
			}
			i++
			j++
			continue
		}
		if i >= len(a) || j >= len(b) {
			break
		}
		si, sj := i, j
		numeric := isDigit(a[i])
		if numeric {
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
		} else {
			for i < len(a) && isAlpha(a[i]) {
				i++
			}
			for j < len(b) && isAlpha(b[j]) {
				j++
			}
		}
		// a's segment is never empty here; b's is when the kinds differ:
		// a number is newer than letters.
		if j == sj {
			if numeric {
				return 1
			}
			return -1
		}
		sa, sb := a[si:i], b[sj:j]
		if numeric {
			if c := compareNumeric(sa, sb); c != 0 {
				return c
			}
		} else if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
	}
	switch {
	case i >= len(a) && j >= len(b):
		return 0
	case i >= len(a):
		return -1
	}
	return 1
}
