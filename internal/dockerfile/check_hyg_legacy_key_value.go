package dockerfile

// Legacy "ENV key value" form.
//
// Checks ENV and LABEL written as `ENV key value` (whitespace separator)
// instead of `ENV key=value`. The legacy form sets one variable whose
// value is the rest of the line, quotes included, which surprises readers
// who expect two variables.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LegacyKeyValue = hygieneRule(finding.Rule{
	ID:          "PAL-DF-109",
	Severity:    finding.Info,
	Title:       "ENV or LABEL in legacy \"key value\" form",
	Doc:         "`ENV key value` sets one variable to everything after the first space, so `ENV A 1 B 2` defines A=\"1 B 2\". BuildKit reports the form as deprecated; `key=value` is unambiguous and allows several pairs per instruction.",
	Remediation: "Write ENV key=value (and LABEL key=value).",
	Aliases:     []finding.Alias{hygBuildkit("LegacyKeyValueFormat")},
})

var checkLegacyKeyValue = Check{Rule: LegacyKeyValue, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "env", "label") {
		pairs := hygEnvKVs(in)
		if in.Name == "label" {
			pairs = hygLabelKVs(in)
		}
		for _, kv := range pairs {
			if kv.noDelim {
				kw := strings.ToUpper(in.Name)
				p.Report(in, "%s %s %s uses the legacy whitespace form; write %s %s=...", kw, kv.key, kv.value, kw, kv.key)
				break
			}
		}
	}
}}
