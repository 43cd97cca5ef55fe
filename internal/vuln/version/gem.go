package version

import (
	"fmt"
	"regexp"
	"strings"
)

// gemScheme implements Gem::Version ordering (RubyGems): the version is
// split into numeric and alphabetic segments ("-" reads as ".pre.");
// trailing zero segments of the numeric part and of the part after the
// first letter are dropped; segments compare pairwise, missing ones as
// 0, numbers numerically and above letters, letters lexically. Any
// letter makes a pre-release, which sorts before its release.
type gemScheme struct{}

func (gemScheme) Name() string { return "rubygems" }

var gemRe = regexp.MustCompile(`^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`)
var gemSegment = regexp.MustCompile(`[0-9]+|[a-zA-Z]+`)

type gemVersion struct {
	raw  string
	segs []string // canonical segments
}

func (gemScheme) Parse(s string) (Version, error) {
	if err := checkInput("rubygems", s); err != nil {
		return nil, err
	}
	t := strings.TrimSpace(s)
	if !gemRe.MatchString(t) {
		return nil, fmt.Errorf("rubygems version %q is malformed", s)
	}
	t = strings.ReplaceAll(t, "-", ".pre.")
	all := gemSegment.FindAllString(t, -1)
	for i, x := range all {
		if allDigits(x) {
			all[i] = trimZeros(x)
		}
	}
	firstString := len(all)
	for i, x := range all {
		if !allDigits(x) {
			firstString = i
			break
		}
	}
	dropZeros := func(xs []string) []string {
		for len(xs) > 0 && xs[len(xs)-1] == "0" {
			xs = xs[:len(xs)-1]
		}
		return xs
	}
	num := dropZeros(append([]string(nil), all[:firstString]...))
	str := dropZeros(append([]string(nil), all[firstString:]...))
	return gemVersion{raw: s, segs: append(num, str...)}, nil
}

func (v gemVersion) String() string { return v.raw }

func (v gemVersion) Compare(o Version) int {
	w := o.(gemVersion)
	n := max(len(v.segs), len(w.segs))
	for i := 0; i < n; i++ {
		a, b := "0", "0"
		if i < len(v.segs) {
			a = v.segs[i]
		}
		if i < len(w.segs) {
			b = w.segs[i]
		}
		if a == b {
			continue
		}
		an, bn := allDigits(a), allDigits(b)
		switch {
		case an && bn:
			return compareNumeric(a, b)
		case an:
			return 1
		case bn:
			return -1
		}
		return sign(strings.Compare(a, b))
	}
	return 0
}
