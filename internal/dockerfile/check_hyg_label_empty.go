package dockerfile

// Label with an empty value (optional).
//
// Checks LABEL pairs whose value is empty ("" or nothing). Values built
// from variables are skipped. Off by default: an empty value is also the
// way to clear a label inherited from the base image.

import "github.com/palisade-sec/palisade/internal/finding"

var LabelEmpty = hygieneRule(finding.Rule{
	ID:          "PAL-DF-157",
	Severity:    finding.Info,
	Title:       "Label value is empty",
	Doc:         "A label set to an empty value carries no information. It is usually a placeholder that was never filled in; when it is meant to clear a label inherited from the base image, a comment saying so helps readers.",
	Remediation: "Set a value or remove the label.",
	Aliases:     []finding.Alias{hygHadolint("DL3051")},
	Optional:    true,
})

var checkLabelEmpty = Check{Rule: LabelEmpty, Run: func(p *Pass) {
	for _, l := range hygLabels(p.File) {
		if !l.Variable && l.Value == "" {
			p.Report(l.In, "label %s is empty", l.Key)
		}
	}
}}
