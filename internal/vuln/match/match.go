package match

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/version"
)

// Source is what matching reads: a store transaction.
type Source interface {
	LookupFiltered(base, name string, accept func(ecosystem string) bool, fn func(ecosystem, id string, entries []*store.Entry) error) error
	Record(base, id string) (*store.Record, error)
}

var _ Source = (*store.Tx)(nil)

// Hit is one record that affects one package.
type Hit struct {
	Record    *store.Record
	Ecosystem string
	Verdict   Verdict
}

// Vulnerability is one vulnerability of one package: the records that
// name it (an advisory, the CVE, the GHSA, the distribution's own IDs)
// merged through their aliases.
type Vulnerability struct {
	// IDs are every ID of the merged records and their aliases: CVE
	// first, then GHSA, then the rest, each group sorted.
	IDs []string
	// Records are the OSV records that matched.
	Records   []*store.Record
	Package   *inventory.Package
	Ecosystem string
	// Installed is the version compared: the source package's version
	// for dpkg and apk.
	Installed string
	Fixed     []string
	// LastAffected is set when a record gives the last affected
	// version instead of a fix.
	LastAffected string
	// Urgency is the vendor's rating (Debian urgency).
	Urgency string
	// EntrySeverity are severities given on the affected entries.
	EntrySeverity []osvSeverity
}

type osvSeverity = struct{ Type, Score string }

// Unfixed reports whether no fixed version is known.
func (v *Vulnerability) Unfixed() bool { return len(v.Fixed) == 0 }

// Result is the outcome of matching one inventory.
type Result struct {
	Vulnerabilities []Vulnerability
	Skipped         []Skipped
	// Errors are records whose ranges could not be evaluated; the rest
	// were.
	Errors []string
	// Packages is the number of packages looked up.
	Packages int
}

// Match looks every package of inv up in src.
func Match(src Source, inv *inventory.Inventory) (*Result, error) {
	qs, skipped := Queries(inv)
	res := &Result{Skipped: skipped, Packages: len(qs)}
	// Records and versions repeat across packages (every binary of a
	// source package, the same fixed version in many records): decode
	// and parse each once per match.
	records := map[string]*store.Record{}
	cache := &versionCache{m: map[versionKey]version.Version{}}
	for i := range qs {
		q := &qs[i]
		q.cache = cache
		var hits []Hit
		err := src.LookupFiltered(q.Base, q.Name, q.Applies, func(eco, id string, entries []*store.Entry) error {
			verdict, err := Evaluate(q, entries)
			if err != nil && len(res.Errors) < 100 {
				res.Errors = append(res.Errors, fmt.Sprintf("%s: %v", id, err))
			}
			if !verdict.Affected {
				return nil
			}
			rec := records[q.Base+"\x00"+id]
			if rec == nil {
				var err error
				if rec, err = src.Record(q.Base, id); err != nil {
					return err
				}
				records[q.Base+"\x00"+id] = rec
			}
			if rec.Withdrawn {
				return nil
			}
			hits = append(hits, Hit{Record: rec, Ecosystem: eco, Verdict: verdict})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("looking up %s %s: %w", q.Base, q.Name, err)
		}
		if len(hits) > 0 {
			res.Vulnerabilities = append(res.Vulnerabilities, Merge(q, &inv.Packages[q.Index], hits)...)
		}
	}
	slices.SortFunc(res.Vulnerabilities, func(a, b Vulnerability) int {
		return cmp.Or(cmp.Compare(a.Package.Name, b.Package.Name), cmp.Compare(a.Package.Version, b.Package.Version),
			cmp.Compare(a.Package.File, b.Package.File), cmp.Compare(a.IDs[0], b.IDs[0]))
	})
	return res, nil
}

// Merge folds the records that hit one package into vulnerabilities:
// records are joined through their aliases and through a single
// upstream ID (an Ubuntu USN about one CVE, a Red Hat advisory about
// one CVE). An advisory about several upstream vulnerabilities that
// are reported on their own adds its ID and fixes to each of them
// instead of standing alone.
func Merge(q *Query, p *inventory.Package, hits []Hit) []Vulnerability {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		r := find(parent[x])
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[ra] = rb
		}
	}
	multi := map[int]bool{}
	for i, h := range hits {
		r := h.Record
		find(r.ID)
		for _, a := range r.Aliases {
			union(r.ID, a)
		}
		switch {
		case len(r.Upstream) == 1:
			union(r.ID, r.Upstream[0])
		case len(r.Upstream) > 1:
			multi[i] = true
		}
	}
	groups := map[string][]int{}
	var roots []string
	for i, h := range hits {
		if multi[i] {
			continue
		}
		root := find(h.Record.ID)
		if groups[root] == nil {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], i)
	}
	// Multi-upstream advisories join the groups of their upstream IDs
	// that matched; otherwise they stand alone.
	for i := range hits {
		if !multi[i] {
			continue
		}
		joined := false
		for _, up := range hits[i].Record.Upstream {
			if _, ok := parent[up]; !ok {
				continue
			}
			root := find(up)
			if _, ok := groups[root]; ok {
				groups[root] = append(groups[root], i)
				joined = true
			}
		}
		if !joined {
			root := find(hits[i].Record.ID)
			if groups[root] == nil {
				roots = append(roots, root)
			}
			groups[root] = append(groups[root], i)
		}
	}
	var out []Vulnerability
	for _, root := range roots {
		v := Vulnerability{Package: p, Installed: q.Version}
		ids := map[string]bool{}
		for _, i := range groups[root] {
			h := hits[i]
			v.Records = append(v.Records, h.Record)
			if v.Ecosystem == "" {
				v.Ecosystem = h.Ecosystem
			}
			ids[h.Record.ID] = true
			for _, a := range h.Record.Aliases {
				ids[a] = true
			}
			if len(h.Record.Upstream) == 1 {
				ids[h.Record.Upstream[0]] = true
			}
			for _, f := range h.Verdict.Fixed {
				if !slices.Contains(v.Fixed, f) {
					v.Fixed = append(v.Fixed, f)
				}
			}
			if h.Verdict.LastAffected != "" {
				v.LastAffected = h.Verdict.LastAffected
			}
			if h.Verdict.Urgency != "" {
				v.Urgency = h.Verdict.Urgency
			}
			for _, s := range h.Verdict.Severity {
				v.EntrySeverity = append(v.EntrySeverity, osvSeverity{s.Type, s.Score})
			}
		}
		for id := range ids {
			v.IDs = append(v.IDs, id)
		}
		SortIDs(v.IDs)
		slices.SortFunc(v.Records, func(a, b *store.Record) int { return cmp.Compare(a.ID, b.ID) })
		sortVersions(q, v.Fixed)
		out = append(out, v)
	}
	return out
}

func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return 0
	case strings.HasPrefix(id, "GHSA-"):
		return 1
	}
	return 2
}

// SortIDs orders IDs CVE first, then GHSA, then the rest, each sorted.
func SortIDs(ids []string) {
	slices.SortFunc(ids, func(a, b string) int { return cmp.Or(cmp.Compare(idRank(a), idRank(b)), cmp.Compare(a, b)) })
}

// sortVersions orders fixed versions by the query's scheme, falling back
// to text order for versions it cannot parse.
func sortVersions(q *Query, vs []string) {
	slices.SortFunc(vs, func(a, b string) int {
		if q.Scheme != nil {
			if c, err := version.Compare(q.Scheme, a, b); err == nil && c != 0 {
				return c
			}
		}
		return strings.Compare(a, b)
	})
}
