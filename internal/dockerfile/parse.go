package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/palisade-sec/palisade/internal/finding"
)

// MaxSize is the largest Dockerfile palisade parses. Real Dockerfiles are
// kilobytes; anything bigger is almost surely not one.
const MaxSize = 32 << 20

// MaxInstructions bounds the instructions linted in one file.
const MaxInstructions = 20000

// ErrNotDockerfile is returned for input that cannot be a Dockerfile
// (binary content, or over MaxSize).
var ErrNotDockerfile = errors.New("not a Dockerfile")

// Parse parses a Dockerfile. It returns an error only when the input as a
// whole cannot be read as a Dockerfile; errors in single instructions
// are recorded in File.Problems and the rest is still parsed.
func Parse(path string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: %w: %d bytes is over the %d MiB limit", path, ErrNotDockerfile, len(data), MaxSize>>20)
	}
	if bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0 {
		return nil, fmt.Errorf("%s: %w: it contains binary data (NUL bytes)", path, ErrNotDockerfile)
	}
	f := &File{Path: path, Escape: '\\'}
	if !utf8.Valid(data) {
		// BuildKit reads bytes; keep going but tell the user.
		f.Problems = append(f.Problems, Problem{Loc: finding.Location{File: path}, Message: "file is not valid UTF-8; instructions with invalid bytes may be misread"})
	}
	f.Lines = strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	f.suppress = parseSuppressions(f.Lines)
	if syn, _, _, ok := parser.DetectSyntax(data); ok {
		f.Syntax = syn
	}

	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		line := 0
		var le *parser.LocationError
		if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
			line = le.Locations[0][0].Start.Line
		}
		f.Problems = append(f.Problems, Problem{Loc: lineLoc(path, line, line), Message: cleanParseError(err)})
		// Lint what precedes the broken part, so one bad heredoc does
		// not hide every other finding.
		if line <= 1 {
			return f, nil
		}
		prefix := strings.Join(f.Lines[:line-1], "\n")
		if res, err = parser.Parse(strings.NewReader(prefix)); err != nil {
			return f, nil
		}
	}
	f.Escape = res.EscapeToken
	for _, w := range res.Warnings {
		loc := finding.Location{File: path}
		if w.Location != nil {
			loc = lineLoc(path, w.Location.Start.Line, w.Location.End.Line)
		}
		f.BuildKitWarnings = append(f.BuildKitWarnings, BuildKitWarning{Rule: warningRule(w.Short), Message: w.Short, Loc: loc})
	}
	f.build(res.AST)
	return f, nil
}

// warningRule maps BuildKit parser warnings to their check names.
func warningRule(short string) string {
	if strings.Contains(short, "Empty continuation line") {
		return "NoEmptyContinuation"
	}
	return short
}

func cleanParseError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "dockerfile parse error: ")
	return msg
}

func lineLoc(path string, start, end int) finding.Location {
	if end < start {
		end = start
	}
	return finding.Location{File: path, StartLine: start, EndLine: end}
}

// build turns the AST into instructions and stages, parsing each
// instruction on its own so a bad one does not stop the others.
func (f *File) build(ast *parser.Node) {
	if n := len(ast.Children); n > MaxInstructions {
		// Real Dockerfiles have hundreds of instructions; lint a bounded
		// prefix so memory stays bounded, and say so.
		last := ast.Children[MaxInstructions]
		f.Problems = append(f.Problems, Problem{
			Loc:     lineLoc(f.Path, last.StartLine, last.StartLine),
			Message: fmt.Sprintf("the file has %d instructions; palisade lints the first %d and skips the rest: split the file or check it is really a Dockerfile", n, MaxInstructions),
		})
		ast.Children = ast.Children[:MaxInstructions]
	}
	lint := linter.New(&linter.Config{Warn: func(rule, _, _, msg string, loc []parser.Range) {
		l := finding.Location{File: f.Path}
		if len(loc) > 0 {
			l = lineLoc(f.Path, loc[0].Start.Line, loc[len(loc)-1].End.Line)
		}
		f.BuildKitWarnings = append(f.BuildKitWarnings, BuildKitWarning{Rule: rule, Message: msg, Loc: l})
	}})
	env := newArgEnv()
	var cur *Stage
	for _, n := range ast.Children {
		in := &Instruction{Name: strings.ToLower(n.Value), Node: n, Loc: lineLoc(f.Path, n.StartLine, n.EndLine)}
		f.Instructions = append(f.Instructions, in)
		cmd, err := instructions.ParseInstructionWithLinter(n, lint)
		if err != nil {
			f.Problems = append(f.Problems, Problem{Loc: in.Loc, Message: cleanInstructionError(err)})
		} else {
			in.Cmd = cmd
		}
		switch c := cmd.(type) {
		case *instructions.Stage:
			cur = f.newStage(in, c, env)
			continue
		case *instructions.ArgCommand:
			if cur == nil {
				f.MetaArgs = append(f.MetaArgs, in)
				for _, kv := range c.Args {
					if kv.Value != nil {
						v, _, _ := shell.NewLex(f.Escape).ProcessWord(*kv.Value, env)
						env.set(kv.Key, v)
					} else if _, ok := env.Get(kv.Key); !ok {
						env.declare(kv.Key)
					}
				}
				continue
			}
		}
		if in.Name == "from" && cmd == nil {
			// A FROM that failed to parse still starts a stage.
			cur = &Stage{Index: len(f.Stages), From: in}
			f.Stages = append(f.Stages, cur)
			continue
		}
		if cur == nil {
			if in.Name != "arg" {
				f.Problems = append(f.Problems, Problem{Loc: in.Loc, Message: fmt.Sprintf("%s before the first FROM: only ARG may come before FROM", strings.ToUpper(in.Name))})
			}
			continue
		}
		in.Stage = cur
		cur.Instructions = append(cur.Instructions, in)
		if in.Name == "run" {
			in.Script = runScript(in)
		}
	}
}

func cleanInstructionError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "dockerfile parse error on line "); i >= 0 {
		if j := strings.Index(msg[i:], ": "); j >= 0 {
			msg = msg[i+j+2:]
		}
	}
	return msg
}

func (f *File) newStage(in *Instruction, c *instructions.Stage, env *argEnv) *Stage {
	s := &Stage{Index: len(f.Stages), Name: strings.ToLower(c.Name), From: in, BaseRaw: c.BaseName, Platform: c.Platform}
	in.Stage = s
	base, unresolved := f.Expand(c.BaseName, env)
	s.Base = base
	s.Unresolved = unresolved
	// FROM <earlier stage alias> builds on that stage.
	for _, prev := range f.Stages {
		if prev.Name != "" && strings.EqualFold(prev.Name, s.Base) {
			s.Parent = prev
		}
	}
	f.Stages = append(f.Stages, s)
	return s
}

// Expand resolves $VAR, ${VAR} and ${VAR:-default} in word with the
// global ARG values (those before the first FROM), the way BuildKit does
// for FROM lines. It returns the names that had no value.
func (f *File) Expand(word string, env *argEnv) (string, []string) {
	if env == nil {
		env = f.metaArgEnv()
	}
	res, err := shell.NewLex(f.Escape).ProcessWordWithMatches(word, env)
	if err != nil {
		return word, []string{word}
	}
	var missing []string
	for k := range res.Unmatched {
		// ${K:-default} and ${K-default} are resolved by their default.
		if !strings.Contains(word, "${"+k+":-") && !strings.Contains(word, "${"+k+"-") {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	return res.Result, missing
}

// ExpandGlobal resolves word against the file's global ARGs.
func (f *File) ExpandGlobal(word string) (string, []string) { return f.Expand(word, nil) }

func (f *File) metaArgEnv() *argEnv {
	env := newArgEnv()
	for _, in := range f.MetaArgs {
		c, ok := in.Cmd.(*instructions.ArgCommand)
		if !ok {
			continue
		}
		for _, kv := range c.Args {
			if kv.Value != nil {
				v, _, _ := shell.NewLex(f.Escape).ProcessWord(*kv.Value, env)
				env.set(kv.Key, v)
			} else {
				env.declare(kv.Key)
			}
		}
	}
	return env
}

// argEnv is the ARG scope seen by FROM lines. Declared ARGs without a
// default are known but unset, so they expand to "" and are reported.
type argEnv struct {
	vals map[string]string
	set_ map[string]bool
}

func newArgEnv() *argEnv { return &argEnv{vals: map[string]string{}, set_: map[string]bool{}} }

func (e *argEnv) set(k, v string) { e.vals[k] = v; e.set_[k] = true }
func (e *argEnv) declare(k string) {
	if !e.set_[k] {
		e.vals[k] = ""
	}
}

func (e *argEnv) Get(k string) (string, bool) {
	if !e.set_[k] {
		return "", false
	}
	return e.vals[k], true
}

func (e *argEnv) Keys() []string {
	keys := make([]string, 0, len(e.vals))
	for k := range e.set_ {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runScript parses the shell of a RUN instruction: the shell form, the
// JSON form when it invokes a shell with -c, and sh/bash heredocs.
func runScript(in *Instruction) *Script {
	c, ok := in.Cmd.(*instructions.RunCommand)
	if !ok {
		return nil
	}
	var src string
	if c.PrependShell {
		src = strings.Join(c.CmdLine, " ")
	} else if len(c.CmdLine) >= 3 && isShell(c.CmdLine[0]) && c.CmdLine[1] == "-c" {
		src = c.CmdLine[2]
	} else {
		src = shellQuoteAll(c.CmdLine)
	}
	// A heredoc is the script itself when the command line is only the
	// heredoc marker, or when it is fed to a shell.
	for _, h := range c.Files {
		first := strings.Fields(src)
		if len(first) == 0 || strings.HasPrefix(first[0], "<<") || isShell(first[0]) {
			src = strings.TrimSpace(strings.Join([]string{removeHeredocMarkers(src), h.Data}, "\n"))
		}
	}
	s := ParseScript(src)
	return s
}

func isShell(p string) bool {
	switch p[strings.LastIndexByte(p, '/')+1:] {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

// removeHeredocMarkers drops "<<EOF" words so the rest of the line parses.
func removeHeredocMarkers(s string) string {
	fields := strings.Fields(s)
	out := fields[:0]
	for _, w := range fields {
		if strings.HasPrefix(w, "<<") {
			continue
		}
		if isShell(w) && len(out) == 0 {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func shellQuoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}
