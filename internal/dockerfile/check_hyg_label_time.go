package dockerfile

// Label that must be an RFC 3339 date-time (optional).
//
// Checks org.opencontainers.image.created and org.label-schema.build-date
// for an RFC 3339 timestamp (2024-05-01T12:00:00Z). Values from
// variables are skipped. Off by default.

import (
	"time"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelTime = hygieneRule(finding.Rule{
	ID:          "PAL-DF-159",
	Severity:    finding.Info,
	Title:       "Creation-date label is not an RFC 3339 timestamp",
	Doc:         "org.opencontainers.image.created is defined as an RFC 3339 date-time. Tools that sort or filter images by build date cannot read other formats.",
	Remediation: "Write the timestamp as 2024-05-01T12:00:00Z, usually passed in with --build-arg or --label at build time.",
	Aliases:     []finding.Alias{hygHadolint("DL3053")},
	Optional:    true,
})

var checkLabelTime = Check{Rule: LabelTime, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "rfc3339", func(v string) bool {
		_, err := time.Parse(time.RFC3339, v)
		return err == nil
	}, "an RFC 3339 timestamp")
}}
