package store

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func rec(id string, mod time.Time, eco, name, fixed string, aliases ...string) *osv.Vulnerability {
	events := []osv.Event{{Introduced: "0"}}
	if fixed != "" {
		events = append(events, osv.Event{Fixed: fixed})
	}
	return &osv.Vulnerability{ID: id, Modified: mod, Aliases: aliases, Summary: "summary of " + id,
		Affected: []osv.Affected{{Package: osv.Package{Ecosystem: eco, Name: name},
			Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: events}}}}}
}

func write(t *testing.T, dir string, replace []string, vs ...*osv.Vulnerability) Summary {
	t.Helper()
	u, err := Begin(dir, replace, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if err := u.Add(v); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := u.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

type hit struct{ eco, id, fixed string }

func lookup(t *testing.T, dir, base, name string) []hit {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []hit
	err = s.View(func(tx *Tx) error {
		return tx.Lookup(base, name, func(eco, id string, es []*Entry) error {
			f := ""
			for _, ev := range es[0].Ranges[0].Events {
				if ev.Fixed != "" {
					f = ev.Fixed
				}
			}
			out = append(out, hit{eco, id, f})
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(t.TempDir())
	if !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteLookupUpsert(t *testing.T) {
	dir := t.TempDir()
	sum := write(t, dir, nil,
		rec("CVE-1", t0, "Debian:12", "openssl", "3.0.1-1"),
		rec("CVE-2", t0, "Debian:11", "openssl", ""),
		rec("PYSEC-1", t0, "PyPI", "Jinja2", "2.10.1", "CVE-9"),
		&osv.Vulnerability{ID: "NOPKG", Modified: t0},
	)
	if sum.Added != 3 || sum.Skipped != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if got := lookup(t, dir, "Debian", "openssl"); !reflect.DeepEqual(got, []hit{{"Debian:11", "CVE-2", ""}, {"Debian:12", "CVE-1", "3.0.1-1"}}) {
		t.Errorf("openssl: %v", got)
	}
	// PyPI names are looked up normalised.
	if got := lookup(t, dir, "PyPI", "jinja2"); len(got) != 1 || got[0].id != "PYSEC-1" {
		t.Errorf("jinja2: %v", got)
	}
	if got := lookup(t, dir, "Debian", "opens"); len(got) != 0 {
		t.Errorf("prefix of a name matched: %v", got)
	}

	// A newer version of CVE-1 replaces the old one and its index
	// entries; an older one changes nothing.
	sum = write(t, dir, nil, rec("CVE-1", t0.Add(time.Hour), "Debian:12", "openssl", "3.0.2-1"), rec("CVE-2", t0.Add(-time.Hour), "Debian:11", "libssl", ""))
	if sum.Updated != 1 || sum.Unchanged != 1 {
		t.Fatalf("summary %+v", sum)
	}
	if got := lookup(t, dir, "Debian", "openssl"); !reflect.DeepEqual(got, []hit{{"Debian:11", "CVE-2", ""}, {"Debian:12", "CVE-1", "3.0.2-1"}}) {
		t.Errorf("after update: %v", got)
	}
	if got := lookup(t, dir, "Debian", "libssl"); len(got) != 0 {
		t.Errorf("older record was written: %v", got)
	}

	// Withdrawing removes the record.
	w := rec("CVE-2", t0.Add(2*time.Hour), "Debian:11", "openssl", "")
	w.Withdrawn = &t0
	write(t, dir, nil, w)
	if got := lookup(t, dir, "Debian", "openssl"); len(got) != 1 || got[0].id != "CVE-1" {
		t.Errorf("after withdrawal: %v", got)
	}

	// Replacing an ecosystem drops what it had; the others stay.
	write(t, dir, []string{"Debian"}, rec("CVE-3", t0, "Debian:12", "zlib", "1.3-1"))
	if got := lookup(t, dir, "Debian", "openssl"); len(got) != 0 {
		t.Errorf("replaced ecosystem kept %v", got)
	}
	if got := lookup(t, dir, "PyPI", "jinja2"); len(got) != 1 {
		t.Errorf("other ecosystem lost: %v", got)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info := s.Info()
	if e, ok := info.Ecosystem("Debian"); !ok || e.Records != 1 {
		t.Errorf("Debian info %+v", e)
	}
	if e, ok := info.Ecosystem("PyPI"); !ok || e.Records != 1 || !e.Newest.Equal(t0) {
		t.Errorf("PyPI info %+v", e)
	}
	if info.Records() != 2 || !info.Built.Equal(t0) {
		t.Errorf("info %+v", info)
	}
	err = s.View(func(tx *Tx) error {
		r, err := tx.Record("PyPI", "PYSEC-1")
		if err != nil {
			return err
		}
		if r.Summary != "summary of PYSEC-1" || !reflect.DeepEqual(r.Aliases, []string{"CVE-9"}) {
			t.Errorf("record %+v", r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAbortLeavesLive(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, nil, rec("CVE-1", t0, "Debian:12", "openssl", "3.0.1-1"))
	u, err := Begin(dir, []string{"Debian"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.Add(rec("CVE-2", t0, "Debian:12", "zlib", "")); err != nil {
		t.Fatal(err)
	}
	u.Abort()
	if got := lookup(t, dir, "Debian", "openssl"); len(got) != 1 {
		t.Errorf("live database changed by an aborted update: %v", got)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	es := []*Entry{{
		Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1.0"}, {LastAffected: "2.0"}, {Limit: "3"}}},
			{Type: "SEMVER", Repo: "r", Events: []osv.Event{{Introduced: "1.0.0"}}}},
		Versions: []string{"0.9", "0.9.1"}, Urgency: "high",
		Severity: []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N"}},
	}, {}}
	got, err := decodeEntries(encodeEntries(es))
	if err != nil {
		t.Fatal(err)
	}
	es[1] = &Entry{}
	if !reflect.DeepEqual(got, es) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got[0], es[0])
	}
}

func FuzzDecodeEntries(f *testing.F) {
	f.Add(encodeEntries([]*Entry{{Ranges: []osv.Range{{Type: "ECOSYSTEM", Events: []osv.Event{{Introduced: "0"}, {Fixed: "1"}}}}, Versions: []string{"1"}, Urgency: "low"}}))
	f.Add([]byte{1, 200, 200, 200, 200, 200, 200, 200, 200, 200, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		es, err := decodeEntries(b)
		if err != nil {
			return
		}
		if _, err := decodeEntries(encodeEntries(es)); err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
	})
}

func TestRecordRoundTrip(t *testing.T) {
	r := &Record{ID: "GHSA-x", Modified: t0, Published: t0.Add(-time.Hour), Withdrawn: true, Aliases: []string{"CVE-1"},
		Upstream: []string{"CVE-2"}, Related: []string{"R"}, Summary: "s", Severity: []osv.Severity{{Type: "CVSS_V3", Score: "v"}},
		DatabaseSeverity: "HIGH", References: []string{"https://x"}}
	got, err := decodeRecord(encodeRecord(r))
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Errorf("round trip: %+v %v", got, err)
	}
	if _, err := decodeRecord(encodeRecord(r)[:10]); err == nil {
		t.Error("truncated record decoded")
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord(&Record{ID: "CVE-1", Modified: t0, Aliases: []string{"a"}, Severity: []osv.Severity{{Type: "Ubuntu", Score: "low"}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(b)
		if err != nil {
			return
		}
		if _, err := decodeRecord(encodeRecord(r)); err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
	})
}
