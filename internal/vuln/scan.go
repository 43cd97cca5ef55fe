package vuln

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/vuln/match"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/vex"
)

// Options configure judging.
type Options struct {
	// Target names the image in findings.
	Target string
	// Product identifies the image for VEX statements: its reference,
	// digest ("sha256:...") and pkg:oci purl.
	Product []string
	// BaseLayers is the number of layers that come from the base image
	// (default 1: the first layer). Fix hints for packages installed by
	// those layers say to upgrade the base image.
	BaseLayers int
	// IgnoreUnfixed drops vulnerabilities without a known fix.
	IgnoreUnfixed bool
	// VEX documents whose not_affected and fixed statements suppress.
	VEX []*vex.Document
	// Ignores are the configuration's ignores; those whose rule names a
	// vulnerability ID (CVE-..., GHSA-..., GO-...) are applied here.
	Ignores []config.Ignore
	// IgnoreSource names where the ignores came from.
	IgnoreSource string
	Now          time.Time
}

// Finding is one reported vulnerability: the finding and what it was
// built from.
type Finding struct {
	match.Vulnerability
	Rating Rating
}

// Outcome is the judged result of one inventory.
type Outcome struct {
	Findings   []finding.Finding
	Suppressed []report.Suppressed
	// Vulnerabilities are the reported vulnerabilities, in the order of
	// Findings' vulnerability part (for JSON consumers and rescans).
	Vulnerabilities []Finding
	Errors          []report.Error
	// Packages is the number of packages matched.
	Packages int
}

// Scan matches inv against the store and judges the result.
func Scan(s *store.Store, inv *inventory.Inventory, opts Options) (*Outcome, error) {
	var res *match.Result
	err := s.View(func(tx *store.Tx) error {
		var err error
		res, err = match.Match(tx, inv)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("matching the inventory: %w", err)
	}
	// Ecosystems the inventory needs that the store lacks are reported:
	// an empty result there means "not checked", not "clean".
	info := s.Info()
	missing := map[string]int{}
	qs, _ := match.Queries(inv)
	for _, q := range qs {
		if e, ok := info.Ecosystem(q.Base); !ok || e.Records == 0 {
			missing[q.Base]++
		}
	}
	for base, n := range missing {
		res.Skipped = append(res.Skipped, match.Skipped{Reason: fmt.Sprintf("the vulnerability database has no %s records (run `palisade db update --ecosystem %q`)", base, base), Packages: n})
	}
	slices.SortFunc(res.Skipped, func(a, b match.Skipped) int { return cmp.Compare(a.Reason, b.Reason) })
	return Judge(res, inv, opts), nil
}

// NeededEcosystems lists the OSV ecosystems an inventory's packages are
// matched against, for `db update` to fetch only those.
func NeededEcosystems(inv *inventory.Inventory) []string {
	qs, _ := match.Queries(inv)
	var out []string
	for _, q := range qs {
		if !slices.Contains(out, q.Base) {
			out = append(out, q.Base)
		}
	}
	slices.Sort(out)
	return out
}

// Judge turns a match result into findings. It is pure.
func Judge(res *match.Result, inv *inventory.Inventory, opts Options) *Outcome {
	out := &Outcome{Packages: res.Packages}
	base := opts.BaseLayers
	if base <= 0 {
		base = 1
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	type gateCount struct{ total, base int }
	var gate gateCount
	for i := range res.Vulnerabilities {
		v := &res.Vulnerabilities[i]
		f := Finding{Vulnerability: *v, Rating: Rate(v)}
		fd := f.finding(opts.Target, base)
		if opts.IgnoreUnfixed && v.Unfixed() {
			continue
		}
		if dec := vex.Decide(opts.VEX, vex.Subject{IDs: v.IDs, Product: opts.Product, Package: v.Package.PURL}); dec.Suppresses() {
			src := "VEX"
			if dec.Document != nil && dec.Document.Source != "" {
				src = dec.Document.Source
			}
			out.Suppressed = append(out.Suppressed, report.Suppressed{Finding: fd, Reason: dec.Reason(), Source: src})
			continue
		}
		if ig, expired, ok := matchIgnore(opts.Ignores, v, opts.Target, now); ok {
			src := opts.IgnoreSource
			if src == "" {
				src = "configuration"
			}
			if ig.Line > 0 {
				src = fmt.Sprintf("%s:%d", src, ig.Line)
			}
			if !expired {
				out.Suppressed = append(out.Suppressed, report.Suppressed{Finding: fd, Reason: ig.Reason, Source: src})
				continue
			}
			e := config.ExpiredIgnore.New(fmt.Sprintf("ignore of %s (%q) expired on %s", ig.Rule, ig.Reason, ig.Expires.Format(time.DateOnly)))
			e.Control = fd.Control
			e.Target = src
			out.Findings = append(out.Findings, e)
		}
		out.Findings = append(out.Findings, fd)
		out.Vulnerabilities = append(out.Vulnerabilities, f)
		if !v.Unfixed() && f.Rating.Severity >= finding.High {
			gate.total++
			if v.Package.Layer < base {
				gate.base++
			}
		}
	}
	if gate.total > 0 {
		msg := fmt.Sprintf("%d high or critical vulnerabilit%s with a fix available", gate.total, plural(gate.total, "y", "ies"))
		if gate.base > 0 {
			msg += fmt.Sprintf("; %d in packages of the base image's layers: rebuild on an updated base image", gate.base)
		}
		f := FixableInImage.New(msg)
		f.Target = opts.Target
		out.Findings = append(out.Findings, f)
	}
	for _, s := range res.Skipped {
		f := NotChecked.New(fmt.Sprintf("%d package(s) not checked: %s", s.Packages, s.Reason))
		f.Target = opts.Target
		out.Findings = append(out.Findings, f)
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, report.Error{Target: opts.Target, Message: "vulnerability record not evaluated: " + e})
	}
	finding.Sort(out.Findings)
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// finding builds the finding of one vulnerability.
func (f *Finding) finding(target string, baseLayers int) finding.Finding {
	v := &f.Vulnerability
	p := v.Package
	rule := VulnerableLanguagePackage
	if p.IsOS() {
		rule = VulnerableOSPackage
	}
	if v.Unfixed() {
		rule = UnfixedVulnerability
	}
	fd := rule.New("")
	fd.Severity = f.Rating.Severity
	fd.Target = target
	fd.Location = finding.Location{File: "/" + strings.TrimPrefix(p.File, "/")}
	ids := v.IDs[0]
	if len(v.IDs) > 1 {
		ids += " (" + strings.Join(v.IDs[1:], ", ") + ")"
	}
	pkg := p.Name + " " + p.Version
	if src, sv := p.Source(); p.IsOS() && (src != p.Name || sv != p.Version) {
		pkg += fmt.Sprintf(" (source %s %s)", src, sv)
	}
	var msg string
	switch {
	case !v.Unfixed():
		msg = fmt.Sprintf("%s in %s %s: fixed in %s", ids, p.Type, pkg, strings.Join(v.Fixed, ", "))
	case v.LastAffected != "":
		msg = fmt.Sprintf("%s in %s %s: no fix yet (last affected version %s)", ids, p.Type, pkg, v.LastAffected)
	default:
		msg = fmt.Sprintf("%s in %s %s: no fix yet", ids, p.Type, pkg)
	}
	if s := firstSummary(v); s != "" {
		msg += ": " + s
	}
	fd.Message = msg
	layer := fmt.Sprintf("layer %d", p.Layer)
	if p.LayerDiffID != "" {
		d := p.LayerDiffID
		if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
			d = d[:i+13]
		}
		layer += " (" + d + ")"
	}
	fd.Evidence = fmt.Sprintf("%s; %s; severity from %s", layer, v.Ecosystem, f.Rating)
	switch {
	case v.Unfixed():
		fd.Remediation = UnfixedVulnerability.Remediation
	case p.IsOS() && p.Layer < baseLayers:
		fd.Remediation = fmt.Sprintf("Upgrade the base image: %s came with the base image's %s. Rebuild on a current tag of the base image (one with %s %s or later), or upgrade the package in the Dockerfile until it has it.", p.Name, layer, sourceName(p), v.Fixed[0])
	case p.IsOS():
		fd.Remediation = fmt.Sprintf("Upgrade %s to %s or later in the Dockerfile step that installs it (%s added it).", p.Name, v.Fixed[0], layer)
	default:
		fd.Remediation = fmt.Sprintf("Upgrade %s to %s or later and rebuild (%s added it).", p.Name, v.Fixed[0], layer)
	}
	return fd
}

func sourceName(p *inventory.Package) string { n, _ := p.Source(); return n }

func firstSummary(v *match.Vulnerability) string {
	for _, r := range v.Records {
		if s := strings.TrimSpace(r.Summary); s != "" {
			if len(s) > 160 {
				s = s[:157] + "..."
			}
			return s
		}
	}
	return ""
}

// IsVulnerabilityIgnore reports whether an ignore entry names a
// vulnerability (CVE-, GHSA-, GO-, ...) rather than a rule.
func IsVulnerabilityIgnore(ig config.Ignore) bool { return osv.IsID(ig.Rule) }

// matchIgnore finds the ignore that covers a vulnerability: its rule is
// one of the vulnerability's IDs and, when it lists paths, one matches
// the image, the package name or its purl.
func matchIgnore(igs []config.Ignore, v *match.Vulnerability, target string, now time.Time) (config.Ignore, bool, bool) {
	for _, ig := range igs {
		if !IsVulnerabilityIgnore(ig) {
			continue
		}
		hit := false
		for _, id := range v.IDs {
			if strings.EqualFold(id, strings.TrimSpace(ig.Rule)) {
				hit = true
			}
		}
		if !hit {
			continue
		}
		if len(ig.Paths) > 0 {
			ok := false
			for _, pat := range ig.Paths {
				for _, s := range []string{target, v.Package.Name, v.Package.PURL} {
					if m, _ := path.Match(pat, s); m {
						ok = true
					}
				}
			}
			if !ok {
				continue
			}
		}
		expired := !ig.Expires.IsZero() && now.After(ig.Expires.Add(24*time.Hour))
		return ig, expired, true
	}
	return config.Ignore{}, false, false
}
