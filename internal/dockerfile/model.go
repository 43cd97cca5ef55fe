// Package dockerfile parses Dockerfiles with BuildKit's own parser and
// judges them with palisade's Dockerfile rules.
package dockerfile

import (
	"strconv"
	"strings"
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/palisade-sec/palisade/internal/finding"
)

// File is a parsed Dockerfile: its instructions in order, grouped into
// build stages, with ARG values resolved in FROM lines and RUN bodies
// parsed as shell.
type File struct {
	Path   string
	Lines  []string
	Escape rune
	// Syntax is the "# syntax=" directive, if any.
	Syntax string
	// Instructions holds every instruction, including meta ARGs and
	// instructions that failed to parse (their Cmd is nil).
	Instructions []*Instruction
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []*Instruction
	Stages   []*Stage
	// Problems are parse errors: one broken instruction never stops the
	// rest of the file from being linted.
	Problems []Problem
	// BuildKitWarnings are the warnings BuildKit's parser and
	// instruction linter raised, by BuildKit rule name.
	BuildKitWarnings []BuildKitWarning

	suppress suppressions
	derived  derived
}

// derived holds facts computed from a parsed File on first use and shared
// by the rules, so that each is computed once per file however many rules
// read it. The File owns them: nothing is cached across files. Fields are
// filled under sync.Once or a mutex, so concurrent readers are safe.
type derived struct {
	// scopes are the variable scopes of the stages, by Stage.Index
	// (scope.go).
	scopeOnce sync.Once
	scopes    []*scopeSeg

	// vars, writes, calls and facts are what the package-manager and
	// secrets rules read (check_integrity_shared.go): igVars, igWrites,
	// igCalls of RUNs with substitutions, igFacts of RUNs with
	// redirections or exports.
	varsOnce   sync.Once
	vars       []igVar
	writesOnce sync.Once
	writes     []igWrite
	calls      lazyMap[*Instruction, []*Call]
	facts      lazyMap[*Instruction, igRunFacts]

	// copies are the secret files COPY and ADD bring in
	// (secFileCopies, check_secret_file_copied.go).
	copiesOnce sync.Once
	copies     []secCopy
}

// Problem is a parse error at a location.
type Problem struct {
	Loc     finding.Location
	Message string
}

// BuildKitWarning is one warning from BuildKit's linter.
type BuildKitWarning struct {
	Rule    string
	Message string
	Loc     finding.Location
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Name is the lower-case keyword: "from", "run", "copy", ...
	Name string
	Node *parser.Node
	// Cmd is the typed BuildKit instruction (*instructions.RunCommand,
	// *instructions.Stage, ...); nil when it failed to parse.
	Cmd   any
	Stage *Stage
	Loc   finding.Location
	// Script is the parsed shell body of RUN (shell form, "sh -c" JSON
	// form and sh/bash heredocs); nil for other instructions.
	Script *Script
}

// Args returns the instruction's arguments as BuildKit split them.
func (in *Instruction) Args() []string {
	var out []string
	if in.Node == nil {
		return nil
	}
	for n := in.Node.Next; n != nil; n = n.Next {
		out = append(out, n.Value)
	}
	return out
}

// Original is the instruction's text as written, continuation lines joined.
func (in *Instruction) Original() string {
	if in.Node == nil {
		return ""
	}
	return in.Node.Original
}

// Flags returns the instruction's --flags as written, e.g. "--from=build".
func (in *Instruction) Flags() []string {
	if in.Node == nil {
		return nil
	}
	return in.Node.Flags
}

// Flag returns the value of --name, and whether it was given.
func (in *Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags() {
		f = strings.TrimPrefix(f, "--")
		k, v, hasValue := strings.Cut(f, "=")
		if k == name {
			if !hasValue {
				return "true", true
			}
			return v, true
		}
	}
	return "", false
}

// Stage is one build stage, from its FROM to the next.
type Stage struct {
	Index int
	// Name is the "AS" alias, lower-cased as BuildKit does; may be empty.
	Name string
	From *Instruction
	// BaseRaw is the FROM image as written; Base is it with ARGs expanded.
	BaseRaw string
	Base    string
	// Unresolved lists ARG names in the FROM line that have no value.
	Unresolved []string
	// Parent is the earlier stage this one builds on, when FROM names a stage.
	Parent       *Stage
	Platform     string
	Instructions []*Instruction
}

// Root follows FROM <stage> links to the stage whose base is an image.
func (s *Stage) Root() *Stage {
	seen := map[*Stage]bool{}
	for s.Parent != nil && !seen[s] {
		seen[s] = true
		s = s.Parent
	}
	return s
}

// Chain returns the stage and its ancestors, nearest first.
func (s *Stage) Chain() []*Stage {
	var out []*Stage
	seen := map[*Stage]bool{}
	for st := s; st != nil && !seen[st]; st = st.Parent {
		seen[st] = true
		out = append(out, st)
	}
	return out
}

// Ref names the stage in messages: its alias or its index.
func (s *Stage) Ref() string {
	if s.Name != "" {
		return s.Name
	}
	return "#" + strconv.Itoa(s.Index)
}

// IsScratch reports whether the stage starts from the empty image.
func (s *Stage) IsScratch() bool { return strings.EqualFold(s.Root().Base, "scratch") }

// Final returns the last stage: the image "docker build" produces by default.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// StageByName finds a stage by alias or numeric index, as COPY --from does.
func (f *File) StageByName(name string) *Stage {
	n := strings.ToLower(name)
	for _, s := range f.Stages {
		if s.Name != "" && s.Name == n {
			return s
		}
	}
	if i, err := strconv.Atoi(name); err == nil && i >= 0 && i < len(f.Stages) {
		return f.Stages[i]
	}
	return nil
}

// Line returns the 1-based line i of the source, or "".
func (f *File) Line(i int) string {
	if i < 1 || i > len(f.Lines) {
		return ""
	}
	return f.Lines[i-1]
}

// lazyMap computes a value per key on first use and keeps it. Values are
// shared: callers must not modify them.
type lazyMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *lazyMap[K, V]) get(k K, compute func() V) V {
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	// Computed outside the lock: a computation may read other keys.
	v = compute()
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[K]V)
	}
	c.m[k] = v
	c.mu.Unlock()
	return v
}
