package version

import (
	"fmt"
	"strings"
)

// apkScheme implements apk-tools' version ordering, the format of
// Alpine, Wolfi and Chainguard packages:
//
//	number{.number}...{letter}{_suffix{number}}...{-r#}
//
// Numbers compare numerically, except that a component after a dot with
// leading zeros compares as a decimal fraction would ("1.05" < "1.5",
// "1.005" < "1.05").
// Suffixes _alpha, _beta, _pre and _rc sort before the release; _cvs,
// _svn, _git, _hg and _p after it. When one version is a prefix of the
// other, the longer is newer unless what follows is a pre-release
// suffix; an additional component is newer than a letter, which is
// newer than a suffix, which is newer than a revision.
type apkScheme struct{}

func (apkScheme) Name() string { return "apk" }

type apkTokenType int

// Token types in the order apk-tools requires them to appear.
const (
	apkDigitOrZero apkTokenType = iota // a component after "."
	apkDigit                           // the first component, or digits after leading zeros
	apkLetter
	apkSuffix
	apkSuffixNo
	apkRevisionNo
	apkEnd
)

type apkToken struct {
	typ apkTokenType
	val int64 // numbers are capped; see apkNumber
	num string
}

type apkVersion struct {
	raw    string
	tokens []apkToken // ends with an apkEnd token
}

var (
	apkPreSuffixes  = []string{"alpha", "beta", "pre", "rc"}
	apkPostSuffixes = []string{"cvs", "svn", "git", "hg", "p"}
)

func (apkScheme) Parse(s string) (Version, error) {
	if err := checkInput("apk", s); err != nil {
		return nil, err
	}
	toks, err := apkTokenize(s)
	if err != nil {
		return nil, fmt.Errorf("apk version %q: %w", s, err)
	}
	return apkVersion{raw: s, tokens: toks}, nil
}

// apkTokenize splits a version into typed tokens. Each token's value is
// its number, its letter or its suffix's rank (negative for pre-release
// suffixes); a component with leading zeros gives a token whose value is
// minus the number of zeros but one, followed by the rest of its digits.
func apkTokenize(s string) ([]apkToken, error) {
	var out []apkToken
	typ := apkDigit
	i := 0
	pending := false // a separator was consumed: a token of typ follows
	for {
		if i >= len(s) {
			if pending {
				// apk-tools reads an empty component after a trailing
				// separator as 0.
				out = append(out, apkToken{typ: typ})
			}
			out = append(out, apkToken{typ: apkEnd})
			return out, nil
		}
		pending = false
		tok := apkToken{typ: typ}
		next := apkTokenType(-1)
		switch typ {
		case apkDigitOrZero:
			if s[i] == '0' {
				// Leading zeros: the token is minus the number of
				// zeros but one, and the digits from the last zero on
				// follow as a number.
				n := 0
				for i+1 < len(s) && s[i+1] == '0' {
					i++
					n++
				}
				tok.val = int64(-n)
				next = apkDigit
				break
			}
			fallthrough
		case apkDigit, apkSuffixNo, apkRevisionNo:
			start := i
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			tok.num = strings.TrimLeft(s[start:i], "0")
		case apkLetter:
			tok.val = int64(s[i])
			i++
		case apkSuffix:
			rank, n := apkSuffixRank(s[i:])
			if n == 0 {
				return nil, fmt.Errorf("unknown suffix at %q: use one of _alpha, _beta, _pre, _rc, _cvs, _svn, _git, _hg, _p", "_"+s[i:])
			}
			tok.val = int64(rank)
			i += n
		}
		out = append(out, tok)
		if len(out) > MaxLen {
			return nil, fmt.Errorf("too many components")
		}
		if i >= len(s) {
			continue
		}
		if next >= 0 {
			typ = next
			continue
		}
		// Decide the type of the next token from what follows.
		c := s[i]
		var n apkTokenType
		switch {
		case (typ == apkDigit || typ == apkDigitOrZero) && c >= 'a' && c <= 'z':
			n = apkLetter
		case typ == apkLetter && isDigit(c):
			n = apkDigit
		case typ == apkSuffix && isDigit(c):
			n = apkSuffixNo
		case c == '.':
			n = apkDigitOrZero
			i++
			pending = true
		case c == '_':
			n = apkSuffix
			i++
			pending = true
		case c == '-' && i+1 < len(s) && s[i+1] == 'r':
			n = apkRevisionNo
			i += 2
			pending = true
		default:
			return nil, fmt.Errorf("unexpected %q at offset %d", c, i)
		}
		if n < typ && !(n == apkDigitOrZero && typ == apkDigit) && !(n == apkSuffix && typ == apkSuffixNo) && !(n == apkDigit && typ == apkLetter) {
			return nil, fmt.Errorf("%q at offset %d is out of order", c, i)
		}
		typ = n
	}
}

func apkSuffixRank(s string) (rank, n int) {
	for k, p := range apkPreSuffixes {
		if strings.HasPrefix(s, p) {
			return k - len(apkPreSuffixes), len(p)
		}
	}
	for k, p := range apkPostSuffixes {
		if strings.HasPrefix(s, p) {
			return k, len(p)
		}
	}
	return 0, 0
}

func (v apkVersion) String() string { return v.raw }

func (t apkToken) compareValue(u apkToken) int {
	if t.num != "" || u.num != "" {
		return compareNumeric(t.num, u.num)
	}
	return sign(int(t.val - u.val))
}

func (v apkVersion) Compare(o Version) int {
	w := o.(apkVersion)
	a, b := v.tokens, w.tokens
	for k := 0; ; k++ {
		ta, tb := a[k], b[k]
		if ta.typ != tb.typ {
			// One version goes on where the other does not: the longer
			// is newer unless it goes on with a pre-release suffix.
			if ta.typ == apkSuffix && ta.val < 0 {
				return -1
			}
			if tb.typ == apkSuffix && tb.val < 0 {
				return 1
			}
			if ta.typ > tb.typ {
				return -1
			}
			return 1
		}
		if ta.typ == apkEnd {
			return 0
		}
		if c := ta.compareValue(tb); c != 0 {
			return c
		}
	}
}
