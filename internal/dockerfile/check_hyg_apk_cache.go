package dockerfile

// apk add without --no-cache.
//
// Checks apk add in stages that end up in an image for --no-cache.
// Without it apk keeps the downloaded index in /var/cache/apk. Allowed:
// --no-cache, --no-network (installs from what is already there), a cache or tmpfs mount over /var/cache/apk (or
// /etc/apk/cache), or rm -rf /var/cache/apk later in the same RUN.

import "github.com/palisade-sec/palisade/internal/finding"

var ApkCache = hygieneRule(finding.Rule{
	ID:          "PAL-DF-128",
	Severity:    finding.Info,
	Title:       "apk add without --no-cache",
	Doc:         "apk add keeps the package index it downloads in /var/cache/apk, adding megabytes of stale metadata to the layer. --no-cache fetches the index on the fly and keeps nothing, which also makes `apk update` unnecessary.",
	Remediation: "Use apk add --no-cache pkg (and drop apk update and rm -rf /var/cache/apk/*).",
	Aliases:     []finding.Alias{hygHadolint("DL3019"), hygTrivy("DS-0025")},
})

var checkApkCache = Check{Rule: ApkCache, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	done := map[*Instruction]bool{}
	for _, pc := range hygPmCalls(p.File, hygApkValueFlags, "apk") {
		if pc.Sub != "add" || done[pc.In] || !img[pc.In.Stage] || pc.C.HasFlag("--no-cache", "--no-network") {
			continue
		}
		done[pc.In] = true
		if hygCacheMounted(pc.In, "/var/cache/apk/", "/etc/apk/cache/") || hygRemovesAny(pc.later(), "/var/cache/apk") {
			continue
		}
		p.Report(pc.In, "apk add without --no-cache leaves the package index in /var/cache/apk")
	}
}}

// hygRemovesAny reports whether one of cs deletes a path under a prefix.
func hygRemovesAny(cs []*Call, prefixes ...string) bool {
	for _, c := range cs {
		if hygRemoves(c, prefixes...) {
			return true
		}
	}
	return false
}
