package dockerfile

// useradd with a large UID and without -l.
//
// Checks useradd -u/--uid with a UID of six digits or more and without
// -l/--no-log-init (a UID from an ARG or ENV is used when its value is
// known). useradd then writes the user's entry into
// /var/log/lastlog and faillog, sparse files sized by the UID that
// Docker stores fully expanded: gigabytes of zeros in the layer.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var UseraddLog = hygieneRule(finding.Rule{
	ID:          "PAL-DF-153",
	Severity:    finding.Low,
	Title:       "useradd with a large UID and without -l",
	Doc:         "useradd records every new user in /var/log/lastlog and /var/log/faillog, whose size grows with the UID. The files are sparse on disk, but image layers store them in full, so a UID like 100000000 adds gigabytes to the image. -l (--no-log-init) skips those files.",
	Remediation: "Add -l: useradd -l -u 100000 app.",
	Aliases:     []finding.Alias{hygHadolint("DL3046")},
})

var checkUseraddLog = Check{Rule: UseraddLog, Run: func(p *Pass) {
	for in, c := range hygRunCalls(p.File) {
		if c.Name != "useradd" || c.HasFlag("-l", "--no-log-init") {
			continue
		}
		uid, ok := c.FlagValue("-u", "--uid")
		if ok && strings.Contains(uid, "$") {
			uid, ok = p.File.ScopeAt(in).Expand(uid)
		}
		if !ok || len(uid) <= 5 || strings.Trim(uid, "0123456789") != "" {
			continue
		}
		p.Report(in, "useradd -u %s without -l fills /var/log/lastlog and faillog with %s-entry sparse files the layer stores in full", uid, uid)
	}
}}
