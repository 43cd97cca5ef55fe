package imageref

import (
	"bufio"
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// officialImages is the list of Docker Official Images: the names under
// library/ in github.com/docker-library/official-images. Its first line
// names the commit it was taken from.
//
//go:embed official-images.txt
var officialImages string

// OfficialSet is a set of Docker Official Image names ("node", "ubuntu").
// The zero value is empty.
type OfficialSet struct {
	names  map[string]bool
	source string
}

var embedded = sync.OnceValue(func() OfficialSet { return ParseOfficialSet(officialImages) })

// Official returns the list embedded in palisade.
func Official() OfficialSet { return embedded() }

// ParseOfficialSet reads one name per line; "#" starts a comment, and the
// first comment line is kept as the list's source.
func ParseOfficialSet(text string) OfficialSet {
	s := OfficialSet{names: map[string]bool{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if c, ok := strings.CutPrefix(line, "#"); ok {
			if s.source == "" {
				s.source = strings.TrimSpace(c)
			}
			continue
		}
		if line != "" {
			s.names[strings.ToLower(line)] = true
		}
	}
	return s
}

// NewOfficialSet builds a set from names, e.g. for tests.
func NewOfficialSet(names ...string) OfficialSet {
	s := OfficialSet{names: map[string]bool{}, source: "custom list"}
	for _, n := range names {
		s.names[strings.ToLower(n)] = true
	}
	return s
}

// Contains reports whether ref is a Docker Official Image: in Docker
// Hub's library namespace and on the list. "someuser/node" never is.
func (s OfficialSet) Contains(ref Ref) bool {
	n := ref.OfficialName()
	return n != "" && s.names[n]
}

// Len is the number of names in the set.
func (s OfficialSet) Len() int { return len(s.names) }

// Names returns the names, sorted.
func (s OfficialSet) Names() []string {
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// Source describes where the list comes from (its header line).
func (s OfficialSet) Source() string { return s.source }
