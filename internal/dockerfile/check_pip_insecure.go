package dockerfile

// PAL-DF-034: pip or Python skips TLS verification or uses a plain-HTTP
// package index.
//
// Checked:
//   - pip, pip3, pip3.N, `python -m pip` and `uv pip` with --trusted-host
//     (uv: --allow-insecure-host), or with -i/--index-url,
//     --extra-index-url, -f/--find-links or --index naming an http:// URL;
//   - `pip config set global.trusted-host …` and `pip config set
//     global.index-url http://…` (any section);
//   - poetry source add NAME http://…;
//   - the variables PIP_TRUSTED_HOST and UV_INSECURE_HOST (any value),
//     PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, UV_INDEX_URL,
//     UV_EXTRA_INDEX_URL, UV_DEFAULT_INDEX and UV_INDEX with an http://
//     URL, and PYTHONHTTPSVERIFY=0, set by ENV, by ARG defaults, or in RUN
//     (VAR=… prefixes, env, export); CURL_CA_BUNDLE set to an empty value,
//     a known way to switch verification off in Python's requests (it
//     works before requests 2.28);
//   - trusted-host, or an http:// index-url/extra-index-url/find-links,
//     written into pip.conf or pip.ini.
//
// Allowed: https:// indexes, and plain HTTP or trusted hosts on the build
// host itself (localhost, 127.0.0.0/8, ::1), which no network sees.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// PipInsecure is PAL-DF-034.
var PipInsecure = &finding.Rule{
	ID:       "PAL-DF-034",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "pip or Python skips TLS verification or uses a plain-HTTP index",
	Doc: "pip has no package signatures: TLS to the index is what protects a pip install. --trusted-host and " +
		"PIP_TRUSTED_HOST turn certificate checks off for a host, http:// index URLs drop TLS altogether, and " +
		"PYTHONHTTPSVERIFY=0 disables certificate checks in Python's standard library, so anyone on the network path " +
		"can serve code that setup.py or the installed package then runs. Set by ENV, the bypass also stays in the " +
		"running container.",
	Remediation: "Use the index's https:// URL; for a private index with its own CA, add the CA with --cert, " +
		"PIP_CERT or the system trust store (update-ca-certificates) instead of --trusted-host. Pin hashes with " +
		"pip install --require-hashes -r requirements.txt.",
	Aliases: []finding.Alias{
		{Tool: "checkov", ID: "CKV2_DOCKER_4"},
		{Tool: "checkov", ID: "CKV2_DOCKER_5"},
		{Tool: "checkov", ID: "CKV2_DOCKER_16"},
	},
}

var checkPipInsecure = Check{Rule: PipInsecure, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		if pc, ok := igPipCall(c); ok {
			for _, item := range igPipCallBypasses(pc) {
				issues.add(in, item)
			}
		}
		if c.Name == "poetry" {
			pos := c.Positional("--priority")
			if len(pos) >= 4 && pos[0] == "source" && pos[1] == "add" && igPlainHTTP(pos[3]) {
				issues.add(in, "poetry source add "+pos[2]+" "+pos[3]+" uses plain HTTP")
			}
		}
	}
	for _, v := range igVars(p.File) {
		if !v.HasValue {
			continue
		}
		if v.Value == "" {
			switch strings.ToUpper(v.Name) {
			case "CURL_CA_BUNDLE":
				// Set empty only to switch verification off: Python requests
				// before 2.28 then skips certificate checks (psf/requests#6071).
				issues.add(v.In, v.Where()+" sets CURL_CA_BUNDLE to an empty value (Python requests before 2.28 then skips certificate checks)")
			}
			continue
		}
		switch strings.ToUpper(v.Name) {
		case "PIP_TRUSTED_HOST", "UV_INSECURE_HOST":
			if !igPipAllLoopback(v.Value) {
				issues.add(v.In, v.Where()+" sets "+v.Name+"="+v.Value+" (no TLS verification for those hosts)")
			}
		case "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_FIND_LINKS":
			for _, u := range strings.Fields(v.Value) {
				if igPlainHTTP(igPipIndexURL(u)) {
					issues.add(v.In, v.Where()+" sets "+v.Name+"="+u+" (plain HTTP)")
				}
			}
		case "PYTHONHTTPSVERIFY":
			if b, ok := igBool(v.Value); ok && !b {
				issues.add(v.In, v.Where()+" sets PYTHONHTTPSVERIFY="+v.Value+" (Python skips certificate checks)")
			}
		}
	}
	for _, w := range igWrites(p.File) {
		target := strings.Trim(w.Path, `"'`)
		if !strings.HasSuffix(target, "pip.conf") && !strings.HasSuffix(target, "pip.ini") {
			continue
		}
		for _, line := range strings.Split(w.Content, "\n") {
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
			switch k {
			case "trusted-host", "trusted_host":
				if v != "" && !igPipAllLoopback(v) {
					issues.add(w.In, w.Via+" writes trusted-host = "+v+" to "+w.Path)
				}
			case "index-url", "extra-index-url", "find-links", "index_url", "extra_index_url", "find_links":
				for _, u := range strings.Fields(v) {
					if igPlainHTTP(u) {
						issues.add(w.In, w.Via+" writes "+k+" = "+u+" to "+w.Path+" (plain HTTP)")
					}
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": Python packages can be replaced in transit"
	})
}}

// igPipCall recognises pip however it is invoked: pip, pip3, pip3.12,
// python -m pip, python3 -m pip and uv pip. It returns a call named
// "pip" (or "uv") whose arguments start at pip's subcommand.
func igPipCall(c *Call) (*Call, bool) {
	switch {
	case c.Name == "pip" || strings.HasPrefix(c.Name, "pip") && strings.Trim(c.Name[3:], "0123456789.") == "":
		return igCallWith(c, "pip", c.Args), true
	case c.Name == "uv" && len(c.Args) > 0 && c.Args[0] == "pip":
		return igCallWith(c, "uv", c.Args[1:]), true
	case igIsInterpreter(c.Name) && strings.HasPrefix(c.Name, "python"):
		for i, a := range c.Args {
			if a == "-m" && i+1 < len(c.Args) && c.Args[i+1] == "pip" {
				return igCallWith(c, "pip", c.Args[i+2:]), true
			}
			if a == "-mpip" {
				return igCallWith(c, "pip", c.Args[i+1:]), true
			}
			if !strings.HasPrefix(a, "-") {
				break
			}
		}
	}
	return nil, false
}

// igPipCallBypasses lists the insecure options of one pip (or uv pip) call.
func igPipCallBypasses(c *Call) []string {
	var out []string
	tool := c.Name
	if tool == "uv" {
		tool = "uv pip"
	}
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		name, value, hasValue := strings.Cut(a, "=")
		if !hasValue {
			switch a {
			case "--trusted-host", "--allow-insecure-host", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index":
				if i+1 < len(c.Args) {
					value = c.Args[i+1]
					i++
				}
			default:
				if len(a) > 2 && (strings.HasPrefix(a, "-i") || strings.HasPrefix(a, "-f")) && !strings.HasPrefix(a, "--") {
					name, value = a[:2], a[2:]
				}
			}
		}
		switch name {
		case "--trusted-host", "--allow-insecure-host":
			if !igPipAllLoopback(value) {
				out = append(out, tool+" "+name+" "+value+" (no TLS verification)")
			}
		case "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index", "--default-index":
			if igPlainHTTP(igPipIndexURL(value)) {
				out = append(out, tool+" "+name+" "+value+" (plain HTTP)")
			}
		}
	}
	// pip config [--global|--user|--site] set KEY VALUE
	pos := c.Positional("--editor")
	if len(pos) >= 4 && pos[0] == "config" && pos[1] == "set" {
		key, value := strings.ToLower(pos[2]), pos[3]
		switch {
		case strings.HasSuffix(key, ".trusted-host"):
			if !igPipAllLoopback(value) {
				out = append(out, tool+" config set "+pos[2]+" "+value+" (no TLS verification)")
			}
		case strings.HasSuffix(key, ".index-url") || strings.HasSuffix(key, ".extra-index-url") || strings.HasSuffix(key, ".find-links"):
			if igPlainHTTP(value) {
				out = append(out, tool+" config set "+pos[2]+" "+value+" (plain HTTP)")
			}
		}
	}
	return out
}

// igPipIndexURL strips uv's "name=" prefix from --index values.
func igPipIndexURL(v string) string {
	if name, u, ok := strings.Cut(v, "="); ok && !strings.Contains(name, "/") {
		return u
	}
	return v
}

// igPipAllLoopback reports whether every host in a space- or
// comma-separated list is the build host.
func igPipAllLoopback(hosts string) bool {
	fields := strings.FieldsFunc(hosts, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '\t' })
	if len(fields) == 0 {
		return false
	}
	for _, h := range fields {
		if !igLoopback(h) {
			return false
		}
	}
	return true
}
