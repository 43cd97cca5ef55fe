package dockerfile

// PAL-DF-037: Go module downloads skip TLS or checksum verification.
//
// Checked: GOINSECURE set to a non-empty pattern, GOSUMDB=off, GOFLAGS
// containing -insecure, and GONOSUMCHECK/GONOSUMDB set to match every
// module ("*" or "all"), by ENV, ARG defaults or RUN (prefixes, env,
// export) and by `go env -w`; `go get -insecure` / `go install
// -insecure`.
//
// Allowed: GOPRIVATE and GONOSUMDB with specific private module patterns
// (those modules are fetched from your own servers), GOPROXY settings,
// and GOFLAGS without -insecure.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// GoInsecure is PAL-DF-037.
var GoInsecure = &finding.Rule{
	ID:       "PAL-DF-037",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "Go module downloads skip TLS or checksum verification",
	Doc: "The go command checks every module it downloads against go.sum and the public checksum database " +
		"(sum.golang.org), and fetches over verified HTTPS. GOSUMDB=off drops the checksum database for modules not " +
		"yet in go.sum, GOINSECURE allows plain HTTP and any certificate for the matching modules, and -insecure did " +
		"both for go get. A man-in-the-middle can then serve other source code for those modules.",
	Remediation: "Remove GOINSECURE, GOSUMDB=off and -insecure; list private modules in GOPRIVATE (which skips the " +
		"public checksum database for them only) and serve them over HTTPS.",
	Aliases: []finding.Alias{{Tool: "checkov", ID: "CKV2_DOCKER_18"}},
}

var checkGoInsecure = Check{Rule: GoInsecure, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		if c.Name != "go" {
			continue
		}
		switch c.Subcommand() {
		case "get", "install", "mod", "build":
			if c.HasFlag("-insecure") {
				issues.add(in, "go "+c.Subcommand()+" -insecure")
			}
		case "env":
			for i, a := range c.Args {
				if a == "-w" && i+1 < len(c.Args) {
					for _, kv := range c.Args[i+1:] {
						if k, v, ok := strings.Cut(kv, "="); ok {
							if what := igGoVarBypass(k, v); what != "" {
								issues.add(in, "go env -w "+kv+" ("+what+")")
							}
						}
					}
				}
			}
		}
	}
	for _, v := range igVars(p.File) {
		if !v.HasValue {
			continue
		}
		if what := igGoVarBypass(v.Name, v.Value); what != "" {
			issues.add(v.In, v.Where()+" sets "+v.Name+"="+v.Value+" ("+what+")")
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": Go modules can be replaced in transit"
	})
}}

// igGoVarBypass judges a Go environment variable.
func igGoVarBypass(name, value string) string {
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	switch name {
	case "GOINSECURE":
		if v != "" {
			return "plain HTTP and any certificate allowed"
		}
	case "GOSUMDB":
		if strings.EqualFold(v, "off") {
			return "no checksum database"
		}
	case "GONOSUMDB", "GONOSUMCHECK":
		for _, pat := range strings.Split(v, ",") {
			if pat == "*" || pat == "all" || pat == "1" && name == "GONOSUMCHECK" {
				return "no checksum database for any module"
			}
		}
	case "GOFLAGS":
		for _, f := range strings.Fields(v) {
			if f == "-insecure" || strings.HasPrefix(f, "-insecure=") && f != "-insecure=false" {
				return "plain HTTP and any certificate allowed"
			}
		}
	}
	return ""
}
