package dockerfile

// FROM --platform with a constant value.
//
// Checks FROM --platform=<constant> (for example linux/amd64). A constant
// platform pins the stage to one architecture even in multi-platform
// builds, so an arm64 image ends up with amd64 binaries (or emulation).
// Allowed: values built from variables ($BUILDPLATFORM, $TARGETPLATFORM,
// an ARG), and, as in BuildKit, a constant whose OS or architecture is
// part of the stage name (FROM --platform=linux/arm64 ... AS build-arm64).

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var ConstPlatform = hygieneRule(finding.Rule{
	ID:          "PAL-DF-113",
	Severity:    finding.Low,
	Title:       "FROM --platform uses a constant",
	Doc:         "FROM --platform=linux/amd64 forces that platform whatever the build targets, so multi-platform images silently contain binaries for the wrong architecture, run under emulation or fail at start. Use $BUILDPLATFORM for stages that only build (cross-compilation) and leave the target platform to the builder.",
	Remediation: "Use --platform=$BUILDPLATFORM (build stages) or drop the flag; name the stage after the platform if the constant is intended.",
	Aliases:     []finding.Alias{hygBuildkit("FromPlatformFlagConstDisallowed"), hygHadolint("DL3029")},
})

var checkConstPlatform = Check{Rule: ConstPlatform, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		if s.Platform == "" || hygHasVariable(p.File, s.Platform) {
			continue
		}
		plat := strings.ToLower(hygUnquoteWord(p.File, s.Platform))
		osName, arch := hygSplitPlatform(plat)
		if osName == "" && arch == "" {
			continue
		}
		if s.Name != "" && ((osName != "" && strings.Contains(s.Name, osName)) || (arch != "" && strings.Contains(s.Name, arch))) {
			continue
		}
		p.Report(s.From, "FROM --platform=%s pins stage %s to one platform in every build; use $BUILDPLATFORM or drop the flag", plat, s.Ref())
	}
}}

var hygKnownArchs = map[string]bool{"amd64": true, "arm64": true, "arm": true, "386": true, "ppc64le": true, "s390x": true, "riscv64": true, "mips64le": true, "mips64": true, "loong64": true, "x86_64": true, "aarch64": true, "armhf": true, "armel": true, "i386": true, "wasm": true}
var hygKnownOSes = map[string]bool{"linux": true, "windows": true, "darwin": true, "freebsd": true, "wasip1": true, "js": true}

// hygSplitPlatform splits "os/arch[/variant]" (or a lone OS or architecture).
func hygSplitPlatform(p string) (osName, arch string) {
	parts := strings.Split(p, "/")
	switch {
	case len(parts) >= 2:
		return parts[0], parts[1]
	case hygKnownArchs[parts[0]]:
		return "", parts[0]
	case hygKnownOSes[parts[0]]:
		return parts[0], ""
	}
	return "", ""
}
