package image

import (
	"path"
	"slices"
	"strings"
)

// Op is what a layer did to a path.
type Op uint8

const (
	Added Op = iota + 1
	Changed
	Deleted
)

func (op Op) String() string {
	switch op {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case Deleted:
		return "deleted"
	}
	return "unknown"
}

// Change is one layer's effect on one path.
type Change struct {
	Layer int
	Op    Op
}

// Node is a path of the final file system and the layer that last wrote it.
type Node struct {
	Entry
	Layer int
}

// View is the final file system of an image, after every layer's
// whiteouts and entries have been applied in order, plus the history of
// every path that any layer touched, deleted ones included.
type View struct {
	nodes    map[string]*Node
	history  map[string][]Change
	children map[string]map[string]struct{} // "" is the root
}

// Merge applies layers in order: first each layer's opaque directories
// and whiteouts (which hide lower layers only), then its entries.
func Merge(layers []*Layer) *View {
	v := &View{nodes: map[string]*Node{}, history: map[string][]Change{}, children: map[string]map[string]struct{}{}}
	for _, l := range layers {
		for _, d := range l.Opaque {
			for c := range v.children[d] {
				v.remove(join(d, c), l.Index)
			}
		}
		for _, w := range l.Whiteouts {
			v.remove(w, l.Index)
		}
		for i := range l.Entries {
			e := &l.Entries[i]
			old, exists := v.nodes[e.Path]
			if exists && old.Type == TypeDir && e.Type != TypeDir {
				v.remove(e.Path, l.Index)
				exists = false
			}
			op := Added
			if exists {
				op = Changed
			}
			h := v.history[e.Path]
			if n := len(h); n > 0 && h[n-1].Layer == l.Index {
				// A duplicate entry in one layer: one change.
				if h[n-1].Op == Deleted {
					h[n-1].Op = Changed
				}
			} else {
				v.history[e.Path] = append(h, Change{Layer: l.Index, Op: op})
			}
			v.nodes[e.Path] = &Node{Entry: *e, Layer: l.Index}
			v.link(e.Path)
		}
	}
	return v
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func parent(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// link records p under its parents, up to the first one already known.
func (v *View) link(p string) {
	for p != "" {
		d := parent(p)
		kids := v.children[d]
		if kids == nil {
			kids = map[string]struct{}{}
			v.children[d] = kids
		}
		base := path.Base(p)
		if _, ok := kids[base]; ok {
			return
		}
		kids[base] = struct{}{}
		p = d
	}
}

// remove deletes p and everything below it, recording the deletion.
func (v *View) remove(p string, layer int) {
	if p == "" {
		for c := range v.children[""] {
			v.remove(c, layer)
		}
		return
	}
	// Iterative post-order over the subtree, so hostile depth cannot
	// overflow the stack.
	stack := []string{p}
	var order []string
	for len(stack) > 0 {
		q := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, q)
		for c := range v.children[q] {
			stack = append(stack, q+"/"+c)
		}
	}
	for _, q := range slices.Backward(order) {
		delete(v.children, q)
		if _, ok := v.nodes[q]; ok {
			delete(v.nodes, q)
			v.history[q] = append(v.history[q], Change{Layer: layer, Op: Deleted})
		}
	}
	if kids := v.children[parent(p)]; kids != nil {
		delete(kids, path.Base(p))
	}
}

// Lookup returns the final node at p (an image path such as "etc/passwd").
func (v *View) Lookup(p string) (*Node, bool) {
	n, ok := v.nodes[strings.TrimPrefix(p, "/")]
	return n, ok
}

// Len is the number of paths in the final file system.
func (v *View) Len() int { return len(v.nodes) }

// History returns what each layer did to p, in layer order, including
// layers that deleted it.
func (v *View) History(p string) []Change { return slices.Clone(v.history[strings.TrimPrefix(p, "/")]) }

// Visible reports whether the content that layer wrote at p is what the
// final file system shows: no later layer changed or deleted it.
func (v *View) Visible(layer int, p string) bool {
	n, ok := v.nodes[p]
	return ok && n.Layer == layer
}

// Paths returns the final paths, sorted.
func (v *View) Paths() []string {
	out := make([]string, 0, len(v.nodes))
	for p := range v.nodes {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Nodes returns the final nodes, sorted by path.
func (v *View) Nodes() []*Node {
	out := make([]*Node, 0, len(v.nodes))
	for _, n := range v.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b *Node) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Touched returns every path any layer touched, deleted ones included,
// sorted.
func (v *View) Touched() []string {
	out := make([]string, 0, len(v.history))
	for p := range v.history {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Resolve follows symlinks (absolute ones from the image root, relative
// ones from the link's directory, clamped at the root as in a container)
// and returns the final node p designates, up to 40 links deep.
func (v *View) Resolve(p string) (*Node, bool) {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	for range 40 {
		// Resolve each parent directory first.
		parts := strings.Split(p, "/")
		cur := ""
		restart := false
		for i, part := range parts {
			next := join(cur, part)
			n, ok := v.nodes[next]
			if ok && n.Type == TypeSymlink {
				var target string
				if strings.HasPrefix(n.Link, "/") {
					target = n.Link
				} else {
					target = "/" + join(cur, n.Link)
				}
				rest := strings.Join(parts[i+1:], "/")
				p = strings.TrimPrefix(path.Clean(target+"/"+rest), "/")
				restart = true
				break
			}
			cur = next
		}
		if !restart {
			n, ok := v.nodes[p]
			return n, ok
		}
	}
	return nil, false
}
