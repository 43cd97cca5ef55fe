package dockerfile

// npm install without versions (optional).
//
// Checks packages named on npm install/i/add for @version (name@1.2.3,
// @scope/name@1.2.3); @latest and @next count as unpinned. Installing
// from package.json (no package arguments), paths, tarballs and git
// URLs are skipped. Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinNpm = hygieneRule(finding.Rule{
	ID:          "PAL-DF-139",
	Severity:    finding.Low,
	Title:       "npm install without version pins",
	Doc:         "npm install name installs the newest release on the day of the build, including a freshly published malicious one. Installing from a lockfile (npm ci) or pinning exact versions keeps builds reproducible.",
	Remediation: "Pin versions (npm install -g name@1.2.3) or install from package-lock.json with npm ci.",
	Aliases:     []finding.Alias{hygHadolint("DL3016")},
	Optional:    true,
})

var checkPinNpm = Check{Rule: PinNpm, Run: func(p *Pass) {
	hygPinCheck(p, []string{"npm"}, hygNpmValueFlags, map[string]bool{"install": true, "i": true, "add": true, "in": true, "isntall": true}, hygNpmPinned, "name@version")
}}

func hygNpmPinned(a string) bool {
	l := strings.ToLower(a)
	if strings.HasSuffix(l, ".tgz") || strings.HasSuffix(l, ".tar.gz") || strings.Contains(l, ":") {
		return true // tarball, git:, github:, file:, npm: alias
	}
	name := a
	if strings.HasPrefix(name, "@") {
		name = name[1:]
	}
	_, version, ok := strings.Cut(name, "@")
	return ok && version != "" && version != "latest" && version != "next"
}
