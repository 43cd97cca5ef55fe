package dockerfile

// Helpers shared by the secrets rules PAL-DF-080 to PAL-DF-083: RUN
// --mount parsing, ARG/ENV scopes, where a value comes from (a literal, a
// build argument, a secret mount), WORKDIR-aware path resolution, and
// which RUN commands delete a file. Secret judgements themselves (names,
// values, file names) come from internal/secret.

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/secret"
)

// secMount is one RUN --mount flag.
type secMount struct {
	Type, ID, Target, Env, From, Source string
}

// secMounts parses the --mount flags of a RUN. BuildKit parses mounts
// lazily (at build time, after ARG expansion), so the typed instruction
// does not carry them.
func secMounts(in *Instruction) []secMount {
	var out []secMount
	for _, fl := range in.Flags() {
		v, ok := strings.CutPrefix(fl, "--mount=")
		if !ok {
			continue
		}
		m := secMount{Type: "bind"}
		for _, field := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(field), "=")
			val = strings.Trim(val, `"'`)
			switch strings.ToLower(k) {
			case "type":
				m.Type = strings.ToLower(val)
			case "id":
				m.ID = val
			case "target", "dst", "destination":
				m.Target = val
			case "env":
				m.Env = val
			case "from":
				m.From = val
			case "source", "src":
				m.Source = val
			}
		}
		if m.Type == "secret" && m.Target == "" && m.Env == "" {
			id := m.ID
			if id == "" {
				id = path.Base(m.Target)
			}
			m.Target = "/run/secrets/" + id
		}
		out = append(out, m)
	}
	return out
}

// secSecretMounts returns the secret mounts of a RUN.
func secSecretMounts(in *Instruction) []secMount {
	return slices.DeleteFunc(secMounts(in), func(m secMount) bool { return m.Type != "secret" })
}

// secDeclared lists the names the Dockerfile declares with ARG or ENV
// (anywhere: build arguments leak wherever they are used).
func secDeclared(f *File) map[string]bool {
	out := map[string]bool{}
	for _, in := range f.Instructions {
		switch c := in.Cmd.(type) {
		case *instructions.ArgCommand:
			for _, kv := range c.Args {
				out[kv.Key] = true
			}
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				out[kv.Key] = true
			}
		}
	}
	return out
}

// secSource says where a credential value comes from.
type secSource int

const (
	secNone     secSource = iota // empty, or not a credential
	secSafe                      // a secret mount, a file, a computed value
	secBuildArg                  // an ARG or ENV value, recorded in the image
	secLiteral                   // written in the Dockerfile itself
)

// secValueSource classifies a credential value of a RUN command. Values
// read from a secret mount (/run/secrets/…, a mount target, the env= of
// a secret mount) or computed by a substitution are safe; $VAR of a
// declared ARG or ENV is a build argument; anything else literal. It
// returns the build argument's name when there is one.
func secValueSource(v string, in *Instruction, declared map[string]bool) (secSource, string) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" {
		return secNone, ""
	}
	mounts := secSecretMounts(in)
	if strings.Contains(v, "/run/secrets/") || slices.ContainsFunc(mounts, func(m secMount) bool { return m.Target != "" && strings.Contains(v, m.Target) }) {
		return secSafe, ""
	}
	if strings.Contains(v, "$(") || strings.Contains(v, "`") {
		return secSafe, ""
	}
	if strings.Contains(v, "$") {
		for _, n := range igDollarNames(v) {
			if declared[n] && !slices.ContainsFunc(mounts, func(m secMount) bool { return m.Env == n }) {
				return secBuildArg, n
			}
		}
		return secSafe, ""
	}
	return secLiteral, ""
}

// secSeverity maps a secret.Match severity onto finding severities.
func secSeverity(s string) finding.Severity {
	if sev, err := finding.ParseSeverity(s); err == nil {
		return sev
	}
	return finding.Medium
}

// secFirstMatch returns the most severe match.
func secFirstMatch(ms []secret.Match) secret.Match {
	best := ms[0]
	for _, m := range ms[1:] {
		if secSeverity(m.Severity) > secSeverity(best.Severity) {
			best = m
		}
	}
	return best
}

// secHome is the home directory "~" and $HOME stand for: root's, as
// palisade cannot know a non-root user's home statically.
const secHome = "/root"

// secResolve makes p absolute against the working directory, expanding
// ~ and $HOME. Paths with other variables are returned cleaned but
// unresolved; callers fall back to comparing file names.
func secResolve(wd, p string) string {
	p = strings.Trim(p, `"'`)
	switch {
	case p == "~" || strings.HasPrefix(p, "~/"):
		p = secHome + p[1:]
	case strings.HasPrefix(p, "$HOME"):
		p = secHome + strings.TrimPrefix(p, "$HOME")
	case strings.HasPrefix(p, "${HOME}"):
		p = secHome + strings.TrimPrefix(p, "${HOME}")
	}
	if p == "" {
		return ""
	}
	if !path.IsAbs(p) && !strings.HasPrefix(p, "$") {
		if wd == "" {
			wd = "/"
		}
		p = path.Join(wd, p)
	}
	return path.Clean(p)
}

// secCovers reports whether deleting target (a path or a glob, already
// resolved) deletes file.
func secCovers(target, file string) bool {
	if target == "" || file == "" {
		return false
	}
	if strings.Contains(target, "$") || strings.Contains(file, "$") {
		return path.Base(target) == path.Base(file)
	}
	if target == file || target == "/" || strings.HasPrefix(file, target+"/") {
		return true
	}
	// A glob over the file or one of its directories.
	for f := file; f != "/" && f != "."; f = path.Dir(f) {
		if ok, _ := path.Match(target, f); ok {
			return true
		}
	}
	return false
}

// secRemoves reports whether a RUN deletes file (absolute): rm, unlink,
// shred, or find … -delete / -exec rm, following cd within the RUN.
func secRemoves(f *File, in *Instruction, wd, file string) bool {
	if in.Script == nil {
		return false
	}
	cwd := wd
	for _, c := range igCalls(f, in) {
		switch c.Name {
		case "cd":
			if pos := c.Positional(); len(pos) > 0 {
				cwd = secResolve(cwd, pos[0])
			}
		case "rm", "unlink", "shred", "srm":
			if c.Name == "shred" && !c.HasFlag("-u", "--remove") {
				continue // shred without -u overwrites but keeps the file
			}
			for _, a := range c.Positional() {
				if secCovers(secResolve(cwd, a), file) {
					return true
				}
			}
		case "find":
			if secFindDeletes(c, cwd, file) {
				return true
			}
		}
	}
	return false
}

// secFindDeletes judges `find DIR… [-name P|-path P] -delete` and
// `-exec rm …`.
func secFindDeletes(c *Call, cwd, file string) bool {
	deletes := false
	var dirs, names, paths []string
	started := false
	for i, a := range c.Args {
		switch {
		case !started && !strings.HasPrefix(a, "-") && a != "(" && a != "!":
			dirs = append(dirs, a)
			continue
		case a == "-delete":
			deletes = true
		case a == "-exec" || a == "-execdir":
			if i+1 < len(c.Args) && (c.Args[i+1] == "rm" || c.Args[i+1] == "shred" || c.Args[i+1] == "unlink") {
				deletes = true
			}
		case (a == "-name" || a == "-iname") && i+1 < len(c.Args):
			names = append(names, c.Args[i+1])
		case (a == "-path" || a == "-wholename") && i+1 < len(c.Args):
			paths = append(paths, c.Args[i+1])
		}
		started = true
	}
	if !deletes {
		return false
	}
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	inDir := slices.ContainsFunc(dirs, func(d string) bool { return secCovers(secResolve(cwd, d), file) })
	if !inDir {
		return false
	}
	// Several -name/-path tests are usually alternatives (-o): any match
	// counts.
	if len(names)+len(paths) == 0 {
		return true
	}
	for _, n := range names {
		if ok, _ := path.Match(n, path.Base(file)); ok {
			return true
		}
	}
	for _, p := range paths {
		if ok, _ := path.Match(p, file); ok {
			return true
		}
	}
	return false
}

// secMatchPhrase names what a match found, for "holds a …" messages.
func secMatchPhrase(m secret.Match) string {
	if m.Detector == "generic-secret" {
		return "literal secret"
	}
	if m.Title == "" {
		return m.Detector
	}
	return m.Title
}
