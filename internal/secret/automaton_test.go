package secret

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestAutomaton(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		// Keywords over a small alphabet so that they overlap and repeat.
		kws := make([]string, 1+r.IntN(12))
		for i := range kws {
			b := make([]byte, 1+r.IntN(5))
			for j := range b {
				b[j] = "ab-c_"[r.IntN(5)]
			}
			kws[i] = string(b)
		}
		a, err := newAutomaton(kws)
		if err != nil {
			t.Fatal(err)
		}
		text := make([]byte, r.IntN(300))
		for i := range text {
			text[i] = "aAbBc-_x\x00\xff"[r.IntN(10)]
		}
		var got, want []string
		state := uint16(0)
		for i, c := range text {
			state = a.next[int(state)+int(a.class[c])]
			if state >= a.accept {
				for _, k := range a.outputs(state) {
					got = append(got, fmt.Sprintf("%d@%d", k, i+1-a.lens[k]))
				}
			}
		}
		var lower []byte
		for _, c := range text {
			lower = append(lower, lowerByte(c))
		}
		for i := range lower {
			for k, kw := range kws {
				if bytes.HasPrefix(lower[i:], []byte(kw)) {
					want = append(want, fmt.Sprintf("%d@%d", k, i))
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: keywords %q in %q:\ngot  %v\nwant %v", trial, kws, text, got, want)
		}
	}
}

func TestNewAutomatonErrors(t *testing.T) {
	for _, kws := range [][]string{{""}, {"Upper"}, {"caf\xc3\xa9"}} {
		if _, err := newAutomaton(kws); err == nil {
			t.Errorf("newAutomaton(%q) succeeded, want an error", kws)
		}
	}
}
