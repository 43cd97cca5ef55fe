package dockerfile

// Package index update alone in a RUN.
//
// Checks RUN instructions that refresh a package index (apt-get/apt
// update, apk update, zypper refresh, yum/dnf makecache) without
// installing or upgrading with the same tool later in the same RUN. The
// index then lives in its own cached layer: later RUNs install from an
// index that can be months old, missing security fixes, and builds stop
// being reproducible.

import "github.com/palisade-sec/palisade/internal/finding"

var UpdateAlone = hygieneRule(finding.Rule{
	ID:          "PAL-DF-126",
	Severity:    finding.Medium,
	Title:       "Package index updated in a RUN of its own",
	Doc:         "`RUN apt-get update` on its own creates a layer that Docker reuses for as long as the line is unchanged. A later `RUN apt-get install` then resolves packages against that stale cached index and installs outdated versions, without their security fixes, or fails when mirrors drop them.",
	Remediation: "Update and install in one RUN: RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*",
	Aliases:     []finding.Alias{hygTrivy("DS-0017"), hygCheckov("CKV_DOCKER_5")},
})

// updateFamilies maps each index-refresh command to the tools and
// subcommands that consume the refreshed index.
var hygUpdateFamilies = []struct {
	tools    []string
	flags    []string
	update   map[string]bool
	installs map[string]bool
}{
	{[]string{"apt-get", "apt"}, hygAptValueFlags, map[string]bool{"update": true}, map[string]bool{"install": true, "upgrade": true, "dist-upgrade": true, "full-upgrade": true, "build-dep": true, "reinstall": true, "source": true, "download": true}},
	{[]string{"apk"}, hygApkValueFlags, map[string]bool{"update": true}, map[string]bool{"add": true, "upgrade": true, "fix": true, "fetch": true}},
	{[]string{"zypper"}, hygZypperValueFlags, map[string]bool{"refresh": true, "ref": true}, map[string]bool{"install": true, "in": true, "update": true, "up": true, "dist-upgrade": true, "dup": true, "patch": true, "source-install": true, "si": true}},
	{[]string{"yum", "dnf", "microdnf", "tdnf"}, hygYumValueFlags, map[string]bool{"makecache": true}, map[string]bool{"install": true, "update": true, "upgrade": true, "groupinstall": true, "localinstall": true, "reinstall": true, "builddep": true, "group": true, "module": true}},
}

var checkUpdateAlone = Check{Rule: UpdateAlone, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		cs := hygCalls(in)
		for _, fam := range hygUpdateFamilies {
			updateAt := -1
			var upd *Call
			consumed := false
			for i, c := range cs {
				s := hygSub(c, fam.flags, fam.tools...)
				if fam.update[s] {
					updateAt, upd = i, c
				} else if updateAt >= 0 && fam.installs[s] {
					consumed = true
				}
			}
			if upd != nil && !consumed {
				p.Report(in, "%s %s is not followed by an install in the same RUN: later installs use this cached, ageing index", upd.Name, upd.Subcommand(fam.flags...))
			}
		}
	}
}}
