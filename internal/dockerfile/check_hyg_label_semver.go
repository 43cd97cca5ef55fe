package dockerfile

// Version label that must be a semantic version (optional).
//
// Checks org.opencontainers.image.version and org.label-schema.version
// for a Semantic Versioning 2.0.0 version (1.2.3, 1.2.3-rc.1+build.5).
// Values from variables are skipped. Off by default.

import (
	"regexp"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelSemver = hygieneRule(finding.Rule{
	ID:          "PAL-DF-162",
	Severity:    finding.Info,
	Title:       "Version label is not a semantic version",
	Doc:         "Tools that compare image versions (update bots, policy engines) expect org.opencontainers.image.version to follow Semantic Versioning. Other strings sort wrongly or are ignored.",
	Remediation: "Use a version like 1.4.2 (without a leading v).",
	Aliases:     []finding.Alias{hygHadolint("DL3056")},
	Optional:    true,
})

var hygSemver = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

var checkLabelSemver = Check{Rule: LabelSemver, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "semver", hygSemver.MatchString, "a semantic version")
}}
