package dockerfile

// Label that must be a URL (optional).
//
// Checks org.opencontainers.image.url, .source and .documentation (and
// label-schema.org url and vcs-url) for an absolute URL with a scheme
// and a host. Values from variables are skipped. Off by default.

import (
	"net/url"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelURL = hygieneRule(finding.Rule{
	ID:          "PAL-DF-158",
	Severity:    finding.Info,
	Title:       "URL label is not a valid URL",
	Doc:         "The OCI annotations org.opencontainers.image.url, .source and .documentation are defined as URLs. Registries and provenance tools follow them; a value such as github.com/org/repo or git@github.com:org/repo.git is not a URL and breaks those links.",
	Remediation: "Use an absolute URL: https://github.com/org/repo.",
	Aliases:     []finding.Alias{hygHadolint("DL3052")},
	Optional:    true,
})

var checkLabelURL = Check{Rule: LabelURL, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "url", hygValidURL, "an absolute URL")
}}

func hygValidURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && u.Host != ""
}
