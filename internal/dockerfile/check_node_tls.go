package dockerfile

// PAL-DF-035: npm, Yarn, pnpm or Node.js skip TLS verification or use a
// plain-HTTP registry.
//
// Checked:
//   - `npm|yarn|pnpm config set strict-ssl false` (also `npm set`,
//     `npm c set`, strict-ssl=false, and Yarn 2+'s enableStrictSsl false);
//   - --strict-ssl=false and --no-strict-ssl on npm, yarn and pnpm;
//   - a registry set to an http:// URL: `config set registry http://…`,
//     --registry=http://…, Yarn 2+'s npmRegistryServer;
//   - the variables NODE_TLS_REJECT_UNAUTHORIZED=0,
//     npm_config_strict_ssl / NPM_CONFIG_STRICT_SSL=false,
//     YARN_ENABLE_STRICT_SSL=false, and npm_config_registry /
//     NPM_CONFIG_REGISTRY / YARN_NPM_REGISTRY_SERVER with an http:// URL,
//     from ENV, ARG defaults or RUN (prefixes, env, export);
//   - strict-ssl=false or an http:// registry written into .npmrc, .yarnrc
//     or .yarnrc.yml (enableStrictSsl: false, npmRegistryServer).
//
// Allowed: https:// registries, and http:// registries on the build host
// itself (localhost, 127.0.0.0/8, ::1).

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// NodeTLSDisabled is PAL-DF-035.
var NodeTLSDisabled = &finding.Rule{
	ID:       "PAL-DF-035",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "npm, Yarn or Node.js skip TLS verification or use a plain-HTTP registry",
	Doc: "npm, Yarn and pnpm fetch packages and their integrity hashes over TLS from the registry: with strict-ssl " +
		"off, NODE_TLS_REJECT_UNAUTHORIZED=0 or an http:// registry, a man-in-the-middle can serve other packages " +
		"and matching hashes for everything not already pinned by a lockfile. NODE_TLS_REJECT_UNAUTHORIZED=0 set by " +
		"ENV also disables certificate checks for every HTTPS request the application makes at runtime.",
	Remediation: "Keep strict-ssl on and use the registry's https:// URL; for a private registry with its own CA, " +
		"set cafile (npm config set cafile /path/ca.pem) or NODE_EXTRA_CA_CERTS instead of turning verification off.",
	Aliases: []finding.Alias{
		{Tool: "checkov", ID: "CKV2_DOCKER_6"},
		{Tool: "checkov", ID: "CKV2_DOCKER_12"},
		{Tool: "checkov", ID: "CKV2_DOCKER_13"},
	},
}

var checkNodeTLSDisabled = Check{Rule: NodeTLSDisabled, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		switch c.Name {
		case "npm", "yarn", "pnpm", "npx", "yarnpkg":
			for _, item := range igNodeCallBypasses(c) {
				issues.add(in, item)
			}
		}
	}
	for _, v := range igVars(p.File) {
		if !v.HasValue {
			continue
		}
		if what := igNodeVarBypass(v.Name, v.Value); what != "" {
			issues.add(v.In, v.Where()+" sets "+v.Name+"="+v.Value+" ("+what+")")
		}
	}
	for _, w := range igWrites(p.File) {
		base := w.Path[strings.LastIndexByte(w.Path, '/')+1:]
		base = strings.Trim(base, `"'`)
		switch base {
		case ".npmrc", "npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmrc":
		default:
			continue
		}
		for _, line := range strings.Split(w.Content, "\n") {
			k, v, ok := igNodeRCLine(line)
			if !ok {
				continue
			}
			if what := igNodeSettingBypass(k, v); what != "" {
				issues.add(w.In, w.Via+" writes "+strings.TrimSpace(line)+" to "+w.Path+" ("+what+")")
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": JavaScript packages can be replaced in transit"
	})
}}

// igNodeCallBypasses lists the insecure settings of one npm/yarn/pnpm call.
func igNodeCallBypasses(c *Call) []string {
	var out []string
	for i, a := range c.Args {
		switch {
		case a == "--no-strict-ssl":
			out = append(out, c.Name+" --no-strict-ssl (no TLS verification)")
		case strings.HasPrefix(a, "--strict-ssl="):
			if b, ok := igBool(strings.TrimPrefix(a, "--strict-ssl=")); ok && !b {
				out = append(out, c.Name+" "+a+" (no TLS verification)")
			}
		case a == "--strict-ssl" && i+1 < len(c.Args):
			if b, ok := igBool(c.Args[i+1]); ok && !b {
				out = append(out, c.Name+" --strict-ssl "+c.Args[i+1]+" (no TLS verification)")
			}
		case strings.HasPrefix(a, "--registry="):
			if igPlainHTTP(strings.TrimPrefix(a, "--registry=")) {
				out = append(out, c.Name+" "+a+" (plain HTTP)")
			}
		case a == "--registry" && i+1 < len(c.Args):
			if igPlainHTTP(c.Args[i+1]) {
				out = append(out, c.Name+" --registry "+c.Args[i+1]+" (plain HTTP)")
			}
		}
	}
	// npm config set KEY VALUE | npm config set KEY=VALUE | npm set KEY VALUE
	pos := c.Positional("--location", "-L", "--userconfig", "--globalconfig")
	if len(pos) >= 2 && (pos[0] == "config" || pos[0] == "c") && pos[1] == "set" {
		pos = pos[1:]
	}
	if len(pos) >= 2 && pos[0] == "set" {
		args := pos[1:]
		for i := 0; i < len(args); i++ {
			k, v, ok := strings.Cut(args[i], "=")
			if !ok && i+1 < len(args) {
				v = args[i+1]
				i++
			}
			if what := igNodeSettingBypass(k, v); what != "" {
				out = append(out, c.Name+" config set "+k+" "+v+" ("+what+")")
			}
		}
	}
	return out
}

// igNodeSettingBypass judges an npm/Yarn setting.
func igNodeSettingBypass(key, value string) string {
	k := strings.ToLower(strings.Trim(key, `"' `))
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	switch k {
	case "strict-ssl", "strict_ssl", "enablestrictssl":
		if b, ok := igBool(v); ok && !b {
			return "no TLS verification"
		}
	case "registry", "npmregistryserver":
		if igPlainHTTP(v) {
			return "plain HTTP registry"
		}
	}
	if strings.HasSuffix(k, ":registry") && igPlainHTTP(v) { // @scope:registry
		return "plain HTTP registry"
	}
	return ""
}

// igNodeVarBypass judges an environment variable read by Node.js, npm or
// Yarn.
func igNodeVarBypass(name, value string) string {
	v := strings.Trim(strings.TrimSpace(value), `"'`)
	switch strings.ToUpper(name) {
	case "NODE_TLS_REJECT_UNAUTHORIZED":
		if v == "0" {
			return "Node.js accepts any certificate"
		}
	case "NPM_CONFIG_STRICT_SSL", "YARN_ENABLE_STRICT_SSL", "YARN_STRICT_SSL":
		if b, ok := igBool(v); ok && !b {
			return "no TLS verification"
		}
	case "NPM_CONFIG_REGISTRY", "YARN_NPM_REGISTRY_SERVER", "YARN_REGISTRY":
		if igPlainHTTP(v) {
			return "plain HTTP registry"
		}
	}
	return ""
}

// igNodeRCLine reads "key=value" (.npmrc), "key value" (.yarnrc) and
// "key: value" (.yarnrc.yml).
func igNodeRCLine(line string) (string, string, bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
		return "", "", false
	}
	if k, v, ok := strings.Cut(line, "="); ok {
		return k, v, true
	}
	if k, v, ok := strings.Cut(line, ": "); ok {
		return k, v, true
	}
	if k, v, ok := strings.Cut(line, " "); ok {
		return k, v, true
	}
	return "", "", false
}
