// Package match decides which OSV records affect the packages of an
// inventory: OS packages by source package and distribution release
// against that distribution's own advisories only (so vendor backports
// are honoured), language packages by ecosystem; ECOSYSTEM and SEMVER
// ranges with introduced, fixed, last_affected and limit events and
// explicit version lists, all compared with the ecosystem's own rules.
//
// Queries and Evaluate are pure; Match runs the queries against a store.
package match

import (
	"fmt"
	"strings"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/version"
)

// Query is what one package is looked up by.
type Query struct {
	// Index is the package's index in the inventory.
	Index int
	// Base is the OSV ecosystem without release ("Debian", "PyPI").
	Base string
	// Name and Version are what advisories are written against: the
	// source package for dpkg and apk, the binary package for rpm.
	Name, Version string
	// Releases are the full ecosystems whose advisories apply
	// ("Debian:12"); empty means any (language ecosystems).
	Releases []string
	// Accept, when set, decides instead of Releases (Red Hat's
	// ecosystems name product streams: "Red Hat:enterprise_linux:9::baseos").
	Accept func(ecosystem string) bool
	Scheme version.Scheme
	// cache, when set, memoises version parsing across queries.
	cache *versionCache
}

type versionKey struct {
	scheme version.Scheme
	s      string
}

// versionCache memoises parsed versions (and parse errors).
type versionCache struct {
	m map[versionKey]version.Version
}

type parseErr struct {
	version.Version
	err error
}

func (q *Query) parse(s version.Scheme, v string) (version.Version, error) {
	if q.cache == nil {
		return s.Parse(v)
	}
	k := versionKey{s, v}
	if x, ok := q.cache.m[k]; ok {
		if pe, bad := x.(parseErr); bad {
			return nil, pe.err
		}
		return x, nil
	}
	x, err := s.Parse(v)
	if err != nil {
		q.cache.m[k] = parseErr{err: err}
		return nil, err
	}
	q.cache.m[k] = x
	return x, nil
}

// Applies reports whether records of the full ecosystem eco apply.
func (q *Query) Applies(eco string) bool {
	if q.Accept != nil {
		return q.Accept(eco)
	}
	if len(q.Releases) == 0 {
		return eco == q.Base
	}
	for _, r := range q.Releases {
		if r == eco {
			return true
		}
	}
	return false
}

// Skipped is a group of packages that could not be matched, and why.
type Skipped struct {
	Reason   string
	Packages int
}

var debianCodenames = map[string]string{
	"stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13", "forky": "14",
}

var languageEcosystems = map[inventory.Type]string{
	inventory.Golang: "Go", inventory.PyPI: "PyPI", inventory.NPM: "npm", inventory.Maven: "Maven",
	inventory.Cargo: "crates.io", inventory.Gem: "RubyGems",
}

func majorMinor(v string) (major, minor string) {
	parts := strings.SplitN(v, ".", 3)
	major = parts[0]
	if len(parts) > 1 {
		minor = parts[1]
	}
	return major, minor
}

// osQuery returns the ecosystem of the image's distribution release, or
// a reason why its OS packages cannot be matched.
func osQuery(os inventory.OS, t inventory.Type) (q Query, reason string) {
	switch t {
	case inventory.Deb:
		switch os.ID {
		case "debian":
			rel := os.Version
			if rel == "" {
				rel = debianCodenames[os.Codename]
			}
			rel, _ = majorMinor(rel)
			if rel == "" {
				return q, "Debian release unknown (no VERSION_ID in os-release): testing and unstable have no OSV release"
			}
			return Query{Base: "Debian", Releases: []string{"Debian:" + rel}, Scheme: version.Dpkg}, ""
		case "ubuntu":
			if os.Version == "" {
				return q, "Ubuntu release unknown (no VERSION_ID in os-release)"
			}
			return Query{Base: "Ubuntu", Releases: []string{"Ubuntu:" + os.Version + ":LTS", "Ubuntu:" + os.Version}, Scheme: version.Dpkg}, ""
		}
	case inventory.APK:
		switch os.ID {
		case "alpine":
			major, minor := majorMinor(os.Version)
			if major == "" || minor == "" {
				return q, fmt.Sprintf("Alpine release %q not understood", os.Version)
			}
			// "3.21.0_alpha20240807" is edge before the release.
			minor, _, _ = strings.Cut(minor, "_")
			return Query{Base: "Alpine", Releases: []string{"Alpine:v" + major + "." + minor}, Scheme: version.APK}, ""
		case "wolfi":
			return Query{Base: "Wolfi", Releases: []string{"Wolfi"}, Scheme: version.APK}, ""
		case "chainguard":
			return Query{Base: "Chainguard", Releases: []string{"Chainguard"}, Scheme: version.APK}, ""
		}
	case inventory.RPM:
		major, _ := majorMinor(os.Version)
		if major == "" {
			break
		}
		switch os.ID {
		case "rhel":
			return Query{Base: "Red Hat", Scheme: version.RPM, Accept: func(eco string) bool {
				// Red Hat:enterprise_linux:9::baseos, Red Hat:enterprise_linux:9::appstream;
				// the EUS/AUS/E4S streams are other products.
				parts := strings.Split(eco, ":")
				return len(parts) >= 3 && parts[0] == "Red Hat" && parts[1] == "enterprise_linux" &&
					(parts[2] == major || strings.HasPrefix(parts[2], major+"."))
			}}, ""
		case "rocky":
			return Query{Base: "Rocky Linux", Releases: []string{"Rocky Linux:" + major}, Scheme: version.RPM}, ""
		case "almalinux":
			return Query{Base: "AlmaLinux", Releases: []string{"AlmaLinux:" + major}, Scheme: version.RPM}, ""
		case "opensuse-leap":
			return Query{Base: "openSUSE", Releases: []string{"openSUSE:Leap " + os.Version}, Scheme: version.RPM}, ""
		}
	}
	name := os.ID
	if name == "" {
		name = "an unknown distribution"
	}
	return q, fmt.Sprintf("no OSV advisory feed for %s %s (%s packages)", name, os.Version, t)
}

// Queries maps every package of inv to its lookup. Packages that cannot
// be matched are counted by reason: they must not pass for clean.
func Queries(inv *inventory.Inventory) ([]Query, []Skipped) {
	var qs []Query
	skipped := map[string]int{}
	var order []string
	skip := func(reason string) {
		if skipped[reason] == 0 {
			order = append(order, reason)
		}
		skipped[reason]++
	}
	osq := map[inventory.Type]Query{}
	osReason := map[inventory.Type]string{}
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.IsOS() {
			q, ok := osq[p.Type]
			if !ok && osReason[p.Type] == "" {
				q, osReason[p.Type] = osQuery(inv.OS, p.Type)
				if osReason[p.Type] == "" {
					osq[p.Type] = q
					ok = true
				}
			}
			if !ok {
				skip(osReason[p.Type])
				continue
			}
			q.Index = i
			switch p.Type {
			case inventory.RPM:
				q.Name, q.Version = p.Name, p.Version
			default:
				q.Name, q.Version = p.Source()
			}
			qs = append(qs, q)
			continue
		}
		base, ok := languageEcosystems[p.Type]
		if !ok {
			skip(fmt.Sprintf("no OSV ecosystem for %s packages", p.Type))
			continue
		}
		scheme, _ := version.ForEcosystem(base)
		qs = append(qs, Query{Index: i, Base: base, Name: p.Name, Version: p.Version, Scheme: scheme})
	}
	var out []Skipped
	for _, r := range order {
		out = append(out, Skipped{Reason: r, Packages: skipped[r]})
	}
	return qs, out
}
