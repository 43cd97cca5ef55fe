package dockerfile

import (
	"fmt"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ParseError reports instructions (or whole files) that BuildKit cannot
// parse. Docker would refuse to build them.
var ParseError = &finding.Rule{
	ID:          "PAL-DF-001",
	Control:     control.DockerfileLint,
	Severity:    finding.High,
	Family:      "parse",
	Title:       "Dockerfile does not parse",
	Doc:         "BuildKit's parser rejects this instruction, so `docker build` fails on it. palisade reports the error at its line and lints the rest of the file.",
	Remediation: "Fix the syntax of the instruction; the message is BuildKit's own.",
}

var checkParse = Check{Rule: ParseError, Run: func(p *Pass) {
	for _, pr := range p.File.Problems {
		p.ReportAt(pr.Loc, pr.Message, p.File.Line(pr.Loc.StartLine))
	}
}}

// UnresolvedArg reports FROM lines whose ARG variables have no value, so
// the image cannot be judged statically.
var UnresolvedArg = &finding.Rule{
	ID:          "PAL-DF-002",
	Control:     control.DockerfileLint,
	Severity:    finding.Info,
	Family:      "tags",
	Title:       "Base image depends on an ARG without a default",
	Doc:         "The FROM line uses a build argument that has no default value before the first FROM, so the image is only known at build time. palisade cannot judge its tag or source and says so instead of guessing. BuildKit reports the same case as InvalidDefaultArgInFrom/UndefinedArgInFrom.",
	Remediation: "Give the ARG a default value (ARG BASE=debian:12-slim) or pass --build-arg in CI and lint with the same value.",
	Aliases:     []finding.Alias{{Tool: "buildkit", ID: "InvalidDefaultArgInFrom"}},
}

var checkUnresolvedArg = Check{Rule: UnresolvedArg, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		if len(s.Unresolved) > 0 {
			p.Report(s.From, "FROM %s uses %s, which has no value; the base image cannot be judged statically", s.BaseRaw, joinNames(s.Unresolved))
		}
	}
}}

func joinNames(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return fmt.Sprintf("%v", names)
}

// engineChecks are the checks that belong to parsing itself.
var engineChecks = []Check{checkParse, checkUnresolvedArg}
