package dockerfile

// dnf clean all missing.
//
// Checks dnf, microdnf and tdnf installs in stages that end up in an
// image for `<tool> clean all` after the last of them in the same RUN,
// or rm -rf /var/cache/dnf (/var/cache/libdnf5, /var/cache/yum for
// microdnf). A cache or tmpfs mount over those directories is fine too.

import "github.com/palisade-sec/palisade/internal/finding"

var DnfClean = hygieneRule(finding.Rule{
	ID:          "PAL-DF-132",
	Severity:    finding.Info,
	Title:       "dnf install without dnf clean all",
	Doc:         "dnf and microdnf keep downloaded packages and repository metadata in /var/cache. Unless the same RUN cleans them, they stay in the image layer and add tens or hundreds of megabytes.",
	Remediation: "End the RUN with && dnf clean all (microdnf clean all).",
	Aliases:     []finding.Alias{hygHadolint("DL3040"), hygTrivy("DS-0019"), hygTrivy("DS-0027")},
})

var checkDnfClean = Check{Rule: DnfClean, Run: func(p *Pass) {
	hygCleanCheck(p, []string{"dnf", "microdnf", "tdnf"}, hygYumValueFlags, hygRpmInstalls, []string{"clean all"}, []string{"/var/cache/dnf", "/var/cache/libdnf5", "/var/cache/yum", "/var/cache/tdnf"}, "dnf clean all")
}}
