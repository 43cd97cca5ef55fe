package version

import (
	"fmt"
	"strings"
)

// nugetScheme implements NuGet's version ordering (NuGetVersion with the
// default comparer): one to four numbers (major.minor.patch.revision,
// missing ones 0), then an optional SemVer 2.0 pre-release whose labels
// compare case-insensitively; build metadata is ignored.
type nugetScheme struct{}

func (nugetScheme) Name() string { return "nuget" }

type nugetVersion struct {
	raw  string
	nums [4]string
	pre  []string // lower-cased
}

func (nugetScheme) Parse(s string) (Version, error) {
	if err := checkInput("nuget", s); err != nil {
		return nil, err
	}
	v := nugetVersion{raw: s}
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "v"), "V")
	if i := strings.IndexByte(t, '+'); i >= 0 {
		if !validIdents(t[i+1:], false) {
			return nil, fmt.Errorf("nuget version %q: malformed metadata", s)
		}
		t = t[:i]
	}
	core := t
	if i := strings.IndexByte(t, '-'); i >= 0 {
		core = t[:i]
		if !validIdents(t[i+1:], false) {
			return nil, fmt.Errorf("nuget version %q: malformed pre-release label", s)
		}
		v.pre = strings.Split(strings.ToLower(t[i+1:]), ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) > 4 {
		return nil, fmt.Errorf("nuget version %q: more than four numbers", s)
	}
	for i := range v.nums {
		v.nums[i] = "0"
		if i < len(parts) {
			if !allDigits(parts[i]) {
				return nil, fmt.Errorf("nuget version %q: %q is not a number", s, parts[i])
			}
			v.nums[i] = trimZeros(parts[i])
		}
	}
	return v, nil
}

func (v nugetVersion) String() string { return v.raw }

func (v nugetVersion) Compare(o Version) int {
	w := o.(nugetVersion)
	for i := range v.nums {
		if c := compareNumeric(v.nums[i], w.nums[i]); c != 0 {
			return c
		}
	}
	return compareSemver(semverVersion{major: "0", minor: "0", patch: "0", pre: v.pre}, semverVersion{major: "0", minor: "0", patch: "0", pre: w.pre})
}
