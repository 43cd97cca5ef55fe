package dockerfile

// PAL-DF-032: an RPM package manager skips signature or TLS verification.
//
// Checked, in RUN:
//   - rpm and rpmkeys with --nosignature, --nodigest, --noverify or
//     --nofiledigest;
//   - yum, dnf, dnf5, microdnf and tdnf with --nogpgcheck (dnf5:
//     --no-gpgchecks), and --setopt [REPO.]gpgcheck, pkg_gpgcheck,
//     repo_gpgcheck, localpkg_gpgcheck or sslverify set false (0, False,
//     no, off), also through yum-config-manager / dnf config-manager
//     --setopt (with or without --save) and dnf5's `config-manager setopt`;
//   - zypper with --no-gpg-checks, --gpg-auto-import-keys, ar/addrepo or
//     mr/modifyrepo with -G/--no-gpgcheck, and install --allow-unsigned-rpm;
//   - gpgcheck, pkg_gpgcheck or sslverify set false in a repository or
//     configuration file (*.repo, /etc/yum.repos.d, /etc/yum.conf,
//     /etc/dnf/dnf.conf, /etc/zypp/, /etc/tdnf/) written by echo, printf,
//     tee, heredocs, sed -i, crudini or COPY <<EOF; in /etc/zypp/ also
//     repo_gpgcheck.
//
// Allowed: repo_gpgcheck=0 in repository files elsewhere (it is the
// default of most repositories, whose packages are still signed), and
// every setting set true.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// RpmNoGpgCheck is PAL-DF-032.
var RpmNoGpgCheck = &finding.Rule{
	ID:       "PAL-DF-032",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "RPM package manager skips signature or TLS verification",
	Doc: "rpm, yum, dnf, microdnf, tdnf and zypper verify package signatures against the distribution's or vendor's " +
		"GPG keys. --nogpgcheck, --nosignature, --nodigest, gpgcheck=0, sslverify=0, zypper --no-gpg-checks and " +
		"--gpg-auto-import-keys turn the check off or trust whatever key a repository offers, so a tampered mirror " +
		"or a man-in-the-middle can install its own packages as root. Settings written into .repo files and " +
		"dnf.conf keep the bypass for every later install in the image, including at runtime.",
	Remediation: "Import the vendor's key (rpm --import /path/or/https/URL of the key, checked against the published " +
		"fingerprint) and keep gpgcheck=1 and sslverify=1; for zypper, import keys explicitly with rpm --import " +
		"instead of --gpg-auto-import-keys.",
	Aliases: []finding.Alias{
		{Tool: "checkov", ID: "CKV2_DOCKER_9"},
		{Tool: "checkov", ID: "CKV2_DOCKER_10"},
		{Tool: "checkov", ID: "CKV2_DOCKER_15"},
	},
}

var checkRpmNoGpgCheck = Check{Rule: RpmNoGpgCheck, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		for _, item := range igRpmCallBypasses(c) {
			issues.add(in, item)
		}
	}
	for _, w := range igWrites(p.File) {
		zypp := strings.Contains(w.Path, "/etc/zypp/")
		if !igRpmIsConfPath(w.Path) {
			continue
		}
		for _, line := range strings.Split(w.Content, "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
			if !ok {
				continue
			}
			k = strings.ToLower(strings.TrimSpace(k))
			if k == "repo_gpgcheck" && !zypp || k == "localpkg_gpgcheck" {
				continue // the defaults of most repositories
			}
			if what := igRpmSettingBypass(k, v); what != "" {
				issues.add(w.In, w.Via+" writes "+k+"="+strings.TrimSpace(v)+" to "+w.Path+" ("+what+")")
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": packages are installed without verifying who built them"
	})
}}

// igRpmCallBypasses lists what one call turns off.
func igRpmCallBypasses(c *Call) []string {
	var out []string
	flag := func(flags ...string) {
		for _, f := range flags {
			if c.HasFlag(f) {
				out = append(out, c.Name+" "+f)
			}
		}
	}
	setopts := func(values []string) {
		for _, kv := range values {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			key := strings.ToLower(k)
			if i := strings.LastIndexByte(key, '.'); i >= 0 {
				key = key[i+1:]
			}
			if what := igRpmSettingBypass(key, v); what != "" {
				out = append(out, c.Name+" --setopt="+kv+" ("+what+")")
			}
		}
	}
	switch c.Name {
	case "rpm", "rpmkeys":
		flag("--nosignature", "--nodigest", "--noverify", "--nofiledigest")
	case "yum", "dnf", "dnf5", "dnf4", "microdnf", "tdnf", "yum-config-manager":
		flag("--nogpgcheck", "--no-gpgchecks")
		setopts(igRpmSetopts(c))
		if (c.Name == "dnf" || c.Name == "dnf5") && c.Subcommand("--setopt") == "config-manager" {
			pos := c.Positional("--setopt")
			if len(pos) >= 2 && pos[1] == "setopt" {
				setopts(pos[2:])
			}
		}
	case "zypper":
		flag("--no-gpg-checks", "--gpg-auto-import-keys", "--allow-unsigned-rpm")
		switch c.Subcommand("--root", "-R", "--config", "-c", "--reposd-dir", "-D", "--cache-dir", "-C", "--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir") {
		case "ar", "addrepo", "mr", "modifyrepo":
			flag("-G", "--no-gpgcheck", "--nogpgcheck")
		}
	}
	return out
}

// igRpmSetopts returns the values of --setopt=K=V and --setopt K=V.
func igRpmSetopts(c *Call) []string {
	var out []string
	for i, a := range c.Args {
		switch {
		case strings.HasPrefix(a, "--setopt="):
			out = append(out, strings.TrimPrefix(a, "--setopt="))
		case a == "--setopt" && i+1 < len(c.Args):
			out = append(out, c.Args[i+1])
		}
	}
	return out
}

// igRpmSettingBypass says what a yum/dnf/zypp setting turns off, or "".
func igRpmSettingBypass(key, value string) string {
	b, ok := igBool(value)
	if !ok || b {
		return ""
	}
	switch key {
	case "gpgcheck", "pkg_gpgcheck", "localpkg_gpgcheck":
		return "no package signature check"
	case "repo_gpgcheck":
		return "no repository metadata signature check"
	case "sslverify":
		return "no TLS certificate verification"
	}
	return ""
}

func igRpmIsConfPath(p string) bool {
	p = strings.Trim(p, `"'`)
	return strings.HasSuffix(p, ".repo") || strings.Contains(p, "/etc/yum.repos.d/") || strings.Contains(p, "/etc/yum.conf") ||
		strings.Contains(p, "/etc/dnf/") || strings.Contains(p, "/etc/zypp/") || strings.Contains(p, "/etc/tdnf/") ||
		strings.Contains(p, "/etc/distro.repos.d/") || strings.Contains(p, "/etc/yum/")
}
