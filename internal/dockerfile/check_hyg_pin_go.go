package dockerfile

// go install without a version (optional).
//
// Checks go install of packages outside the current module for
// @version; @latest counts as unpinned. Local packages (./cmd/x, ...)
// and go install without arguments (which use go.mod) are skipped.
// Off by default.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var PinGo = hygieneRule(finding.Rule{
	ID:          "PAL-DF-145",
	Severity:    finding.Low,
	Title:       "go install without a version",
	Doc:         "go install module/path@latest (or without @version in GOPATH mode) builds whatever the module's newest release is on the day of the build. A fixed version is reproducible and is verified against the Go checksum database.",
	Remediation: "Pin the version: go install example.com/tool@v1.2.3.",
	Aliases:     []finding.Alias{hygHadolint("DL3062")},
	Optional:    true,
})

var checkPinGo = Check{Rule: PinGo, Run: func(p *Pass) {
	hygPinCheck(p, []string{"go"}, hygGoValueFlags, map[string]bool{"install": true}, func(a string) bool {
		if !strings.Contains(strings.SplitN(a, "/", 2)[0], ".") {
			return true // standard library or local package path
		}
		_, v, ok := strings.Cut(a, "@")
		return ok && v != "latest" && v != "" && v != "master" && v != "main"
	}, "module/path@vX.Y.Z")
}}
