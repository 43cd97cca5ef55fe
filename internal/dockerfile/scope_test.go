package dockerfile

import (
	"slices"
	"testing"
)

func TestScope(t *testing.T) {
	src := `ARG G=global
ARG H
FROM alpine AS base
ARG G
ARG H
ENV A=1 B=$A C=$H
ARG D=${A}x
USER $D
FROM base AS child
ENV E=$B-$G
WORKDIR /$E
FROM alpine
USER $A:$G
`
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	at := func(line int) Scope {
		t.Helper()
		in := f.instructionAt(line)
		if in == nil {
			t.Fatalf("no instruction at line %d", line)
		}
		return f.ScopeAt(in)
	}
	tests := []struct {
		what string
		line int
		word string
		want string
		ok   bool
		keys []string
	}{
		{what: "FROM: the empty scope", line: 3, word: "$G", want: "$G", keys: nil},
		{what: "global ARG not yet imported", line: 4, word: "$G", want: "$G", keys: nil},
		{what: "imported by ARG G", line: 5, word: "$G", want: "global", ok: true, keys: []string{"G"}},
		{what: "declared without a value: unknown", line: 6, word: "${H}", want: "${H}", keys: []string{"G", "H"}},
		{what: "pairs see earlier pairs", line: 8, word: "$D/$B", want: "1x/1", ok: true, keys: []string{"G", "H", "A", "B", "C", "D"}},
		{what: "built from an unknown value", line: 8, word: "$C", want: "$C", keys: []string{"G", "H", "A", "B", "C", "D"}},
		{what: "FROM <stage> inherits", line: 11, word: "/$E", want: "/1-global", ok: true, keys: []string{"G", "H", "A", "B", "C", "D", "E"}},
		{what: "an unrelated stage does not", line: 13, word: "$A:$G", want: "$A:$G", keys: nil},
	}
	for _, tt := range tests {
		sc := at(tt.line)
		got, ok := sc.Expand(tt.word)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s (line %d): Expand(%q) = %q, %v; want %q, %v", tt.what, tt.line, tt.word, got, ok, tt.want, tt.ok)
		}
		if keys := sc.Keys(); !slices.Equal(keys, tt.keys) {
			t.Errorf("%s (line %d): Keys() = %q, want %q", tt.what, tt.line, keys, tt.keys)
		}
	}

	// WalkScope visits the stages a stage builds on first.
	var lines []int
	for in, sc := range f.WalkScope(f.Stages[1]) {
		lines = append(lines, in.Loc.StartLine)
		if in.Loc.StartLine == 11 {
			if v, ok := sc.Get("E"); !ok || v != "1-global" {
				t.Errorf("WalkScope at line 11: E = %q, %v", v, ok)
			}
		}
	}
	if want := []int{4, 5, 6, 7, 8, 10, 11}; !slices.Equal(lines, want) {
		t.Errorf("WalkScope lines = %v, want %v", lines, want)
	}
}
