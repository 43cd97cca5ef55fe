package match

import (
	"fmt"
	"slices"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/version"
)

// Verdict is what one record says about one installed version.
type Verdict struct {
	Affected bool
	// Fixed are the versions that fix the range the installed version
	// is in; empty when no fix is known.
	Fixed []string
	// LastAffected is the last affected version of that range, when
	// the record gives one instead of a fix.
	LastAffected string
	// Urgency is the vendor's rating carried by the entry (Debian).
	Urgency string
	// Severity is the entry's own severity, when it has one.
	Severity []osv.Severity
}

type event struct {
	kind byte // 'i', 'f', 'l', 'x'
	raw  string
	v    version.Version // nil for introduced "0" and limit "*"
}

func eventOf(e osv.Event) event {
	switch {
	case e.Introduced != "":
		return event{kind: 'i', raw: e.Introduced}
	case e.Fixed != "":
		return event{kind: 'f', raw: e.Fixed}
	case e.LastAffected != "":
		return event{kind: 'l', raw: e.LastAffected}
	}
	return event{kind: 'x', raw: e.Limit}
}

// eventOrder sorts introduced "0" first and, at equal versions,
// introduced before the events that close a range.
func eventOrder(a, b event) int {
	za, zb := a.v == nil, b.v == nil
	switch {
	case za && zb:
		return 0
	case za:
		if a.kind == 'x' {
			return 1
		}
		return -1
	case zb:
		if b.kind == 'x' {
			return -1
		}
		return 1
	}
	if c := a.v.Compare(b.v); c != 0 {
		return c
	}
	rank := func(k byte) int {
		if k == 'i' {
			return 0
		}
		return 1
	}
	return rank(a.kind) - rank(b.kind)
}

// rangeScheme is the scheme a range's versions are compared with:
// SEMVER ranges use SemVer (Go's flavour for Go, which writes toolchain
// versions too), ECOSYSTEM ranges the ecosystem's own.
func rangeScheme(q *Query, typ string) version.Scheme {
	if typ == osv.RangeSemver && q.Scheme != version.Go {
		return version.SemVer
	}
	return q.Scheme
}

// Evaluate decides whether the installed version q.Version is affected
// by the entries of one record. Ranges whose versions do not parse are
// reported in err and ignored; the others still decide.
func Evaluate(q *Query, entries []*store.Entry) (Verdict, error) {
	var verdict Verdict
	var errs []error
	parsed := map[version.Scheme]version.Version{}
	installed := func(s version.Scheme) (version.Version, error) {
		if v, ok := parsed[s]; ok {
			return v, nil
		}
		v, err := q.parse(s, q.Version)
		if err == nil {
			parsed[s] = v
		}
		return v, err
	}
	for _, e := range entries {
		hit, fixed, last, err := evaluateEntry(q, e, installed)
		if err != nil {
			errs = append(errs, err)
		}
		if !hit {
			continue
		}
		verdict.Affected = true
		for _, f := range fixed {
			if !slices.Contains(verdict.Fixed, f) {
				verdict.Fixed = append(verdict.Fixed, f)
			}
		}
		if last != "" {
			verdict.LastAffected = last
		}
		if e.Urgency != "" {
			verdict.Urgency = e.Urgency
		}
		verdict.Severity = append(verdict.Severity, e.Severity...)
	}
	if len(errs) > 0 {
		return verdict, fmt.Errorf("%s %s: %w", q.Name, q.Version, errs[0])
	}
	return verdict, nil
}

func evaluateEntry(q *Query, e *store.Entry, installed func(version.Scheme) (version.Version, error)) (hit bool, fixed []string, last string, err error) {
	listed := slices.Contains(e.Versions, q.Version)
	if !listed && len(e.Versions) > 0 {
		if iv, perr := installed(q.Scheme); perr == nil {
			for _, x := range e.Versions {
				if xv, xerr := q.parse(q.Scheme, x); xerr == nil && iv.Compare(xv) == 0 {
					listed = true
					break
				}
			}
		}
	}
	var above []string // fixed events above the installed version
	for _, r := range e.Ranges {
		s := rangeScheme(q, r.Type)
		iv, perr := installed(s)
		if perr != nil {
			err = fmt.Errorf("installed version: %w", perr)
			continue
		}
		h, f, l, rerr := evaluateRange(q, s, iv, r)
		if rerr != nil {
			err = rerr
			continue
		}
		if h {
			hit = true
			fixed = append(fixed, f...)
			if l != "" {
				last = l
			}
		} else if listed {
			above = append(above, fixesAbove(q, s, iv, r)...)
		}
	}
	if listed && !hit {
		// An explicitly listed version whose ranges were not given (or
		// do not cover it): the fix is the lowest fixed version above it.
		return true, lowest(q.Scheme, above), "", nil
	}
	if listed {
		err = nil
	}
	return hit || listed, fixed, last, err
}

// fixesAbove returns the fixed events of a range above the installed
// version.
func fixesAbove(q *Query, s version.Scheme, iv version.Version, r osv.Range) []string {
	var out []string
	for _, e := range r.Events {
		if e.Fixed == "" {
			continue
		}
		if fv, err := q.parse(s, e.Fixed); err == nil && fv.Compare(iv) > 0 {
			out = append(out, e.Fixed)
		}
	}
	return out
}

func lowest(s version.Scheme, vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if c, err := version.Compare(s, v, best); err == nil && c < 0 {
			best = v
		}
	}
	return []string{best}
}

// evaluateRange walks a range's events in version order: the installed
// version is affected when the last event at or below it is an
// introduced one (a fixed event at or below it, or a last_affected
// event strictly below it, ends the range), and never at or above a
// limit.
func evaluateRange(q *Query, s version.Scheme, iv version.Version, r osv.Range) (hit bool, fixed []string, last string, err error) {
	evs := make([]event, 0, len(r.Events))
	for _, e := range r.Events {
		ev := eventOf(e)
		if !(ev.kind == 'i' && ev.raw == "0") && !(ev.kind == 'x' && ev.raw == "*") {
			v, perr := q.parse(s, ev.raw)
			if perr != nil {
				return false, nil, "", fmt.Errorf("%s range event %q: %w", r.Type, ev.raw, perr)
			}
			ev.v = v
		}
		evs = append(evs, ev)
	}
	slices.SortStableFunc(evs, eventOrder)
	affected := false
	at := -1 // index of the last event that decided
	for i, ev := range evs {
		switch ev.kind {
		case 'i':
			if ev.v == nil || iv.Compare(ev.v) >= 0 {
				affected, at = true, i
			}
		case 'f':
			if iv.Compare(ev.v) >= 0 {
				affected, at = false, i
			}
		case 'l':
			if iv.Compare(ev.v) > 0 {
				affected, at = false, i
			}
		case 'x':
			if ev.v != nil && iv.Compare(ev.v) >= 0 {
				return false, nil, "", nil
			}
		}
	}
	if !affected {
		return false, nil, "", nil
	}
	// The fix is the first closing event after the introduced one that
	// decided.
	for _, ev := range evs[at+1:] {
		switch ev.kind {
		case 'f':
			return true, []string{ev.raw}, "", nil
		case 'l':
			return true, nil, ev.raw, nil
		}
	}
	return true, nil, "", nil
}
