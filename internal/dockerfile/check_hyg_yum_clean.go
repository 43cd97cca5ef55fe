package dockerfile

// yum clean all missing.
//
// Checks yum installs (install, groupinstall, localinstall, reinstall,
// update, upgrade) in stages that end up in an image for `yum clean all`
// after the last of them in the same RUN, or rm -rf /var/cache/yum.
// A cache or tmpfs mount over /var/cache/yum is fine too.

import "github.com/palisade-sec/palisade/internal/finding"

var YumClean = hygieneRule(finding.Rule{
	ID:          "PAL-DF-130",
	Severity:    finding.Info,
	Title:       "yum install without yum clean all",
	Doc:         "yum keeps downloaded packages and metadata in /var/cache/yum. Unless the same RUN cleans them, they stay in the image layer and add tens or hundreds of megabytes.",
	Remediation: "End the RUN with && yum clean all && rm -rf /var/cache/yum.",
	Aliases:     []finding.Alias{hygHadolint("DL3032"), hygTrivy("DS-0015")},
})

var hygRpmInstalls = map[string]bool{"install": true, "in": true, "groupinstall": true, "localinstall": true, "reinstall": true, "update": true, "upgrade": true, "up": true, "builddep": true, "distro-sync": true}

var checkYumClean = Check{Rule: YumClean, Run: func(p *Pass) {
	hygCleanCheck(p, []string{"yum"}, hygYumValueFlags, hygRpmInstalls, []string{"clean all"}, []string{"/var/cache/yum"}, "yum clean all")
}}
