package dockerfile

import (
	"iter"
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Script is a RUN body parsed as POSIX/bash shell.
type Script struct {
	Source string
	Calls  []*Call
	// Err is set when the shell text could not be parsed; Calls then holds
	// whatever parsed before the error (possibly nothing).
	Err error
}

// Call is one simple command of a script, e.g. `apt-get install -y curl`.
type Call struct {
	// Name is the command's base name after wrappers such as sudo, env,
	// nohup and time are skipped: "apt-get", "curl", "pip3".
	Name string
	// Args are the words after Name, unquoted; expansions stay as written
	// ("$HOME", "$(uname)").
	Args []string
	// Assigns are VAR=value prefixes, e.g. "DEBIAN_FRONTEND=noninteractive".
	Assigns []string
	// Wrappers are the wrapper commands skipped before Name, in order
	// ("sudo", "env", "gosu"...).
	Wrappers []string
	// PipesTo is the next command in a pipeline (`curl ... | sh`).
	PipesTo *Call
	// Line is the 1-based line within Source.
	Line int
}

// ParseScript parses shell source and lists its simple commands,
// descending into `sh -c '...'` and `bash -c "..."` strings.
func ParseScript(src string) *Script {
	s := &Script{Source: src}
	s.Calls, s.Err = parseCalls(src, 0)
	return s
}

// maxNesting bounds `sh -c "sh -c ..."` recursion on hostile input.
const maxNesting = 4

func parseCalls(src string, depth int) ([]*Call, error) {
	p := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(false))
	f, err := p.Parse(strings.NewReader(src), "")
	if f == nil {
		return nil, err
	}
	var calls []*Call
	visitStmts(f.Stmts, func(c *Call) { calls = append(calls, c) }, depth)
	return calls, err
}

// visitStmts walks statements in order and reports each simple command.
func visitStmts(stmts []*syntax.Stmt, emit func(*Call), depth int) {
	for _, st := range stmts {
		visitCommand(st.Cmd, emit, depth)
	}
}

func visitCommand(cmd syntax.Command, emit func(*Call), depth int) []*Call {
	var out []*Call
	collect := func(c *Call) { out = append(out, c); emit(c) }
	switch c := cmd.(type) {
	case *syntax.CallExpr:
		call := newCall(c)
		if call == nil {
			return nil
		}
		collect(call)
		if inner, ok := shellDashC(call); ok && depth < maxNesting {
			if nested, _ := parseCalls(inner, depth+1); nested != nil {
				for _, n := range nested {
					n.Line = call.Line
					emit(n)
				}
			}
		}
	case *syntax.BinaryCmd:
		left := visitCommand(c.X.Cmd, emit, depth)
		right := visitCommand(c.Y.Cmd, emit, depth)
		out = append(left, right...)
		if (c.Op == syntax.Pipe || c.Op == syntax.PipeAll) && len(left) > 0 && len(right) > 0 {
			left[len(left)-1].PipesTo = right[0]
		}
	case *syntax.Block:
		for _, st := range c.Stmts {
			out = append(out, visitCommand(st.Cmd, emit, depth)...)
		}
	case *syntax.Subshell:
		for _, st := range c.Stmts {
			out = append(out, visitCommand(st.Cmd, emit, depth)...)
		}
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			visitStmts(ic.Cond, emit, depth)
			visitStmts(ic.Then, emit, depth)
		}
	case *syntax.WhileClause:
		visitStmts(c.Cond, emit, depth)
		visitStmts(c.Do, emit, depth)
	case *syntax.ForClause:
		visitStmts(c.Do, emit, depth)
	case *syntax.CaseClause:
		for _, item := range c.Items {
			visitStmts(item.Stmts, emit, depth)
		}
	case *syntax.FuncDecl:
		if c.Body != nil {
			visitCommand(c.Body.Cmd, emit, depth)
		}
	case *syntax.TimeClause:
		if c.Stmt != nil {
			out = append(out, visitCommand(c.Stmt.Cmd, emit, depth)...)
		}
	case *syntax.CoprocClause:
		if c.Stmt != nil {
			visitCommand(c.Stmt.Cmd, emit, depth)
		}
	}
	return out
}

// wrappers run the command that follows them; the linter judges that one.
var wrappers = map[string]bool{"sudo": true, "env": true, "nohup": true, "time": true, "command": true, "exec": true, "nice": true, "doas": true, "gosu": true, "su-exec": true, "chroot": false}

func newCall(ce *syntax.CallExpr) *Call {
	call := &Call{Line: int(ce.Pos().Line())}
	for _, a := range ce.Assigns {
		if a.Name == nil {
			continue
		}
		v := ""
		if a.Value != nil {
			v = wordText(a.Value)
		}
		call.Assigns = append(call.Assigns, a.Name.Value+"="+v)
	}
	words := make([]string, 0, len(ce.Args))
	for _, w := range ce.Args {
		words = append(words, wordText(w))
	}
	// Skip wrappers and their options: `sudo -E apt-get`, `env -i X=1 cmd`.
	for len(words) > 0 && wrappers[path.Base(words[0])] {
		wrapper := path.Base(words[0])
		call.Wrappers = append(call.Wrappers, wrapper)
		words = words[1:]
		for len(words) > 0 {
			w := words[0]
			if strings.HasPrefix(w, "-") {
				words = words[1:]
				// sudo -u user / nice -n 10 take a value.
				if (wrapper == "sudo" && (w == "-u" || w == "-g")) || (wrapper == "nice" && w == "-n") || (wrapper == "gosu" || wrapper == "su-exec") {
					if len(words) > 0 {
						words = words[1:]
					}
				}
				continue
			}
			if wrapper == "env" && strings.Contains(w, "=") {
				call.Assigns = append(call.Assigns, w)
				words = words[1:]
				continue
			}
			if wrapper == "gosu" || wrapper == "su-exec" {
				words = words[1:] // the user
			}
			break
		}
	}
	if len(words) == 0 {
		if len(call.Assigns) == 0 {
			return nil
		}
		return call
	}
	call.Name = path.Base(words[0])
	call.Args = words[1:]
	return call
}

// shellDashC returns the script of `sh -c '...'` style calls.
func shellDashC(c *Call) (string, bool) {
	switch c.Name {
	case "sh", "bash", "ash", "dash", "zsh", "ksh":
	default:
		return "", false
	}
	for i, a := range c.Args {
		if a == "-c" || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "c")) {
			if i+1 < len(c.Args) {
				return c.Args[i+1], true
			}
		}
	}
	return "", false
}

// wordText renders a shell word without its quotes; expansions are kept
// as written so that rules can still see them.
func wordText(w *syntax.Word) string {
	var b strings.Builder
	for _, p := range w.Parts {
		writePart(&b, p, nil)
	}
	return b.String()
}

// writePart renders one part of a word as wordText does. When expanded
// is not nil, it also collects the names of the parameter expansions
// outside single quotes, and "$(…)" for each command or process
// substitution.
func writePart(b *strings.Builder, p syntax.WordPart, expanded *[]string) {
	switch x := p.(type) {
	case *syntax.Lit:
		b.WriteString(unescapeLit(x.Value))
	case *syntax.SglQuoted:
		b.WriteString(x.Value)
	case *syntax.DblQuoted:
		for _, q := range x.Parts {
			writePart(b, q, expanded)
		}
	default:
		if expanded != nil {
			switch x := p.(type) {
			case *syntax.ParamExp:
				if x.Param != nil {
					*expanded = append(*expanded, x.Param.Value)
				}
			case *syntax.CmdSubst, *syntax.ProcSubst:
				*expanded = append(*expanded, "$(…)")
			}
		}
		var sb strings.Builder
		if err := syntax.NewPrinter().Print(&sb, p.(syntax.Node)); err == nil {
			b.WriteString(sb.String())
		}
	}
}

// unescapeLit removes backslash escapes from an unquoted literal.
func unescapeLit(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// HasFlag reports whether any of the flags is set: long flags ("--insecure",
// also as "--insecure=x"), short flags alone ("-k") or combined ("-fsSLk").
func (c *Call) HasFlag(flags ...string) bool {
	for _, a := range c.Args {
		if a == "--" {
			return false
		}
		for _, f := range flags {
			if a == f {
				return true
			}
			if strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"=") {
				return true
			}
			if len(f) == 2 && f[0] == '-' && f[1] != '-' && len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.IndexByte(a[1:], f[1]) >= 0 {
				return true
			}
		}
	}
	return false
}

// FlagValue returns the value of a flag given as "--name=value",
// "--name value", "-n value" or "-nvalue".
func (c *Call) FlagValue(flags ...string) (string, bool) {
	for i, a := range c.Args {
		for _, f := range flags {
			switch {
			case a == f && i+1 < len(c.Args):
				return c.Args[i+1], true
			case strings.HasPrefix(f, "--") && strings.HasPrefix(a, f+"="):
				return a[len(f)+1:], true
			case len(f) == 2 && f[1] != '-' && strings.HasPrefix(a, f) && len(a) > 2 && !strings.HasPrefix(a, "--"):
				return a[2:], true
			}
		}
	}
	return "", false
}

// Positional returns the arguments that are not flags. It cannot know
// which flags take values, so callers pass those in valueFlags.
func (c *Call) Positional(valueFlags ...string) []string {
	var out []string
	skip := false
	for _, a := range c.Args {
		if skip {
			skip = false
			continue
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			for _, f := range valueFlags {
				if a == f {
					skip = true
				}
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// Subcommand returns the first positional argument ("install" in
// `apt-get -y install curl`).
func (c *Call) Subcommand(valueFlags ...string) string {
	if p := c.Positional(valueFlags...); len(p) > 0 {
		return p[0]
	}
	return ""
}

// String renders the call back as one line, for evidence.
func (c *Call) String() string {
	parts := append(append([]string{}, c.Assigns...), c.Name)
	return strings.Join(append(parts, c.Args...), " ")
}

// Named returns the calls whose command is one of names.
func (s *Script) Named(names ...string) []*Call {
	if s == nil {
		return nil
	}
	var out []*Call
	for _, c := range s.Calls {
		for _, n := range names {
			if c.Name == n {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// Calls yields every simple command of every RUN of f, in file order,
// with its instruction.
func (f *File) Calls() iter.Seq2[*Instruction, *Call] {
	return f.callsOf(func(in *Instruction) []*Call { return in.Script.Calls })
}

// callsOf yields, for each RUN of f with a parsed script, the calls list
// returns for it, with the instruction.
func (f *File) callsOf(list func(*Instruction) []*Call) iter.Seq2[*Instruction, *Call] {
	return func(yield func(*Instruction, *Call) bool) {
		for _, in := range f.Instructions {
			if in.Script == nil {
				continue
			}
			for _, c := range list(in) {
				if !yield(in, c) {
					return
				}
			}
		}
	}
}
