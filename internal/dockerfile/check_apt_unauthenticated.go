package dockerfile

// PAL-DF-030: APT installs packages or reads repositories without
// verifying their signatures.
//
// Checked, in RUN (also inside sh -c and substitutions):
//   - apt-get, apt and aptitude with --allow-unauthenticated, --force-yes,
//     --allow-insecure-repositories, and aptitude's --allow-untrusted;
//   - -o/--option settings (any case, also -oKEY=VALUE):
//     APT::Get::AllowUnauthenticated, APT::Get::force-yes,
//     Acquire::AllowInsecureRepositories,
//     Acquire::AllowDowngradeToInsecureRepositories and
//     Acquire::AllowWeakRepositories set true; Acquire::https::Verify-Peer
//     and Verify-Host (also per host) set false;
//   - the same settings written into /etc/apt/apt.conf or apt.conf.d/*;
//   - sources entries that disable verification: the one-line options
//     [trusted=yes], [allow-insecure=yes], [allow-weak=yes] and
//     [allow-downgrade-to-insecure=yes], and the deb822 fields Trusted,
//     Allow-Insecure, Allow-Weak and Allow-Downgrade-To-Insecure, written
//     by echo, printf, tee, heredocs or COPY <<EOF into
//     /etc/apt/sources.list*, or passed to add-apt-repository.
//
// Allowed: local repositories (file:/ and copy:/ URIs, typically built in
// the same RUN from verified sources) marked [trusted=yes];
// --allow-downgrades, --allow-remove-essential and
// --allow-change-held-packages (they do not turn signature checks off),
// Acquire::Check-Valid-Until=false (needed for snapshot.debian.org, and
// signatures are still checked), and plain-http sources, which APT
// protects with signed Release files.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// AptUnauthenticated is PAL-DF-030.
var AptUnauthenticated = &finding.Rule{
	ID:       "PAL-DF-030",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "APT installs packages without verifying their signatures",
	Doc: "APT checks every package against the signed Release file of its repository. --allow-unauthenticated, --force-yes, " +
		"--allow-insecure-repositories, APT::Get::AllowUnauthenticated, Acquire::AllowInsecureRepositories, disabling " +
		"Acquire::https::Verify-Peer, and [trusted=yes] or Trusted: yes sources all turn that check off, so anyone on the " +
		"network path or in control of a mirror can substitute packages that then run as root in the build. " +
		"--allow-downgrades and Acquire::Check-Valid-Until=false are not reported: signatures are still checked.",
	Remediation: "Remove the option and install the repository's signing key into /etc/apt/keyrings, referenced with " +
		"[signed-by=/etc/apt/keyrings/<name>.gpg] in the sources entry; fix the repository rather than bypassing its signature.",
	Aliases: []finding.Alias{
		{Tool: "checkov", ID: "CKV2_DOCKER_8"},
		{Tool: "checkov", ID: "CKV2_DOCKER_11"},
	},
}

var checkAptUnauthenticated = Check{Rule: AptUnauthenticated, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		switch c.Name {
		case "apt-get", "apt", "aptitude":
			for _, flag := range []string{"--allow-unauthenticated", "--force-yes", "--allow-insecure-repositories", "--allow-untrusted"} {
				if c.HasFlag(flag) {
					issues.add(in, c.Name+" "+flag)
				}
			}
			for _, kv := range igAptOptions(c) {
				if what := igAptSettingBypass(kv[0], kv[1]); what != "" {
					issues.add(in, c.Name+" -o "+kv[0]+"="+kv[1]+" ("+what+")")
				}
			}
		case "add-apt-repository", "apt-add-repository":
			for _, a := range c.Positional() {
				for _, opt := range igAptSourceBypass(a) {
					issues.add(in, c.Name+" with "+opt)
				}
			}
		}
	}
	for _, w := range igWrites(p.File) {
		switch {
		case igAptIsConfPath(w.Path):
			for _, line := range strings.Split(w.Content, "\n") {
				k, v, ok := igAptConfLine(line)
				if !ok {
					continue
				}
				if what := igAptSettingBypass(k, v); what != "" {
					issues.add(w.In, w.Via+" writes "+k+" "+v+" to "+w.Path+" ("+what+")")
				}
			}
		case igAptIsSourcesPath(w.Path) || igAptLooksLikeSources(w.Content):
			for _, opt := range igAptSourceBypass(w.Content) {
				issues.add(w.In, w.Via+" writes a source with "+opt+" to "+w.Path)
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": APT will accept packages whose signatures it cannot verify"
	})
}}

// igAptOptions returns the KEY=VALUE settings of -o, -oKEY=VALUE,
// --option KEY=VALUE and --option=KEY=VALUE.
func igAptOptions(c *Call) [][2]string {
	var out [][2]string
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		var kv string
		switch {
		case a == "-o" || a == "--option":
			if i+1 < len(c.Args) {
				kv = c.Args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--option="):
			kv = strings.TrimPrefix(a, "--option=")
		case strings.HasPrefix(a, "-o") && !strings.HasPrefix(a, "--"):
			kv = a[2:]
		default:
			continue
		}
		if k, v, ok := strings.Cut(kv, "="); ok {
			out = append(out, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
		}
	}
	return out
}

// igAptSettingBypass says what an APT configuration setting turns off, or
// "" when it is harmless.
func igAptSettingBypass(key, value string) string {
	k := strings.ToLower(strings.Trim(key, `"' `))
	b, ok := igBool(value)
	if !ok {
		return ""
	}
	switch k {
	case "apt::get::allowunauthenticated", "apt::get::force-yes":
		if b {
			return "accepts unauthenticated packages"
		}
	case "acquire::allowinsecurerepositories":
		if b {
			return "accepts unsigned repositories"
		}
	case "acquire::allowdowngradetoinsecurerepositories":
		if b {
			return "accepts repositories that lost their signature"
		}
	case "acquire::allowweakrepositories":
		if b {
			return "accepts repositories signed with weak algorithms"
		}
	}
	if strings.HasPrefix(k, "acquire::https::") && (strings.HasSuffix(k, "::verify-peer") || strings.HasSuffix(k, "::verify-host")) && !b {
		return "disables TLS certificate verification"
	}
	return ""
}

// igAptConfLine reads `Key "value";` or `Key value;` from apt.conf syntax.
func igAptConfLine(line string) (string, string, bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "//") || strings.HasPrefix(line, "#") {
		return "", "", false
	}
	line = strings.TrimSuffix(line, ";")
	k, v, ok := strings.Cut(line, " ")
	if !ok {
		k, v, ok = strings.Cut(line, "=")
	}
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`), true
}

func igAptIsConfPath(p string) bool {
	return strings.Contains(p, "/etc/apt/apt.conf") || strings.HasPrefix(p, "apt.conf.d/")
}

func igAptIsSourcesPath(p string) bool {
	return strings.Contains(p, "sources.list") || strings.Contains(p, "/etc/apt/sources") || strings.HasSuffix(p, ".sources") && strings.Contains(p, "/apt/")
}

// igAptLooksLikeSources reports one-line source entries written anywhere.
func igAptLooksLikeSources(content string) bool {
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "deb [") || strings.HasPrefix(line, "deb-src [") {
			return true
		}
	}
	return false
}

// igAptSourceBypass returns the options of sources entries (one-line or
// deb822) that disable verification, as written.
func igAptSourceBypass(content string) []string {
	var out []string
	bypass := map[string]bool{"trusted": true, "allow-insecure": true, "allow-weak": true, "allow-downgrade-to-insecure": true}
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "deb ") || strings.HasPrefix(line, "deb-src "):
			open := strings.IndexByte(line, '[')
			end := strings.IndexByte(line, ']')
			if open < 0 || end < open {
				continue
			}
			if igAptLocalURI(line[end+1:]) {
				continue // a repository built in the image itself
			}
			for _, opt := range strings.Fields(line[open+1 : end]) {
				k, v, ok := strings.Cut(opt, "=")
				if !ok || !bypass[strings.ToLower(k)] {
					continue
				}
				if b, ok := igBool(v); ok && b {
					out = append(out, "["+opt+"]")
				}
			}
		default:
			k, v, ok := strings.Cut(line, ":")
			if !ok || !bypass[strings.ToLower(strings.TrimSpace(k))] {
				continue
			}
			if b, ok := igBool(v); ok && b {
				out = append(out, strings.TrimSpace(k)+": "+strings.TrimSpace(v))
			}
		}
	}
	return out
}

// igAptLocalURI reports sources whose URI is the image's own file system
// (file:/, copy:/): packages built or copied in the same build, which
// cannot be signed by anyone.
func igAptLocalURI(rest string) bool {
	f := strings.Fields(rest)
	return len(f) > 0 && (strings.HasPrefix(f[0], "file:") || strings.HasPrefix(f[0], "copy:"))
}
