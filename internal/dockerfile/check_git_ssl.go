package dockerfile

// PAL-DF-036: Git skips TLS certificate verification.
//
// Checked: GIT_SSL_NO_VERIFY set to any value (Git only tests whether the
// variable exists, so even 0 or false disables verification) by ENV, an
// ARG default or RUN (prefixes, env, export); `git config [--global|
// --system] http[.<url>].sslVerify false` (also `git config set`); `git
// -c http.sslVerify=false …`; sslVerify = false written into a
// gitconfig file (/etc/gitconfig, ~/.gitconfig, .config/git/config).
//
// Allowed: `ARG GIT_SSL_NO_VERIFY` without a default (the variable is not
// set unless passed), and sslVerify set true.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// GitSSLNoVerify is PAL-DF-036.
var GitSSLNoVerify = &finding.Rule{
	ID:       "PAL-DF-036",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "Git skips TLS certificate verification",
	Doc: "Go modules, pip and npm Git dependencies, submodules and plain git clone all trust what the server sends: " +
		"with GIT_SSL_NO_VERIFY or http.sslVerify=false any man-in-the-middle can serve other source code. Git " +
		"disables verification whenever GIT_SSL_NO_VERIFY exists, whatever its value. Set by ENV or in a gitconfig " +
		"file, the bypass also stays in the running container.",
	Remediation: "Remove the setting; for a Git server with a private CA, add the CA to the system trust store or set " +
		"http.sslCAInfo to its certificate.",
	Aliases: []finding.Alias{{Tool: "checkov", ID: "CKV2_DOCKER_14"}},
}

var checkGitSSLNoVerify = Check{Rule: GitSSLNoVerify, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		if c.Name != "git" {
			continue
		}
		for i, a := range c.Args {
			if a == "-c" && i+1 < len(c.Args) {
				if k, v, ok := strings.Cut(c.Args[i+1], "="); ok && igGitSSLVerifyOff(k, v) {
					issues.add(in, "git -c "+c.Args[i+1])
				}
			}
		}
		pos := c.Positional("-c", "-C", "--file", "-f", "--type", "--git-dir", "--work-tree", "--blob", "--default", "--comment", "--value")
		if len(pos) >= 3 && pos[0] == "config" {
			rest := pos[1:]
			if rest[0] == "set" && len(rest) >= 3 {
				rest = rest[1:]
			}
			if igGitSSLVerifyOff(rest[0], rest[1]) {
				issues.add(in, "git config "+rest[0]+" "+rest[1])
			}
		}
	}
	for _, v := range igVars(p.File) {
		if v.HasValue && strings.EqualFold(v.Name, "GIT_SSL_NO_VERIFY") {
			issues.add(v.In, v.Where()+" sets GIT_SSL_NO_VERIFY="+v.Value)
		}
	}
	for _, w := range igWrites(p.File) {
		t := strings.Trim(w.Path, `"'`)
		if !strings.HasSuffix(t, "gitconfig") && !strings.HasSuffix(t, "/git/config") {
			continue
		}
		for _, line := range strings.Split(w.Content, "\n") {
			k, v, ok := strings.Cut(line, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "sslverify") {
				if b, ok := igBool(v); ok && !b {
					issues.add(w.In, w.Via+" writes sslVerify = "+strings.TrimSpace(v)+" to "+w.Path)
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": Git accepts any server certificate, so fetched sources can be replaced in transit"
	})
}}

// igGitSSLVerifyOff reports http.sslVerify or http.<url>.sslVerify set false.
func igGitSSLVerifyOff(key, value string) bool {
	k := strings.ToLower(key)
	if !strings.HasPrefix(k, "http.") || !strings.HasSuffix(k, ".sslverify") {
		return false
	}
	b, ok := igBool(value)
	return ok && !b
}
