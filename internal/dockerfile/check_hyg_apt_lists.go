package dockerfile

// apt lists left in the image.
//
// Checks every RUN that runs apt-get update (or apt update), in stages
// that end up in an image, for a removal of /var/lib/apt/lists in the
// same RUN (rm -rf /var/lib/apt/lists/*, or apt-get dist-clean). The
// package lists are tens of
// megabytes and removing them in a later RUN does not shrink the earlier
// layer. Allowed: a cache or tmpfs mount over /var/lib/apt.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var AptLists = hygieneRule(finding.Rule{
	ID:          "PAL-DF-124",
	Severity:    finding.Info,
	Title:       "apt lists are not removed after apt-get update",
	Doc:         "apt-get update downloads the package lists into /var/lib/apt/lists. Unless the same RUN deletes them, they stay in the layer: a bigger image, and stale metadata that later installs may trust.",
	Remediation: "End the RUN with && rm -rf /var/lib/apt/lists/*, or mount a cache: RUN --mount=type=cache,target=/var/lib/apt ...",
	Aliases:     []finding.Alias{hygHadolint("DL3009")},
})

var checkAptLists = Check{Rule: AptLists, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	done := map[*Instruction]bool{}
	for _, pc := range hygPmCalls(p.File, hygAptValueFlags, "apt-get", "apt") {
		if pc.Sub != "update" || done[pc.In] || !img[pc.In.Stage] {
			continue
		}
		done[pc.In] = true
		if hygCacheMounted(pc.In, "/var/lib/apt/") || hygRemovesAptLists(pc.All) {
			continue
		}
		p.Report(pc.In, "%s update without rm -rf /var/lib/apt/lists/* in the same RUN leaves the lists in the layer", pc.C.Name)
	}
}}

func hygRemovesAptLists(cs []*Call) bool {
	for _, c := range cs {
		if hygAptSub(c) == "dist-clean" {
			return true // apt 2.9+: removes the lists too
		}
		if hygRemoves(c, "/var/lib/apt/lists") {
			return true
		}
		if c.Name == "rm" {
			for _, a := range c.Positional() {
				if strings.TrimSuffix(a, "/") == "/var/lib/apt" {
					return true
				}
			}
		}
		if c.Name == "find" && len(c.Args) > 0 && strings.HasPrefix(c.Args[0], "/var/lib/apt/lists") && hygHasArg(c, "-delete") {
			return true
		}
	}
	return false
}
