package dockerfile

// PAL-DF-033: apk installs unsigned packages or uses a plain-HTTP
// repository.
//
// Checked, in RUN: apk with --allow-untrusted (any subcommand); apk with
// --repository/-X naming an http:// URL; http:// lines written into
// /etc/apk/repositories by echo, printf, tee, heredocs, sed -i or COPY
// <<EOF (also `sed -i 's/https/http/'` on that file).
//
// Allowed: https:// repositories, local repositories (/path), and http://
// repositories on the build host itself (localhost, 127.0.0.0/8, ::1).
// A plain-HTTP repository is reported at medium severity: apk still
// checks the index signature, but a man-in-the-middle can hold back
// updates and read what is installed.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// ApkUntrusted is PAL-DF-033.
var ApkUntrusted = &finding.Rule{
	ID:       "PAL-DF-033",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "apk installs unsigned packages or uses a plain-HTTP repository",
	Doc: "apk verifies each repository index and package against the keys in /etc/apk/keys. --allow-untrusted " +
		"installs packages whose signature is missing or unknown, so the package's origin is not checked at all. " +
		"http:// repositories added with --repository or to /etc/apk/repositories expose every install to the " +
		"network path: signatures still hold, but updates can be withheld (reported at medium severity).",
	Remediation: "Sign local packages with abuild-sign and install the public key into /etc/apk/keys instead of " +
		"--allow-untrusted; use https:// repository URLs.",
	Aliases: []finding.Alias{{Tool: "checkov", ID: "CKV2_DOCKER_7"}},
}

var checkApkUntrusted = Check{Rule: ApkUntrusted, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		if c.Name != "apk" {
			continue
		}
		if c.HasFlag("--allow-untrusted") {
			issues.add(in, "apk "+c.Subcommand("-X", "--repository", "-p", "--root", "--keys-dir", "--arch", "--cache-dir", "--repositories-file")+" --allow-untrusted installs packages without checking their signature")
		}
		for i, a := range c.Args {
			var repo string
			switch {
			case (a == "-X" || a == "--repository") && i+1 < len(c.Args):
				repo = c.Args[i+1]
			case strings.HasPrefix(a, "--repository="):
				repo = strings.TrimPrefix(a, "--repository=")
			case strings.HasPrefix(a, "-X") && len(a) > 2:
				repo = a[2:]
			}
			if igPlainHTTP(repo) {
				issues.addSev(in, "apk --repository "+repo+" uses plain HTTP", finding.Medium)
			}
		}
	}
	for _, w := range igWrites(p.File) {
		if !strings.HasSuffix(strings.Trim(w.Path, `"'`), "/etc/apk/repositories") {
			continue
		}
		for _, line := range strings.Split(w.Content, "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "@"))
			if tag, rest, ok := strings.Cut(line, " "); ok && !strings.Contains(tag, "://") {
				line = strings.TrimSpace(rest) // "@edge http://…"
			}
			switch {
			case igPlainHTTP(line):
				issues.addSev(w.In, w.Via+" adds the plain-HTTP repository "+line+" to "+w.Path, finding.Medium)
			case w.Via == "sed -i" && (line == "http" || line == "http:" || strings.HasPrefix(line, "http:/")):
				issues.addSev(w.In, "sed -i switches the repositories in "+w.Path+" to plain HTTP", finding.Medium)
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items)
	})
}}
