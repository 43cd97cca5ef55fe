// Package osvtest generates OSV records and all.zip archives of the size
// and shape of the real feeds, for tests and benchmarks of the importer,
// the store, the matcher and registry rescans. It is not used by
// palisade itself.
package osvtest

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// Shape is the kind of feed to imitate.
type Shape int

const (
	// Debian: CVE-named records for source packages over several
	// releases, ECOSYSTEM ranges, about a fifth unfixed, urgency.
	Debian Shape = iota
	// PyPI: GHSA records with CVE and PYSEC aliases, ECOSYSTEM ranges
	// and the explicit versions list osv.dev enumerates.
	PyPI
	// Go: GO- records with SEMVER ranges over several intervals.
	Go
	// NPM: GHSA records with SEMVER ranges.
	NPM
)

// Options describe a generated feed.
type Options struct {
	Shape    Shape
	Records  int
	Packages int // distinct package names
	Seed     uint64
	// Modified is the modified time of every record (default 2026-01-01).
	Modified time.Time
	// IDPrefix prefixes generated IDs, to keep feeds apart.
	IDPrefix string
}

// PackageName is the name of generated package number i.
func PackageName(shape Shape, i int) string {
	switch shape {
	case Go:
		return fmt.Sprintf("example.com/mod%d", i)
	case NPM:
		return fmt.Sprintf("pkg-%d", i)
	case PyPI:
		return fmt.Sprintf("py-pkg-%d", i)
	}
	return fmt.Sprintf("src%d", i)
}

func lorem(r *rand.Rand, n int) string {
	words := []string{"buffer", "overflow", "in", "the", "parser", "allows", "remote", "attackers", "to", "cause", "a", "denial", "of", "service", "via", "crafted", "input", "memory", "corruption", "when", "handling", "certificates"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

// Record makes record number i.
func Record(o Options, r *rand.Rand, i int) *osv.Vulnerability {
	mod := o.Modified
	if mod.IsZero() {
		mod = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pkgs := o.Packages
	if pkgs <= 0 {
		pkgs = 1
	}
	name := PackageName(o.Shape, r.IntN(pkgs))
	year := 2015 + i%11
	v := &osv.Vulnerability{
		SchemaVersion: "1.6.0",
		Modified:      mod,
		Published:     mod.AddDate(0, -1, 0),
		Details:       lorem(r, 200+r.IntN(600)),
		References: []osv.Reference{
			{Type: "ADVISORY", URL: fmt.Sprintf("https://security-tracker.example/CVE-%d-%d", year, 10000+i)},
			{Type: "WEB", URL: "https://example.com/advisory/" + fmt.Sprint(i)},
			{Type: "FIX", URL: "https://example.com/commit/" + fmt.Sprint(i)},
		},
	}
	cve := fmt.Sprintf("CVE-%d-%s%d", year, o.IDPrefix, 10000+i)
	switch o.Shape {
	case Debian:
		v.ID = cve
		for _, rel := range []string{"Debian:11", "Debian:12", "Debian:13"} {
			if r.IntN(3) == 0 {
				continue
			}
			events := []osv.Event{{Introduced: "0"}}
			if r.IntN(5) > 0 {
				events = append(events, osv.Event{Fixed: fmt.Sprintf("%d.%d.%d-%d+deb%su%d", r.IntN(5), r.IntN(20), r.IntN(30), 1+r.IntN(5), strings.TrimPrefix(rel, "Debian:"), 1+r.IntN(9))})
			}
			es, _ := json.Marshal(map[string]string{"urgency": []string{"low", "medium", "high", "unimportant", "not yet assigned"}[r.IntN(5)]})
			v.Affected = append(v.Affected, osv.Affected{
				Package:           osv.Package{Ecosystem: rel, Name: name},
				Ranges:            []osv.Range{{Type: osv.RangeEcosystem, Events: events}},
				EcosystemSpecific: es,
			})
		}
		if len(v.Affected) == 0 {
			v.Affected = append(v.Affected, osv.Affected{Package: osv.Package{Ecosystem: "Debian:12", Name: name},
				Ranges: []osv.Range{{Type: osv.RangeEcosystem, Events: []osv.Event{{Introduced: "0"}}}}})
		}
	case PyPI, NPM:
		v.ID = fmt.Sprintf("GHSA-%s%03x-%04x-%04x", o.IDPrefix, i%4096, r.IntN(65536), r.IntN(65536))
		v.Aliases = []string{cve}
		v.Summary = lorem(r, 60)
		v.Severity = []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}
		v.DatabaseSpecific = json.RawMessage(`{"severity":"HIGH","github_reviewed":true,"cwe_ids":["CWE-79"]}`)
		intro := fmt.Sprintf("%d.%d.0", r.IntN(3), r.IntN(10))
		fixed := fmt.Sprintf("%d.%d.%d", 3+r.IntN(3), r.IntN(10), r.IntN(10))
		eco, typ := "PyPI", osv.RangeEcosystem
		if o.Shape == NPM {
			eco, typ = "npm", osv.RangeSemver
		}
		a := osv.Affected{
			Package: osv.Package{Ecosystem: eco, Name: name},
			Ranges:  []osv.Range{{Type: typ, Events: []osv.Event{{Introduced: intro}, {Fixed: fixed}}}},
		}
		if o.Shape == PyPI {
			for k := range 5 + r.IntN(40) {
				a.Versions = append(a.Versions, fmt.Sprintf("%d.%d.%d", k/20, (k/5)%4, k%5))
			}
		}
		v.Affected = []osv.Affected{a}
	case Go:
		v.ID = fmt.Sprintf("GO-%d-%s%d", year, o.IDPrefix, i)
		v.Aliases = []string{cve, fmt.Sprintf("GHSA-%s%03x-%04x-%04x", o.IDPrefix, i%4096, r.IntN(65536), r.IntN(65536))}
		v.Summary = lorem(r, 60)
		v.Affected = []osv.Affected{{
			Package: osv.Package{Ecosystem: "Go", Name: name},
			Ranges: []osv.Range{{Type: osv.RangeSemver, Events: []osv.Event{
				{Introduced: "0"}, {Fixed: fmt.Sprintf("0.%d.0", 1+r.IntN(5))},
				{Introduced: "1.0.0"}, {Fixed: fmt.Sprintf("1.%d.%d", r.IntN(9), 1+r.IntN(9))},
			}}},
			EcosystemSpecific: json.RawMessage(`{"imports":[{"path":"` + name + `/sub","symbols":["Parse","Decode"]}]}`),
		}}
	}
	return v
}

// WriteZip writes an all.zip of o.Records generated records.
func WriteZip(path string, o Options) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	r := rand.New(rand.NewPCG(o.Seed, 7))
	for i := range o.Records {
		v := Record(o, r, i)
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		w, err := zw.Create(strings.ReplaceAll(v.ID, ":", "_") + ".json")
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

// WriteRecords writes records as a zip.
func WriteRecords(path string, vs ...*osv.Vulnerability) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		w, err := zw.Create(strings.ReplaceAll(v.ID, ":", "_") + ".json")
		if err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}
