// Package osv reads vulnerability records in the Open Source
// Vulnerability format (https://ossf.github.io/osv-schema/), the format
// of osv.dev, the GitHub advisory database, the Go vulnerability
// database and the Debian, Ubuntu, Alpine, Red Hat, Rocky, Alma, Wolfi
// and Chainguard feeds.
//
// Parse is the only parser; it bounds its input, checks the fields the
// matcher relies on and never panics.
package osv

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MaxRecordSize bounds one record. The largest real records (Ubuntu's
// kernel CVEs, listing every affected version of every release) are a
// few megabytes.
const MaxRecordSize = 64 << 20

// Vulnerability is one OSV record.
type Vulnerability struct {
	SchemaVersion string     `json:"schema_version,omitempty"`
	ID            string     `json:"id"`
	Modified      time.Time  `json:"modified"`
	Published     time.Time  `json:"published,omitzero"`
	Withdrawn     *time.Time `json:"withdrawn,omitempty"`
	Aliases       []string   `json:"aliases,omitempty"`
	// Upstream lists the records this one is derived from (schema 1.7),
	// such as the CVE an Ubuntu or Red Hat record is about.
	Upstream         []string        `json:"upstream,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is a scored rating: CVSS_V2, CVSS_V3, CVSS_V4, or a vendor's
// own word ("Ubuntu": "medium").
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one package's affected versions.
type Affected struct {
	Package           Package         `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Package names a package in an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range types.
const (
	RangeSemver    = "SEMVER"
	RangeEcosystem = "ECOSYSTEM"
	RangeGit       = "GIT"
)

// Range is a sequence of events over versions.
type Range struct {
	Type   string  `json:"type"`
	Repo   string  `json:"repo,omitempty"`
	Events []Event `json:"events"`
}

// Event is one of introduced, fixed, last_affected and limit.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Parse reads one record. A record without a modified time is accepted
// (the Go vulnerability database's repository writes the zero time):
// it sorts as the oldest version of itself.
func Parse(b []byte) (*Vulnerability, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("OSV record is %d bytes: more than the %d MiB accepted", len(b), MaxRecordSize>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var v Vulnerability
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("not an OSV record: %w", err)
	}
	if err := v.check(); err != nil {
		return nil, err
	}
	return &v, nil
}

func (v *Vulnerability) check() error {
	if strings.TrimSpace(v.ID) == "" {
		return errors.New("OSV record without an id")
	}
	if len(v.ID) > 256 || strings.ContainsAny(v.ID, "\x00\n/\\") {
		return fmt.Errorf("OSV record id %.40q is malformed", v.ID)
	}
	for i, a := range v.Affected {
		for j, r := range a.Ranges {
			switch r.Type {
			case RangeSemver, RangeEcosystem, RangeGit:
			default:
				return fmt.Errorf("OSV record %s: affected[%d].ranges[%d] has unknown type %q", v.ID, i, j, r.Type)
			}
			for _, e := range r.Events {
				n := 0
				for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
					if s != "" {
						n++
					}
				}
				if n != 1 {
					return fmt.Errorf("OSV record %s: affected[%d].ranges[%d] has an event with %d fields: each event has exactly one of introduced, fixed, last_affected, limit", v.ID, i, j, n)
				}
			}
		}
	}
	return nil
}

// IDs returns the record's ID and its aliases.
func (v *Vulnerability) IDs() []string {
	return append([]string{v.ID}, v.Aliases...)
}

// EcosystemBase is the ecosystem without its release: "Debian" for
// "Debian:12", "Red Hat" for "Red Hat:enterprise_linux:9::baseos".
func EcosystemBase(ecosystem string) string {
	base, _, _ := strings.Cut(ecosystem, ":")
	return base
}

// NormalizeName returns the form a package name is indexed and looked up
// by: PEP 503 for PyPI (lower case, runs of "-", "_", "." as one "-"),
// lower case for ecosystems whose names are case-insensitive, else the
// name as given.
func NormalizeName(ecosystem, name string) string {
	switch EcosystemBase(ecosystem) {
	case "PyPI":
		return pypiSeparators.ReplaceAllString(strings.ToLower(name), "-")
	case "NuGet", "Packagist", "Hex":
		return strings.ToLower(name)
	}
	return name
}

var pypiSeparators = regexp.MustCompile(`[-_.]+`)

// idPrefixes are the prefixes of vulnerability and advisory IDs that
// ignore entries and VEX statements may name.
var idPattern = regexp.MustCompile(`^(?i)(CVE-\d{4}-\d+|GHSA(-[0-9a-z]{4}){3}|GO-\d{4}-\d+|PYSEC-\d{4}-\d+|RUSTSEC-\d{4}-\d+|` +
	`(DSA|DLA|DTSA)-\d+(-\d+)?|USN-\d+-\d+|UBUNTU-CVE-\d{4}-\d+|(RHSA|RHBA|RHEA|RLSA|RLBA|ALSA|ALBA|ALEA|ELSA)-\d{4}[:_]\d+|` +
	`CGA(-[0-9a-z]{4}){3}|ALPINE-CVE-\d{4}-\d+|OSV-\d{4}-\d+|MAL-\d{4}-\d+|BIT-[a-z0-9-]+-\d{4}-\d+|DEBIAN-CVE-\d{4}-\d+|[A-Z]+-\d{4}-[0-9a-zA-Z-]+)$`)

// IsID reports whether s has the shape of a vulnerability or advisory ID
// (CVE-, GHSA-, GO-, PYSEC-, DSA-, USN-, RHSA-, ...).
func IsID(s string) bool { return idPattern.MatchString(strings.TrimSpace(s)) }
