package dockerfile

// Package-manager helpers shared by the hygiene rules: which calls
// install, which flags answer prompts, and which arguments are packages.

import "strings"

// hygPmCall is one package-manager command inside a RUN.
type hygPmCall struct {
	In  *Instruction
	C   *Call
	Sub string
	// All are the commands of the RUN, Index is C's position in them.
	All   []*Call
	Index int
}

// hygPmCalls returns the calls of every RUN whose command is one of names,
// with their subcommand (computed with valueFlags).
func hygPmCalls(f *File, valueFlags []string, names ...string) []hygPmCall {
	var out []hygPmCall
	for _, in := range hygNamed(f, "run") {
		cs := hygCalls(in)
		for i, c := range cs {
			for _, n := range names {
				if c.Name == n {
					out = append(out, hygPmCall{In: in, C: c, Sub: c.Subcommand(valueFlags...), All: cs, Index: i})
					break
				}
			}
		}
	}
	return out
}

// later returns the calls after this one in the same RUN.
func (pc hygPmCall) later() []*Call { return pc.All[pc.Index+1:] }

// packages returns the positional arguments after the subcommand.
func (pc hygPmCall) packages(valueFlags []string) []string {
	pos := pc.C.Positional(valueFlags...)
	if len(pos) <= 1 {
		return nil
	}
	return pos[1:]
}

// hygPriorSourceContains reports whether a RUN before in (in its stage chain)
// contains text, e.g. an apt configuration written to apt.conf.d.
func hygPriorSourceContains(in *Instruction, text string) bool {
	for _, x := range hygPriorInChain(in) {
		if x.Script != nil && strings.Contains(x.Script.Source, text) {
			return true
		}
	}
	return false
}

// hygAptOption reports whether c sets the apt option name (-o Name=value)
// to one of the values.
func hygAptOption(c *Call, name string, values ...string) bool {
	for i, a := range c.Args {
		var opt string
		switch {
		case (a == "-o" || a == "--option") && i+1 < len(c.Args):
			opt = c.Args[i+1]
		case strings.HasPrefix(a, "-o") && len(a) > 2 && !strings.HasPrefix(a, "--"):
			opt = a[2:]
		case strings.HasPrefix(a, "--option="):
			opt = a[len("--option="):]
		default:
			continue
		}
		k, v, _ := strings.Cut(opt, "=")
		if strings.EqualFold(k, name) {
			for _, want := range values {
				if strings.EqualFold(strings.Trim(v, `"'`), want) {
					return true
				}
			}
		}
	}
	return false
}

// hygIsPathArg reports whether a package argument is a file, URL or
// expansion rather than a package name.
func hygIsPathArg(a string) bool {
	return a == "" || strings.HasPrefix(a, ".") || strings.HasPrefix(a, "/") || strings.HasPrefix(a, "~") ||
		strings.Contains(a, "://") || strings.Contains(a, "$") || strings.HasPrefix(a, "`")
}

// hygYumValueFlags are yum/dnf options that take a separate value.
var hygYumValueFlags = []string{"-c", "--config", "-d", "--debuglevel", "-e", "--errorlevel", "-x", "--exclude", "--enablerepo", "--disablerepo", "--repo", "--repoid", "--releasever", "--installroot", "--setopt", "--forcearch", "--downloaddir", "--destdir", "--color", "-R", "--randomwait", "--rpmverbosity"}

// hygZypperValueFlags are zypper options that take a separate value.
var hygZypperValueFlags = []string{"-R", "--root", "-c", "--config", "-D", "--reposd-dir", "-C", "--cache-dir", "-t", "--type", "-r", "--repo", "--from"}

// hygApkValueFlags are apk options that take a separate value.
var hygApkValueFlags = []string{"-X", "--repository", "-t", "--virtual", "-p", "--root", "--arch", "--repositories-file", "--keys-dir", "--cache-dir"}

// hygPipValueFlags are pip install options that take a separate value.
var hygPipValueFlags = []string{"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--src", "--trusted-host", "--cache-dir", "--platform", "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary", "--progress-bar", "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--upgrade-strategy", "--global-option", "--install-option", "--config-settings", "-C", "--python", "--report", "--root-user-action"}

// hygNpmValueFlags are npm options that take a separate value.
var hygNpmValueFlags = []string{"--prefix", "--registry", "--cache", "-w", "--workspace", "--omit", "--include", "--tag", "--userconfig", "--loglevel"}

// hygGemValueFlags are gem install options that take a separate value.
var hygGemValueFlags = []string{"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P", "--trust-policy", "--platform", "-g", "--file"}

// hygGoValueFlags are go build/install flags that take a separate value.
var hygGoValueFlags = []string{"-ldflags", "-gcflags", "-asmflags", "-tags", "-mod", "-modfile", "-p", "-buildmode", "-pkgdir", "-toolexec", "-overlay", "-pgo", "-C", "-compiler", "-gccgoflags", "-installsuffix", "-o"}
