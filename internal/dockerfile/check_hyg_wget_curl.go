package dockerfile

// Both wget and curl.
//
// Checks whether the image (the stages that end up in an image) uses
// both wget and curl in RUN. One download tool is enough; shipping both
// doubles the tools an attacker can use to fetch payloads. Installing
// them as packages is not "using".

import "github.com/palisade-sec/palisade/internal/finding"

var WgetAndCurl = hygieneRule(finding.Rule{
	ID:          "PAL-DF-166",
	Severity:    finding.Info,
	Title:       "Both wget and curl are used",
	Doc:         "wget and curl do the same job. Using both means both (and their libraries) are installed in the image: more size, more CVEs, and more ready-made download tools for anyone who gets a shell in the container.",
	Remediation: "Pick one download tool for the whole Dockerfile (and remove it in the same RUN if only the build needs it).",
	Aliases:     []finding.Alias{hygHadolint("DL4001"), hygTrivy("DS-0014")},
})

var checkWgetAndCurl = Check{Rule: WgetAndCurl, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	first := map[string]*Instruction{}
	var second *Instruction
	var secondTool string
	for in, c := range hygRunCalls(p.File) {
		if !img[in.Stage] || (c.Name != "wget" && c.Name != "curl") || first[c.Name] != nil {
			continue
		}
		first[c.Name] = in
		if len(first) == 2 && second == nil {
			second, secondTool = in, c.Name
		}
	}
	if second != nil {
		other := "curl"
		if secondTool == "curl" {
			other = "wget"
		}
		p.Report(second, "%s is used here and %s at line %d; use one download tool", secondTool, other, first[other].Loc.StartLine)
	}
}}
