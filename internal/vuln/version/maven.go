package version

import (
	"fmt"
	"strconv"
	"strings"
)

// mavenScheme implements Maven's ComparableVersion ordering (Maven 3.8):
// the version is split at ".", "-" and digit/letter transitions into
// numbers and qualifiers; "-", a qualifier after a dot at the end, and
// a letters-to-digits transition open a nested list; trailing "null"
// items (0, "", "final", "ga", "release", empty lists) are dropped.
// Qualifiers order alpha < beta < milestone < rc = cr < snapshot <
// "" = final = ga = release < sp < any other (lexically); "a1", "b1",
// "m1" mean alpha-1, beta-1, milestone-1. A number is newer than a
// list, which is newer than a qualifier.
type mavenScheme struct{}

func (mavenScheme) Name() string { return "maven" }

type mavenKind int

const (
	mavenInt mavenKind = iota
	mavenString
	mavenList
)

type mavenItem struct {
	kind  mavenKind
	num   string // mavenInt: digits without leading zeros ("" is 0)
	str   string // mavenString: the qualifier after aliases
	items []*mavenItem
}

type mavenVersion struct {
	raw  string
	list *mavenItem
}

var mavenQualifiers = []string{"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"}

const mavenReleaseIndex = "5"

func (mavenScheme) Parse(s string) (Version, error) {
	if err := checkInput("maven", s); err != nil {
		return nil, err
	}
	t := strings.ToLower(s)
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] >= 0x7f {
			return nil, fmt.Errorf("maven version %q: only printable ASCII is accepted", s)
		}
	}
	return mavenVersion{raw: s, list: mavenParse(t)}, nil
}

func newMavenString(s string, followedByDigit bool) *mavenItem {
	if followedByDigit && len(s) == 1 {
		switch s {
		case "a":
			s = "alpha"
		case "b":
			s = "beta"
		case "m":
			s = "milestone"
		}
	}
	switch s {
	case "ga", "final", "release":
		s = ""
	case "cr":
		s = "rc"
	}
	return &mavenItem{kind: mavenString, str: s}
}

func mavenParseItem(digits bool, s string) *mavenItem {
	if digits {
		return &mavenItem{kind: mavenInt, num: strings.TrimLeft(s, "0")}
	}
	return newMavenString(s, false)
}

func mavenParse(v string) *mavenItem {
	root := &mavenItem{kind: mavenList}
	list := root
	stack := []*mavenItem{root}
	push := func() {
		l := &mavenItem{kind: mavenList}
		list.items = append(list.items, l)
		list = l
		stack = append(stack, l)
	}
	digit := false
	start := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' || c == '-':
			if i == start {
				list.items = append(list.items, &mavenItem{kind: mavenInt})
			} else {
				list.items = append(list.items, mavenParseItem(digit, v[start:i]))
			}
			start = i + 1
			if c == '-' {
				push()
			}
		case isDigit(c):
			if !digit && i > start {
				// "1.0.0.X1" < "1.0.0-X2": a qualifier followed by a
				// number opens a list, as "-" would.
				if len(list.items) > 0 {
					push()
				}
				list.items = append(list.items, newMavenString(v[start:i], true))
				start = i
				push()
			}
			digit = true
		default:
			if digit && i > start {
				list.items = append(list.items, mavenParseItem(true, v[start:i]))
				start = i
				push()
			}
			digit = false
		}
	}
	if len(v) > start {
		// A trailing ".X" reads as "-X" for any qualifier X.
		if !digit && len(list.items) > 0 {
			push()
		}
		list.items = append(list.items, mavenParseItem(digit, v[start:]))
	}
	for i := len(stack) - 1; i >= 0; i-- {
		stack[i].normalize()
	}
	return root
}

func (it *mavenItem) isNull() bool {
	switch it.kind {
	case mavenInt:
		return it.num == ""
	case mavenString:
		return it.str == ""
	}
	return len(it.items) == 0
}

// normalize drops trailing null items, looking through trailing lists.
func (it *mavenItem) normalize() {
	for i := len(it.items) - 1; i >= 0; i-- {
		last := it.items[i]
		if last.isNull() {
			it.items = append(it.items[:i], it.items[i+1:]...)
		} else if last.kind != mavenList {
			break
		}
	}
}

func mavenQualifierKey(q string) string {
	for i, k := range mavenQualifiers {
		if k == q {
			return strconv.Itoa(i)
		}
	}
	return strconv.Itoa(len(mavenQualifiers)) + "-" + q
}

// compare compares it with other; other nil stands for a missing item.
func (it *mavenItem) compare(other *mavenItem) int {
	switch it.kind {
	case mavenInt:
		if other == nil {
			if it.num == "" {
				return 0
			}
			return 1
		}
		switch other.kind {
		case mavenInt:
			return compareNumeric(it.num, other.num)
		default:
			return 1
		}
	case mavenString:
		if other == nil {
			return sign(strings.Compare(mavenQualifierKey(it.str), mavenReleaseIndex))
		}
		switch other.kind {
		case mavenString:
			return sign(strings.Compare(mavenQualifierKey(it.str), mavenQualifierKey(other.str)))
		default:
			return -1
		}
	}
	if other == nil {
		for _, x := range it.items {
			if c := x.compare(nil); c != 0 {
				return c
			}
		}
		return 0
	}
	switch other.kind {
	case mavenInt:
		return -1
	case mavenString:
		return 1
	}
	for i := 0; i < len(it.items) || i < len(other.items); i++ {
		var l, r *mavenItem
		if i < len(it.items) {
			l = it.items[i]
		}
		if i < len(other.items) {
			r = other.items[i]
		}
		var c int
		switch {
		case l == nil && r == nil:
		case l == nil:
			c = -r.compare(nil)
		default:
			c = l.compare(r)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// canonical renders the parsed form the way ComparableVersion's token
// listing does, for tests.
func (it *mavenItem) canonical() string {
	switch it.kind {
	case mavenInt:
		if it.num == "" {
			return "0"
		}
		return it.num
	case mavenString:
		return it.str
	}
	parts := make([]string, len(it.items))
	for i, x := range it.items {
		parts[i] = x.canonical()
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (v mavenVersion) String() string { return v.raw }

func (v mavenVersion) Compare(o Version) int { return v.list.compare(o.(mavenVersion).list) }
