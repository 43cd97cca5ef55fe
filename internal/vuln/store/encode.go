package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// Entry is what the store keeps of one affected[] element for one
// package in one ecosystem: enough to decide whether a version is
// affected and what fixes it, nothing else.
type Entry struct {
	Ranges   []osv.Range
	Versions []string
	// Urgency is the Debian security tracker's urgency
	// (ecosystem_specific.urgency): unimportant, low, medium, high.
	Urgency string
	// Severity is the affected element's own severity, when it has one.
	Severity []osv.Severity
}

const entryFormat = 1

// The encoding is a format byte, then uvarint counts and length-prefixed
// strings: ranges (type, repo, events as kind byte + value), versions,
// urgency, severities (type, score). Decoding is bounds-checked: a
// corrupt store gives an error, not a panic.

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// encodeEntries encodes the entries of one record for one package.
func encodeEntries(es []*Entry) []byte {
	b := []byte{entryFormat}
	b = binary.AppendUvarint(b, uint64(len(es)))
	for _, e := range es {
		b = appendEntry(b, e)
	}
	return b
}

func appendEntry(b []byte, e *Entry) []byte {
	b = binary.AppendUvarint(b, uint64(len(e.Ranges)))
	for _, r := range e.Ranges {
		b = appendString(b, r.Type)
		b = appendString(b, r.Repo)
		b = binary.AppendUvarint(b, uint64(len(r.Events)))
		for _, ev := range r.Events {
			switch {
			case ev.Introduced != "":
				b = append(b, 'i')
				b = appendString(b, ev.Introduced)
			case ev.Fixed != "":
				b = append(b, 'f')
				b = appendString(b, ev.Fixed)
			case ev.LastAffected != "":
				b = append(b, 'l')
				b = appendString(b, ev.LastAffected)
			default:
				b = append(b, 'x')
				b = appendString(b, ev.Limit)
			}
		}
	}
	b = binary.AppendUvarint(b, uint64(len(e.Versions)))
	for _, v := range e.Versions {
		b = appendString(b, v)
	}
	b = appendString(b, e.Urgency)
	b = binary.AppendUvarint(b, uint64(len(e.Severity)))
	for _, s := range e.Severity {
		b = appendString(b, s.Type)
		b = appendString(b, s.Score)
	}
	return b
}

var errCorrupt = errors.New("corrupt entry in the vulnerability database: run palisade db update or db import again")

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() int {
	if d.err != nil {
		return 0
	}
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)) {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > len(d.b) {
		d.err = errCorrupt
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errCorrupt
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

// decodeEntries decodes what encodeEntries wrote.
func decodeEntries(b []byte) ([]*Entry, error) {
	d := &decoder{b: b}
	if d.byte() != entryFormat {
		return nil, fmt.Errorf("%w (unknown entry format)", errCorrupt)
	}
	n := d.uvarint()
	var out []*Entry
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.entry())
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, errCorrupt
	}
	return out, nil
}

func (d *decoder) entry() *Entry {
	e := &Entry{}
	nr := d.uvarint()
	for i := 0; i < nr && d.err == nil; i++ {
		r := osv.Range{Type: d.string(), Repo: d.string()}
		ne := d.uvarint()
		for j := 0; j < ne && d.err == nil; j++ {
			kind, val := d.byte(), d.string()
			switch kind {
			case 'i':
				r.Events = append(r.Events, osv.Event{Introduced: val})
			case 'f':
				r.Events = append(r.Events, osv.Event{Fixed: val})
			case 'l':
				r.Events = append(r.Events, osv.Event{LastAffected: val})
			case 'x':
				r.Events = append(r.Events, osv.Event{Limit: val})
			default:
				d.err = errCorrupt
			}
		}
		e.Ranges = append(e.Ranges, r)
	}
	nv := d.uvarint()
	for i := 0; i < nv && d.err == nil; i++ {
		e.Versions = append(e.Versions, d.string())
	}
	e.Urgency = d.string()
	ns := d.uvarint()
	for i := 0; i < ns && d.err == nil; i++ {
		e.Severity = append(e.Severity, osv.Severity{Type: d.string(), Score: d.string()})
	}
	return e
}

const recordFormat = 1

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

// encodeRecord encodes a Record: read once per matched record, so it is
// kept in the same compact form as the entries rather than JSON.
func encodeRecord(r *Record) []byte {
	b := []byte{recordFormat}
	b = appendString(b, r.ID)
	b = appendTime(b, r.Modified)
	b = appendTime(b, r.Published)
	if r.Withdrawn {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendStrings(b, r.Aliases)
	b = appendStrings(b, r.Upstream)
	b = appendStrings(b, r.Related)
	b = appendString(b, r.Summary)
	b = binary.AppendUvarint(b, uint64(len(r.Severity)))
	for _, s := range r.Severity {
		b = appendString(b, s.Type)
		b = appendString(b, s.Score)
	}
	b = appendString(b, r.DatabaseSeverity)
	return appendStrings(b, r.References)
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	n, k := binary.Varint(d.b)
	if k <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[k:]
	return n
}

func (d *decoder) time() time.Time {
	n := d.varint()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func (d *decoder) strings() []string {
	n := d.uvarint()
	var out []string
	for i := 0; i < n && d.err == nil; i++ {
		out = append(out, d.string())
	}
	return out
}

// decodeRecord decodes what encodeRecord wrote.
func decodeRecord(b []byte) (*Record, error) {
	d := &decoder{b: b}
	if d.byte() != recordFormat {
		return nil, fmt.Errorf("%w (unknown record format)", errCorrupt)
	}
	r := &Record{ID: d.string(), Modified: d.time(), Published: d.time()}
	r.Withdrawn = d.byte() == 1
	r.Aliases, r.Upstream, r.Related = d.strings(), d.strings(), d.strings()
	r.Summary = d.string()
	n := d.uvarint()
	for i := 0; i < n && d.err == nil; i++ {
		r.Severity = append(r.Severity, osv.Severity{Type: d.string(), Score: d.string()})
	}
	r.DatabaseSeverity = d.string()
	r.References = d.strings()
	if d.err != nil {
		return nil, d.err
	}
	return r, nil
}
