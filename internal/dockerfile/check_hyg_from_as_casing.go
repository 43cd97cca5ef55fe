package dockerfile

// FROM / AS keyword casing.
//
// Checks that the AS keyword of FROM ... AS <name> has the case of the
// FROM keyword (FROM ... AS, from ... as). Mixed-case FROM keywords are
// left to the instruction-casing rule.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var FromAsCasing = hygieneRule(finding.Rule{
	ID:          "PAL-DF-106",
	Severity:    finding.Info,
	Title:       "AS keyword casing differs from FROM",
	Doc:         "The AS keyword of a FROM line is written in a different case than FROM itself (FROM image as name). BuildKit warns about it; consistent keywords keep Dockerfiles easy to scan.",
	Remediation: "Write AS in the same case as FROM.",
	Aliases:     []finding.Alias{hygBuildkit("FromAsCasing")},
})

var checkFromAsCasing = Check{Rule: FromAsCasing, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		args := s.From.Args()
		if s.From.Node == nil || len(args) < 3 || !strings.EqualFold(args[1], "as") {
			continue
		}
		kw := hygFirstWord(s.From.Original())
		switch {
		case kw == strings.ToLower(kw) && args[1] != strings.ToLower(args[1]),
			kw == strings.ToUpper(kw) && args[1] != strings.ToUpper(args[1]):
			p.Report(s.From, "%q and %q keywords' casing do not match", kw, args[1])
		}
	}
}}

// hygFirstWord returns the first whitespace-separated word of s.
func hygFirstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}
