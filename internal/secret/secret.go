package secret

import (
	"bytes"
	"cmp"
	"slices"
	"strings"
)

// Match is one secret found by Scan or Value.
type Match struct {
	Detector string // stable detector ID, e.g. "aws-access-key-id"
	Title    string // human title, e.g. "AWS access key ID"
	Severity string // "critical", "high", "medium" or "low"
	Line     int    // 1-based line of the start of the match in the scanned content
	Redacted string // the match with its middle masked, never the full secret
}

// Detector describes one detector, for rule documentation.
type Detector struct {
	ID       string
	Title    string
	Severity string
	// Generic detectors are heuristics (key names, entropy, URL and JWT
	// shapes) or judge free-form values with them (kubeconfig and Docker
	// config credentials). They stay silent on test, example and
	// documentation paths.
	Generic bool
}

// MaxScanBytes is the number of bytes of content that Scan and Value examine;
// the rest is ignored. Callers reading files (image layers) should not read
// more than this.
const MaxScanBytes = 4 << 20

// MaxMatches is the largest number of matches Scan and Value return for one
// input; the first ones by position are kept.
const MaxMatches = 100

// binarySniffBytes is how much of the content is searched for a NUL byte to
// tell binary content from text.
const binarySniffBytes = 8 << 10

// maxFound bounds the candidates collected by each pass of the keyword
// automaton before overlaps are resolved. Once it is reached the pass stops
// running detectors, so that a file made of secrets costs little.
const maxFound = 4 * MaxMatches

// Detectors returns the detectors, sorted by ID. The result is a new copy on
// each call.
func Detectors() []Detector {
	ds := make([]Detector, len(detectors))
	for i, d := range detectors {
		ds[i] = d.Detector
	}
	slices.SortFunc(ds, func(a, b Detector) int { return strings.Compare(a.ID, b.ID) })
	return ds
}

// Scan returns the secrets found in content, ordered by line.
//
// Content with a NUL byte in its first 8 KiB is treated as binary and only
// searched for PEM private keys. Only the first MaxScanBytes bytes are
// examined, and at most MaxMatches matches are returned.
//
// path is the slash- or backslash-separated path of the content, or "". Scan
// uses it for two things: generic detectors (see Detector.Generic) are
// disabled on test, example and documentation paths (see doc.go), and in
// source code files (.go, .py, .js, ...) a generic assignment must have a
// quoted value, as an unquoted one is an expression.
func Scan(path string, content []byte) []Match {
	return scanContent(path, content).matches()
}

func scanContent(path string, content []byte) *scanner {
	s := &scanner{content: clip(content), lastKey: [2]int{-1, -1}}
	s.generic = !allowListed(path)
	s.unquoted = !isSourceCode(path)
	s.run()
	return s
}

// Value judges one configuration value (a Dockerfile ENV or ARG value, a
// container environment variable, a ConfigMap entry) given its key name.
//
// It reports what Scan finds in value (which may be a whole file, as
// ConfigMap entries often are) with no path, plus the value itself when it is
// one line, key is a sensitive name (see SensitiveName) and value is a
// literal that looks like a secret: not a placeholder, at least 8 characters
// with a digit and an entropy of at least 3 bits per character (see
// "Placeholders" in the package documentation for the full rules). A value
// whose format is known is reported by its format: GITHUB_TOKEN=ghp_...
// gives github-token, AWS_SECRET_ACCESS_KEY gives aws-secret-access-key.
// Line is the line within value, so 1 for a one-line value.
func Value(key, value string) []Match {
	return scanValue(key, value).matches()
}

func scanValue(key, value string) *scanner {
	s := &scanner{content: clip([]byte(value)), lastKey: [2]int{-1, -1}, generic: true, unquoted: true}
	s.run()
	v := bytes.TrimSpace(s.content)
	if len(v) > 0 && bytes.IndexByte(v, '\n') < 0 {
		start := len(s.content) - len(bytes.TrimLeft(s.content, " \t\r\n"))
		s.assign(key, start, start+len(v), true)
	}
	return s
}

func clip(b []byte) []byte {
	if len(b) > MaxScanBytes {
		return b[:MaxScanBytes]
	}
	return b
}

// scanner holds the state of one Scan or Value call.
type scanner struct {
	content  []byte
	generic  bool // generic detectors enabled
	unquoted bool // generic assignments may have unquoted values
	found    []found
	pass     int                       // pass of the keyword automaton running handlers
	count    [2]int                    // candidates found by each pass
	lastKey  [2]int                    // start of the assignment key judged last by each pass, to judge it once
	runs     [2]struct{ from, to int } // unquoted value scanned last by each pass

	// Facts about the whole content, computed on first use.
	kubeconfig, serviceAccount, dockerAuths fact
}

// found is a candidate match before overlaps are resolved.
type found struct {
	det        *detector
	start, end int // span of the match in content
	// The secret itself, which Redacted must never reveal whole.
	secretStart, secretEnd int
	redacted               string
}

type fact int8

const (
	unknown fact = iota
	yes
	no
)

// is computes a fact once.
func (f *fact) is(compute func() bool) bool {
	if *f == unknown {
		*f = no
		if compute() {
			*f = yes
		}
	}
	return *f == yes
}

func (s *scanner) run() {
	c := s.content
	if len(c) == 0 {
		return
	}
	if bytes.IndexByte(c[:min(len(c), binarySniffBytes)], 0) >= 0 {
		// Binary: only PEM private keys, found with the fast bytes.Index.
		for off := 0; off < len(c); {
			i := bytes.Index(c[off:], pemBegin)
			if i < 0 {
				break
			}
			s.pem(off + i)
			off += i + len(pemBegin)
		}
		return
	}
	// Two interleaved passes of the keyword automaton, one over the first
	// half and one over the second half (starting maxLen-1 bytes early, to
	// catch keywords across the middle), so that the processor overlaps
	// their chains of dependent table loads: about 1.7 times faster than one
	// pass.
	a := keywordAutomaton
	mid := len(c) / 2
	bStart := max(0, mid-(a.maxLen-1))
	if len(c) < 1024 {
		mid, bStart = 0, 0
	}
	ca, cb := c[:mid], c[bStart:]
	next, class, accept := a.next, &a.class, a.accept
	sa, sb := uint16(0), uint16(0)
	i := 0
	for ; i < len(ca) && i < len(cb); i++ {
		sa = next[int(sa)+int(class[ca[i]])]
		sb = next[int(sb)+int(class[cb[i]])]
		if sa >= accept {
			s.hits(0, sa, i)
		}
		if sb >= accept && bStart+i >= mid {
			s.hits(1, sb, bStart+i)
		}
	}
	for ; i < len(cb); i++ {
		sb = next[int(sb)+int(class[cb[i]])]
		if sb >= accept && bStart+i >= mid {
			s.hits(1, sb, bStart+i)
		}
	}
}

// hits runs the handlers of the keywords that end at offset end in the
// accepting state of the given pass.
func (s *scanner) hits(pass int, state uint16, end int) {
	a := keywordAutomaton
	s.pass = pass
	if s.count[pass] >= maxFound {
		return
	}
	for _, k := range a.outputs(state) {
		kw := &keywords[k]
		if kw.generic && !s.generic {
			continue
		}
		kw.handle(s, end+1-a.lens[k])
	}
}

// add records a candidate. The secret is content[secretStart:secretEnd];
// redacted defaults to Redact of it.
func (s *scanner) add(d *detector, start, end, secretStart, secretEnd int, redacted string) {
	if d.Generic && !s.generic {
		return
	}
	if s.count[s.pass] >= maxFound {
		return
	}
	s.count[s.pass]++
	if redacted == "" {
		redacted = Redact(string(s.content[secretStart:secretEnd]))
	}
	s.found = append(s.found, found{det: d, start: start, end: end,
		secretStart: secretStart, secretEnd: secretEnd, redacted: redacted})
}

// resolve drops candidates that overlap a candidate of higher priority (a
// more specific detector), or an earlier or longer one of equal priority, and
// returns the rest ordered by position.
func (s *scanner) resolve() []found {
	f := s.found
	if len(f) == 0 {
		return nil
	}
	slices.SortFunc(f, func(a, b found) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end), strings.Compare(a.det.ID, b.det.ID))
	})
	kept := f[:0:0]
	for i := 0; i < len(f); {
		// f[i:j] is a cluster of transitively overlapping candidates.
		j, end := i+1, f[i].end
		for j < len(f) && f[j].start < end {
			end = max(end, f[j].end)
			j++
		}
		if j == i+1 {
			kept = append(kept, f[i])
			i = j
			continue
		}
		cluster := slices.Clone(f[i:j])
		slices.SortStableFunc(cluster, func(a, b found) int {
			return cmp.Compare(b.det.priority, a.det.priority)
		})
		var winners []found
		for _, c := range cluster {
			if !slices.ContainsFunc(winners, func(w found) bool { return c.start < w.end && w.start < c.end }) {
				winners = append(winners, c)
			}
		}
		slices.SortFunc(winners, func(a, b found) int { return cmp.Compare(a.start, b.start) })
		kept = append(kept, winners...)
		i = j
	}
	return kept
}

func (s *scanner) matches() []Match {
	f := s.resolve()
	if len(f) == 0 {
		return nil
	}
	if len(f) > MaxMatches {
		f = f[:MaxMatches]
	}
	ms := make([]Match, len(f))
	line, off := 1, 0
	for i, x := range f {
		line += bytes.Count(s.content[off:x.start], newline)
		off = x.start
		ms[i] = Match{Detector: x.det.ID, Title: x.det.Title, Severity: x.det.Severity, Line: line, Redacted: x.redacted}
	}
	return ms
}

var newline = []byte{'\n'}
