package dockerfile

// Helpers of the optional label rules (PAL-DF-156 to PAL-DF-163). hadolint
// checks labels against a schema the user writes; palisade's built-in
// schema is the standard OCI image annotations and the older
// label-schema.org keys, whose formats are defined by their specs.

// hygLabelFormats maps well-known label keys to the format their value
// must have.
var hygLabelFormats = map[string]string{
	"org.opencontainers.image.url":           "url",
	"org.opencontainers.image.source":        "url",
	"org.opencontainers.image.documentation": "url",
	"org.label-schema.url":                   "url",
	"org.label-schema.vcs-url":               "url",
	"org.opencontainers.image.created":       "rfc3339",
	"org.label-schema.build-date":            "rfc3339",
	"org.opencontainers.image.licenses":      "spdx",
	"org.opencontainers.image.revision":      "hash",
	"org.label-schema.vcs-ref":               "hash",
	"org.opencontainers.image.version":       "semver",
	"org.label-schema.version":               "semver",
	"maintainer":                             "email",
	"org.opencontainers.image.authors":       "email",
}

// hygLabel is one LABEL pair with its key and value unquoted.
type hygLabel struct {
	In         *Instruction
	Key, Value string
	// Variable is set when key or value expands a build variable: the
	// final value is unknown statically.
	Variable bool
}

// hygLabels returns every LABEL pair of the file.
func hygLabels(f *File) []hygLabel {
	var out []hygLabel
	for _, in := range hygNamed(f, "label") {
		for _, kv := range hygLabelKVs(in) {
			l := hygLabel{In: in, Key: hygUnquoteWord(f, kv.key), Value: hygUnquoteWord(f, kv.value)}
			l.Variable = hygHasVariable(f, kv.key) || hygHasVariable(f, kv.value)
			out = append(out, l)
		}
	}
	return out
}

// hygLabelFormatCheck reports labels of the given format whose value
// fails valid.
func hygLabelFormatCheck(p *Pass, format string, valid func(string) bool, what string) {
	for _, l := range hygLabels(p.File) {
		if l.Variable || hygLabelFormats[l.Key] != format || l.Value == "" {
			continue
		}
		if !valid(l.Value) {
			p.Report(l.In, "label %s=%q is not %s", l.Key, l.Value, what)
		}
	}
}
