// Package vex reads OpenVEX documents (https://github.com/openvex/spec,
// versions v0.0.1 and v0.2.0) and decides which vulnerability findings
// their statements cover: a "not_affected" or "fixed" statement
// suppresses the finding and says why.
package vex

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// Statuses of a statement.
const (
	NotAffected        = "not_affected"
	Affected           = "affected"
	Fixed              = "fixed"
	UnderInvestigation = "under_investigation"
)

// Justifications OpenVEX allows for not_affected.
var Justifications = []string{
	"component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist",
}

// Document is an OpenVEX document.
type Document struct {
	Context    string      `json:"@context"`
	ID         string      `json:"@id"`
	Author     string      `json:"author"`
	Timestamp  time.Time   `json:"timestamp"`
	Statements []Statement `json:"statements"`
	// Source is the file it was read from.
	Source string `json:"-"`
}

// Statement says what one vulnerability means for some products.
type Statement struct {
	Vulnerability   Vulnerability `json:"vulnerability"`
	Products        []Product     `json:"products"`
	Status          string        `json:"status"`
	Justification   string        `json:"justification,omitempty"`
	ImpactStatement string        `json:"impact_statement,omitempty"`
	ActionStatement string        `json:"action_statement,omitempty"`
	Timestamp       *time.Time    `json:"timestamp,omitempty"`
}

// Vulnerability names the vulnerability: "name" and "aliases" in
// v0.2.0, a bare string in v0.0.1.
type Vulnerability struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases,omitempty"`
}

func (v *Vulnerability) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v.Name = s
		return nil
	}
	type plain Vulnerability
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if p.Name == "" {
		var withID struct {
			ID string `json:"@id"`
		}
		json.Unmarshal(b, &withID)
		p.Name = withID.ID
	}
	*v = Vulnerability(p)
	return nil
}

// Product is a product (an image, by purl or digest) and optionally the
// subcomponents (packages, by purl) the statement is about.
type Product struct {
	ID            string   `json:"@id"`
	Identifiers   []string `json:"-"`
	Subcomponents []string `json:"-"`
}

func (p *Product) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		p.ID = s
		return nil
	}
	var raw struct {
		ID          string            `json:"@id"`
		Identifiers map[string]string `json:"identifiers"`
		Subs        []struct {
			ID          string            `json:"@id"`
			Identifiers map[string]string `json:"identifiers"`
		} `json:"subcomponents"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	p.ID = raw.ID
	for _, v := range raw.Identifiers {
		p.Identifiers = append(p.Identifiers, v)
	}
	for _, s := range raw.Subs {
		if s.ID != "" {
			p.Subcomponents = append(p.Subcomponents, s.ID)
		}
		for _, v := range s.Identifiers {
			p.Subcomponents = append(p.Subcomponents, v)
		}
	}
	return nil
}

// MaxSize bounds a VEX document.
const MaxSize = 32 << 20

// Parse reads an OpenVEX document. v0.0.1 documents put subcomponents
// on the statement; they are moved onto its products.
func Parse(b []byte) (*Document, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("VEX document larger than %d MiB", MaxSize>>20)
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not an OpenVEX document: %w", err)
	}
	if !strings.Contains(d.Context, "openvex") {
		return nil, fmt.Errorf("not an OpenVEX document: @context is %q, want https://openvex.dev/ns/...", d.Context)
	}
	var legacy struct {
		Statements []struct {
			Subcomponents []json.RawMessage `json:"subcomponents"`
		} `json:"statements"`
	}
	json.Unmarshal(b, &legacy)
	var errs []error
	for i := range d.Statements {
		s := &d.Statements[i]
		if i < len(legacy.Statements) && len(legacy.Statements[i].Subcomponents) > 0 {
			var subs []string
			for _, raw := range legacy.Statements[i].Subcomponents {
				var p Product
				if json.Unmarshal(raw, &p) == nil && p.ID != "" {
					subs = append(subs, p.ID)
				}
			}
			if len(s.Products) == 0 {
				s.Products = []Product{{}}
			}
			for j := range s.Products {
				s.Products[j].Subcomponents = append(s.Products[j].Subcomponents, subs...)
			}
		}
		if s.Vulnerability.Name == "" {
			errs = append(errs, fmt.Errorf("statement %d names no vulnerability", i+1))
		}
		switch s.Status {
		case NotAffected:
			if s.Justification == "" && s.ImpactStatement == "" {
				errs = append(errs, fmt.Errorf("statement %d (%s): not_affected needs a justification or an impact_statement", i+1, s.Vulnerability.Name))
			} else if s.Justification != "" && !slices.Contains(Justifications, s.Justification) {
				errs = append(errs, fmt.Errorf("statement %d (%s): unknown justification %q (one of %s)", i+1, s.Vulnerability.Name, s.Justification, strings.Join(Justifications, ", ")))
			}
		case Affected, Fixed, UnderInvestigation:
		default:
			errs = append(errs, fmt.Errorf("statement %d (%s): unknown status %q (not_affected, affected, fixed, under_investigation)", i+1, s.Vulnerability.Name, s.Status))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("OpenVEX document: %w", err)
	}
	return &d, nil
}

// Load reads an OpenVEX document from a file.
func Load(path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading VEX %s: %w", path, err)
	}
	defer f.Close()
	b := make([]byte, 0, 64<<10)
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		b = append(b, buf[:n]...)
		if len(b) > MaxSize {
			return nil, fmt.Errorf("VEX %s: larger than %d MiB", path, MaxSize>>20)
		}
		if err != nil {
			break
		}
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.Source = path
	return d, nil
}

// Subject is what a statement is matched against: the vulnerability's
// IDs, the image's identifiers (reference, digest, pkg:oci purl) and the
// package's purl.
type Subject struct {
	IDs     []string
	Product []string
	Package string
}

// Decision is the statement that applies to a finding.
type Decision struct {
	Statement *Statement
	Document  *Document
}

// Suppresses reports whether the decision removes the finding.
func (d Decision) Suppresses() bool {
	return d.Statement != nil && (d.Statement.Status == NotAffected || d.Statement.Status == Fixed)
}

// Reason is the text shown for a suppressed finding.
func (d Decision) Reason() string {
	s := d.Statement
	parts := []string{"VEX " + s.Status}
	if s.Justification != "" {
		parts = append(parts, s.Justification)
	}
	if s.ImpactStatement != "" {
		parts = append(parts, s.ImpactStatement)
	}
	if d.Document != nil && d.Document.Author != "" {
		parts = append(parts, "by "+d.Document.Author)
	}
	return strings.Join(parts, ": ")
}

// Decide returns the most recent statement of docs that covers sub.
func Decide(docs []*Document, sub Subject) Decision {
	var best Decision
	var bestTime time.Time
	for _, d := range docs {
		for i := range d.Statements {
			s := &d.Statements[i]
			if !s.covers(sub) {
				continue
			}
			t := d.Timestamp
			if s.Timestamp != nil {
				t = *s.Timestamp
			}
			if best.Statement == nil || !t.Before(bestTime) {
				best, bestTime = Decision{Statement: s, Document: d}, t
			}
		}
	}
	return best
}

func (s *Statement) covers(sub Subject) bool {
	names := append([]string{s.Vulnerability.Name}, s.Vulnerability.Aliases...)
	hit := false
	for _, n := range names {
		for _, id := range sub.IDs {
			if strings.EqualFold(n, id) {
				hit = true
			}
		}
	}
	if !hit {
		return false
	}
	if len(s.Products) == 0 {
		return true
	}
	for _, p := range s.Products {
		if p.ID != "" && !matchesAny(append([]string{p.ID}, p.Identifiers...), sub.Product) {
			continue
		}
		if len(p.Subcomponents) == 0 {
			return true
		}
		for _, c := range p.Subcomponents {
			if samePURL(c, sub.Package) {
				return true
			}
		}
	}
	return false
}

func matchesAny(ids, product []string) bool {
	for _, id := range ids {
		for _, p := range product {
			if id == p || samePURL(id, p) || strings.HasSuffix(id, "@"+p) || strings.HasSuffix(p, "@"+id) {
				return true
			}
		}
	}
	return false
}

// samePURL compares package URLs on type, namespace, name and, when the
// statement gives one, version; qualifiers are ignored.
func samePURL(stmt, pkg string) bool {
	if stmt == "" || pkg == "" {
		return false
	}
	if stmt == pkg {
		return true
	}
	strip := func(p string) (base, version string) {
		p, _, _ = strings.Cut(p, "#")
		p, _, _ = strings.Cut(p, "?")
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		if i := strings.LastIndexByte(p, '@'); i > strings.LastIndexByte(p, '/') {
			return strings.ToLower(p[:i]), p[i+1:]
		}
		return strings.ToLower(p), ""
	}
	sb, sv := strip(stmt)
	pb, pv := strip(pkg)
	return sb == pb && (sv == "" || sv == pv)
}
