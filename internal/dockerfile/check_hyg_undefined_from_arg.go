package dockerfile

// Undeclared ARG in FROM.
//
// Checks the image and --platform of every FROM for variables that no
// ARG before the first FROM declares. Only those global ARGs and
// BuildKit's predefined platform ARGs (BUILDPLATFORM, TARGETPLATFORM,
// TARGETOS, TARGETARCH, ...) are visible to FROM; anything else expands to
// the empty string (or its ${VAR:-default}), whatever --build-arg says.
// Declared ARGs without a default are allowed here (PAL-DF-002 reports
// that the image cannot be judged statically).

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/finding"
)

var UndefinedFromArg = hygieneRule(finding.Rule{
	ID:          "PAL-DF-110",
	Severity:    finding.Medium,
	Title:       "FROM uses an ARG that is not declared",
	Doc:         "A FROM line expands a variable that no ARG before the first FROM declares. FROM only sees global ARGs and BuildKit's predefined platform ARGs, so the variable is always empty (or its default) and --build-arg cannot set it: `FROM ${REGISTRY}/base` silently pulls from Docker Hub instead of the private registry. This is often a typo or an ARG declared inside a stage.",
	Remediation: "Declare the ARG before the first FROM (ARG REGISTRY=registry.example.com), or fix the variable name.",
	Aliases:     []finding.Alias{hygBuildkit("UndefinedArgInFrom")},
})

// hygPredefinedArgs are the ARGs BuildKit defines in the global scope.
var hygPredefinedArgs = []string{"BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT", "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE"}

var checkUndefinedFromArg = Check{Rule: UndefinedFromArg, Run: func(p *Pass) {
	env := newArgEnv()
	var declared []string
	for _, m := range p.File.MetaArgs {
		for _, k := range hygArgPairs(m) {
			env.set(k, "")
			declared = append(declared, k)
		}
	}
	for _, k := range hygPredefinedArgs {
		env.set(k, "")
	}
	lex := shell.NewLex(p.File.Escape)
	for _, s := range p.File.Stages {
		if s.From.Cmd == nil {
			continue
		}
		for _, word := range []string{s.BaseRaw, s.Platform} {
			if word == "" {
				continue
			}
			res, err := lex.ProcessWordWithMatches(word, env)
			if err != nil {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(res.Unmatched)) {
				if sug := hygSuggestName(k, declared); sug != "" {
					p.Report(s.From, "FROM uses $%s, which no ARG before the first FROM declares (did you mean $%s?)", k, sug)
				} else {
					p.Report(s.From, "FROM uses $%s, which no ARG before the first FROM declares: it is always empty here", k)
				}
			}
		}
	}
}}

// hygSuggestName returns the candidate closest to name, when it is close
// enough to be a likely typo.
func hygSuggestName(name string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := hygLevenshtein(name, c)
		if hygEqualFoldASCII(name, c) {
			d = 0
		}
		if d < bestD && (d <= 1 || len(name) >= 6) {
			best, bestD = c, d
		}
	}
	if bestD <= 2 {
		return best
	}
	return ""
}

func hygEqualFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
