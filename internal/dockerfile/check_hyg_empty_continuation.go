package dockerfile

// Empty continuation lines.
//
// Checks for blank lines inside an instruction continued with a
// backslash. Docker ignores them today and BuildKit warns that they will
// become errors. Comment lines inside a continuation and blank lines in
// heredoc bodies are allowed. The check uses BuildKit's own parser, which
// detects them while joining lines.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var EmptyContinuation = hygieneRule(finding.Rule{
	ID:          "PAL-DF-108",
	Severity:    finding.Info,
	Title:       "Empty line inside a continued instruction",
	Doc:         "An instruction continued with `\\` contains a blank line. Docker currently skips it, but BuildKit deprecates the form and a future release will refuse the file; it also hides where the instruction really ends.",
	Remediation: "Remove the blank line or end the instruction before it.",
	Aliases:     []finding.Alias{hygBuildkit("NoEmptyContinuation")},
})

var checkEmptyContinuation = Check{Rule: EmptyContinuation, Run: func(p *Pass) {
	for _, w := range p.File.BuildKitWarnings {
		if w.Rule != "NoEmptyContinuation" {
			continue
		}
		in := p.File.instructionAt(w.Loc.StartLine)
		if in == nil {
			p.ReportAt(w.Loc, "empty continuation line", p.File.Line(w.Loc.StartLine))
			continue
		}
		p.Report(in, "%s contains an empty continuation line (lines %d-%d)", strings.ToUpper(in.Name), in.Loc.StartLine, in.Loc.EndLine)
	}
}}
