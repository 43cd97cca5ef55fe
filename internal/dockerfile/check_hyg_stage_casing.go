package dockerfile

// Stage name casing.
//
// Checks that FROM ... AS <name> is written in lower case. BuildKit
// lower-cases stage names, so "AS Builder" and "--from=builder" refer to
// the same stage while looking different.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var StageCasing = hygieneRule(finding.Rule{
	ID:          "PAL-DF-105",
	Severity:    finding.Info,
	Title:       "Stage name is not lower case",
	Doc:         "BuildKit treats stage names case-insensitively and stores them in lower case. A mixed-case name makes references look different from the stage they point to.",
	Remediation: "Write stage names in lower case.",
	Aliases:     []finding.Alias{hygBuildkit("StageNameCasing")},
})

var checkStageCasing = Check{Rule: StageCasing, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		args := s.From.Args()
		if len(args) >= 3 && strings.EqualFold(args[1], "as") && args[2] != strings.ToLower(args[2]) {
			p.Report(s.From, "stage name %q should be lower case (%s)", args[2], strings.ToLower(args[2]))
		}
	}
}}
