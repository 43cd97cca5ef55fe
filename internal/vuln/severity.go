package vuln

import (
	"fmt"
	"strings"
	"sync"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/vuln/cvss"
	"github.com/palisade-sec/palisade/internal/vuln/match"
	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// Rating is the severity of one vulnerability and where it came from.
type Rating struct {
	Severity finding.Severity `json:"severity"`
	// Source says what decided: "debian", "ubuntu", "redhat", "cvss",
	// "github" or "unrated".
	Source string `json:"source"`
	// Vendor is the distribution's own rating, verbatim ("Debian
	// urgency: high", "Ubuntu priority: medium").
	Vendor string `json:"vendor,omitempty"`
	// CVSS is the best CVSS score seen.
	CVSS *cvss.Score `json:"cvss,omitempty"`
	// GitHub is GitHub's rating (CRITICAL, HIGH, MODERATE, LOW).
	GitHub string `json:"github,omitempty"`
}

// String describes every rating behind the severity.
func (r Rating) String() string {
	var parts []string
	if r.Vendor != "" {
		parts = append(parts, r.Vendor)
	}
	if r.CVSS != nil {
		parts = append(parts, fmt.Sprintf("CVSS %s %.1f", r.CVSS.Version, r.CVSS.Base))
	}
	if r.GitHub != "" {
		parts = append(parts, "GitHub: "+strings.ToLower(r.GitHub))
	}
	if len(parts) == 0 {
		return "not rated by any source (reported as medium)"
	}
	return strings.Join(parts, "; ")
}

var (
	debianUrgency = map[string]finding.Severity{
		"unimportant": finding.Info, "low": finding.Low, "low*": finding.Low, "low**": finding.Low,
		"medium": finding.Medium, "medium*": finding.Medium, "medium**": finding.Medium,
		"high": finding.High, "high*": finding.High, "high**": finding.High,
	}
	ubuntuPriority = map[string]finding.Severity{
		"negligible": finding.Info, "low": finding.Low, "medium": finding.Medium, "high": finding.High, "critical": finding.Critical,
	}
	redhatSeverity = map[string]finding.Severity{
		"low": finding.Low, "moderate": finding.Medium, "important": finding.High, "critical": finding.Critical,
	}
	githubSeverity = map[string]finding.Severity{
		"low": finding.Low, "moderate": finding.Medium, "medium": finding.Medium, "high": finding.High, "critical": finding.Critical,
	}
	cvssSeverity = map[cvss.Rating]finding.Severity{
		cvss.None: finding.Info, cvss.Low: finding.Low, cvss.Medium: finding.Medium, cvss.High: finding.High, cvss.Critical: finding.Critical,
	}
)

// Rate decides a vulnerability's severity (see the package doc).
func Rate(v *match.Vulnerability) Rating {
	var r Rating
	vendor := finding.Severity(0)
	base := osv.EcosystemBase(v.Ecosystem)
	// Distribution ratings.
	if u := strings.ToLower(v.Urgency); u != "" && (base == "Debian") {
		if s, ok := debianUrgency[u]; ok {
			r.Vendor, vendor, r.Source = "Debian urgency: "+u, s, "debian"
		}
	}
	var best *cvss.Score
	consider := func(sev osv.Severity) {
		switch sev.Type {
		case "CVSS_V3", "CVSS_V4":
			sc, err := parseCVSS(sev.Score)
			if err != nil {
				return
			}
			switch {
			case best == nil,
				sc.Version == "4.0" && best.Version != "4.0",
				sc.Version == best.Version && sc.Base > best.Base,
				sc.Version != "4.0" && best.Version != "4.0" && sc.Base > best.Base:
				s := sc
				best = &s
			}
		case "Ubuntu":
			p := strings.ToLower(sev.Score)
			if s, ok := ubuntuPriority[p]; ok && vendor == 0 && base == "Ubuntu" {
				r.Vendor, vendor, r.Source = "Ubuntu priority: "+p, s, "ubuntu"
			}
		}
	}
	for _, rec := range v.Records {
		for _, s := range rec.Severity {
			consider(s)
		}
		if rec.DatabaseSeverity != "" && r.GitHub == "" {
			r.GitHub = rec.DatabaseSeverity
		}
		// Red Hat, Rocky and Alma advisories start their summary with
		// their severity: "Important: java-11-openjdk security update".
		if vendor == 0 && (base == "Red Hat" || base == "Rocky Linux" || base == "AlmaLinux") {
			if w, _, ok := strings.Cut(rec.Summary, ":"); ok {
				if s, ok := redhatSeverity[strings.ToLower(strings.TrimSpace(w))]; ok {
					r.Vendor, vendor, r.Source = base+" severity: "+strings.ToLower(strings.TrimSpace(w)), s, "redhat"
				}
			}
		}
	}
	for _, s := range v.EntrySeverity {
		consider(osv.Severity{Type: s.Type, Score: s.Score})
	}
	r.CVSS = best
	switch {
	case vendor != 0:
		r.Severity = vendor
	case best != nil:
		r.Severity, r.Source = cvssSeverity[best.Rating()], "cvss"
	case githubSeverity[strings.ToLower(r.GitHub)] != 0:
		r.Severity, r.Source = githubSeverity[strings.ToLower(r.GitHub)], "github"
	default:
		r.Severity, r.Source = finding.Medium, "unrated"
	}
	return r
}

// cvssScores memoises vector scores: the same vectors recur across
// records and scans. Distinct vectors are few (thousands), so the cache
// stays small even in a long-running registry watch.
var cvssScores sync.Map

type cvssResult struct {
	score cvss.Score
	err   error
}

func parseCVSS(vector string) (cvss.Score, error) {
	if r, ok := cvssScores.Load(vector); ok {
		c := r.(cvssResult)
		return c.score, c.err
	}
	s, err := cvss.Parse(vector)
	if len(vector) <= 256 {
		cvssScores.Store(vector, cvssResult{s, err})
	}
	return s, err
}
