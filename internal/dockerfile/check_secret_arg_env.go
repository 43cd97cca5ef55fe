package dockerfile

// PAL-DF-082: a secret is passed through ARG or ENV.
//
// Checked, for every ARG (also before the first FROM) and ENV key:
//   - a literal value in which secret.Value finds a secret (known token
//     formats, private keys, passwords in URLs, a literal that looks like
//     a secret under a sensitive name): high, or critical for the token
//     formats secret rates critical;
//   - a sensitive name (secret.SensitiveName: PASSWORD, TOKEN, API_KEY,
//     SECRET…) with a literal value that does not look like a generated
//     secret (DB_PASSWORD=postgres): medium;
//   - ENV of a sensitive name from a variable (ENV TOKEN=$TOKEN), or a
//     value that interpolates a sensitive variable
//     (ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app): high, the
//     build argument's value is written into the image configuration;
//   - ARG of a sensitive name without a default, or with a default from
//     another variable: medium, the value passed with --build-arg is
//     recorded in the image history of every RUN that follows and in
//     provenance attestations.
//
// Allowed: empty values, values that are paths (PASSWORD_FILE=/run/secrets/db
// is not sensitive by name, and /run/secrets paths are never secrets), and an
// ARG whose only uses are RUN instructions that mount a secret with the
// same name as id= or env= (the declaration documents the secret; its
// value is not used).

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/secret"
)

// SecretInArgEnv is PAL-DF-082.
var SecretInArgEnv = &finding.Rule{
	ID:       "PAL-DF-082",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "secrets",
	Title:    "Secret passed through ARG or ENV",
	Doc: "ENV values are stored in the image configuration: docker inspect shows them, every process in the " +
		"container inherits them, and they are copied into every image built FROM this one. ARG values are not in " +
		"the final configuration, but they are recorded in the history of each RUN that follows (docker history) " +
		"and in provenance attestations, and default values are in the Dockerfile itself. A literal secret, a " +
		"sensitive name, or a build argument copied into ENV all put the credential where image readers can find it.",
	Remediation: "Pass build-time secrets with BuildKit secret mounts: `RUN --mount=type=secret,id=npm_token," +
		"env=NPM_TOKEN npm ci` and `docker build --secret id=npm_token,env=NPM_TOKEN`. Provide runtime secrets from " +
		"the orchestrator (a Kubernetes Secret as a file or env var), never from ENV in the Dockerfile.",
	Aliases: []finding.Alias{
		{Tool: "buildkit", ID: "SecretsUsedInArgOrEnv"},
		{Tool: "trivy", ID: "DS-0031"},
	},
}

var checkSecretInArgEnv = Check{Rule: SecretInArgEnv, Run: func(p *Pass) {
	var issues igIssues
	declared := secDeclared(p.File)
	for _, v := range igVars(p.File) {
		if v.Kind != "ENV" && v.Kind != "ARG" {
			continue
		}
		sensitive := secret.SensitiveName(v.Name)
		switch {
		case v.HasValue && strings.Contains(v.Value, "/run/secrets/"):
			// A path to a mounted secret, not the secret.
		case v.HasValue && v.Literal && v.Value != "":
			if ms := secret.Value(v.Name, v.Value); len(ms) > 0 {
				m := secFirstMatch(ms)
				issues.addSev(v.In, v.Kind+" "+v.Name+" holds a secret: "+secMatchPhrase(m)+" ("+m.Redacted+")", max(finding.High, secSeverity(m.Severity)))
			} else if sensitive {
				issues.addSev(v.In, v.Kind+" "+v.Name+" sets a literal value for a secret-looking name", finding.Medium)
			}
		case v.HasValue && v.Value != "":
			names := igDollarNames(v.Value)
			sensitiveRef := slices.ContainsFunc(names, func(n string) bool { return declared[n] && secret.SensitiveName(n) })
			switch {
			case v.Kind == "ENV" && (sensitive || sensitiveRef):
				src := v.Name
				if len(names) > 0 {
					src = names[0]
					for _, n := range names {
						if declared[n] && secret.SensitiveName(n) {
							src = n
							break
						}
					}
				}
				issues.add(v.In, "ENV "+v.Name+" stores the value of "+src+" in the image configuration")
			case v.Kind == "ARG" && sensitive:
				issues.addSev(v.In, "ARG "+v.Name+" takes a secret-looking value from a build argument, recorded in the image history", finding.Medium)
			}
		case v.Kind == "ARG" && !v.HasValue && sensitive:
			if secArgOnlyMounted(p.File, v) {
				continue
			}
			issues.addSev(v.In, "ARG "+v.Name+" looks like a secret: the value passed with --build-arg is recorded in the image history and provenance", finding.Medium)
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items)
	})
}}

// secArgOnlyMounted reports an ARG declared for a secret that is really
// provided by a secret mount: some RUN mounts a secret with id= or env=
// of that name, and no instruction uses the ARG's value except RUNs
// whose secret mount sets that variable.
func secArgOnlyMounted(f *File, v igVar) bool {
	mounted := false
	for _, in := range f.Instructions {
		if in == v.In || in.Loc.StartLine < v.In.Loc.StartLine {
			continue
		}
		if v.In.Stage != nil && in.Stage != v.In.Stage {
			continue
		}
		var provides bool
		if _, ok := in.Cmd.(*instructions.RunCommand); ok {
			for _, m := range secSecretMounts(in) {
				if m.Env == v.Name || strings.EqualFold(m.ID, v.Name) {
					mounted = true
				}
				if m.Env == v.Name {
					provides = true
				}
			}
		}
		if !provides && secUsesVar(in, v.Name) {
			return false
		}
	}
	return mounted
}

// secUsesVar reports whether an instruction expands $NAME or ${NAME…}
// (in its arguments, not in its --mount flags).
func secUsesVar(in *Instruction, name string) bool {
	for _, a := range in.Args() {
		if slices.Contains(igDollarNames(a), name) {
			return true
		}
	}
	return false
}
