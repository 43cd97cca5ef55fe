package dockerfile

// Description comments of named stages and ARGs (BuildKit, experimental).
//
// Checks the comment directly above FROM ... AS <name> and ARG <name>:
// BuildKit (docker buildx build --call=outline) uses it as the
// description of the stage or build argument when it starts with the
// name, as in "# name does this". A comment block directly above that
// does not start with the name is reported. Allowed: no comment, an
// empty comment line (#) between comment and instruction (BuildKit keeps
// comments across blank lines), a comment starting with the name
// (or one of the names of a multi-name ARG), and linter pragmas
// (hadolint, palisade, trivy, checkov, syntax/check directives).
// Experimental in BuildKit, so the rule is off unless enabled.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var DefinitionDescription = hygieneRule(finding.Rule{
	ID:          "PAL-DF-118",
	Severity:    finding.Info,
	Title:       "Comment above a stage or ARG is not a description",
	Doc:         "BuildKit reads the comment directly above `FROM ... AS name` and `ARG name` as their description (shown by `docker buildx build --call=outline`) when it starts with the name. A comment there that does not follow `# name description` is either a misformatted description or should be separated by a blank line.",
	Remediation: "Start the comment with the stage or ARG name (# builder compiles the binary), or end the comment block with an empty comment line (#).",
	Aliases:     []finding.Alias{hygBuildkit("InvalidDefinitionDescription")},
	Optional:    true,
})

var checkDefinitionDescription = Check{Rule: DefinitionDescription, Run: func(p *Pass) {
	for _, in := range p.File.Instructions {
		if in.Node == nil || len(in.Node.PrevComment) == 0 {
			continue
		}
		var names []string
		switch c := in.Cmd.(type) {
		case *instructions.Stage:
			if c.Name != "" {
				names = []string{c.Name}
			}
		case *instructions.ArgCommand:
			for _, a := range c.Args {
				names = append(names, a.Key)
			}
		}
		if len(names) == 0 {
			continue
		}
		last := in.Node.PrevComment[len(in.Node.PrevComment)-1]
		if hygIsPragma(last) {
			continue
		}
		first := hygFirstWord(last)
		ok := false
		for _, n := range names {
			if first == n {
				ok = true
			}
		}
		if !ok {
			example := names[0]
			if len(names) > 1 {
				example = "<arg name>"
			}
			p.Report(in, "comment above %s should read \"# %s <description>\", or end with an empty # line", strings.ToUpper(in.Name), example)
		}
	}
}}

// hygIsPragma reports whether a comment (without its #) is a linter or
// parser directive rather than prose.
func hygIsPragma(c string) bool {
	c = strings.ToLower(strings.TrimSpace(c))
	for _, p := range []string{"hadolint ", "hadolint:", "palisade ", "trivy:", "checkov:", "syntax=", "check=", "escape="} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return false
}
