package dockerfile

// Helpers shared by the package-manager integrity rules (PAL-DF-030 to
// PAL-DF-041) and the secrets rules (PAL-DF-080 to PAL-DF-083): the
// variables a Dockerfile sets (ENV, ARG, RUN assignments and exports),
// the files its RUN and COPY heredocs write, what RUN commands read on
// stdin, and calls hidden in command and process substitutions.
//
// RUN bodies are parsed with mvdan.cc/sh as Script/Call in shell.go. The
// Call model has no redirections and no export/declare clauses, so the
// facts that need them (file writes, here-strings, exports) come from a
// second walk of the same shell syntax tree here, made only for RUN
// bodies that can contain them.

import (
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"mvdan.cc/sh/v3/syntax"

	"github.com/palisade-sec/palisade/internal/finding"
)

// igVar is one variable set by a Dockerfile: an ENV or ARG key, a RUN
// assignment prefix (`X=1 cmd`, `env X=1 cmd`, `X=1`) or an export or
// declare clause.
type igVar struct {
	Name string
	// Value is unquoted; expansions stay as written ("$TOKEN").
	Value string
	// HasValue is false for `ARG NAME` without a default.
	HasValue bool
	// Literal is true when Value contains no variable or command expansion.
	Literal bool
	In      *Instruction
	// Kind is "ENV", "ARG" or "RUN".
	Kind string
}

// Where names the variable's instruction kind for messages, e.g. "ENV".
func (v igVar) Where() string {
	if v.Kind == "RUN" {
		return "RUN (environment assignment)"
	}
	return v.Kind
}

// igVars lists the variables set anywhere in f, in file order. Unlike
// File.ScopeAt it answers "where is NAME set", not "what is in scope".
func igVars(f *File) []igVar {
	d := &f.derived
	d.varsOnce.Do(func() { d.vars = igComputeVars(f) })
	return d.vars
}

func igComputeVars(f *File) []igVar {
	var out []igVar
	for _, in := range f.Instructions {
		switch c := in.Cmd.(type) {
		case *instructions.EnvCommand:
			for _, kv := range c.Env {
				v, lit := igUnquote(f, kv.Value)
				out = append(out, igVar{Name: kv.Key, Value: v, HasValue: true, Literal: lit, In: in, Kind: "ENV"})
			}
		case *instructions.ArgCommand:
			for _, kv := range c.Args {
				pv := igVar{Name: kv.Key, In: in, Kind: "ARG"}
				if kv.Value != nil {
					pv.Value, pv.Literal = igUnquote(f, *kv.Value)
					pv.HasValue = true
				}
				out = append(out, pv)
			}
		case *instructions.RunCommand:
			if in.Script == nil {
				continue
			}
			var assigns []string
			for _, call := range igCalls(f, in) {
				assigns = append(assigns, call.Assigns...)
			}
			assigns = append(assigns, igFacts(f, in).decls...)
			for _, a := range assigns {
				k, v, ok := strings.Cut(a, "=")
				if !ok || !igValidName(k) {
					continue
				}
				out = append(out, igVar{Name: k, Value: v, HasValue: true, Literal: !strings.ContainsAny(v, "$`"), In: in, Kind: "RUN"})
			}
		}
	}
	return out
}

func igValidName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// igUnquote removes Dockerfile quoting from an ENV or ARG value. It
// reports whether the value is a literal, free of $VAR expansions.
func igUnquote(f *File, raw string) (string, bool) {
	res, err := shell.NewLex(f.Escape).ProcessWordWithMatches(raw, Scope{})
	if err != nil {
		return raw, !strings.Contains(raw, "$")
	}
	if len(res.Matched)+len(res.Unmatched) > 0 {
		// Keep expansions visible: unquote by hand, leaving $VAR as written.
		return strings.Trim(raw, `"'`), false
	}
	return res.Result, true
}

// igCalls returns the calls of a RUN plus the calls inside command and
// process substitutions of their arguments (`sh -c "$(curl …)"`, `bash
// <(wget -O- …)`, `[ "$(sha256sum f)" = … ]`). Calls found inside a
// substitution carry the line of the call that holds it.
func igCalls(f *File, in *Instruction) []*Call {
	s := in.Script
	if s == nil {
		return nil
	}
	if !slices.ContainsFunc(s.Calls, igHasSubst) {
		return s.Calls
	}
	return f.derived.calls.get(in, func() []*Call { return igComputeCalls(s) })
}

// igRunCalls yields the igCalls of every RUN of f, in file order, with
// their instruction.
func igRunCalls(f *File) iter.Seq2[*Instruction, *Call] {
	return f.callsOf(func(in *Instruction) []*Call { return igCalls(f, in) })
}

// igHasSubst reports a call with a substitution in an argument.
func igHasSubst(c *Call) bool {
	return slices.ContainsFunc(c.Args, func(a string) bool {
		return strings.Contains(a, "$(") || strings.Contains(a, "`") || strings.Contains(a, "<(")
	})
}

func igComputeCalls(s *Script) []*Call {
	out := make([]*Call, 0, len(s.Calls))
	for _, c := range s.Calls {
		// A substitution runs before the command that holds it.
		for _, a := range c.Args {
			for _, inner := range igSubstCalls(a, 0) {
				inner.Line = c.Line
				out = append(out, inner)
			}
		}
		out = append(out, c)
	}
	return out
}

// igInSubst reports whether c came from a substitution in calls (its
// output is used by another command rather than printed).
func igInSubst(s *Script, c *Call) bool {
	return s != nil && !slices.Contains(s.Calls, c)
}

// igSubstCalls parses one argument's text and returns the calls inside
// its $(…), `…` and <(…) substitutions.
func igSubstCalls(word string, depth int) []*Call {
	if depth > maxNesting || !strings.ContainsAny(word, "$`<") || !(strings.Contains(word, "$(") || strings.Contains(word, "`") || strings.Contains(word, "<(")) {
		return nil
	}
	p := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(false))
	file, err := p.Parse(strings.NewReader(word), "")
	if file == nil || err != nil && len(file.Stmts) == 0 {
		return nil
	}
	var out []*Call
	emit := func(c *Call) { out = append(out, c) }
	syntax.Walk(file, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.CmdSubst:
			visitStmts(x.Stmts, emit, depth+1)
		case *syntax.ProcSubst:
			visitStmts(x.Stmts, emit, depth+1)
		}
		return true
	})
	return out
}

// igWrite is a file written by the Dockerfile: `echo … > f`, `printf … >>
// f`, `… | tee [-a] f`, `cat <<EOF > f`, `sed -i 's/…/…/' f`, `crudini
// --set f …`, or COPY <<EOF f.
type igWrite struct {
	Path string
	// Content is the text written, with shell quoting removed. Variables
	// expanded by the shell or by BuildKit stay as written ("${TOKEN}")
	// and are listed in Expanded; single-quoted "${X}" is literal text
	// and is not listed.
	Content  string
	Expanded []string
	Append   bool
	// Via names the writer for messages: "echo", "printf", "tee",
	// "cat <<EOF", "sed -i", "crudini", "COPY <<EOF".
	Via string
	In  *Instruction
}

// igRunFacts are the facts of one RUN that the Call model lacks.
type igRunFacts struct {
	writes []igWrite
	// decls are "NAME=value" of export/declare/readonly/typeset clauses.
	decls []string
	// stdin maps a call (by Call.String) to what a redirection feeds it:
	// the text of a here-string or heredoc, or "<" plus a file name.
	stdin map[string]string
	// stdout maps a call (by Call.String) to the file its output is
	// redirected to (`curl -fsSL url > install.sh`).
	stdout map[string]string
}

// igFactsMarkers are the substrings without which a RUN body has no
// facts worth a second parse.
var igFactsMarkers = []string{">", "<", "tee", "sed", "crudini", "export", "declare", "typeset", "readonly", "local"}

// igFacts walks the shell syntax of a RUN for writes, exports and stdin
// redirections.
func igFacts(f *File, in *Instruction) igRunFacts {
	src := igRunSource(in)
	if src == "" || !slices.ContainsFunc(igFactsMarkers, func(m string) bool { return strings.Contains(src, m) }) {
		return igRunFacts{} // nil maps read as empty
	}
	return f.derived.facts.get(in, func() igRunFacts {
		facts := igRunFacts{stdin: map[string]string{}, stdout: map[string]string{}}
		igWalkFacts(src, in, &facts, 0)
		return facts
	})
}

// igRunSource is the shell text of a RUN including the bodies of
// Dockerfile heredocs that feed a command (`RUN cat <<EOF > /etc/x`),
// which runScript leaves out because they are files, not the script.
func igRunSource(in *Instruction) string {
	if in.Script == nil {
		return ""
	}
	c, ok := in.Cmd.(*instructions.RunCommand)
	if !ok || len(c.Files) == 0 || !c.PrependShell {
		return in.Script.Source
	}
	line := strings.Join(c.CmdLine, " ")
	first := strings.Fields(line)
	if len(first) == 0 || strings.HasPrefix(first[0], "<<") || isShell(first[0]) {
		return in.Script.Source
	}
	var b strings.Builder
	b.WriteString(line)
	b.WriteByte('\n')
	for _, h := range c.Files {
		b.WriteString(h.Data)
		if !strings.HasSuffix(h.Data, "\n") {
			b.WriteByte('\n')
		}
		b.WriteString(h.Name)
		b.WriteByte('\n')
	}
	return b.String()
}

func igWalkFacts(src string, in *Instruction, facts *igRunFacts, depth int) {
	p := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(false))
	file, _ := p.Parse(strings.NewReader(src), "")
	if file == nil {
		return
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		switch x := n.(type) {
		case *syntax.Stmt:
			igStmtFacts(x, in, facts, depth)
		case *syntax.DeclClause:
			for _, a := range x.Args {
				if a.Name == nil || a.Naked || a.Value == nil {
					continue
				}
				text, _ := igRenderWord(a.Value)
				facts.decls = append(facts.decls, a.Name.Value+"="+text)
			}
		case *syntax.BinaryCmd:
			if x.Op != syntax.Pipe && x.Op != syntax.PipeAll {
				return true
			}
			// `producer | tee [-a] file…`
			right, ok := x.Y.Cmd.(*syntax.CallExpr)
			if !ok {
				return true
			}
			tee := newCall(right)
			if tee == nil || tee.Name != "tee" {
				return true
			}
			content, expanded, via, ok := igProducedText(x.X)
			if !ok {
				return true
			}
			appendMode := tee.HasFlag("-a", "--append")
			for _, target := range tee.Positional() {
				facts.writes = append(facts.writes, igWrite{Path: target, Content: content, Expanded: expanded, Append: appendMode, Via: via + " | tee", In: in})
			}
		}
		return true
	})
}

func igStmtFacts(st *syntax.Stmt, in *Instruction, facts *igRunFacts, depth int) {
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok {
		return
	}
	call := newCall(ce)
	if call == nil {
		return
	}
	if inner, ok := shellDashC(call); ok && depth < maxNesting {
		igWalkFacts(inner, in, facts, depth+1)
	}
	for _, r := range st.Redirs {
		if r.Word == nil && r.Hdoc == nil {
			continue
		}
		switch r.Op {
		case syntax.RdrIn:
			if r.N == nil || r.N.Value == "0" {
				target, _ := igRenderWord(r.Word)
				facts.stdin[call.String()] = "<" + target
			}
		case syntax.WordHdoc:
			text, _ := igRenderWord(r.Word)
			facts.stdin[call.String()] = text
		case syntax.Hdoc, syntax.DashHdoc:
			if r.Hdoc != nil {
				text, _ := igRenderWord(r.Hdoc)
				facts.stdin[call.String()] = text
			}
		}
	}
	// sed -i and crudini edit files in place.
	switch call.Name {
	case "sed":
		if w, ok := igSedWrite(call, in); ok {
			facts.writes = append(facts.writes, w...)
		}
	case "crudini":
		if call.HasFlag("--set") {
			pos := call.Positional()
			if len(pos) >= 3 {
				val := ""
				if len(pos) >= 4 {
					val = pos[3]
				}
				facts.writes = append(facts.writes, igWrite{Path: pos[0], Content: "[" + pos[1] + "]\n" + pos[2] + "=" + val, Via: "crudini", In: in})
			}
		}
	}
	for _, r := range st.Redirs {
		switch r.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.ClbOut, syntax.RdrAll, syntax.AppAll:
		default:
			continue
		}
		if r.N != nil && r.N.Value != "1" {
			continue // 2> and friends write errors, not content
		}
		target, _ := igRenderWord(r.Word)
		if target == "" || target == "/dev/null" || strings.HasPrefix(target, "&") {
			continue
		}
		facts.stdout[call.String()] = target
		content, expanded, via, ok := igCallText(ce, st.Redirs)
		if !ok {
			continue
		}
		facts.writes = append(facts.writes, igWrite{Path: target, Content: content, Expanded: expanded, Append: r.Op == syntax.AppOut || r.Op == syntax.AppAll, Via: via, In: in})
	}
}

// igProducedText is the text a pipeline's left side produces, when it is
// a plain echo, printf or cat of a heredoc or here-string.
func igProducedText(st *syntax.Stmt) (string, []string, string, bool) {
	if st == nil {
		return "", nil, "", false
	}
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok {
		return "", nil, "", false
	}
	return igCallText(ce, st.Redirs)
}

// igCallText renders what echo, printf or `cat <<EOF` prints.
func igCallText(ce *syntax.CallExpr, redirs []*syntax.Redirect) (string, []string, string, bool) {
	if len(ce.Args) == 0 {
		return "", nil, "", false
	}
	name, _ := igRenderWord(ce.Args[0])
	name = path.Base(name)
	var parts []string
	var expanded []string
	switch name {
	case "echo", "printf":
		for _, w := range ce.Args[1:] {
			text, exp := igRenderWord(w)
			if name == "echo" && len(parts) == 0 && igEchoFlag(text) {
				continue
			}
			if name == "printf" && len(parts) == 0 && text == "--" {
				continue
			}
			parts = append(parts, text)
			expanded = append(expanded, exp...)
		}
		text := strings.Join(parts, " ")
		if name == "printf" && len(parts) > 1 {
			text = igPrintf(parts[0], parts[1:])
		}
		return igUnescapeC(text), expanded, name, true
	case "cat":
		if len(ce.Args) > 1 {
			return "", nil, "", false
		}
		for _, r := range redirs {
			switch r.Op {
			case syntax.Hdoc, syntax.DashHdoc:
				if r.Hdoc != nil {
					text, exp := igRenderWord(r.Hdoc)
					return text, exp, "cat <<EOF", true
				}
			case syntax.WordHdoc:
				text, exp := igRenderWord(r.Word)
				return text, exp, "cat <<<", true
			}
		}
	}
	return "", nil, "", false
}

func igEchoFlag(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	return strings.Trim(s[1:], "neE") == ""
}

// igPrintf substitutes %s and %b in a printf format with args, repeating
// the format while arguments remain, as printf does.
func igPrintf(format string, args []string) string {
	if !strings.Contains(format, "%") {
		return format + " " + strings.Join(args, " ")
	}
	var b strings.Builder
	for len(args) > 0 {
		used := 0
		for i := 0; i < len(format); i++ {
			if format[i] == '%' && i+1 < len(format) {
				i++
				switch format[i] {
				case '%':
					b.WriteByte('%')
				default:
					if used < len(args) {
						b.WriteString(args[used])
					}
					used++
				}
				continue
			}
			b.WriteByte(format[i])
		}
		if used == 0 {
			break
		}
		args = args[min(used, len(args)):]
	}
	return b.String()
}

// igUnescapeC turns the \n and \t escapes of echo -e and printf into
// characters, so line-oriented checks see the lines.
func igUnescapeC(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`)
	return r.Replace(s)
}

// igRenderWord renders a shell word without its quotes. Parameter
// expansions outside single quotes are kept as written and their names
// returned; command substitutions are kept as written and reported as
// "$(…)".
func igRenderWord(w *syntax.Word) (string, []string) {
	if w == nil {
		return "", nil
	}
	var b strings.Builder
	var expanded []string
	for _, p := range w.Parts {
		writePart(&b, p, &expanded)
	}
	return b.String(), expanded
}

// igSedWrite turns `sed -i 's/a/b/' file…` into writes of the
// replacement texts, so that `sed -i 's/gpgcheck=1/gpgcheck=0/'` reads
// as writing "gpgcheck=0".
func igSedWrite(c *Call, in *Instruction) ([]igWrite, bool) {
	inPlace := false
	var scripts, files []string
	for i := 0; i < len(c.Args); i++ {
		a := c.Args[i]
		switch {
		case a == "-i" || strings.HasPrefix(a, "-i") && !strings.HasPrefix(a, "--") || a == "--in-place" || strings.HasPrefix(a, "--in-place="):
			inPlace = true
		case a == "-e" || a == "--expression":
			if i+1 < len(c.Args) {
				scripts = append(scripts, c.Args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--expression="):
			scripts = append(scripts, strings.TrimPrefix(a, "--expression="))
		case a == "-f" || a == "--file":
			i++
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// -E, -r, -n, -s, -u, -z and combinations such as -Ei.
			if strings.Contains(a[1:], "i") && !strings.HasPrefix(a, "--") {
				inPlace = true
			}
		default:
			files = append(files, a)
		}
	}
	if !inPlace {
		return nil, false
	}
	if len(scripts) == 0 && len(files) > 0 {
		scripts, files = files[:1], files[1:]
	}
	var repl []string
	for _, s := range scripts {
		repl = append(repl, igSedReplacements(s)...)
	}
	if len(repl) == 0 {
		return nil, false
	}
	var out []igWrite
	for _, f := range files {
		out = append(out, igWrite{Path: f, Content: strings.Join(repl, "\n"), Via: "sed -i", In: in})
	}
	return out, len(out) > 0
}

// igSedReplacements extracts the replacement of each s command of a sed
// script ("s/gpgcheck=1/gpgcheck=0/g" gives "gpgcheck=0") and the text of
// a, i and c commands.
func igSedReplacements(script string) []string {
	var out []string
	for _, cmd := range strings.FieldsFunc(script, func(r rune) bool { return r == ';' || r == '\n' }) {
		cmd = igSedSkipAddress(strings.TrimSpace(cmd))
		if len(cmd) >= 2 && cmd[0] == 's' {
			delim := cmd[1]
			fields := strings.Split(cmd[2:], string(delim))
			if len(fields) >= 2 {
				out = append(out, strings.ReplaceAll(fields[1], `\n`, "\n"))
			}
			continue
		}
		if len(cmd) >= 2 && strings.ContainsRune("aic", rune(cmd[0])) && (cmd[1] == '\\' || cmd[1] == ' ') {
			out = append(out, strings.TrimSpace(strings.TrimPrefix(cmd[1:], `\`)))
		}
	}
	return out
}

// igSedSkipAddress drops a sed address ("3", "$", "/re/", "/a/,/b/",
// with an optional "!") from the front of a command.
func igSedSkipAddress(cmd string) string {
	one := func(c string) string {
		switch {
		case c == "":
			return c
		case c[0] == '/' || c[0] == '\\':
			delim := c[0]
			i := 1
			if delim == '\\' && len(c) > 1 {
				delim, i = c[1], 2
			}
			for ; i < len(c); i++ {
				if c[i] == '\\' {
					i++
					continue
				}
				if c[i] == delim {
					return c[i+1:]
				}
			}
			return ""
		case c[0] == '$':
			return c[1:]
		}
		return strings.TrimLeft(c, "0123456789~")
	}
	rest := one(cmd)
	if strings.HasPrefix(rest, ",") {
		rest = one(rest[1:])
	}
	return strings.TrimLeft(rest, " !")
}

// igWrites lists every file the Dockerfile writes with known content, in
// file order: RUN redirections, tee, sed -i, crudini, and COPY heredocs.
func igWrites(f *File) []igWrite {
	d := &f.derived
	d.writesOnce.Do(func() { d.writes = igComputeWrites(f) })
	return d.writes
}

func igComputeWrites(f *File) []igWrite {
	var out []igWrite
	for _, in := range f.Instructions {
		switch c := in.Cmd.(type) {
		case *instructions.RunCommand:
			out = append(out, igFacts(f, in).writes...)
		case *instructions.CopyCommand:
			for _, sc := range c.SourceContents {
				dest := c.DestPath
				if strings.HasSuffix(dest, "/") || len(c.SourceContents)+len(c.SourcePaths) > 1 {
					dest = path.Join(dest, sc.Path)
				}
				var expanded []string
				if sc.Expand {
					expanded = igDollarNames(sc.Data)
				}
				out = append(out, igWrite{Path: dest, Content: sc.Data, Expanded: expanded, Via: "COPY <<" + sc.Path, In: in})
			}
		}
	}
	return out
}

// igDollarNames lists the $NAME and ${NAME…} references in s.
func igDollarNames(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		if s[j] == '{' {
			j++
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || k > j && s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k > j {
			out = append(out, s[j:k])
		}
	}
	return out
}

// igBool reports whether a configuration value means true, false or
// neither, the way apt, dnf, npm and git read booleans.
func igBool(v string) (val, ok bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `"';`)) {
	case "1", "true", "yes", "on", "y", "enable", "enabled":
		return true, true
	case "0", "false", "no", "off", "n", "disable", "disabled":
		return false, true
	}
	return false, false
}

// igLoopback reports whether a URL or host names the build host itself,
// where plain HTTP does not cross a network.
func igLoopback(hostOrURL string) bool {
	h := hostOrURL
	if i := strings.Index(h, "://"); i >= 0 {
		h = h[i+3:]
	}
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		h = h[i+1:]
	}
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	if strings.HasPrefix(h, "[") {
		if i := strings.IndexByte(h, ']'); i > 0 {
			h = h[1:i]
		}
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	h = strings.ToLower(h)
	return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.") || strings.HasSuffix(h, ".localhost")
}

// igPlainHTTP reports whether s is an http:// URL to a host other than
// the build host.
func igPlainHTTP(s string) bool {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	return len(s) > 7 && strings.EqualFold(s[:7], "http://") && !igLoopback(s)
}

// igCallWith returns a copy of c with different arguments, for tools
// reached through another command (`python -m pip …`, `uv pip …`).
func igCallWith(c *Call, name string, args []string) *Call {
	cp := *c
	cp.Name = name
	cp.Args = args
	return &cp
}

// igOpt is one command-line option with its value.
type igOpt struct {
	Name  string // "-o", "--output"
	Value string
	Set   bool // a value was given
}

// igOptions splits arguments the way getopt does for a tool whose
// value-taking options are known: short groups "-fsSLo" "f" give -f -s
// -S -L and -o with value "f"; long options take a value as
// --name=value, or as the next argument when listed in longValue. The
// rest are positional arguments.
func igOptions(args []string, shortValue string, longValue []string) (opts []igOpt, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			positional = append(positional, args[i+1:]...)
			return opts, positional
		case strings.HasPrefix(a, "--"):
			if k, v, ok := strings.Cut(a, "="); ok {
				opts = append(opts, igOpt{Name: k, Value: v, Set: true})
				continue
			}
			if slices.Contains(longValue, a) && i+1 < len(args) {
				opts = append(opts, igOpt{Name: a, Value: args[i+1], Set: true})
				i++
				continue
			}
			opts = append(opts, igOpt{Name: a})
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				ch := a[j]
				if strings.IndexByte(shortValue, ch) >= 0 {
					if j+1 < len(a) {
						opts = append(opts, igOpt{Name: "-" + string(ch), Value: a[j+1:], Set: true})
					} else if i+1 < len(args) {
						opts = append(opts, igOpt{Name: "-" + string(ch), Value: args[i+1], Set: true})
						i++
					} else {
						opts = append(opts, igOpt{Name: "-" + string(ch)})
					}
					break
				}
				opts = append(opts, igOpt{Name: "-" + string(ch)})
			}
		default:
			positional = append(positional, a)
		}
	}
	return opts, positional
}

// igIssues collects the problems a rule finds per instruction, so that
// one instruction yields one finding that lists them all.
type igIssues struct {
	order   []*Instruction
	items   map[*Instruction][]string
	related map[*Instruction][]finding.Location
	// severity holds the highest severity given with addSev; plain marks
	// instructions with items of the rule's own severity.
	severity map[*Instruction]finding.Severity
	plain    map[*Instruction]bool
}

func (r *igIssues) add(in *Instruction, item string) {
	r.addItem(in, item)
	if r.plain == nil {
		r.plain = map[*Instruction]bool{}
	}
	r.plain[in] = true
}

func (r *igIssues) addItem(in *Instruction, item string) {
	if r.items == nil {
		r.items = map[*Instruction][]string{}
	}
	if _, seen := r.items[in]; !seen {
		r.order = append(r.order, in)
	}
	if !slices.Contains(r.items[in], item) {
		r.items[in] = append(r.items[in], item)
	}
}

// addSev records an item with its own severity. The finding of the
// instruction gets the highest severity of its items; items added with
// add have the rule's.
func (r *igIssues) addSev(in *Instruction, item string, sev finding.Severity) {
	r.addItem(in, item)
	if r.severity == nil {
		r.severity = map[*Instruction]finding.Severity{}
	}
	r.severity[in] = max(r.severity[in], sev)
}

// relate adds a related location to the instruction's finding.
func (r *igIssues) relate(in *Instruction, loc finding.Location) {
	if r.related == nil {
		r.related = map[*Instruction][]finding.Location{}
	}
	if !slices.Contains(r.related[in], loc) {
		r.related[in] = append(r.related[in], loc)
	}
}

// report makes one finding per instruction, in file order.
func (r *igIssues) report(p *Pass, message func(in *Instruction, items []string) string) {
	slices.SortStableFunc(r.order, func(a, b *Instruction) int { return a.Loc.StartLine - b.Loc.StartLine })
	for _, in := range r.order {
		f := p.Report(in, "%s", message(in, r.items[in]))
		f.Related = append(f.Related, r.related[in]...)
		if s, ok := r.severity[in]; ok {
			if r.plain[in] {
				s = max(s, f.Severity)
			}
			f.Severity = s
		}
	}
}

// igJoin joins items as "a", "a and b" or "a, b and c".
func igJoin(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
