package dockerfile

// Invalid label keys.
//
// Checks LABEL keys against Docker's guidelines: lower-case letters,
// digits, dots and dashes; starting with a letter and ending with a
// letter or digit; no consecutive dots or dashes; not in the namespaces
// Docker reserves (com.docker.*, io.docker.*, org.dockerproject.*). Keys
// built from variables are skipped.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var LabelKey = hygieneRule(finding.Rule{
	ID:          "PAL-DF-155",
	Severity:    finding.Info,
	Title:       "Label key does not follow Docker's key format",
	Doc:         "Docker recommends label keys in reverse-DNS notation of lower-case letters, digits, dots and dashes, and reserves com.docker.*, io.docker.* and org.dockerproject.* for itself. Other keys work, but tools that query labels (and Kubernetes, which copies some to annotations) treat them inconsistently.",
	Remediation: "Use keys like org.opencontainers.image.source or com.example.team.",
	Aliases:     []finding.Alias{hygHadolint("DL3048")},
})

var checkLabelKey = Check{Rule: LabelKey, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "label") {
		for _, kv := range hygLabelKVs(in) {
			if hygHasVariable(p.File, kv.key) {
				continue
			}
			k := hygUnquoteWord(p.File, kv.key)
			if why := hygLabelKeyProblem(k); why != "" {
				p.Report(in, "label key %q %s", k, why)
			}
		}
	}
}}

// hygLabelKeyProblem says what is wrong with a label key, or "".
func hygLabelKeyProblem(k string) string {
	switch {
	case k == "":
		return "is empty"
	case strings.HasPrefix(k, "com.docker.") || strings.HasPrefix(k, "io.docker.") || strings.HasPrefix(k, "org.dockerproject."):
		return "uses a namespace reserved by Docker"
	case strings.Contains(k, "..") || strings.Contains(k, "--"):
		return "has consecutive separators"
	case k[0] < 'a' || k[0] > 'z':
		return "should start with a lower-case letter"
	}
	last := k[len(k)-1]
	if !(last >= 'a' && last <= 'z') && !(last >= '0' && last <= '9') {
		return "should end with a lower-case letter or digit"
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z') && !(r >= '0' && r <= '9') && r != '.' && r != '-' {
			return "should only contain lower-case letters, digits, dots and dashes"
		}
	}
	return ""
}
