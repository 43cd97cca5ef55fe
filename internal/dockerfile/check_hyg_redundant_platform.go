package dockerfile

// FROM --platform=$TARGETPLATFORM.
//
// Checks for FROM --platform set to exactly $TARGETPLATFORM (or
// ${TARGETPLATFORM}), which is what BuildKit does anyway. Other platform
// values, such as $BUILDPLATFORM for cross-compilation, are fine.

import (
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/finding"
)

var RedundantPlatform = hygieneRule(finding.Rule{
	ID:          "PAL-DF-112",
	Severity:    finding.Info,
	Title:       "FROM --platform=$TARGETPLATFORM is redundant",
	Doc:         "A stage is already built for the target platform by default, so --platform=$TARGETPLATFORM changes nothing and suggests to readers that the stage is special.",
	Remediation: "Remove the --platform flag.",
	Aliases:     []finding.Alias{hygBuildkit("RedundantTargetPlatform"), hygHadolint("DL3065")},
})

var checkRedundantPlatform = Check{Rule: RedundantPlatform, Run: func(p *Pass) {
	env := newArgEnv()
	const sentinel = "\x00target\x00"
	env.set("TARGETPLATFORM", sentinel)
	lex := shell.NewLex(p.File.Escape)
	for _, s := range p.File.Stages {
		if s.Platform == "" {
			continue
		}
		res, err := lex.ProcessWordWithMatches(s.Platform, env)
		if err != nil || len(res.Unmatched) > 0 || len(res.Matched) != 1 || res.Result != sentinel {
			continue
		}
		p.Report(s.From, "--platform=%s is the default for every stage; remove it", s.Platform)
	}
}}
