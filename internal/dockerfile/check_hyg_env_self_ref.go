package dockerfile

// ENV referring to a variable set in the same ENV.
//
// Checks ENV instructions with several pairs where a value expands a
// variable that another pair of the same ENV sets (ENV A=1 B=$A).
// BuildKit expands every value of an ENV with the environment from
// before the instruction, so B gets the old value of A (or nothing), not
// 1. A pair referring to its own variable (ENV PATH=/opt/bin:$PATH) is
// fine: it means the previous value.

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/finding"
)

var EnvSelfRef = hygieneRule(finding.Rule{
	ID:          "PAL-DF-151",
	Severity:    finding.Low,
	Title:       "ENV uses a variable set by the same ENV",
	Doc:         "All values of one ENV instruction are expanded before any of its variables is set. In `ENV VERSION=2 URL=https://example.com/$VERSION`, URL gets the previous VERSION (or an empty string), not 2, so the image downloads or configures the wrong thing.",
	Remediation: "Split the ENV: set the variable in one ENV and use it in the next.",
	Aliases:     []finding.Alias{hygHadolint("DL3044")},
})

var checkEnvSelfRef = Check{Rule: EnvSelfRef, Run: func(p *Pass) {
	lex := shell.NewLex(p.File.Escape)
	for _, in := range hygNamed(p.File, "env") {
		pairs := hygEnvKVs(in)
		if len(pairs) < 2 {
			continue
		}
		env := newArgEnv()
		for _, kv := range pairs {
			env.set(kv.key, "")
		}
		for _, kv := range pairs {
			res, err := lex.ProcessWordWithMatches(kv.value, env)
			if err != nil {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(res.Matched)) {
				if k == kv.key {
					continue
				}
				if _, ok := p.File.ScopeAt(in).Get(k); ok {
					p.Report(in, "%s=%s uses $%s, which gets its value from before this ENV, not the one set here", kv.key, kv.value, k)
				} else {
					p.Report(in, "%s=%s uses $%s, which this ENV sets: it is still empty when %s is expanded", kv.key, kv.value, k, kv.key)
				}
			}
		}
	}
}}
