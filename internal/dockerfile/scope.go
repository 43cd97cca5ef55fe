package dockerfile

// The ARG and ENV variables in scope at each instruction, computed in one
// walk per file on first use and shared by every rule that expands a
// variable (USER, WORKDIR, VOLUME, EXPOSE, COPY --from, useradd -u, the
// packages a RUN installs, undefined variables).

import (
	"iter"
	"sort"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Scope holds the ARG and ENV values an instruction can expand, as
// BuildKit sees them with no --build-arg:
//   - a global ARG (before the first FROM) enters a stage only through an
//     ARG in the stage that redeclares it (ARG NAME), which imports its
//     value;
//   - ARG defaults and ENV values of the stage and of the stages it builds
//     on (FROM <stage>) are in scope from the instruction after them;
//   - a value that depends on something unknown (the base image's
//     environment, a build argument without a default) is in scope but
//     unknown: Expand refuses words that use it.
//
// The zero Scope is empty. A Scope is an immutable view: it stays valid
// after the walk moves on, so callers may keep it. It implements
// shell.EnvGetter for BuildKit's word expansion.
type Scope struct {
	escape rune
	seg    *scopeSeg
	n      int // entries of seg in effect
}

// scopeSeg records the variables one stage sets, in order, on top of the
// complete scope of the stage it builds on. A Scope is a prefix of a
// segment, so the scopes of every instruction share one record.
type scopeSeg struct {
	parent  *scopeSeg
	entries []scopeEntry
	// byKey lists, for each name, its entries in ascending order.
	byKey map[string][]int32
	// newKeys are the entries that brought a name the parent's scope
	// lacks, in order: with the parent's, the scope's Keys.
	newKeys []int32
}

type scopeEntry struct {
	key, val string
	known    bool
	// line is the first line of the instruction that set the variable:
	// it is in scope from the next instruction on.
	line int
}

// ScopeAt returns the variables in scope at instruction in, before it
// takes effect. FROM lines and global ARGs get the empty scope (FROM
// sees only global ARGs: see File.Expand).
func (f *File) ScopeAt(in *Instruction) Scope {
	if in == nil || in.Stage == nil || in == in.Stage.From {
		return Scope{escape: f.Escape}
	}
	seg := f.stageScope(in.Stage)
	if seg == nil {
		return Scope{escape: f.Escape}
	}
	line := in.Loc.StartLine
	n := sort.Search(len(seg.entries), func(i int) bool { return seg.entries[i].line >= line })
	return Scope{escape: f.Escape, seg: seg, n: n}
}

// WalkScope yields each instruction of st and of the stages it builds on
// (ancestors first), with the scope before it.
func (f *File) WalkScope(st *Stage) iter.Seq2[*Instruction, Scope] {
	return func(yield func(*Instruction, Scope) bool) {
		if st == nil {
			return
		}
		chain := st.Chain()
		for i := len(chain) - 1; i >= 0; i-- {
			seg := f.stageScope(chain[i])
			n := 0
			for _, x := range chain[i].Instructions {
				for seg != nil && n < len(seg.entries) && seg.entries[n].line < x.Loc.StartLine {
					n++
				}
				if !yield(x, Scope{escape: f.Escape, seg: seg, n: n}) {
					return
				}
			}
		}
	}
}

// stageScope returns the segment of st, walking the file on first use.
func (f *File) stageScope(st *Stage) *scopeSeg {
	d := &f.derived
	d.scopeOnce.Do(func() { d.scopes = f.buildScopes() })
	if st.Index < 0 || st.Index >= len(d.scopes) || f.Stages[st.Index] != st {
		return nil
	}
	return d.scopes[st.Index]
}

// buildScopes walks every stage once, in file order, and records the
// variables each ARG and ENV sets.
func (f *File) buildScopes() []*scopeSeg {
	global := f.metaArgEnv()
	lex := shell.NewLex(f.Escape)
	segs := make([]*scopeSeg, len(f.Stages))
	for i, st := range f.Stages {
		seg := &scopeSeg{byKey: map[string][]int32{}}
		if st.Parent != nil && st.Parent.Index < i {
			seg.parent = segs[st.Parent.Index]
		}
		segs[i] = seg
		for _, x := range st.Instructions {
			line := x.Loc.StartLine
			// Each pair sees the pairs before it in the same instruction.
			switch c := x.Cmd.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					sc := Scope{escape: f.Escape, seg: seg, n: len(seg.entries)}
					switch {
					case kv.Value != nil:
						v, known := sc.expandValue(lex, *kv.Value)
						seg.set(kv.Key, v, known, line)
					default:
						if v, ok := global.Get(kv.Key); ok {
							seg.set(kv.Key, v, true, line)
						} else if _, seen := sc.Get(kv.Key); !seen {
							seg.set(kv.Key, "", false, line)
						}
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					sc := Scope{escape: f.Escape, seg: seg, n: len(seg.entries)}
					v, known := sc.expandValue(lex, kv.Value)
					seg.set(kv.Key, v, known, line)
				}
			}
		}
	}
	return segs
}

// expandValue expands an ARG default or ENV value. Unlike Expand it keeps
// the expansion even when it is unknown: rules that run BuildKit's lexer
// over the scope themselves (PAL-DF-111) see what BuildKit would.
func (s Scope) expandValue(lex *shell.Lex, word string) (string, bool) {
	res, err := lex.ProcessWordWithMatches(word, s)
	return res.Result, err == nil && len(res.Unmatched) == 0 && s.allKnown(res.Matched)
}

func (g *scopeSeg) set(k, v string, known bool, line int) {
	i := int32(len(g.entries))
	g.entries = append(g.entries, scopeEntry{key: k, val: v, known: known, line: line})
	if _, seen := g.byKey[k]; !seen {
		if _, inherited := g.parent.last(k, -1); !inherited {
			g.newKeys = append(g.newKeys, i)
		}
	}
	g.byKey[k] = append(g.byKey[k], i)
}

// last finds the latest entry for k among the first n entries of g (all
// of them when n < 0), then in the stages g builds on.
func (g *scopeSeg) last(k string, n int) (scopeEntry, bool) {
	for ; g != nil; g, n = g.parent, -1 {
		idx := g.byKey[k]
		if n >= 0 {
			idx = idx[:sort.Search(len(idx), func(i int) bool { return int(idx[i]) >= n })]
		}
		if len(idx) > 0 {
			return g.entries[idx[len(idx)-1]], true
		}
	}
	return scopeEntry{}, false
}

// Get returns the value of a variable in scope (empty and unknown values
// included), as shell.EnvGetter requires.
func (s Scope) Get(k string) (string, bool) {
	e, ok := s.seg.last(k, s.n)
	return e.val, ok
}

// Keys returns the names in scope, in the order they entered it.
func (s Scope) Keys() []string {
	var segs []*scopeSeg
	for g := s.seg; g != nil; g = g.parent {
		segs = append(segs, g)
	}
	var out []string
	for i := len(segs) - 1; i >= 0; i-- {
		g := segs[i]
		for _, j := range g.newKeys {
			if i == 0 && int(j) >= s.n {
				break
			}
			out = append(out, g.entries[j].key)
		}
	}
	return out
}

func (s Scope) allKnown(names map[string]struct{}) bool {
	for k := range names {
		if e, ok := s.seg.last(k, s.n); !ok || !e.known {
			return false
		}
	}
	return true
}

// Expand resolves word in the scope, removing quotes; ok is false when
// it uses a variable without a statically known value, or does not
// parse.
func (s Scope) Expand(word string) (string, bool) {
	res, err := shell.NewLex(s.escape).ProcessWordWithMatches(word, s)
	if err != nil || len(res.Unmatched) > 0 || !s.allKnown(res.Matched) {
		return word, false
	}
	return res.Result, true
}
