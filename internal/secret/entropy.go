package secret

import (
	"math"
	"unicode/utf8"
)

// text is the input of the internal helpers, so that Scan can judge slices of
// its content without copying them into strings.
type text interface{ ~string | ~[]byte }

// Entropy returns the Shannon entropy of s in bits per character (per rune;
// for ASCII, per byte). It is 0 for the empty string and log2(n) at most for a
// string of n characters. Random base64 of 40 characters scores about 5,
// random hex about 3.8 and English words about 2.5 to 3.3.
func Entropy(s string) float64 { return entropy(s) }

func entropy[T text](s T) float64 {
	if len(s) == 0 {
		return 0
	}
	var counts [128]int
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return runeEntropy(string(s))
		}
		counts[c]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(n)
			h -= p * math.Log2(p)
		}
	}
	return h
}

// runeEntropy is the slow path of entropy for text outside ASCII.
func runeEntropy(s string) float64 {
	counts := make(map[rune]int)
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

// Redact returns s with its middle masked, for printing a secret in a report.
// Strings shorter than 12 characters are masked completely ("****"); longer
// ones keep at most their first 8 and last 4 characters, never more than a
// quarter and an eighth of the string, so the bulk of a secret is never shown.
func Redact(s string) string {
	n := utf8.RuneCountInString(s)
	if n < 12 {
		return mask
	}
	head := min(n/4, 8)
	tail := min(n/8, 4)
	return prefixRunes(s, head) + mask + suffixRunes(s, tail)
}

const mask = "****"

func prefixRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

func suffixRunes(s string, n int) string {
	i := len(s)
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}
