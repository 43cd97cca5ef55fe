package dockerfile

// apk add without versions (optional).
//
// Checks the packages of apk add for a version constraint (pkg=1.2.3-r0,
// pkg~1.2, pkg>1). The value of --virtual/-t (a virtual package name),
// .apk files, paths and variables are skipped. Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinApk = hygieneRule(finding.Rule{
	ID:          "PAL-DF-140",
	Severity:    finding.Low,
	Title:       "apk add without version pins",
	Doc:         "apk add pkg installs whatever version the Alpine repository has on the day of the build. Pinning (pkg=1.2.3-r0, or pkg~1.2 for patch updates) makes builds reproducible, at the price of updating pins when Alpine drops old versions.",
	Remediation: "Pin versions: apk add --no-cache pkg=1.2.3-r0 (or pkg~1.2).",
	Aliases:     []finding.Alias{hygHadolint("DL3018")},
	Optional:    true,
})

var checkPinApk = Check{Rule: PinApk, Run: func(p *Pass) {
	hygPinCheck(p, []string{"apk"}, hygApkValueFlags, map[string]bool{"add": true}, func(a string) bool {
		return strings.ContainsAny(a, "=~<>") || strings.HasSuffix(a, ".apk")
	}, "pkg=version")
}}
