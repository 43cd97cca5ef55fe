package secret

import "fmt"

// automaton finds every occurrence of a set of ASCII keywords in one pass,
// ignoring ASCII case. It is an Aho-Corasick automaton compiled into a dense
// transition table over byte classes (bytes that occur in no keyword share
// class 0), so the inner loop is one table load per input byte whatever the
// number of keywords. It is the pre-filter of Scan: detectors run only where
// one of their keywords occurs.
type automaton struct {
	class  [256]uint8
	ncls   int
	next   []uint16   // next[state+class], states premultiplied by ncls
	accept uint16     // states >= accept end at least one keyword
	out    [][]uint16 // keywords ending in state accept+i*ncls, at index i
	lens   []int      // keyword lengths
	maxLen int        // longest keyword
}

// newAutomaton compiles the keywords, which must be non-empty lower-case
// ASCII. Keyword i is reported as i.
func newAutomaton(keywords []string) (*automaton, error) {
	a := &automaton{lens: make([]int, len(keywords))}
	// Byte classes: one per distinct byte of the keywords, upper and lower
	// case letters sharing one.
	a.ncls = 1
	for i, kw := range keywords {
		if kw == "" {
			return nil, fmt.Errorf("keyword %d is empty", i)
		}
		a.lens[i] = len(kw)
		a.maxLen = max(a.maxLen, len(kw))
		for j := 0; j < len(kw); j++ {
			c := kw[j]
			if c >= 0x80 || ('A' <= c && c <= 'Z') {
				return nil, fmt.Errorf("keyword %q: want lower-case ASCII", kw)
			}
			if a.class[c] == 0 {
				a.class[c] = uint8(a.ncls)
				if 'a' <= c && c <= 'z' {
					a.class[c-'a'+'A'] = uint8(a.ncls)
				}
				a.ncls++
			}
		}
	}
	if a.ncls > 255 {
		return nil, fmt.Errorf("%d byte classes: too many", a.ncls)
	}

	// Trie.
	type node struct {
		child []int32
		fail  int32
		out   []uint16
	}
	newNode := func() node {
		n := node{child: make([]int32, a.ncls)}
		for i := range n.child {
			n.child[i] = -1
		}
		return n
	}
	nodes := []node{newNode()}
	for i, kw := range keywords {
		n := 0
		for j := 0; j < len(kw); j++ {
			c := a.class[kw[j]]
			if nodes[n].child[c] < 0 {
				nodes[n].child[c] = int32(len(nodes))
				nodes = append(nodes, newNode())
			}
			n = int(nodes[n].child[c])
		}
		nodes[n].out = append(nodes[n].out, uint16(i))
	}

	// Failure links and the full transition function, in breadth-first
	// order so that a node's failure target is complete before the node.
	order := []int{0}
	for c := range a.ncls {
		if ch := nodes[0].child[c]; ch >= 0 {
			nodes[ch].fail = 0
			order = append(order, int(ch))
		} else {
			nodes[0].child[c] = 0
		}
	}
	for k := 1; k < len(order); k++ {
		n := order[k]
		for c := range a.ncls {
			ch := nodes[n].child[c]
			f := nodes[nodes[n].fail].child[c]
			if ch < 0 {
				nodes[n].child[c] = f
				continue
			}
			nodes[ch].fail = f
			nodes[ch].out = append(nodes[ch].out, nodes[f].out...)
			order = append(order, int(ch))
		}
	}

	// Number states so that accepting ones come last, then premultiply.
	id := make([]int, len(nodes))
	next := 0
	for _, n := range order {
		if len(nodes[n].out) == 0 {
			id[n] = next
			next++
		}
	}
	firstAccept := next
	for _, n := range order {
		if len(nodes[n].out) > 0 {
			id[n] = next
			next++
		}
	}
	if len(nodes)*a.ncls > 1<<16 {
		return nil, fmt.Errorf("%d states of %d classes: too many", len(nodes), a.ncls)
	}
	a.accept = uint16(firstAccept * a.ncls)
	a.next = make([]uint16, len(nodes)*a.ncls)
	a.out = make([][]uint16, len(nodes)-firstAccept)
	for n := range nodes {
		base := id[n] * a.ncls
		for c := range a.ncls {
			a.next[base+c] = uint16(int(id[nodes[n].child[c]]) * a.ncls)
		}
		if id[n] >= firstAccept {
			a.out[id[n]-firstAccept] = nodes[n].out
		}
	}
	return a, nil
}

// outputs returns the keywords that end in the accepting state s.
func (a *automaton) outputs(s uint16) []uint16 {
	return a.out[int(s-a.accept)/a.ncls]
}
