// Package upgrade knows Kubernetes releases: which minor versions are
// supported and until when (an embedded table, refreshable from a file),
// the version skew policy between the control plane, kubelets and the
// other components, and the lifecycle of every built-in API version
// (deprecated in, removed in, replaced by), read from the
// prerelease-lifecycle methods generated into k8s.io/api rather than
// from a hand-kept list (for versions it no longer defines, from those
// of older releases: see removed_apis.json). It is pure but for LoadTable and the cluster
// metrics reader.
package upgrade

import (
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Version is a Kubernetes version: 1.29 or 1.29.3.
type Version struct {
	Major, Minor int
	// Patch is -1 when only the minor is known.
	Patch int
}

var versionRe = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?`)

// maxMinor bounds the minor versions palisade accepts.
const maxMinor = 999

// ParseVersion reads "v1.29.3", "1.29", "v1.29.3-eks-4d8f9c1",
// "v1.30.2+k3s1" or "1.29.x".
func ParseVersion(s string) (Version, error) {
	m := versionRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Version{}, fmt.Errorf("%q is not a Kubernetes version (want v1.N or v1.N.P)", s)
	}
	v := Version{Patch: -1}
	v.Major, _ = strconv.Atoi(m[1])
	minor, errMinor := strconv.Atoi(m[2])
	v.Minor = minor
	var patchErr error
	if m[3] != "" {
		v.Patch, patchErr = strconv.Atoi(m[3])
	}
	if v.Major != 1 {
		return Version{}, fmt.Errorf("%q is not a Kubernetes 1.x version", s)
	}
	// Kubernetes makes three minors a year: anything past 1.999 (or a
	// number that does not fit) is a typo, and would make upgrade paths
	// of millions of steps.
	if errMinor != nil || minor > maxMinor || patchErr != nil || v.Patch > maxMinor*1000 {
		return Version{}, fmt.Errorf("%q is not a Kubernetes version (minor or patch out of range)", s)
	}
	return v, nil
}

// MinorOf makes a version of a minor only.
func MinorOf(major, minor int) Version { return Version{Major: major, Minor: minor, Patch: -1} }

// IsZero reports whether v is unset.
func (v Version) IsZero() bool { return v.Major == 0 }

// MinorString is "1.29".
func (v Version) MinorString() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// String is "v1.29.3" or "v1.29".
func (v Version) String() string {
	if v.Patch < 0 {
		return "v" + v.MinorString()
	}
	return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// CompareMinor orders versions by major and minor only.
func (v Version) CompareMinor(o Version) int {
	return cmp.Or(cmp.Compare(v.Major, o.Major), cmp.Compare(v.Minor, o.Minor))
}

// MinorsBehind is how many minors o is behind v (negative when ahead).
func (v Version) MinorsBehind(o Version) int {
	return (v.Major-o.Major)*1000 + v.Minor - o.Minor
}

// Release is one minor version of Kubernetes.
type Release struct {
	Minor       string `json:"minor"`
	Released    string `json:"released"`
	Maintenance string `json:"maintenance,omitempty"`
	EOL         string `json:"eol"`
	LatestPatch string `json:"latestPatch,omitempty"`

	version            Version
	released, eol, mnt time.Time
	latest             Version
}

// Version is the release's minor as a Version.
func (r *Release) Version() Version { return r.version }

// EOLDate is the end-of-life date.
func (r *Release) EOLDate() time.Time { return r.eol }

// ReleasedDate is the release date of v1.N.0.
func (r *Release) ReleasedDate() time.Time { return r.released }

// Latest is the newest patch known, or the zero Version.
func (r *Release) Latest() Version { return r.latest }

// Table is the list of Kubernetes releases.
type Table struct {
	AsOf     string    `json:"asOf"`
	Source   string    `json:"source,omitempty"`
	Releases []Release `json:"releases"`
	asOf     time.Time
}

//go:embed releases.json
var embedded []byte

// Embedded returns the table palisade ships.
func Embedded() *Table {
	t, err := ParseTable(embedded)
	if err != nil {
		panic("embedded release table: " + err.Error())
	}
	return t
}

// LoadTable reads a release table from a file of the same format as the
// embedded one (to refresh it without a new palisade).
func LoadTable(path string) (*Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the release table: %w", err)
	}
	t, err := ParseTable(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseTable reads and validates a release table.
func ParseTable(data []byte) (*Table, error) {
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("release table larger than 1 MiB")
	}
	var t Table
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("not a release table: %w", err)
	}
	var err error
	if t.asOf, err = time.Parse(time.DateOnly, t.AsOf); err != nil {
		return nil, fmt.Errorf("asOf %q: want YYYY-MM-DD", t.AsOf)
	}
	if len(t.Releases) == 0 {
		return nil, fmt.Errorf("no releases")
	}
	for i := range t.Releases {
		r := &t.Releases[i]
		if r.version, err = ParseVersion(r.Minor); err != nil {
			return nil, fmt.Errorf("release %d: %w", i, err)
		}
		if r.released, err = time.Parse(time.DateOnly, r.Released); err != nil {
			return nil, fmt.Errorf("release %s: released %q: want YYYY-MM-DD", r.Minor, r.Released)
		}
		if r.eol, err = time.Parse(time.DateOnly, r.EOL); err != nil {
			return nil, fmt.Errorf("release %s: eol %q: want YYYY-MM-DD", r.Minor, r.EOL)
		}
		if r.Maintenance != "" {
			if r.mnt, err = time.Parse(time.DateOnly, r.Maintenance); err != nil {
				return nil, fmt.Errorf("release %s: maintenance %q: want YYYY-MM-DD", r.Minor, r.Maintenance)
			}
		}
		if r.LatestPatch != "" {
			if r.latest, err = ParseVersion(r.LatestPatch); err != nil || r.latest.CompareMinor(r.version) != 0 {
				return nil, fmt.Errorf("release %s: latestPatch %q is not a patch of it", r.Minor, r.LatestPatch)
			}
		}
	}
	slices.SortFunc(t.Releases, func(a, b Release) int { return a.version.CompareMinor(b.version) })
	return &t, nil
}

// AsOfDate is the date the table describes.
func (t *Table) AsOfDate() time.Time { return t.asOf }

// Find returns the release of v's minor, or nil.
func (t *Table) Find(v Version) *Release {
	for i := range t.Releases {
		if t.Releases[i].version.CompareMinor(v) == 0 {
			return &t.Releases[i]
		}
	}
	return nil
}

// Newest is the newest release of the table.
func (t *Table) Newest() *Release { return &t.Releases[len(t.Releases)-1] }

// Support is how a version stands on a date.
type Support struct {
	Version Version
	Release *Release
	// Known is false when the table does not list the minor (older than
	// its first entry, or newer than the table).
	Known bool
	// EOL is true when end of life has passed; Maintenance when the
	// release is in maintenance mode (only critical fixes).
	EOL, Maintenance bool
	// DaysLeft until end of life (negative once past).
	DaysLeft int
	// BehindPatch is the newest known patch when v is older.
	BehindPatch Version
}

// SupportOf judges a version on a date.
func (t *Table) SupportOf(v Version, now time.Time) Support {
	s := Support{Version: v}
	r := t.Find(v)
	if r == nil {
		if v.CompareMinor(t.Releases[0].version) < 0 {
			s.EOL, s.Known = true, false
		}
		return s
	}
	s.Release, s.Known = r, true
	day := now.UTC().Truncate(24 * time.Hour)
	s.DaysLeft = int(r.eol.Sub(day).Hours() / 24)
	s.EOL = !day.Before(r.eol)
	s.Maintenance = !r.mnt.IsZero() && !day.Before(r.mnt) && !s.EOL
	if !r.latest.IsZero() && v.Patch >= 0 && v.Patch < r.latest.Patch {
		s.BehindPatch = r.latest
	}
	return s
}

// Supported lists the releases not past end of life on a date.
func (t *Table) Supported(now time.Time) []*Release {
	var out []*Release
	for i := range t.Releases {
		if now.Before(t.Releases[i].eol) {
			out = append(out, &t.Releases[i])
		}
	}
	return out
}
