package dockerfile

// gem install without versions (optional).
//
// Checks gem install for a version: name:1.2.3, or -v/--version on the
// command. Local .gem files and paths are skipped. Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinGem = hygieneRule(finding.Rule{
	ID:          "PAL-DF-141",
	Severity:    finding.Low,
	Title:       "gem install without version pins",
	Doc:         "gem install name installs the newest release on the day of the build, so builds are not reproducible and a compromised new release is picked up silently.",
	Remediation: "Pin versions (gem install name:1.2.3 or gem install name -v 1.2.3), or install from a Gemfile.lock with bundle install.",
	Aliases:     []finding.Alias{hygHadolint("DL3028")},
	Optional:    true,
})

var checkPinGem = Check{Rule: PinGem, Run: func(p *Pass) {
	for _, pc := range hygPmCalls(p.File, hygGemValueFlags, "gem") {
		if pc.Sub != "install" || pc.C.HasFlag("-v", "--version") {
			continue
		}
		var loose []string
		for _, a := range pc.packages(hygGemValueFlags) {
			if hygIsPathArg(a) || strings.Contains(a, ":") || strings.HasSuffix(a, ".gem") {
				continue
			}
			loose = append(loose, a)
		}
		if len(loose) > 0 {
			p.Report(pc.In, "gem install does not pin %s; write name:version", strings.Join(loose, ", "))
		}
	}
}}
