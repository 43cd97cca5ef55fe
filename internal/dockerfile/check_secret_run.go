package dockerfile

// PAL-DF-083: credentials on a RUN command line or written into the
// image by the Dockerfile.
//
// Checked, in RUN (also inside sh -c and substitutions):
//   - credential commands and their credential argument:
//     `aws configure set aws_secret_access_key|aws_session_token V`;
//     `docker|podman|buildah|nerdctl|skopeo|oras|crane|helm … login -p V`
//     (--password V), and `--password-stdin` fed by echo/printf or a
//     here-string; `helm repo add … --password V`;
//     `npm|yarn|pnpm config set …_authToken|_auth|_password V` (also
//     //registry/:_authToken=V) and Yarn's npmAuthToken/npmAuthIdent;
//     `bundle config [set] HOST user:pass`; `composer config
//     http-basic.HOST user pass`, github-oauth., gitlab-oauth.,
//     gitlab-token., bearer.; `gh auth login --with-token` fed by
//     echo/printf or a here-string; `kubectl config set-credentials
//     --token=V|--password=V`; `curl -u user:pass`, `--oauth2-bearer V`,
//     `-H "Authorization: …"` and other secret-named headers; `wget
//     --password|--http-password|--ftp-password|--proxy-password V` and
//     secret-named --header; `mysql -pV` / `--password=V`; `sshpass -p
//     V`; `az login -p V`; `htpasswd -b FILE USER V`; `chpasswd` fed by
//     echo/printf of user:password;
//   - any argument in which secret.Value finds a secret (a token format,
//     a private key, a password in a URL such as `git clone
//     https://user:token@host/…`), and URLs whose user-info interpolates
//     a build argument;
//   - RUN assignments and exports (TOKEN=… cmd, export TOKEN=…) of a
//     literal that secret.Value judges a secret;
//   - files written by RUN (echo, printf, tee, heredocs) or COPY <<EOF
//     whose content secret.Scan finds a secret in (such as
//     `echo "//registry.npmjs.org/:_authToken=npm_…" > .npmrc`), or that
//     write the value of a sensitive build argument into a file the same
//     RUN does not delete again.
//
// A literal credential is high severity: the command line is stored in
// the image history. A credential taken from a declared ARG or ENV is
// medium (PAL-DF-082 reports the variable itself). Values read from a
// secret mount — /run/secrets/…, the mount's target, the variable named
// by its env=, or a computed value such as "$(cat /run/secrets/x)" — are
// the fix and are not reported.

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/secret"
)

// SecretInRun is PAL-DF-083.
var SecretInRun = &finding.Rule{
	ID:       "PAL-DF-083",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "secrets",
	Title:    "Credentials on a RUN command line or written into the image",
	Doc: "The text of every RUN is kept in the image history (docker history --no-trunc), and files written by RUN " +
		"or COPY <<EOF are in the layer: a password given to docker login -p, an npm token set with npm config set, " +
		"a token in a git clone URL or echoed into .npmrc is readable by anyone who can pull the image. Credentials " +
		"taken from a build argument leak the same way, through the history entry of the build argument.",
	Remediation: "Mount the credential for the one RUN that needs it and read it from there: " +
		"`RUN --mount=type=secret,id=registry_password docker login -u ci --password-stdin < /run/secrets/registry_password`, " +
		"`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`, `RUN --mount=type=secret,id=gh,env=GH_TOKEN …`; " +
		"use --mount=type=ssh for Git over SSH. Delete any credentials file in the same RUN that creates it.",
	Aliases: []finding.Alias{{Tool: "checkov", ID: "CKV2_DOCKER_17"}},
}

var checkSecretInRun = Check{Rule: SecretInRun, Run: func(p *Pass) {
	var issues igIssues
	declared := secDeclared(p.File)
	report := func(in *Instruction, what, value string, src secSource, arg string) {
		switch src {
		case secLiteral:
			issues.add(in, what+" passes a literal credential ("+secret.Redact(value)+")")
		case secBuildArg:
			issues.addSev(in, what+" passes the build argument "+arg, finding.Medium)
		}
	}
	for _, in := range p.File.Instructions {
		if in.Script == nil {
			continue
		}
		facts := igFacts(p.File, in)
		calls := igCalls(p.File, in)
		for _, c := range calls {
			used := map[int]bool{}
			for _, cr := range secCredArgs(c, calls, facts) {
				if cr.arg >= 0 {
					used[cr.arg] = true
				}
				src, name := secValueSource(cr.value, in, declared)
				if cr.fromStdin && src == secLiteral && strings.HasPrefix(cr.value, "<") {
					continue // a file redirected to stdin
				}
				report(in, cr.what, cr.value, src, name)
			}
			// What echo and printf print is judged where it goes: the
			// file it is written to, the command it is piped into.
			_, redirected := facts.stdout[c.String()]
			printed := (c.Name == "echo" || c.Name == "printf") && (c.PipesTo != nil || redirected)
			for i, a := range c.Args {
				if used[i] || printed {
					continue
				}
				secArgValue(&issues, in, c, a, declared)
			}
			// TOKEN=literal cmd, env TOKEN=literal cmd
			for _, as := range c.Assigns {
				secAssignment(&issues, in, as)
			}
		}
		for _, d := range facts.decls {
			secAssignment(&issues, in, d)
		}
	}
	for _, w := range igWrites(p.File) {
		secWrite(p.File, &issues, w, declared)
	}
	issues.report(p, func(in *Instruction, items []string) string {
		where := "the image history"
		if _, ok := in.Cmd.(*instructions.CopyCommand); ok {
			where = "the layer"
		}
		return igJoin(items) + "; it stays readable in " + where
	})
}}

// secCred is a credential argument of a command.
type secCred struct {
	what  string // "docker login -p"
	value string
	arg   int // index in Args, or -1
	// fromStdin marks values read from stdin: the text a pipe or
	// here-string feeds, or "<file" for a redirection.
	fromStdin bool
}

// secCredArgs finds the credential arguments of one call.
func secCredArgs(c *Call, calls []*Call, facts igRunFacts) []secCred {
	var out []secCred
	flagValue := func(what string, names ...string) {
		for i, a := range c.Args {
			for _, n := range names {
				switch {
				case a == n && i+1 < len(c.Args):
					out = append(out, secCred{what: what + " " + n, value: c.Args[i+1], arg: i + 1})
				case strings.HasPrefix(n, "--") && strings.HasPrefix(a, n+"="):
					out = append(out, secCred{what: what + " " + n, value: a[len(n)+1:], arg: i})
				}
			}
		}
	}
	stdin := func(what string) {
		if v, ok := secStdin(c, calls, facts); ok {
			out = append(out, secCred{what: what, value: v, arg: -1, fromStdin: true})
		}
	}
	pos := c.Positional()
	sub := ""
	if len(pos) > 0 {
		sub = pos[0]
	}
	switch c.Name {
	case "aws":
		if len(pos) >= 4 && pos[0] == "configure" && pos[1] == "set" {
			key := strings.ToLower(pos[2])
			key = key[strings.LastIndexByte(key, '.')+1:]
			if key == "aws_secret_access_key" || key == "aws_session_token" {
				out = append(out, secCred{what: "aws configure set " + pos[2], value: pos[3], arg: slices.Index(c.Args, pos[3])})
			}
		}
	case "docker", "podman", "buildah", "nerdctl", "skopeo", "oras", "crane", "helm", "finch":
		if slices.Contains(pos, "login") || c.Name == "helm" && slices.Contains(pos, "repo") {
			flagValue(c.Name+" login", "-p", "--password")
			if c.HasFlag("--password-stdin") {
				stdin(c.Name + " login --password-stdin")
			}
		}
	case "npm", "yarn", "pnpm":
		p := pos
		if len(p) >= 1 && (p[0] == "config" || p[0] == "c") {
			p = p[1:]
		}
		if len(p) >= 2 && p[0] == "set" {
			for i := 1; i < len(p); i++ {
				k, v, ok := strings.Cut(p[i], "=")
				if !ok && i+1 < len(p) {
					v = p[i+1]
					i++
				}
				if secNpmAuthKey(k) {
					out = append(out, secCred{what: c.Name + " config set " + k, value: v, arg: slices.Index(c.Args, v)})
				}
			}
		}
	case "bundle":
		p := slices.DeleteFunc(slices.Clone(pos), func(a string) bool { return a == "set" })
		if len(p) >= 3 && p[0] == "config" && strings.Contains(p[2], ":") && !strings.Contains(p[2], "://") {
			out = append(out, secCred{what: "bundle config " + p[1], value: p[2][strings.IndexByte(p[2], ':')+1:], arg: slices.Index(c.Args, p[2])})
		}
	case "composer":
		if len(pos) >= 3 && pos[0] == "config" {
			key := strings.ToLower(pos[1])
			switch {
			case strings.HasPrefix(key, "http-basic.") && len(pos) >= 4:
				out = append(out, secCred{what: "composer config " + pos[1], value: pos[3], arg: slices.Index(c.Args, pos[3])})
			case strings.HasPrefix(key, "github-oauth."), strings.HasPrefix(key, "gitlab-oauth."),
				strings.HasPrefix(key, "gitlab-token."), strings.HasPrefix(key, "bearer."), strings.HasPrefix(key, "bitbucket-oauth."):
				out = append(out, secCred{what: "composer config " + pos[1], value: pos[len(pos)-1], arg: slices.Index(c.Args, pos[len(pos)-1])})
			}
		}
	case "gh":
		if len(pos) >= 2 && pos[0] == "auth" && pos[1] == "login" && c.HasFlag("--with-token") {
			stdin("gh auth login --with-token")
		}
	case "kubectl", "oc":
		if len(pos) >= 2 && pos[0] == "config" && pos[1] == "set-credentials" {
			flagValue(c.Name+" config set-credentials", "--token", "--password")
		}
	case "curl":
		opts, _ := igOptions(c.Args, igCurlShortValue, igCurlLongValue)
		for _, o := range opts {
			switch o.Name {
			case "-u", "--user", "--proxy-user":
				if _, pass, ok := strings.Cut(o.Value, ":"); ok && pass != "" {
					out = append(out, secCred{what: "curl " + o.Name, value: pass, arg: slices.Index(c.Args, o.Value)})
				}
			case "--oauth2-bearer":
				out = append(out, secCred{what: "curl --oauth2-bearer", value: o.Value, arg: slices.Index(c.Args, o.Value)})
			case "-H", "--header", "--proxy-header":
				if name, val, ok := strings.Cut(o.Value, ":"); ok && secSecretHeader(name) {
					out = append(out, secCred{what: "curl " + o.Name + " " + strings.TrimSpace(name), value: secHeaderCredential(val), arg: slices.Index(c.Args, o.Value)})
				}
			}
		}
	case "wget":
		opts, _ := igOptions(c.Args, igWgetShortValue, igWgetLongValue)
		for _, o := range opts {
			switch o.Name {
			case "--password", "--http-password", "--ftp-password", "--proxy-password":
				out = append(out, secCred{what: "wget " + o.Name, value: o.Value, arg: slices.Index(c.Args, o.Value)})
			case "--header":
				if name, val, ok := strings.Cut(o.Value, ":"); ok && secSecretHeader(name) {
					out = append(out, secCred{what: "wget --header " + strings.TrimSpace(name), value: secHeaderCredential(val), arg: slices.Index(c.Args, o.Value)})
				}
			}
		}
	case "mysql", "mysqladmin", "mysqldump", "mariadb", "mariadb-admin", "mariadb-dump":
		for i, a := range c.Args {
			switch {
			case strings.HasPrefix(a, "--password="):
				out = append(out, secCred{what: c.Name + " --password", value: a[len("--password="):], arg: i})
			case strings.HasPrefix(a, "-p") && len(a) > 2 && !strings.HasPrefix(a, "--"):
				out = append(out, secCred{what: c.Name + " -p", value: a[2:], arg: i})
			}
		}
	case "sshpass":
		if v, ok := c.FlagValue("-p"); ok {
			out = append(out, secCred{what: "sshpass -p", value: v, arg: slices.Index(c.Args, v)})
		}
	case "az":
		if sub == "login" {
			flagValue("az login", "-p", "--password")
		}
	case "htpasswd":
		if c.HasFlag("-b") && len(pos) >= 3 {
			out = append(out, secCred{what: "htpasswd -b", value: pos[len(pos)-1], arg: slices.Index(c.Args, pos[len(pos)-1])})
		}
	case "chpasswd":
		if v, ok := secStdin(c, calls, facts); ok && !strings.HasPrefix(v, "<") {
			for _, line := range strings.Fields(v) {
				if _, pass, ok := strings.Cut(line, ":"); ok && pass != "" {
					out = append(out, secCred{what: "chpasswd", value: pass, arg: -1, fromStdin: true})
				}
			}
		}
	}
	return out
}

// secStdin returns what a call reads on stdin: the arguments of an echo
// or printf piped into it, a here-string or heredoc, or "<file".
func secStdin(c *Call, calls []*Call, facts igRunFacts) (string, bool) {
	if v, ok := facts.stdin[c.String()]; ok {
		return v, true
	}
	for _, prev := range calls {
		if prev.PipesTo != c {
			continue
		}
		switch prev.Name {
		case "echo", "printf":
			args := slices.Clone(prev.Args)
			for len(args) > 0 && (igEchoFlag(args[0]) || args[0] == "--") {
				args = args[1:]
			}
			if prev.Name == "printf" && len(args) > 1 {
				return igPrintf(args[0], args[1:]), true
			}
			return strings.Join(args, " "), true
		case "cat":
			if len(prev.Args) > 0 {
				return "<" + prev.Args[len(prev.Args)-1], true
			}
		}
		return "", false
	}
	return "", false
}

// secNpmAuthKey reports npm and Yarn settings that hold credentials.
func secNpmAuthKey(k string) bool {
	l := strings.ToLower(strings.Trim(k, `"'`))
	for _, suffix := range []string{"_authtoken", "_auth", "_password", "npmauthtoken", "npmauthident"} {
		if strings.HasSuffix(l, suffix) {
			return true
		}
	}
	return false
}

// secSecretHeader reports HTTP headers that carry credentials.
func secSecretHeader(name string) bool {
	n := strings.TrimSpace(name)
	return strings.EqualFold(n, "Authorization") || strings.EqualFold(n, "Proxy-Authorization") || secret.SensitiveName(n)
}

// secHeaderCredential drops the scheme of "Bearer <token>" / "Basic …".
func secHeaderCredential(v string) string {
	v = strings.TrimSpace(v)
	if scheme, rest, ok := strings.Cut(v, " "); ok && !strings.Contains(scheme, "$") {
		switch strings.ToLower(scheme) {
		case "bearer", "basic", "token", "digest", "apikey", "key":
			return strings.TrimSpace(rest)
		}
	}
	return v
}

// secArgValue reports secrets in a plain argument: token formats and
// URL passwords found by secret.Value, and URL user-info taken from a
// build argument.
func secArgValue(issues *igIssues, in *Instruction, c *Call, a string, declared map[string]bool) {
	if len(a) < 8 {
		return
	}
	if ms := secret.Value("", a); len(ms) > 0 {
		m := secFirstMatch(ms)
		issues.addSev(in, c.Name+" has a secret in its arguments: "+secMatchPhrase(m)+" ("+m.Redacted+")", max(finding.High, secSeverity(m.Severity)))
		return
	}
	// scheme://user:$PASS@host or scheme://$TOKEN@host
	i := strings.Index(a, "://")
	if i < 0 {
		return
	}
	rest := a[i+3:]
	at := strings.LastIndexByte(rest[:secHostEnd(rest)], '@')
	if at < 0 {
		return
	}
	userinfo := rest[:at]
	for _, n := range igDollarNames(userinfo) {
		if declared[n] && !slices.ContainsFunc(secSecretMounts(in), func(m secMount) bool { return m.Env == n }) {
			issues.addSev(in, c.Name+" puts the build argument "+n+" into a URL", finding.Medium)
			return
		}
	}
}

// secHostEnd is where the authority of a URL (without scheme) ends.
func secHostEnd(rest string) int {
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		return i
	}
	return len(rest)
}

// secAssignment reports RUN assignments of literal secrets.
func secAssignment(issues *igIssues, in *Instruction, assign string) {
	name, value, ok := strings.Cut(assign, "=")
	if !ok || value == "" || strings.ContainsAny(value, "$`") {
		return
	}
	if ms := secret.Value(name, value); len(ms) > 0 {
		m := secFirstMatch(ms)
		issues.addSev(in, "RUN sets "+name+" to a secret: "+secMatchPhrase(m)+" ("+m.Redacted+")", max(finding.High, secSeverity(m.Severity)))
	}
}

// secWrite reports files written with a secret in them.
func secWrite(f *File, issues *igIssues, w igWrite, declared map[string]bool) {
	if ms := secret.Scan(w.Path, []byte(w.Content)); len(ms) > 0 {
		m := secFirstMatch(ms)
		issues.addSev(w.In, w.Via+" writes a secret to "+w.Path+": "+secMatchPhrase(m)+" ("+m.Redacted+")", max(finding.High, secSeverity(m.Severity)))
		return
	}
	_, secretFile := secret.SecretFile(w.Path)
	for _, n := range w.Expanded {
		if !declared[n] || !(secret.SensitiveName(n) || secretFile) {
			continue
		}
		if _, isRun := w.In.Cmd.(*instructions.RunCommand); isRun {
			if slices.ContainsFunc(secSecretMounts(w.In), func(m secMount) bool { return m.Env == n }) {
				continue
			}
			if secRemoves(f, w.In, "/", secResolve("/", w.Path)) || secRemovesByName(f, w.In, w.Path) {
				continue // written and deleted in the same layer
			}
		}
		issues.addSev(w.In, w.Via+" writes the build argument "+n+" into "+w.Path, finding.Medium)
		return
	}
}

// secRemovesByName reports a RUN deleting a file of the same name, for
// relative paths whose directory palisade cannot resolve.
func secRemovesByName(f *File, in *Instruction, p string) bool {
	base := path.Base(strings.Trim(p, `"'`))
	for _, c := range igCalls(f, in) {
		if c.Name != "rm" && c.Name != "shred" && c.Name != "unlink" {
			continue
		}
		for _, a := range c.Positional() {
			if path.Base(a) == base {
				return true
			}
		}
	}
	return false
}
