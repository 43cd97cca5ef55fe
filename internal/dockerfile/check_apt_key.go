package dockerfile

// PAL-DF-031: a repository signing key is trusted for every APT
// repository.
//
// Checked: `apt-key add` (from a file or stdin) and `apt-key adv` with
// --recv-keys/--recv/--fetch-keys in RUN; keys written into the global
// trust store /etc/apt/trusted.gpg or /etc/apt/trusted.gpg.d/ by gpg
// --dearmor -o/--output, curl -o, wget -O, a shell redirection or tee,
// cp/mv/install, and COPY or ADD.
//
// Allowed: keys stored anywhere else, typically /etc/apt/keyrings or
// /usr/share/keyrings, and referenced per repository with signed-by.
// `apt-key list`, `apt-key del` and `apt-key export` are not reported.

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// AptKeyGlobalTrust is PAL-DF-031.
var AptKeyGlobalTrust = &finding.Rule{
	ID:       "PAL-DF-031",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "package-managers",
	Title:    "Repository key is trusted for every APT repository",
	Doc: "apt-key add, apt-key adv --recv-keys and keys dropped into /etc/apt/trusted.gpg.d/ go into APT's global trust " +
		"store: a key added for one third-party repository can then sign packages of any repository, including " +
		"replacements for Debian's or Ubuntu's own packages. apt-key is deprecated since APT 2.1 and is gone from " +
		"current Debian and Ubuntu releases.",
	Remediation: "Store the key in its own keyring, e.g. `curl -fsSL https://example.com/key.asc | gpg --dearmor -o " +
		"/etc/apt/keyrings/example.gpg`, and reference it only from that repository's entry: " +
		"`deb [signed-by=/etc/apt/keyrings/example.gpg] https://example.com/apt stable main`.",
}

var checkAptKeyGlobalTrust = Check{Rule: AptKeyGlobalTrust, Run: func(p *Pass) {
	var issues igIssues
	for _, in := range p.File.Instructions {
		switch c := in.Cmd.(type) {
		case *instructions.CopyCommand:
			if igAptKeyGlobalPath(c.DestPath) {
				issues.add(in, "COPY puts a key into "+c.DestPath)
			}
			continue
		case *instructions.AddCommand:
			if igAptKeyGlobalPath(c.DestPath) {
				issues.add(in, "ADD puts a key into "+c.DestPath)
			}
			continue
		}
		if in.Script == nil {
			continue
		}
		facts := igFacts(p.File, in)
		for _, c := range igCalls(p.File, in) {
			if target, ok := facts.stdout[c.String()]; ok && igAptKeyGlobalPath(target) {
				issues.add(in, c.Name+" writes a key to "+target)
			}
			switch c.Name {
			case "apt-key":
				switch c.Subcommand("--keyring") {
				case "add":
					issues.add(in, "apt-key add")
				case "adv":
					if c.HasFlag("--recv-keys", "--recv-key", "--recv", "--fetch-keys") {
						issues.add(in, "apt-key adv --recv-keys")
					}
				}
			case "gpg", "gpg2":
				if out, ok := c.FlagValue("-o", "--output"); ok && igAptKeyGlobalPath(out) {
					issues.add(in, c.Name+" writes a key to "+out)
				}
			case "curl":
				if d, ok := igDownloadOf(c); ok && d.Out != "-" && igAptKeyGlobalPath(d.Out) {
					issues.add(in, "curl writes a key to "+d.Out)
				}
			case "wget":
				if d, ok := igDownloadOf(c); ok && d.Out != "-" && igAptKeyGlobalPath(d.Out) {
					issues.add(in, "wget writes a key to "+d.Out)
				}
			case "tee":
				for _, t := range c.Positional() {
					if igAptKeyGlobalPath(t) {
						issues.add(in, "tee writes a key to "+t)
					}
				}
			case "cp", "mv", "install", "ln":
				pos := c.Positional("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S", "--suffix")
				if t, ok := c.FlagValue("-t", "--target-directory"); ok && igAptKeyGlobalPath(t) {
					issues.add(in, c.Name+" puts a key into "+t)
				} else if len(pos) >= 2 && igAptKeyGlobalPath(pos[len(pos)-1]) {
					issues.add(in, c.Name+" puts a key into "+pos[len(pos)-1])
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": a key in APT's global trust store can sign packages for every repository, not only the one it was added for"
	})
}}

// igAptKeyGlobalPath reports /etc/apt/trusted.gpg and /etc/apt/trusted.gpg.d/….
func igAptKeyGlobalPath(p string) bool {
	p = strings.Trim(p, `"'`)
	if p == "" {
		return false
	}
	c := path.Clean(p)
	return c == "/etc/apt/trusted.gpg" || c == "/etc/apt/trusted.gpg.d" || strings.HasPrefix(c, "/etc/apt/trusted.gpg.d/")
}
