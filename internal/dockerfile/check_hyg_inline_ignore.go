package dockerfile

// Inline ignore comments (optional).
//
// Checks for ignore comments inside the Dockerfile: # palisade ignore=,
// ignore-stage=, ignore-file=, # hadolint ignore= and global ignore=,
// # trivy:ignore:, # checkov:skip= and BuildKit's # check=skip=. The
// finding is reported at the instruction the comment applies to (the
// next one). Off by default: for teams that want every exception in
// .palisade.yaml, where an ignore must carry a reason and can expire.

import (
	"regexp"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var InlineIgnore = hygieneRule(finding.Rule{
	ID:          "PAL-DF-169",
	Severity:    finding.Info,
	Title:       "Finding suppressed by an inline comment",
	Doc:         "Ignore comments spread exceptions over every Dockerfile, without a reason that anyone reviews and without an expiry date. Central ignores in .palisade.yaml require a reason, can expire, and are reported when they do.",
	Remediation: "Move the exception to the ignores of .palisade.yaml with a reason and an expiry date.",
	Aliases:     []finding.Alias{hygHadolint("DL1001")},
	Optional:    true,
})

var hygIgnoreComment = regexp.MustCompile(`(?i)^#\s*(palisade\s+ignore(-stage|-file)?=|hadolint\s+(global\s+)?ignore=|trivy:ignore:|checkov:skip=|check\s*=.*skip=)`)

var checkInlineIgnore = Check{Rule: InlineIgnore, Run: func(p *Pass) {
	f := p.File
	next := 0
	for i, raw := range f.Lines {
		line := strings.TrimSpace(raw)
		if !hygIgnoreComment.MatchString(line) {
			continue
		}
		n := i + 1
		if n < next {
			continue
		}
		var target *Instruction
		for _, in := range f.Instructions {
			if in.Loc.StartLine > n {
				target = in
				break
			}
		}
		if target == nil {
			p.ReportAt(finding.Location{File: f.Path, StartLine: n, EndLine: n}, "inline ignore comment; keep exceptions in .palisade.yaml", line)
			continue
		}
		p.Report(target, "inline ignore comment at line %d (%s); keep exceptions in .palisade.yaml with a reason and an expiry", n, line)
		next = target.Loc.StartLine
	}
}}
