package dockerfile

// zypper clean missing.
//
// Checks zypper installs (install/in, update/up, patch, dist-upgrade,
// source-install) in stages that end up in an image for `zypper clean`
// (or `zypper cc`) after the last of them in the same RUN, or
// rm -rf /var/cache/zypp. A cache or tmpfs mount over it is fine too.

import "github.com/palisade-sec/palisade/internal/finding"

var ZypperClean = hygieneRule(finding.Rule{
	ID:          "PAL-DF-134",
	Severity:    finding.Info,
	Title:       "zypper install without zypper clean",
	Doc:         "zypper keeps repository metadata and downloaded packages in /var/cache/zypp. Unless the same RUN cleans them, they stay in the image layer.",
	Remediation: "End the RUN with && zypper clean --all.",
	Aliases:     []finding.Alias{hygHadolint("DL3036"), hygTrivy("DS-0020")},
})

var hygZypperInstalls = map[string]bool{"install": true, "in": true, "update": true, "up": true, "patch": true, "dist-upgrade": true, "dup": true, "source-install": true, "si": true}

var checkZypperClean = Check{Rule: ZypperClean, Run: func(p *Pass) {
	hygCleanCheck(p, []string{"zypper"}, hygZypperValueFlags, hygZypperInstalls, []string{"clean", "cc"}, []string{"/var/cache/zypp"}, "zypper clean")
}}
