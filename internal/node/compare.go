package node

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// compare applies a value operator (everything but the file and module
// operators) to a present value. It returns whether the test holds.
func compare(op, got, want string, wants []string) (bool, error) {
	switch op {
	case "eq":
		return equalValues(got, want), nil
	case "neq":
		return !equalValues(got, want), nil
	case "has":
		return slices.ContainsFunc(splitList(got), func(e string) bool { return equalValues(e, want) }), nil
	case "not-has":
		return !slices.ContainsFunc(splitList(got), func(e string) bool { return equalValues(e, want) }), nil
	case "regex", "not-regex":
		re, err := regexp.Compile(want)
		if err != nil {
			return false, err
		}
		return re.MatchString(got) == (op == "regex"), nil
	case "set":
		return true, nil
	case "gte", "lte":
		g, okG := quantity(got)
		w, okW := quantity(want)
		if !okG || !okW {
			return false, fmt.Errorf("%q is not a number or duration", got)
		}
		if op == "gte" {
			return g >= w, nil
		}
		return g <= w, nil
	case "in":
		return slices.ContainsFunc(wants, func(w string) bool { return equalValues(got, w) }), nil
	case "subset":
		elems := splitList(got)
		if len(elems) == 0 {
			return false, nil
		}
		for _, e := range elems {
			if !slices.Contains(wants, e) {
				return false, nil
			}
		}
		return true, nil
	case "version-gte":
		return compareVersions(got, want) >= 0, nil
	case "empty":
		return len(splitList(got)) == 0, nil
	}
	return false, fmt.Errorf("operator %q does not apply to a value", op)
}

// equalValues compares two settings by meaning: booleans in any case,
// numbers numerically, durations by length, else exact strings.
func equalValues(a, b string) bool {
	if a == b {
		return true
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if ba, err := strconv.ParseBool(a); err == nil {
		if bb, err := strconv.ParseBool(b); err == nil {
			return ba == bb
		}
	}
	if qa, ok := quantity(a); ok {
		if qb, ok := quantity(b); ok {
			return qa == qb
		}
	}
	return a == b
}

// quantity reads a number or a Go duration ("4h0m0s", "5m") as a float;
// durations in seconds.
func quantity(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, true
	}
	if d, err := time.ParseDuration(s); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}

// parseOctal parses a permission value such as "600" or "0644".
func parseOctal(s string) (uint32, error) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o7777 {
		return 0, fmt.Errorf("mode %q is not an octal permission such as 600", s)
	}
	return uint32(v), nil
}

// modeAtMost reports whether mode grants nothing beyond max: 640 is at
// most 644, 660 is not at most 600. Set-ID and sticky bits count too.
func modeAtMost(mode, max uint32) bool { return mode&^max == 0 }

// compareVersions compares dotted versions ("1.33.2", "v1.34"), number by
// number; missing parts count as zero, and any pre-release suffix
// ("-rc.1", "+k3s1") is ignored.
func compareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionParts(v string) []int {
	v = strings.TrimPrefix(strings.TrimSpace(v), "v")
	if i := strings.IndexAny(v, "-+~ "); i >= 0 {
		v = v[:i]
	}
	var out []int
	for p := range strings.SplitSeq(v, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}
