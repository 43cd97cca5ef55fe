package dockerfile

// Undefined variables in instructions BuildKit expands.
//
// Checks the words of ENV, ARG, LABEL, COPY, ADD (and their --chown,
// --chmod, --from flags), WORKDIR, USER, EXPOSE, VOLUME and STOPSIGNAL for
// $VAR references that are not in scope. In scope are the ARG and ENV of
// the stage and of the stages it builds on; a global ARG is only visible
// in a stage that redeclares it (ARG NAME), and so are the predefined
// platform ARGs. The base image's own environment is unknown statically,
// so a variable is reported only when palisade can tell it is wrong:
// the stage starts FROM scratch; the name is defined elsewhere in the file
// but not in scope here (a global ARG not redeclared, an ENV set later)
// and is not a variable popular base images set themselves;
// it is a predefined platform ARG not declared in the stage; or it is
// within an edit or two of a variable in scope (a likely typo). RUN bodies are
// expanded by the shell at build time and are not checked.

import (
	"maps"
	"slices"

	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/finding"
)

var UndefinedVar = hygieneRule(finding.Rule{
	ID:          "PAL-DF-111",
	Severity:    finding.Low,
	Title:       "Variable is not defined where it is used",
	Doc:         "An instruction expands a variable that is not in scope, so it becomes the empty string: a global ARG used in a stage without `ARG NAME` there, an ENV used before it is set, TARGETARCH without `ARG TARGETARCH`, or a misspelt name. The result is a wrong path, user or label that still builds.",
	Remediation: "Declare the variable in the stage (ARG NAME, which also imports a global ARG's value) before using it, or fix its name.",
	Aliases:     []finding.Alias{hygBuildkit("UndefinedVar")},
})

// hygBaseImageEnv are variables that popular base images (the Docker
// Official Images) set in their environment, so using them in a stage
// that starts from an image is fine even when the Dockerfile also
// defines them somewhere else.
var hygBaseImageEnv = map[string]bool{
	"HOME": true, "LANG": true, "LC_ALL": true, "LANGUAGE": true, "TZ": true, "HOSTNAME": true, "USER": true, "SHELL": true,
	"NODE_VERSION": true, "YARN_VERSION": true, "NPM_CONFIG_PREFIX": true,
	"PYTHON_VERSION": true, "PYTHON_SHA256": true, "PYTHON_PIP_VERSION": true, "PYTHON_GET_PIP_URL": true, "GPG_KEY": true,
	"GOLANG_VERSION": true, "GOPATH": true, "GOTOOLCHAIN": true, "GOROOT": true,
	"JAVA_HOME": true, "JAVA_VERSION": true, "JDK_VERSION": true, "MAVEN_HOME": true, "GRADLE_HOME": true,
	"PHP_VERSION": true, "PHP_INI_DIR": true, "PHP_URL": true, "PHP_ASC_URL": true, "PHP_SHA256": true, "PHP_CFLAGS": true, "PHP_CPPFLAGS": true, "PHP_LDFLAGS": true, "PHPIZE_DEPS": true, "APACHE_CONFDIR": true, "APACHE_ENVVARS": true,
	"RUBY_VERSION": true, "RUBY_DOWNLOAD_SHA256": true, "GEM_HOME": true, "BUNDLE_SILENCE_ROOT_WARNING": true, "BUNDLE_APP_CONFIG": true,
	"RUSTUP_HOME": true, "CARGO_HOME": true, "RUST_VERSION": true,
	"DOTNET_VERSION": true, "ASPNET_VERSION": true, "ASPNETCORE_URLS": true, "DOTNET_RUNNING_IN_CONTAINER": true, "APP_UID": true,
	"PG_MAJOR": true, "PG_VERSION": true, "PGDATA": true, "MYSQL_MAJOR": true, "MYSQL_VERSION": true, "MARIADB_VERSION": true, "MONGO_VERSION": true, "REDIS_VERSION": true,
	"NGINX_VERSION": true, "NJS_VERSION": true, "HTTPD_PREFIX": true, "HTTPD_VERSION": true, "TOMCAT_MAJOR": true, "TOMCAT_VERSION": true, "CATALINA_HOME": true,
	"JENKINS_HOME": true, "JENKINS_VERSION": true, "DEBIAN_FRONTEND": true,
}

// hygAlwaysDefined are variables every image environment has.
var hygAlwaysDefined = map[string]bool{"PATH": true, "BUILDKIT_SBOM_SCAN_CONTEXT": true, "BUILDKIT_SBOM_SCAN_STAGE": true}

var checkUndefinedVar = Check{Rule: UndefinedVar, Run: func(p *Pass) {
	f := p.File
	definedSomewhere := map[string]int{}
	for _, in := range f.Instructions {
		for _, k := range hygArgPairs(in) {
			if _, ok := definedSomewhere[k]; !ok {
				definedSomewhere[k] = in.Loc.StartLine
			}
		}
		for _, e := range hygEnvKVs(in) {
			if _, ok := definedSomewhere[e.key]; !ok {
				definedSomewhere[e.key] = in.Loc.StartLine
			}
		}
	}
	predef := map[string]bool{}
	for _, k := range hygPredefinedArgs {
		predef[k] = true
	}
	lex := shell.NewLex(f.Escape)
	for _, st := range f.Stages {
		for _, in := range st.Instructions {
			words := hygExpandedWords(in)
			if len(words) == 0 {
				continue
			}
			sc := f.ScopeAt(in)
			scratch := in.Stage.IsScratch()
			reported := map[string]bool{}
			// A variable set by the same ENV is PAL-DF-151's case.
			for _, e := range hygEnvKVs(in) {
				reported[e.key] = true
			}
			for _, w := range words {
				res, err := lex.ProcessWordWithMatches(w, sc)
				if err != nil {
					continue
				}
				for _, k := range slices.Sorted(maps.Keys(res.Unmatched)) {
					if reported[k] || hygAlwaysDefined[k] {
						continue
					}
					line, elsewhere := definedSomewhere[k]
					switch {
					case !scratch && hygBaseImageEnv[k]:
						// Official base images set this variable themselves.
						continue
					case predef[k]:
						p.Report(in, "$%s is a predefined platform ARG but stage %s does not declare it: add ARG %s before using it", k, in.Stage.Ref(), k)
					case elsewhere && line < in.Loc.StartLine:
						p.Report(in, "$%s is defined at line %d, which is not in scope of stage %s: declare it in the stage (ARG %s imports a global ARG)", k, line, in.Stage.Ref(), k)
					case elsewhere:
						p.Report(in, "$%s is used before it is defined at line %d", k, line)
					default:
						if sug := hygSuggestName(k, sc.Keys()); sug != "" {
							p.Report(in, "$%s is not defined (did you mean $%s?)", k, sug)
						} else if scratch {
							p.Report(in, "$%s is not defined in stage %s, which starts from scratch", k, in.Stage.Ref())
						} else {
							continue
						}
					}
					reported[k] = true
				}
			}
		}
	}
}}

// hygExpandedWords returns the words of in that BuildKit expands with the
// build environment.
func hygExpandedWords(in *Instruction) []string {
	var out []string
	switch in.Name {
	case "env":
		for _, e := range hygEnvKVs(in) {
			out = append(out, e.value)
		}
	case "arg":
		for _, a := range hygArgKVs(in) {
			if a.value != nil {
				out = append(out, *a.value)
			}
		}
	case "label":
		for _, e := range hygLabelKVs(in) {
			out = append(out, e.key, e.value)
		}
	case "copy", "add":
		for _, a := range in.Args() {
			if len(a) < 2 || a[:2] != "<<" {
				out = append(out, a)
			}
		}
		for _, fl := range []string{"chown", "chmod", "from"} {
			if v, ok := in.Flag(fl); ok {
				out = append(out, v)
			}
		}
	case "workdir", "user", "expose", "volume", "stopsignal":
		out = append(out, in.Args()...)
	}
	return out
}
