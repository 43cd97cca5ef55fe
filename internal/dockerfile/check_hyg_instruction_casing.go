package dockerfile

// Consistent instruction casing.
//
// Checks that every instruction keyword is written in the case most of
// the file uses (all upper case, or all lower case). Keywords in mixed
// case ("Run") are always reported. BuildKit counts the same way: the
// majority of self-consistent keywords decides, upper case on a tie.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var InstructionCasing = hygieneRule(finding.Rule{
	ID:          "PAL-DF-107",
	Severity:    finding.Info,
	Title:       "Instruction keyword casing is inconsistent",
	Doc:         "Instruction keywords are case-insensitive, but a file that mixes `RUN` and `run` (or writes `Run`) is harder to read and to search. BuildKit warns when a keyword does not follow the casing of the majority.",
	Remediation: "Write all instruction keywords in the same case, normally upper case.",
	Aliases:     []finding.Alias{hygBuildkit("ConsistentInstructionCasing")},
})

var checkInstructionCasing = Check{Rule: InstructionCasing, Run: func(p *Pass) {
	var lower, upper int
	for _, in := range p.File.Instructions {
		kw := hygFirstWord(in.Original())
		switch {
		case kw == "":
		case kw == strings.ToLower(kw):
			lower++
		case kw == strings.ToUpper(kw):
			upper++
		}
	}
	majorityLower := lower > upper
	for _, in := range p.File.Instructions {
		kw := hygFirstWord(in.Original())
		if kw == "" {
			continue
		}
		if majorityLower && kw != strings.ToLower(kw) {
			p.Report(in, "keyword %q should be lower case like most instructions of this file", kw)
		} else if !majorityLower && kw != strings.ToUpper(kw) {
			p.Report(in, "keyword %q should be upper case like most instructions of this file", kw)
		}
	}
}}
