package dockerfile

// Helpers shared by the hygiene rules (check_hyg_*.go): walking RUN
// commands, stage chains, BuildKit mount flags and unquoting words. The
// variables in scope at an instruction come from File.ScopeAt (scope.go).

import (
	"iter"
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// hygieneRule fills the fields every hygiene rule shares.
func hygieneRule(r finding.Rule) *finding.Rule {
	r.Control = control.DockerfileLint
	r.Family = "hygiene"
	return &r
}

func hygHadolint(id string) finding.Alias { return finding.Alias{Tool: "hadolint", ID: id} }
func hygTrivy(id string) finding.Alias    { return finding.Alias{Tool: "trivy", ID: id} }
func hygCheckov(id string) finding.Alias  { return finding.Alias{Tool: "checkov", ID: id} }
func hygBuildkit(id string) finding.Alias { return finding.Alias{Tool: "buildkit", ID: id} }

// hygNamed returns the stage instructions with one of the given keywords.
func hygNamed(f *File, names ...string) []*Instruction {
	var out []*Instruction
	for _, in := range f.Instructions {
		if in.Stage == nil || in == in.Stage.From {
			continue
		}
		for _, n := range names {
			if in.Name == n {
				out = append(out, in)
				break
			}
		}
	}
	return out
}

// hygCalls returns the commands of a RUN, normalised: `python -m pip` is
// returned as a `pip` call.
func hygCalls(in *Instruction) []*Call {
	if in == nil || in.Script == nil {
		return nil
	}
	out := make([]*Call, 0, len(in.Script.Calls))
	for _, c := range in.Script.Calls {
		if c.Name == "" {
			continue
		}
		if p, ok := hygPythonModule(c, "pip"); ok {
			c = p
		}
		out = append(out, c)
	}
	return out
}

// hygRunCalls yields the hygCalls of every RUN, in file order, with
// their instruction.
func hygRunCalls(f *File) iter.Seq2[*Instruction, *Call] { return f.callsOf(hygCalls) }

// hygPythonModule turns `python3 -m pip install x` into `pip install x`.
func hygPythonModule(c *Call, module string) (*Call, bool) {
	if !strings.HasPrefix(c.Name, "python") {
		return nil, false
	}
	for i, a := range c.Args {
		if a == "-m" && i+1 < len(c.Args) && c.Args[i+1] == module {
			return &Call{Name: module, Args: c.Args[i+2:], Assigns: c.Assigns, PipesTo: c.PipesTo, Line: c.Line}, true
		}
		if !strings.HasPrefix(a, "-") {
			return nil, false
		}
	}
	return nil, false
}

// hygIsPip reports whether c runs pip (pip, pip3, pip3.12, python -m pip).
func hygIsPip(c *Call) bool {
	return c.Name == "pip" || strings.HasPrefix(c.Name, "pip3") || strings.HasPrefix(c.Name, "pip2")
}

// hygSub returns c's subcommand when c is one of the commands named.
func hygSub(c *Call, valueFlags []string, names ...string) string {
	for _, n := range names {
		if c.Name == n {
			return c.Subcommand(valueFlags...)
		}
	}
	return ""
}

// hygAptValueFlags are apt-get options that take a separate value.
var hygAptValueFlags = []string{"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}

// hygAptSub returns the apt-get (or apt) subcommand of c, or "".
func hygAptSub(c *Call) string { return hygSub(c, hygAptValueFlags, "apt-get", "apt") }

// hygRemoves reports whether c deletes a path under one of the prefixes
// (`rm -rf /var/lib/apt/lists/*`).
func hygRemoves(c *Call, prefixes ...string) bool {
	if c.Name != "rm" {
		return false
	}
	for _, a := range c.Positional() {
		for _, p := range prefixes {
			if strings.HasPrefix(a, p) {
				return true
			}
		}
	}
	return false
}

// hygMount is one --mount flag of RUN.
type hygMount struct {
	Type, Target, From, Source string
}

// hygMounts parses the --mount flags of a RUN as written.
func hygMounts(in *Instruction) []hygMount {
	var out []hygMount
	for _, fl := range in.Flags() {
		v, ok := strings.CutPrefix(fl, "--mount=")
		if !ok {
			continue
		}
		m := hygMount{Type: "bind"}
		for _, field := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(field, "=")
			val = strings.Trim(val, `"'`)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "type":
				m.Type = val
			case "target", "dst", "destination":
				m.Target = val
			case "from":
				m.From = val
			case "source", "src":
				m.Source = val
			}
		}
		out = append(out, m)
	}
	return out
}

// hygCacheMounted reports whether a cache or tmpfs mount of the RUN covers
// a directory whose path contains one of the fragments.
func hygCacheMounted(in *Instruction, fragments ...string) bool {
	for _, m := range hygMounts(in) {
		if m.Type != "cache" && m.Type != "tmpfs" {
			continue
		}
		t := strings.TrimSuffix(m.Target, "/")
		for _, fr := range fragments {
			if strings.Contains(t+"/", fr) {
				return true
			}
		}
	}
	return false
}

// hygPriorInChain returns the instructions that run before in, following
// FROM <stage> links: ancestors' instructions first, then those of in's
// own stage that precede it.
func hygPriorInChain(in *Instruction) []*Instruction {
	if in.Stage == nil {
		return nil
	}
	chain := in.Stage.Chain()
	var out []*Instruction
	for i := len(chain) - 1; i >= 1; i-- {
		out = append(out, chain[i].Instructions...)
	}
	for _, x := range in.Stage.Instructions {
		if x == in {
			break
		}
		out = append(out, x)
	}
	return out
}

// hygConsumedStages returns the stages another stage builds on or copies
// from (FROM <stage>, COPY --from, RUN --mount from=).
func hygConsumedStages(f *File) map[*Stage]bool {
	used := map[*Stage]bool{}
	for _, s := range f.Stages {
		if s.Parent != nil {
			used[s.Parent] = true
		}
		for _, in := range s.Instructions {
			var refs []string
			if v, ok := in.Flag("from"); ok && in.Name == "copy" {
				refs = append(refs, v)
			}
			if in.Name == "run" {
				for _, m := range hygMounts(in) {
					if m.From != "" {
						refs = append(refs, m.From)
					}
				}
			}
			for _, r := range refs {
				if strings.Contains(r, "$") {
					r, _ = f.ExpandGlobal(r)
				}
				if st := f.StageByName(r); st != nil && st != s {
					used[st] = true
				}
			}
		}
	}
	return used
}

// hygImageStages returns the stages whose files end up in an image someone
// runs: every stage that no other stage consumes (the default target and
// other targets) and the stages they build on. Stages only copied from
// are build stages: their caches never reach an image.
func hygImageStages(f *File) map[*Stage]bool {
	used := hygConsumedStages(f)
	out := map[*Stage]bool{}
	for _, s := range f.Stages {
		if used[s] && s != f.Final() {
			continue
		}
		for _, st := range s.Chain() {
			out[st] = true
		}
	}
	return out
}

// hygUnquoteWord removes shell quotes from a word without expanding it.
func hygUnquoteWord(f *File, word string) string {
	res, err := shell.NewLex(f.Escape).ProcessWordWithMatches(word, Scope{})
	if err != nil {
		return strings.Trim(word, `"'`)
	}
	return res.Result
}

// hygHasVariable reports whether word expands a variable.
func hygHasVariable(f *File, word string) bool {
	if !strings.Contains(word, "$") {
		return false
	}
	res, err := shell.NewLex(f.Escape).ProcessWordWithMatches(word, Scope{})
	return err != nil || len(res.Matched)+len(res.Unmatched) > 0
}

// hygIsArchiveName reports whether a file name looks like an archive that
// ADD unpacks or tar extracts.
func hygIsArchiveName(name string) bool {
	n := strings.ToLower(path.Base(strings.Trim(name, `"'`)))
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.lz", ".tar.lzma", ".tlz", ".gz", ".bz2", ".xz", ".zst", ".lzma"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// hygIsRemote reports whether an ADD source is fetched rather than read
// from the build context.
func hygIsRemote(src string) bool {
	s := strings.ToLower(src)
	for _, p := range []string{"http://", "https://", "git@", "git://", "ssh://", "github.com/"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// hygLevenshtein returns the edit distance of a and b.
func hygLevenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

type hygArgKV struct {
	key   string
	value *string
}

type hygEnvKV struct {
	key, value string
	noDelim    bool
}

// hygArgKVs returns the names and raw default values of an ARG.
func hygArgKVs(in *Instruction) []hygArgKV {
	c, ok := in.Cmd.(*instructions.ArgCommand)
	if !ok {
		return nil
	}
	out := make([]hygArgKV, 0, len(c.Args))
	for _, a := range c.Args {
		out = append(out, hygArgKV{key: a.Key, value: a.Value})
	}
	return out
}

// hygArgPairs returns the names an ARG declares.
func hygArgPairs(in *Instruction) []string {
	var out []string
	for _, a := range hygArgKVs(in) {
		out = append(out, a.key)
	}
	return out
}

// hygEnvKVs returns the pairs of an ENV as written (values unexpanded).
func hygEnvKVs(in *Instruction) []hygEnvKV {
	c, ok := in.Cmd.(*instructions.EnvCommand)
	if !ok {
		return nil
	}
	out := make([]hygEnvKV, 0, len(c.Env))
	for _, e := range c.Env {
		out = append(out, hygEnvKV{key: e.Key, value: e.Value, noDelim: e.NoDelim})
	}
	return out
}

// hygLabelKVs returns the pairs of a LABEL as written.
func hygLabelKVs(in *Instruction) []hygEnvKV {
	c, ok := in.Cmd.(*instructions.LabelCommand)
	if !ok {
		return nil
	}
	out := make([]hygEnvKV, 0, len(c.Labels))
	for _, e := range c.Labels {
		out = append(out, hygEnvKV{key: e.Key, value: e.Value, noDelim: e.NoDelim})
	}
	return out
}
