package dockerfile

// packages.go: what a Dockerfile installs (sub-control 7, "inspect
// containers", static part). Packages reads the parsed RUN shell of every
// stage and lists each package handed to a package manager, with the
// version pin when one is written. Nothing is fetched: requirements
// files, package.json and lockfiles are named, not read.

import (
	"regexp"
	"strings"
)

// Package is one thing a Dockerfile installs with a package manager.
type Package struct {
	// Manager is the package manager: apt, apk, yum, dnf, microdnf,
	// tdnf, zypper, pip, npm, yarn, pnpm, gem, bundler, go or cargo.
	Manager string `json:"manager"`
	// Name is the package as the manager knows it ("curl", "requests",
	// "@types/node", "golang.org/x/tools/gopls"); for other kinds it is
	// the file, path, URL or variable that was given.
	Name string `json:"name"`
	// Version is the version or range as written, without Constraint.
	Version string `json:"version,omitempty"`
	// Constraint is how Version is attached or compared, as written:
	// "=" (apt, apk, zypper, gem), "==", "~=", ">=", "<" ... (pip, apk,
	// zypper), "=~" and "~" (apk fuzzy), "-" (rpm name-version), "@"
	// (npm, yarn, pnpm, go, cargo), "~>" (gem).
	Constraint string `json:"constraint,omitempty"`
	// Pinned reports an exact version (or a lockfile install). Ranges,
	// wildcards, dist-tags, "latest", branches, manifests and
	// requirements files are not pins. A version taken from a build
	// argument without a static value counts as pinned.
	Pinned bool `json:"pinned"`
	// Kind is what Name is: "package", "requirements" (pip -r),
	// "manifest" (npm install with no arguments, bundle install),
	// "lockfile" (npm ci, yarn --frozen-lockfile ...), "local" (a
	// directory: pip install ., go install ./cmd/x), "file" (a .deb,
	// .rpm, .apk, .whl or .tgz), "url", "vcs" (git+https://...,
	// github:user/repo), "group" (dnf @group) or "variable" (a shell
	// expansion whose value is not known statically).
	Kind string `json:"kind"`
	// Arch is an architecture qualifier (apt "libc6:i386").
	Arch string `json:"arch,omitempty"`
	// Release is a target release or repository tag (apt "-t
	// bookworm-backports" or "curl/bookworm-backports", apk "curl@edge").
	Release string `json:"release,omitempty"`
	// Global marks global installs of Node.js packages (npm -g, yarn
	// global add, pnpm add -g).
	Global bool `json:"global,omitempty"`
	// Stage is the stage alias, or "#<index>" when it has none.
	Stage      string `json:"stage"`
	StageIndex int    `json:"stageIndex"`
	// Line is the 1-based line of the Dockerfile where the package is
	// written (the RUN's first line when it cannot be told).
	Line int `json:"line"`
	// Command is the installing command, e.g. "apt-get install",
	// "python3 -m pip install", "npm ci".
	Command string `json:"command"`
}

// Packages lists what each stage of f installs, in file order.
func Packages(f *File) []Package {
	var out []Package
	for _, st := range f.Stages {
		for _, in := range st.Instructions {
			if in.Script == nil || len(in.Script.Calls) == 0 {
				continue
			}
			sc := f.ScopeAt(in)
			cursor := in.Loc.StartLine
			for _, c := range in.Script.Calls {
				pkgs := callPackages(sc, c)
				if len(pkgs) == 0 {
					continue
				}
				cursor = sourceLine(f, in, c.Name, cursor)
				for i := range pkgs {
					pkgs[i].Stage = st.Ref()
					pkgs[i].StageIndex = st.Index
					pkgs[i].Line = sourceLine(f, in, pkgs[i].raw, cursor)
					out = append(out, pkgs[i].Package)
				}
			}
		}
	}
	return out
}

// pkgFound is a Package with the word it was read from, to find its line.
type pkgFound struct {
	Package
	raw string
}

// sourceLine finds the first line at or after from, within the
// instruction, that contains word; from when there is none.
func sourceLine(f *File, in *Instruction, word string, from int) int {
	if word == "" || from < in.Loc.StartLine {
		return max(from, in.Loc.StartLine)
	}
	for l := from; l <= in.Loc.EndLine; l++ {
		if containsWord(f.Line(l), word) {
			return l
		}
	}
	return from
}

// containsWord reports whether s contains w not glued to other
// word characters.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b == '-' || b == '.' || b == '/' || b == '@' || b == '=' ||
		(b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// pmWord is one argument after expansion.
type pmWord struct {
	text string
	raw  string // the argument as written, for locating it
	// unknown marks a shell expansion without a static value.
	unknown bool
}

// expandWords resolves ARG/ENV variables in args; a variable holding a
// list ("curl git") becomes several words.
func expandWords(sc Scope, args []string) []pmWord {
	out := make([]pmWord, 0, len(args))
	for _, a := range args {
		if !strings.ContainsAny(a, "$`") {
			out = append(out, pmWord{text: a, raw: a})
			continue
		}
		v, ok := sc.Expand(a)
		if !ok || strings.Contains(v, "$(") || strings.Contains(v, "`") {
			out = append(out, pmWord{text: a, raw: a, unknown: true})
			continue
		}
		for _, w := range strings.Fields(v) {
			out = append(out, pmWord{text: w, raw: a})
		}
	}
	return out
}

// pmFlags describes a package manager's options: which take a value,
// and what that value is when it names something installed.
type pmFlags struct {
	// values lists the options that take a value: long ones ("--root")
	// and short letters ("-o"). The role, when not "", makes the value a
	// package of that kind ("requirements", "local", "vcs") or sets a
	// property ("release", "version").
	values map[string]string
}

// pmArg is a parsed argument: a positional word or an option value.
type pmArg struct {
	word pmWord
	flag string // "" for positionals
	role string
}

// parse splits words into positionals and option values. Long options
// not listed are boolean unless written "--opt=value"; short options may
// be clustered ("-yq", "-oDebug=1", "-Ur file"). "--" ends options.
func (fl pmFlags) parse(words []pmWord) []pmArg {
	var out []pmArg
	for i := 0; i < len(words); i++ {
		w := words[i]
		t := w.text
		switch {
		case t == "--":
			for _, rest := range words[i+1:] {
				out = append(out, pmArg{word: rest})
			}
			return out
		case strings.HasPrefix(t, "-") && len(t) > 1 && fl.takesValue(t):
			name, val, hasVal := strings.Cut(t, "=")
			role := fl.values[name]
			if !hasVal {
				if i+1 >= len(words) {
					continue
				}
				i++
				val = words[i].text
				w = words[i]
			}
			out = append(out, pmArg{word: pmWord{text: val, raw: w.raw, unknown: w.unknown}, flag: name, role: role})
		case strings.HasPrefix(t, "--"):
			// A boolean long option, or one with its value attached.
		case strings.HasPrefix(t, "-") && len(t) > 1 && !w.unknown:
			for k := 1; k < len(t); k++ {
				name := "-" + t[k:k+1]
				role, takes := fl.values[name]
				if !takes {
					continue
				}
				val := t[k+1:]
				vw := w
				if val == "" {
					if i+1 >= len(words) {
						break
					}
					i++
					vw = words[i]
					val = vw.text
				}
				out = append(out, pmArg{word: pmWord{text: val, raw: vw.raw, unknown: vw.unknown}, flag: name, role: role})
				break
			}
		default:
			out = append(out, pmArg{word: w})
		}
	}
	return out
}

func flagSet(values map[string]string) pmFlags { return pmFlags{values: values} }

// takesValue reports whether the whole option (before any "=") is a
// value option: "--root", "-ldflags", "-o".
func (fl pmFlags) takesValue(opt string) bool {
	name, _, _ := strings.Cut(opt, "=")
	_, ok := fl.values[name]
	return ok
}

// valueFlags builds a map of value-taking options without a role.
func valueFlags(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = ""
	}
	return m
}

func withRoles(m map[string]string, roles map[string]string) map[string]string {
	for k, v := range roles {
		m[k] = v
	}
	return m
}

var (
	aptFlags = flagSet(withRoles(valueFlags("-o", "--option", "-c", "--config-file", "-a", "--host-architecture"),
		map[string]string{"-t": "release", "--target-release": "release", "--default-release": "release"}))
	apkFlags = flagSet(valueFlags("-X", "--repository", "-p", "--root", "-t", "--virtual", "--arch", "--cache-dir",
		"--keys-dir", "--repositories-file", "--cache-max-age", "--progress-fd", "--timeout"))
	rpmFlags = flagSet(valueFlags("--setopt", "--enablerepo", "--disablerepo", "--repo", "--repoid", "--releasever",
		"--installroot", "-c", "--config", "-x", "--exclude", "--repofrompath", "--forcearch", "-d", "--debuglevel",
		"-e", "--errorlevel", "--rpmverbosity", "--downloaddir", "--destdir", "--disableplugin", "--enableplugin",
		"--color", "--advisory", "--advisories", "--bz", "--cve", "--sec-severity", "--secseverity", "--comment",
		"--platform-id"))
	zypperGlobalFlags = flagSet(valueFlags("-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir",
		"--raw-cache-dir", "--solv-cache-dir", "--pkg-cache-dir", "-V"))
	zypperFlags = flagSet(valueFlags("-t", "--type", "-r", "--repo", "--from"))
	pipFlags    = flagSet(withRoles(valueFlags("-c", "--constraint", "-i", "--index-url", "--extra-index-url",
		"-f", "--find-links", "--trusted-host", "-t", "--target", "--prefix", "--root", "--platform", "--python-version",
		"--implementation", "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--proxy",
		"--timeout", "--retries", "--exists-action", "--cert", "--client-cert", "--global-option", "--install-option",
		"-C", "--config-settings", "--only-binary", "--no-binary", "--report", "--python", "-p", "--root-user-action",
		"--use-feature", "--use-deprecated", "--keyring-provider", "--index", "--default-index", "--resolution",
		"--index-strategy", "--prerelease", "--link-mode", "--python-platform", "--exclude-newer", "--config-file"),
		map[string]string{"-r": "requirements", "--requirement": "requirements", "-e": "editable", "--editable": "editable"}))
	npmFlags = flagSet(valueFlags("--prefix", "--registry", "--cache", "--tag", "--omit", "--include", "--userconfig",
		"--globalconfig", "--loglevel", "-w", "--workspace", "--install-strategy", "--location", "--os", "--cpu",
		"--libc", "--before", "--cwd", "--modules-folder", "--network-timeout", "--mutex", "--cache-folder",
		"--global-folder", "--link-folder", "-F", "--filter", "-C", "--dir", "--store-dir", "--virtual-store-dir",
		"--reporter", "--node-linker", "--network-concurrency", "--child-concurrency"))
	gemFlags = flagSet(withRoles(valueFlags("-i", "--install-dir", "-n", "--bindir", "--source", "-s", "-P",
		"--trust-policy", "--platform", "--document", "-g", "--file", "--build-root", "-p", "--http-proxy"),
		map[string]string{"-v": "version", "--version": "version"}))
	bundleFlags = flagSet(valueFlags("--path", "--gemfile", "--jobs", "-j", "--retry", "--without", "--with",
		"--binstubs", "--standalone", "--trust-policy", "--shebang", "--target-rbconfig"))
	goFlags = flagSet(valueFlags("-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile", "-p", "-buildmode",
		"-compiler", "-gccgoflags", "-installsuffix", "-pkgdir", "-toolexec", "-overlay", "-pgo", "-C", "-o", "-exec",
		"--ldflags", "--gcflags", "--tags", "--mod", "--modfile"))
	cargoFlags = flagSet(withRoles(valueFlags("--branch", "--tag", "--rev", "--root", "--index", "--registry",
		"--target", "--target-dir", "-j", "--jobs", "-F", "--features", "--profile", "--bin", "--example",
		"--config", "-Z", "--color"),
		map[string]string{"--version": "version", "--vers": "version", "--git": "vcs", "--path": "local"}))
)

// callPackages returns what one shell command installs.
func callPackages(sc Scope, c *Call) []pkgFound {
	name := c.Name
	switch {
	case name == "apt-get" || name == "apt" || name == "aptitude":
		return aptPackages(sc, c)
	case name == "apk":
		return apkPackages(sc, c)
	case name == "yum" || name == "dnf" || name == "microdnf" || name == "tdnf" || name == "dnf5":
		return rpmPackages(sc, c)
	case name == "zypper":
		return zypperPackages(sc, c)
	case isPipCommand(name):
		return pipPackages(sc, c, name, c.Args)
	case isPythonCommand(name):
		if rest, ok := pythonModuleArgs(c.Args, "pip"); ok {
			return pipPackages(sc, c, name+" -m pip", rest)
		}
	case name == "uv":
		if len(c.Args) > 0 && c.Args[0] == "pip" {
			return pipPackages(sc, c, "uv pip", c.Args[1:])
		}
	case name == "npm" || name == "yarn" || name == "pnpm":
		return nodePackages(sc, c)
	case name == "gem":
		return gemPackages(sc, c)
	case name == "bundle" || name == "bundler":
		return bundlePackages(sc, c)
	case name == "go":
		return goPackages(sc, c)
	case name == "cargo":
		return cargoPackages(sc, c)
	}
	return nil
}

var (
	pipNameRe    = regexp.MustCompile(`^pip[0-9.]*$`)
	pythonNameRe = regexp.MustCompile(`^python[0-9.]*$`)
)

func isPipCommand(n string) bool    { return pipNameRe.MatchString(n) }
func isPythonCommand(n string) bool { return pythonNameRe.MatchString(n) }

// pythonModuleArgs returns the arguments after `-m <module>`.
func pythonModuleArgs(args []string, module string) ([]string, bool) {
	for i, a := range args {
		if a == "-m" && i+1 < len(args) && args[i+1] == module {
			return args[i+2:], true
		}
		if a == "-m"+module {
			return args[i+1:], true
		}
		if !strings.HasPrefix(a, "-") {
			return nil, false // a script: python setup.py ...
		}
	}
	return nil, false
}

// subcommandArgs finds the subcommand (the first positional) and returns
// it with the arguments that follow it. Options before the subcommand
// are parsed with global.
func subcommandArgs(global pmFlags, words []pmWord) (string, []pmWord) {
	for i := 0; i < len(words); i++ {
		t := words[i].text
		if t == "--" {
			return "", nil
		}
		if strings.HasPrefix(t, "-") && len(t) > 1 {
			if global.takesValue(t) {
				if !strings.Contains(t, "=") {
					i++
				}
				continue
			}
			if !strings.HasPrefix(t, "--") {
				// A cluster such as -yq or -oDebug=1: a value letter at
				// its end takes the next word.
				for k := 1; k < len(t); k++ {
					if _, takes := global.values["-"+t[k:k+1]]; takes {
						if k == len(t)-1 {
							i++
						}
						break
					}
				}
			}
			continue
		}
		return t, words[i+1:]
	}
	return "", nil
}

func newPkg(manager, command string, w pmWord) pkgFound {
	p := pkgFound{Package: Package{Manager: manager, Command: command, Kind: "package"}, raw: w.raw}
	if w.unknown && variableName(w.text, "=@<>~:") {
		p.Name, p.Kind = w.text, "variable"
	}
	return p
}

// variableName reports whether the name part of a package argument (the
// text before the first of seps) is a shell expansion without a static
// value: "$PKGS" or "linux-headers-$(uname -r)", but not "curl=$VER",
// whose version comes from a build argument.
func variableName(t, seps string) bool {
	i := strings.IndexAny(t, "$`")
	if i < 0 {
		return false
	}
	j := strings.IndexAny(t, seps)
	return j < 0 || i < j
}

// fromBuildArg reports a version that comes from a variable, which
// counts as a pin: its value is fixed per build.
func fromBuildArg(v string) bool { return strings.ContainsAny(v, "$`") }

// fileKind classifies local paths, archives and URLs given in place of
// a package name; "" for a plain name.
func fileKind(s string, exts ...string) string {
	l := strings.ToLower(s)
	switch {
	case strings.HasPrefix(l, "git+") || strings.HasPrefix(l, "git://") || strings.HasPrefix(l, "git@") ||
		strings.HasPrefix(l, "github:") || strings.HasPrefix(l, "gitlab:") || strings.HasPrefix(l, "bitbucket:") ||
		strings.HasPrefix(l, "gist:") || strings.HasPrefix(l, "ssh://"):
		return "vcs"
	case strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "ftp://"):
		if strings.HasSuffix(l, ".git") {
			return "vcs"
		}
		return "url"
	case strings.HasPrefix(l, "file:"):
		return "local"
	}
	for _, e := range exts {
		if strings.HasSuffix(l, e) {
			return "file"
		}
	}
	if l == "." || l == ".." || strings.HasPrefix(l, "./") || strings.HasPrefix(l, "../") || strings.HasPrefix(l, "/") || strings.HasPrefix(l, "~/") {
		return "local"
	}
	return ""
}

// aptPackages: apt-get/apt/aptitude install NAME[:ARCH][=VERSION|/RELEASE].
func aptPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(aptFlags, words)
	if sub != "install" && sub != "reinstall" {
		return nil
	}
	args := aptFlags.parse(words)
	release := ""
	for _, a := range args {
		if a.role == "release" {
			release = a.word.text
		}
	}
	var out []pkgFound
	for _, w := range operands(args) {
		t := w.text
		if strings.HasSuffix(t, "-") && !strings.Contains(t, "=") {
			continue // apt's "pkg-" removes pkg (no package name ends in "-")
		}
		p := newPkg("apt", c.Name+" "+sub, w)
		p.Release = release
		if p.Kind == "variable" {
			out = append(out, p)
			continue
		}
		if k := fileKind(t, ".deb"); k != "" {
			p.Name, p.Kind = t, k
			out = append(out, p)
			continue
		}
		name := t
		if n, v, ok := strings.Cut(name, "="); ok {
			name, p.Version, p.Constraint = n, v, "="
			p.Pinned = v != "" && !strings.ContainsAny(v, "*?")
		} else if n, r, ok := strings.Cut(name, "/"); ok {
			name, p.Release = n, r
		}
		if n, arch, ok := strings.Cut(name, ":"); ok {
			name, p.Arch = n, arch
		}
		p.Name = name
		out = append(out, p)
	}
	return out
}

// apkPackages: apk add NAME[OP VERSION][@TAG].
func apkPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(apkFlags, words)
	if sub != "add" {
		return nil
	}
	var out []pkgFound
	for _, w := range operands(apkFlags.parse(words)) {
		p := newPkg("apk", "apk add", w)
		if p.Kind == "variable" {
			out = append(out, p)
			continue
		}
		t := w.text
		if k := fileKind(t, ".apk"); k != "" {
			p.Name, p.Kind = t, k
			out = append(out, p)
			continue
		}
		if n, tag, ok := strings.Cut(t, "@"); ok {
			t, p.Release = n, tag
		}
		p.Name, p.Constraint, p.Version = splitOperator(t, "=~", ">=", "<=", "><", "~", "=", ">", "<")
		p.Pinned = p.Constraint == "=" && p.Version != "" && !strings.ContainsAny(p.Version, "*?")
		out = append(out, p)
	}
	return out
}

// splitOperator splits "name<op>version" at the first operator character.
func splitOperator(s string, ops ...string) (name, op, version string) {
	i := strings.IndexAny(s, "=<>~!")
	if i <= 0 {
		return s, "", ""
	}
	rest := s[i:]
	for _, o := range ops {
		if strings.HasPrefix(rest, o) {
			return strings.TrimSpace(s[:i]), o, strings.TrimSpace(rest[len(o):])
		}
	}
	return s, "", ""
}

var rpmVersionRe = regexp.MustCompile(`^[0-9][0-9A-Za-z.+~^_:*]*(-[0-9][0-9A-Za-z.+~^_*]*)?$`)

// splitRPM splits "name-version[-release]" at the first "-<digit>" whose
// remainder looks like a version: java-17-openjdk stays a name,
// nginx-1.20.1-1.el9 is nginx at 1.20.1-1.el9.
func splitRPM(s string) (name, version string) {
	for i := 1; i < len(s)-1; i++ {
		if s[i] == '-' && s[i+1] >= '0' && s[i+1] <= '9' && rpmVersionRe.MatchString(s[i+1:]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// rpmPackages: yum/dnf/microdnf/tdnf install NAME[-VERSION], @group.
func rpmPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(rpmFlags, words)
	switch sub {
	case "install", "reinstall", "groupinstall", "localinstall":
	default:
		return nil
	}
	var out []pkgFound
	for _, w := range operands(rpmFlags.parse(words)) {
		p := newPkg(c.Name, c.Name+" "+sub, w)
		t := w.text
		if i := strings.Index(t, "-$"); i > 0 && w.unknown && !strings.ContainsAny(t[:i], "$`") {
			// nginx-${NGINX_VERSION}
			p.Name, p.Version, p.Constraint, p.Pinned, p.Kind = t[:i], t[i+1:], "-", true, "package"
			out = append(out, p)
			continue
		}
		switch {
		case p.Kind == "variable":
		case fileKind(t, ".rpm") != "":
			p.Name, p.Kind = t, fileKind(t, ".rpm")
		case strings.HasPrefix(t, "@") || sub == "groupinstall":
			p.Name, p.Kind = strings.TrimPrefix(t, "@"), "group"
		case strings.ContainsAny(t, "<>= "):
			p.Name, p.Constraint, p.Version = splitOperator(t, ">=", "<=", "=", ">", "<")
			p.Pinned = p.Constraint == "=" && !strings.ContainsAny(p.Version, "*?")
		default:
			p.Name, p.Version = splitRPM(t)
			if p.Version != "" {
				p.Constraint = "-"
				p.Pinned = !strings.ContainsAny(p.Version, "*?")
			}
		}
		out = append(out, p)
	}
	return out
}

// zypperPackages: zypper [global options] install|in NAME[OP VERSION].
func zypperPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, rest := subcommandArgs(zypperGlobalFlags, words)
	if sub != "install" && sub != "in" {
		return nil
	}
	args := zypperFlags.parse(rest)
	kind := "package"
	for _, a := range args {
		if (a.flag == "-t" || a.flag == "--type") && (a.word.text == "pattern" || a.word.text == "product") {
			kind = "group"
		}
	}
	var out []pkgFound
	for _, a := range args {
		if a.flag != "" {
			continue
		}
		p := newPkg("zypper", "zypper "+sub, a.word)
		t := a.word.text
		switch {
		case p.Kind == "variable":
		case kind != "package":
			p.Name, p.Kind = t, kind
		case fileKind(t, ".rpm") != "":
			p.Name, p.Kind = t, fileKind(t, ".rpm")
		default:
			p.Name, p.Constraint, p.Version = splitOperator(t, ">=", "<=", "=", ">", "<")
			p.Pinned = p.Constraint == "=" && p.Version != "" && !strings.ContainsAny(p.Version, "*?")
		}
		out = append(out, p)
	}
	return out
}

var pipSpecRe = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$`)

// pipPackages: pip install SPEC..., -r FILE, -e PATH|URL.
func pipPackages(sc Scope, c *Call, command string, argv []string) []pkgFound {
	words := expandWords(sc, argv)
	sub, _ := subcommandArgs(pipFlags, words)
	if sub != "install" {
		return nil
	}
	command += " install"
	var out []pkgFound
	seenSub := false
	for _, a := range pipFlags.parse(words) {
		switch a.role {
		case "requirements":
			p := newPkg("pip", command, a.word)
			p.Name, p.Kind = a.word.text, "requirements"
			out = append(out, p)
			continue
		case "editable":
			p := newPkg("pip", command, a.word)
			p.Name, p.Kind = a.word.text, "local"
			if k := fileKind(a.word.text); k == "vcs" || k == "url" {
				p.Kind = k
			}
			out = append(out, p)
			continue
		}
		if a.flag != "" {
			continue
		}
		if !seenSub {
			seenSub = true
			continue
		}
		out = append(out, pipSpec(command, a.word))
	}
	return out
}

// pipSpec reads one requirement: name[extras] specifiers, a direct
// reference "name @ url", a path, an archive or a URL.
func pipSpec(command string, w pmWord) pkgFound {
	p := newPkg("pip", command, w)
	if p.Kind == "variable" {
		return p
	}
	t := strings.TrimSpace(w.text)
	if spec, _, ok := strings.Cut(t, ";"); ok { // environment marker
		t = strings.TrimSpace(spec)
	}
	if n, ref, ok := strings.Cut(t, "@"); ok && !strings.Contains(n, "/") && !strings.Contains(n, ":") && fileKind(strings.TrimSpace(ref)) != "" {
		p.Name, p.Kind = strings.TrimSpace(n), fileKind(strings.TrimSpace(ref))
		return p
	}
	if k := fileKind(t, ".whl", ".tar.gz", ".zip", ".tar.bz2", ".egg"); k != "" {
		p.Name, p.Kind = t, k
		return p
	}
	m := pipSpecRe.FindStringSubmatch(t)
	if m == nil {
		p.Name = t
		return p
	}
	p.Name = m[1]
	spec := strings.TrimSpace(m[3])
	if spec == "" {
		return p
	}
	for _, op := range []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"} {
		if strings.HasPrefix(spec, op) {
			p.Constraint, p.Version = op, strings.TrimSpace(spec[len(op):])
			break
		}
	}
	p.Pinned = (p.Constraint == "==" || p.Constraint == "===") && p.Version != "" &&
		!strings.ContainsAny(p.Version, "*,<>!~")
	return p
}

var exactSemverRe = regexp.MustCompile(`^=?v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// nodePackages: npm install|i|add|ci, yarn add|install|global add,
// pnpm add|install|i.
func nodePackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, rest := subcommandArgs(npmFlags, words)
	global := false
	for _, w := range words {
		if w.text == "-g" || w.text == "--global" || w.text == "--location=global" {
			global = true
		}
	}
	command := c.Name + " " + sub
	switch {
	case c.Name == "yarn" && sub == "global":
		sub2, rest2 := subcommandArgs(npmFlags, rest)
		if sub2 != "add" {
			return nil
		}
		global, rest, command = true, rest2, "yarn global add"
	case c.Name == "yarn" && (sub == "" || sub == "install"):
		return []pkgFound{nodeManifest(c.Name, "yarn install", words, "yarn.lock")}
	case c.Name == "npm" && isNpmInstall(sub), c.Name == "pnpm" && (sub == "install" || sub == "i" || sub == "add"), c.Name == "yarn" && sub == "add":
	case c.Name == "npm" && (sub == "ci" || sub == "clean-install" || sub == "ic" || sub == "install-clean" || sub == "isntall-clean"):
		p := newPkg("npm", command, pmWord{})
		p.Name, p.Kind, p.Pinned = "package-lock.json", "lockfile", true
		return []pkgFound{p}
	default:
		return nil
	}
	var out []pkgFound
	for _, a := range npmFlags.parse(rest) {
		if a.flag != "" {
			continue
		}
		p := nodeSpec(c.Name, command, a.word)
		p.Global = global
		out = append(out, p)
	}
	if len(out) == 0 && !global {
		lock := map[string]string{"npm": "package-lock.json", "pnpm": "pnpm-lock.yaml", "yarn": "yarn.lock"}[c.Name]
		return []pkgFound{nodeManifest(c.Name, command, words, lock)}
	}
	return out
}

// isNpmInstall reports npm's install command and its aliases.
func isNpmInstall(sub string) bool {
	switch sub {
	case "install", "i", "add", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall":
		return true
	}
	return false
}

// nodeManifest is an install of the project's own dependencies: from the
// lockfile when the command enforces it, else from package.json.
func nodeManifest(manager, command string, words []pmWord, lock string) pkgFound {
	p := newPkg(manager, command, pmWord{})
	p.Name, p.Kind = "package.json", "manifest"
	for _, w := range words {
		switch w.text {
		case "--frozen-lockfile", "--immutable", "--ci":
			p.Name, p.Kind, p.Pinned = lock, "lockfile", true
		}
	}
	return p
}

// nodeSpec reads name[@version|range|tag], @scope/name[@...], aliases
// (alias@npm:name@1), GitHub shorthands, URLs, paths and tarballs.
func nodeSpec(manager, command string, w pmWord) pkgFound {
	p := newPkg(manager, command, w)
	if p.Kind == "variable" {
		return p
	}
	t := w.text
	if k := fileKind(t, ".tgz", ".tar.gz", ".tar"); k != "" {
		p.Name, p.Kind = t, k
		return p
	}
	if i := strings.Index(t, "@npm:"); i > 0 {
		t = t[i+len("@npm:"):] // alias@npm:real@1.2.3 installs real
	}
	name, version := t, ""
	if i := strings.LastIndexByte(t, '@'); i > 0 {
		name, version = t[:i], t[i+1:]
	}
	if !strings.HasPrefix(name, "@") && strings.Contains(name, "/") {
		p.Name, p.Kind = t, "vcs" // user/repo is a GitHub shorthand
		return p
	}
	p.Name = name
	if version != "" {
		p.Constraint, p.Version = "@", version
		p.Pinned = exactSemverRe.MatchString(version) || fromBuildArg(version)
	}
	return p
}

// gemPackages: gem install NAME[:VERSION] [-v REQ].
func gemPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(gemFlags, words)
	if sub != "install" && sub != "i" {
		return nil
	}
	args := gemFlags.parse(words)
	var version pmWord
	var file string
	for _, a := range args {
		if a.role == "version" {
			version = a.word
		}
		if a.flag == "-g" || a.flag == "--file" {
			file = a.word.text
		}
	}
	var out []pkgFound
	for _, w := range operands(args) {
		p := newPkg("gem", "gem "+sub, w)
		if p.Kind == "variable" {
			out = append(out, p)
			continue
		}
		t := w.text
		if k := fileKind(t, ".gem"); k != "" {
			p.Name, p.Kind = t, k
			out = append(out, p)
			continue
		}
		req := version.text
		if n, v, ok := strings.Cut(t, ":"); ok {
			t, req = n, v
		}
		p.Name = t
		if req != "" {
			if version.unknown && req == version.text {
				p.Constraint, p.Version, p.Pinned = "=", req, true
			} else {
				p.Constraint, p.Version = gemRequirement(req)
				p.Pinned = p.Constraint == "=" && !strings.ContainsAny(p.Version, ",*")
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 && file != "" {
		p := newPkg("gem", "gem "+sub, pmWord{raw: file})
		p.Name, p.Kind = file, "manifest"
		out = append(out, p)
	}
	return out
}

// gemRequirement splits "~> 7.1", ">= 1", "= 2" or "7.1.0".
func gemRequirement(s string) (op, version string) {
	s = strings.TrimSpace(s)
	for _, o := range []string{"~>", ">=", "<=", "!=", "=", ">", "<"} {
		if strings.HasPrefix(s, o) {
			return o, strings.TrimSpace(s[len(o):])
		}
	}
	return "=", s
}

// bundlePackages: bundle install installs the Gemfile's gems, exactly
// those of Gemfile.lock with --deployment or --frozen.
func bundlePackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(bundleFlags, words)
	if sub != "install" && sub != "" {
		return nil
	}
	if sub == "" && len(words) > 0 {
		return nil
	}
	p := newPkg("bundler", "bundle install", pmWord{raw: c.Name})
	p.Name, p.Kind = "Gemfile", "manifest"
	for _, w := range words {
		if w.text == "--deployment" || w.text == "--frozen" {
			p.Name, p.Kind, p.Pinned = "Gemfile.lock", "lockfile", true
		}
	}
	for _, a := range c.Assigns {
		if a == "BUNDLE_FROZEN=true" || a == "BUNDLE_DEPLOYMENT=true" {
			p.Name, p.Kind, p.Pinned = "Gemfile.lock", "lockfile", true
		}
	}
	return []pkgFound{p}
}

var goHashRe = regexp.MustCompile(`^[0-9a-f]{7,40}$`)

// goPackages: go install|get PATH[@VERSION]...
func goPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(goFlags, words)
	if sub != "install" && sub != "get" {
		return nil
	}
	var out []pkgFound
	for _, w := range operands(goFlags.parse(words)) {
		p := newPkg("go", "go "+sub, w)
		if p.Kind == "variable" {
			out = append(out, p)
			continue
		}
		t := w.text
		path, version, hasVersion := strings.Cut(t, "@")
		p.Name = path
		if fileKind(path) == "local" || path == "std" || path == "cmd" || path == "all" || !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
			p.Kind = "local"
		}
		if hasVersion {
			p.Constraint, p.Version = "@", version
			p.Pinned = goVersionPinned(version) || fromBuildArg(version)
		}
		out = append(out, p)
	}
	return out
}

// goVersionPinned: a full semantic version (including pseudo-versions)
// or a commit hash; not "latest", "upgrade", "patch", a branch or a
// version prefix such as v1.2.
func goVersionPinned(v string) bool {
	return exactSemverRe.MatchString(v) && strings.HasPrefix(v, "v") || goHashRe.MatchString(v)
}

var cargoExactRe = regexp.MustCompile(`^=?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// cargoPackages: cargo install CRATE[@VERSION] [--version REQ], with the
// crates coming from --git URL or --path DIR when given.
func cargoPackages(sc Scope, c *Call) []pkgFound {
	words := expandWords(sc, c.Args)
	sub, _ := subcommandArgs(cargoFlags, words)
	if sub != "install" {
		return nil
	}
	args := cargoFlags.parse(words)
	var version string
	var source *pmArg
	for i, a := range args {
		switch a.role {
		case "version":
			version = a.word.text
		case "vcs", "local":
			source = &args[i]
		}
	}
	var out []pkgFound
	for _, w := range operands(args) {
		p := newPkg("cargo", "cargo install", w)
		if p.Kind == "variable" {
			out = append(out, p)
			continue
		}
		name, v, _ := strings.Cut(w.text, "@")
		if v == "" {
			v = version
		}
		p.Name = name
		if source != nil {
			p.Kind = source.role
		}
		if v != "" {
			p.Constraint, p.Version = "@", v
			p.Pinned = cargoExactRe.MatchString(v) || fromBuildArg(v)
		}
		out = append(out, p)
	}
	if len(out) == 0 && source != nil {
		p := newPkg("cargo", "cargo install", source.word)
		p.Name, p.Kind = source.word.text, source.role
		out = append(out, p)
	}
	return out
}

// operands returns the positional words after the subcommand: what the
// command installs.
func operands(args []pmArg) []pmWord {
	var out []pmWord
	seenSub := false
	for _, a := range args {
		switch {
		case a.flag != "":
		case !seenSub:
			seenSub = true
		default:
			out = append(out, a.word)
		}
	}
	return out
}
