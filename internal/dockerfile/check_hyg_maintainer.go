package dockerfile

// MAINTAINER instruction.
//
// Checks for the MAINTAINER instruction, deprecated since Docker 1.13.
// Allowed: LABEL maintainer="..." or the OCI label
// org.opencontainers.image.authors.

import "github.com/palisade-sec/palisade/internal/finding"

var Maintainer = hygieneRule(finding.Rule{
	ID:          "PAL-DF-102",
	Severity:    finding.Info,
	Title:       "MAINTAINER is deprecated",
	Doc:         "MAINTAINER has been deprecated since Docker 1.13. It only sets the Author field of the image config, which tools no longer read; labels are the supported way to record who owns an image.",
	Remediation: "Replace it with LABEL org.opencontainers.image.authors=\"name <email>\" (or LABEL maintainer=\"...\").",
	Aliases:     []finding.Alias{hygHadolint("DL4000"), hygTrivy("DS-0022"), hygCheckov("CKV_DOCKER_6"), hygBuildkit("MaintainerDeprecated")},
})

var checkMaintainer = Check{Rule: Maintainer, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "maintainer") {
		p.Report(in, "MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors=%q", hygUnquoteWord(p.File, hygJoinArgs(in)))
	}
}}

func hygJoinArgs(in *Instruction) string {
	out := ""
	for i, a := range in.Args() {
		if i > 0 {
			out += " "
		}
		out += a
	}
	return out
}
