package dockerfile

// Revision label that must be a commit hash (optional).
//
// Checks org.opencontainers.image.revision and org.label-schema.vcs-ref
// for a git commit hash: 7 to 64 hexadecimal digits (short and full
// SHA-1 or SHA-256 object names). Values from variables are skipped.
// Off by default.

import "github.com/palisade-sec/palisade/internal/finding"

var LabelHash = hygieneRule(finding.Rule{
	ID:          "PAL-DF-161",
	Severity:    finding.Info,
	Title:       "Revision label is not a commit hash",
	Doc:         "org.opencontainers.image.revision should identify the exact source revision the image was built from. A branch or tag name moves, so the label no longer says which code is inside the image.",
	Remediation: "Set the full commit hash, normally at build time: --label org.opencontainers.image.revision=$(git rev-parse HEAD).",
	Aliases:     []finding.Alias{hygHadolint("DL3055")},
	Optional:    true,
})

var checkLabelHash = Check{Rule: LabelHash, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "hash", hygIsHex, "a git commit hash")
}}

func hygIsHex(v string) bool {
	if len(v) < 7 || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9') && !(r >= 'a' && r <= 'f') && !(r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}
