package dockerfile

// pip install without versions (optional).
//
// Checks the requirements named on pip install for a version specifier
// (==, ~=, >=, <=, !=, <, >, ===) or a direct reference (name @ url).
// Requirement files (-r), constraints, local paths, URLs, wheels and
// archives are skipped. Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinPip = hygieneRule(finding.Rule{
	ID:          "PAL-DF-138",
	Severity:    finding.Low,
	Title:       "pip install without version pins",
	Doc:         "pip install name installs the newest release on the day of the build, so builds are not reproducible and a compromised or broken new release is picked up silently. Pin versions on the command line or, better, install from a requirements file with hashes (--require-hashes).",
	Remediation: "Pin versions (pip install name==1.2.3) or use pip install -r requirements.txt with pinned, hashed requirements.",
	Aliases:     []finding.Alias{hygHadolint("DL3013")},
	Optional:    true,
})

var checkPinPip = Check{Rule: PinPip, Run: func(p *Pass) {
	for in, c := range hygRunCalls(p.File) {
		if !hygIsPip(c) || c.Subcommand(hygPipValueFlags...) != "install" {
			continue
		}
		var loose []string
		for _, a := range c.Positional(hygPipValueFlags...)[1:] {
			if hygIsPathArg(a) || hygPipPinned(a) {
				continue
			}
			loose = append(loose, a)
		}
		if len(loose) > 0 {
			p.Report(in, "%s install does not pin %s; write name==version", c.Name, strings.Join(loose, ", "))
		}
	}
}}

func hygPipPinned(a string) bool {
	l := strings.ToLower(a)
	if strings.ContainsAny(a, "=<>~!@") {
		return true
	}
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return strings.HasPrefix(l, "git+") || strings.Contains(a, "/")
}
