package dockerfile

// apt-get without -y.
//
// Checks apt-get and apt commands that can prompt (install, upgrade,
// dist-upgrade, full-upgrade, remove, purge, autoremove, build-dep,
// reinstall) for an answer flag: -y, --yes, --assume-yes, -qq (which
// implies -y), or -o APT::Get::Assume-Yes=true. An earlier RUN that
// writes APT::Get::Assume-Yes into the apt configuration also counts.

import "github.com/palisade-sec/palisade/internal/finding"

var AptYes = hygieneRule(finding.Rule{
	ID:          "PAL-DF-122",
	Severity:    finding.Low,
	Title:       "apt-get install without -y",
	Doc:         "Without -y, apt-get asks for confirmation whenever it installs more than the named packages or removes any; a build has no terminal to answer, so apt-get aborts and the build fails (or, worse, passes today and fails when a dependency changes).",
	Remediation: "Add -y (apt-get install -y --no-install-recommends pkg).",
	Aliases:     []finding.Alias{hygHadolint("DL3014"), hygTrivy("DS-0021")},
})

var hygAptPrompting = map[string]bool{"install": true, "upgrade": true, "dist-upgrade": true, "full-upgrade": true, "remove": true, "purge": true, "autoremove": true, "build-dep": true, "reinstall": true}

var checkAptYes = Check{Rule: AptYes, Run: func(p *Pass) {
	for _, pc := range hygPmCalls(p.File, hygAptValueFlags, "apt-get", "apt") {
		if !hygAptPrompting[pc.Sub] {
			continue
		}
		c := pc.C
		if c.HasFlag("-y", "--yes", "--assume-yes", "--force-yes") || hygHasArg(c, "-qq", "-q=2", "--quiet=2") ||
			hygAptOption(c, "APT::Get::Assume-Yes", "true", "1", "yes") || hygPriorSourceContains(pc.In, "Assume-Yes") {
			continue
		}
		p.Report(pc.In, "%s %s without -y aborts when it needs confirmation", c.Name, pc.Sub)
	}
}}

// hygHasArg reports whether c has one of the arguments exactly.
func hygHasArg(c *Call, args ...string) bool {
	for _, a := range c.Args {
		for _, want := range args {
			if a == want {
				return true
			}
		}
	}
	return false
}
