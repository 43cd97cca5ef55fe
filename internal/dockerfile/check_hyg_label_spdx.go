package dockerfile

// Licence label that must be an SPDX expression (optional).
//
// Checks org.opencontainers.image.licenses for an SPDX license
// expression: identifiers from the SPDX License List (with an optional
// "+"), LicenseRef-/DocumentRef- references, NONE and NOASSERTION,
// joined by AND, OR and WITH, with parentheses. Values from variables
// are skipped. Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelSPDX = hygieneRule(finding.Rule{
	ID:          "PAL-DF-160",
	Severity:    finding.Info,
	Title:       "Licence label is not an SPDX expression",
	Doc:         "org.opencontainers.image.licenses is defined as an SPDX license expression (MIT, Apache-2.0 OR MIT). Licence scanners and SBOM tools read it; free text such as \"Apache License 2.0\" or \"GPL\" cannot be matched to a licence.",
	Remediation: "Use SPDX identifiers, e.g. Apache-2.0, or (MIT OR Apache-2.0).",
	Aliases:     []finding.Alias{hygHadolint("DL3054")},
	Optional:    true,
})

var checkLabelSPDX = Check{Rule: LabelSPDX, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "spdx", hygValidSPDX, "an SPDX license expression")
}}

// hygValidSPDX checks an SPDX license expression: operands separated by
// operators, with balanced parentheses.
func hygValidSPDX(v string) bool {
	v = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(v)
	depth := 0
	wantOperand := true
	for _, tok := range strings.Fields(v) {
		switch {
		case tok == "(":
			if !wantOperand {
				return false
			}
			depth++
		case tok == ")":
			if wantOperand || depth == 0 {
				return false
			}
			depth--
		case strings.EqualFold(tok, "AND") || strings.EqualFold(tok, "OR") || strings.EqualFold(tok, "WITH"):
			if wantOperand {
				return false
			}
			wantOperand = true
		default:
			if !wantOperand || !hygSPDXOperand(tok) {
				return false
			}
			wantOperand = false
		}
	}
	return !wantOperand && depth == 0
}

func hygSPDXOperand(tok string) bool {
	if tok == "NONE" || tok == "NOASSERTION" || strings.HasPrefix(tok, "LicenseRef-") || strings.HasPrefix(tok, "DocumentRef-") {
		return true
	}
	return hygSPDXIDs[strings.ToLower(strings.TrimSuffix(tok, "+"))]
}
