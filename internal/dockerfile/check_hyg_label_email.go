package dockerfile

// Contact label that must be an e-mail address (optional).
//
// Checks the maintainer label and org.opencontainers.image.authors for
// RFC 5322 mailboxes ("Jane Doe <jane@example.com>", comma-separated
// lists allowed). Values from variables are skipped. Off by default.

import (
	"net/mail"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelEmail = hygieneRule(finding.Rule{
	ID:          "PAL-DF-163",
	Severity:    finding.Info,
	Title:       "Contact label is not an e-mail address",
	Doc:         "The maintainer and org.opencontainers.image.authors labels tell people whom to contact about an image, for example to report a vulnerability. A name without an address cannot be contacted.",
	Remediation: "Write a mailbox: LABEL org.opencontainers.image.authors=\"Team <team@example.com>\".",
	Aliases:     []finding.Alias{hygHadolint("DL3058")},
	Optional:    true,
})

var checkLabelEmail = Check{Rule: LabelEmail, Run: func(p *Pass) {
	hygLabelFormatCheck(p, "email", func(v string) bool {
		_, err := mail.ParseAddressList(v)
		return err == nil
	}, "an e-mail address (Name <user@example.com>)")
}}
