// Package image reads container images in one streaming pass: sources
// (registry, docker archive, OCI layout, root file system directory), the
// layer walker that feeds analyzers while each layer streams by, the
// whiteout merge that gives the final file-system view with the history
// of every path, and the on-disk layer cache.
//
// Every source yields a go-containerregistry v1.Image; Walk takes any
// v1.Image.
package image

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"strings"
	"sync"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// walkerVersion is part of every cache key: bump it when the walker's
// output for the same layer changes.
const walkerVersion = 1

// Defaults of the walker's limits.
const (
	DefaultMaxFileSize    = 512 << 20 // largest file handed whole to an analyzer
	DefaultMemoryFileSize = 16 << 20  // larger wanted files are spilled to the scratch directory
	DefaultMaxLayerSize   = 64 << 30  // uncompressed bytes per layer: decompression bombs stop here
	DefaultMaxEntries     = 4 << 20   // tar entries per layer
)

// IssueKind names a problem found in a layer.
type IssueKind string

const (
	IssuePathTraversal  IssueKind = "path-traversal"   // entry name or hardlink target climbs out of the root
	IssueLinkEscape     IssueKind = "link-escape"      // relative symlink target climbing above the root
	IssueDevice         IssueKind = "device-file"      // character or block device node
	IssueDuplicate      IssueKind = "duplicate-entry"  // same path twice in one layer
	IssueBadWhiteout    IssueKind = "bad-whiteout"     // whiteout that names nothing valid
	IssueTooLarge       IssueKind = "file-too-large"   // wanted file larger than an analyzer's limit
	IssueAnalyzer       IssueKind = "analyzer-error"   // an analyzer failed on a file
	IssueTooManyEntries IssueKind = "too-many-entries" // the layer has more entries than the limit
)

// Issue is a problem with one entry of one layer. The rest of the layer
// is still read.
type Issue struct {
	Kind   IssueKind `json:"kind"`
	Path   string    `json:"path"` // the raw name for traversal issues
	Detail string    `json:"detail"`
}

// Result is what one analyzer returned for one file of one layer.
type Result struct {
	Analyzer string
	Path     string
	Value    any
}

// Layer is what the walk found in one layer.
type Layer struct {
	Index     int
	DiffID    v1.Hash
	CreatedBy string // from the image config history, when known
	Comment   string
	// Size is the number of uncompressed bytes read.
	Size      int64
	Entries   []Entry
	Whiteouts []string // paths this layer deletes from lower layers
	Opaque    []string // directories whose lower-layer content this layer hides ("" is the root)
	Results   []Result
	Issues    []Issue
	// Err says why the layer could not be read to its end (truncated or
	// corrupt stream, too large); what was read before is kept.
	Err    string
	Cached bool
}

// Contents is the outcome of walking an image.
type Contents struct {
	// ID is the image ID: the digest of its config.
	ID     v1.Hash
	Config *v1.ConfigFile
	Layers []*Layer
	View   *View
}

// ResultsOf returns the results of one analyzer across layers, in layer
// order, with the layer index of each.
func (c *Contents) ResultsOf(analyzer string) []LayerResult {
	var out []LayerResult
	for _, l := range c.Layers {
		for _, r := range l.Results {
			if r.Analyzer == analyzer {
				out = append(out, LayerResult{Layer: l.Index, Result: r})
			}
		}
	}
	return out
}

// LayerResult is a Result with the index of its layer.
type LayerResult struct {
	Layer int
	Result
}

// Option configures Walk.
type Option func(*options) error

type options struct {
	analyzers      []Analyzer
	parallel       int
	maxFileSize    int64
	memoryFileSize int64
	maxLayerSize   int64
	maxEntries     int
	cache          *Cache
	scratch        string
}

// WithAnalyzers sets the analyzers run on every layer.
func WithAnalyzers(as ...Analyzer) Option {
	return func(o *options) error {
		seen := map[string]bool{}
		for _, a := range as {
			if seen[a.Name()] {
				return fmt.Errorf("analyzer %q given twice", a.Name())
			}
			seen[a.Name()] = true
		}
		o.analyzers = append(o.analyzers, as...)
		return nil
	}
}

// WithParallel bounds the layers read at once. The default is
// GOMAXPROCS, at most 4.
func WithParallel(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("parallel must be greater than zero")
		}
		o.parallel = n
		return nil
	}
}

// WithMaxFileSize sets the largest file given whole to an analyzer
// (default DefaultMaxFileSize).
func WithMaxFileSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("max file size must be greater than zero")
		}
		o.maxFileSize = n
		return nil
	}
}

// WithMaxLayerSize sets the most uncompressed bytes read from one layer
// (default DefaultMaxLayerSize).
func WithMaxLayerSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return errors.New("max layer size must be greater than zero")
		}
		o.maxLayerSize = n
		return nil
	}
}

// WithCache stores and reuses layer results; nil disables caching.
func WithCache(c *Cache) Option {
	return func(o *options) error { o.cache = c; return nil }
}

// WithScratchDir sets where large wanted files are spilled while they are
// analysed. The default is the cache's scratch directory, else the
// system's temporary directory.
func WithScratchDir(dir string) Option {
	return func(o *options) error { o.scratch = dir; return nil }
}

func makeOptions(opts []Option) (*options, error) {
	o := &options{
		parallel:       min(runtime.GOMAXPROCS(0), 4),
		maxFileSize:    DefaultMaxFileSize,
		memoryFileSize: DefaultMemoryFileSize,
		maxLayerSize:   DefaultMaxLayerSize,
		maxEntries:     DefaultMaxEntries,
	}
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, err
		}
	}
	if o.scratch == "" && o.cache != nil {
		o.scratch = o.cache.ScratchDir()
	}
	if o.scratch == "" {
		o.scratch = os.TempDir()
	}
	return o, nil
}

// Walk reads every layer of img once, in parallel, feeding the analyzers
// the files they require, and merges the layers into the final view. A
// layer that cannot be read fully keeps what was read and says why in
// Layer.Err; Walk fails only when the image itself (config, layer list)
// cannot be read.
func Walk(ctx context.Context, img v1.Image, opts ...Option) (*Contents, error) {
	o, err := makeOptions(opts)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the image config: %w", err)
	}
	if cfg == nil {
		return nil, errors.New("reading the image config: the image has no config")
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("listing the image layers: %w", err)
	}
	history := layerHistory(cfg, len(layers))
	out := &Contents{Config: cfg, Layers: make([]*Layer, len(layers))}
	if id, err := img.ConfigName(); err == nil {
		out.ID = id
	}

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(o.parallel, max(len(layers), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out.Layers[i] = o.walkLayer(ctx, i, layers[i], cfg, volatile(img))
			}
		}()
	}
	for i := range layers {
		select {
		case jobs <- i:
		case <-ctx.Done():
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, l := range out.Layers {
		l.CreatedBy, l.Comment = history[i].CreatedBy, history[i].Comment
	}
	out.View = Merge(out.Layers)
	return out, nil
}

// layerHistory maps history entries to layers, skipping empty layers.
func layerHistory(cfg *v1.ConfigFile, n int) []v1.History {
	out := make([]v1.History, n)
	i := 0
	for _, h := range cfg.History {
		if h.EmptyLayer {
			continue
		}
		if i >= n {
			break
		}
		out[i] = h
		i++
	}
	return out
}

func (o *options) cacheKey(diffID v1.Hash) string {
	var b strings.Builder
	fmt.Fprintf(&b, "walker=%d\ndiffid=%s\nmaxfile=%d\n", walkerVersion, diffID, o.maxFileSize)
	for _, a := range o.analyzers {
		fmt.Fprintf(&b, "%s=%d\n", a.Name(), a.Version())
	}
	return b.String()
}

func (o *options) walkLayer(ctx context.Context, idx int, l v1.Layer, cfg *v1.ConfigFile, volatile bool) *Layer {
	out := &Layer{Index: idx}
	if idx < len(cfg.RootFS.DiffIDs) {
		out.DiffID = cfg.RootFS.DiffIDs[idx]
	} else if h, err := l.DiffID(); err == nil {
		out.DiffID = h
	}
	cacheable := o.cache != nil && out.DiffID.Hex != "" && !volatile
	if cacheable {
		if cl, ok := o.cache.get(o.cacheKey(out.DiffID), o.analyzers); ok {
			cl.Index, cl.DiffID, cl.Cached = idx, out.DiffID, true
			return cl
		}
	}
	rc, err := l.Uncompressed()
	if err != nil {
		out.Err = fmt.Sprintf("cannot open the layer: %v", err)
		return out
	}
	defer rc.Close()
	verify := out.DiffID.Algorithm == "sha256" && !volatile
	o.readLayer(ctx, out, rc, verify)
	if cacheable && out.Err == "" && ctx.Err() == nil {
		o.cache.put(o.cacheKey(out.DiffID), out)
	}
	return out
}

// volatile images (a live root file system) are never cached.
func volatile(img v1.Image) bool {
	v, ok := img.(interface{ Volatile() bool })
	return ok && v.Volatile()
}

// errLayerTooLarge stops a layer at the size limit.
var errLayerTooLarge = errors.New("layer too large")

type limitedReader struct {
	r         io.Reader
	hash      hash.Hash // of every byte read, to verify the diffID
	n, limit  int64
	sparse    int64 // logical bytes of sparse entries
	exceeded  bool
	readError error
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		l.exceeded = true
		return 0, errLayerTooLarge
	}
	if int64(len(p)) > l.limit-l.n {
		p = p[:l.limit-l.n]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.hash != nil {
		l.hash.Write(p[:n])
	}
	if err != nil && err != io.EOF {
		l.readError = err
	}
	return n, err
}

// readLayer streams one layer's tar, recording entries and running the
// analyzers. It never writes outside the scratch directory.
//
// With verify, the uncompressed stream is hashed and must match the
// diffID the image config gives: only then is the layer cached (the cache
// is keyed by diffID), and a mismatch is reported as a layer error.
func (o *options) readLayer(ctx context.Context, out *Layer, r io.Reader, verify bool) {
	lr := &limitedReader{r: r, limit: o.maxLayerSize}
	if verify {
		lr.hash = sha256.New()
	}
	tr := tar.NewReader(lr)
	seen := map[string]int{}
	var buf []byte
	groups := &pendingGroups{}
	defer func() { out.Size = lr.n }()
	// Groups are analysed once the layer has been read (even when it
	// broke off: each kept file was read whole).
	defer o.analyzeGroups(ctx, out, groups)
	for n := 0; ; n++ {
		if n%256 == 0 && ctx.Err() != nil {
			out.Err = ctx.Err().Error()
			return
		}
		h, err := tr.Next()
		if err == io.EOF {
			// Read to the end of the stream: registry and layout readers
			// verify the blob digest only at EOF.
			if _, err := io.Copy(io.Discard, lr); err != nil {
				out.Err = fmt.Sprintf("the layer stream fails after its tar end (%v): it may not match its digest", err)
				return
			}
			if lr.hash != nil {
				if got := hex.EncodeToString(lr.hash.Sum(nil)); got != out.DiffID.Hex {
					out.Err = fmt.Sprintf("the layer content (sha256:%s) does not match its diffID in the image config: a tampered or corrupt image", got[:12])
				}
			}
			return
		}
		if err != nil {
			out.Err = describeReadError(lr, err)
			return
		}
		if n >= o.maxEntries {
			out.Issues = append(out.Issues, Issue{Kind: IssueTooManyEntries, Detail: fmt.Sprintf("the layer has more than %d entries; the rest were not read", o.maxEntries)})
			return
		}
		switch h.Typeflag {
		case tar.TypeXHeader, tar.TypeXGlobalHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
			continue // consumed by archive/tar; never seen here
		}
		p, ok := CleanPath(h.Name)
		if !ok {
			if escapes(h.Name) {
				out.Issues = append(out.Issues, Issue{Kind: IssuePathTraversal, Path: clip(h.Name), Detail: "entry name climbs out of the image root with \"..\"; a careless extractor writes it outside the target directory"})
			}
			continue
		}
		dir, base := path.Split(p)
		dir = strings.TrimSuffix(dir, "/")
		if strings.HasPrefix(base, whiteoutPrefix) {
			switch {
			case base == whiteoutOpaque:
				out.Opaque = append(out.Opaque, dir)
			case strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix):
				// AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): not content.
			default:
				name := base[len(whiteoutPrefix):]
				if name == "" || name == "." || name == ".." {
					out.Issues = append(out.Issues, Issue{Kind: IssueBadWhiteout, Path: p, Detail: "whiteout names no file"})
					continue
				}
				out.Whiteouts = append(out.Whiteouts, path.Join(dir, name))
			}
			continue
		}
		e := Entry{Path: p, Type: entryType(h), Mode: entryMode(h), UID: h.Uid, GID: h.Gid}
		if e.Type == TypeFile {
			e.Size = max(h.Size, 0)
		}
		switch e.Type {
		case TypeSymlink:
			e.Link = clip(h.Linkname)
			if symlinkEscapes(p, h.Linkname) {
				out.Issues = append(out.Issues, Issue{Kind: IssueLinkEscape, Path: p, Detail: fmt.Sprintf("symlink target %q climbs above the image root", clip(h.Linkname))})
			}
		case TypeHardlink:
			target, ok := CleanPath(h.Linkname)
			if !ok {
				out.Issues = append(out.Issues, Issue{Kind: IssuePathTraversal, Path: p, Detail: fmt.Sprintf("hardlink target %q is outside the image root", clip(h.Linkname))})
				continue
			}
			e.Link = target
		case TypeCharDevice, TypeBlockDevice:
			out.Issues = append(out.Issues, Issue{Kind: IssueDevice, Path: p, Detail: fmt.Sprintf("%s %d:%d in the layer", e.Type, h.Devmajor, h.Devminor)})
		}
		if prev, dup := seen[p]; dup {
			if e.Type != TypeDir || out.Entries[prev].Type != TypeDir {
				out.Issues = append(out.Issues, Issue{Kind: IssueDuplicate, Path: p, Detail: "the path appears more than once in the layer; the last entry wins"})
			}
		}
		seen[p] = len(out.Entries)
		out.Entries = append(out.Entries, e)
		if e.Type != TypeFile || len(o.analyzers) == 0 {
			continue
		}
		if h.Size > 0 && (h.Typeflag == tar.TypeGNUSparse || len(h.PAXRecords) > 0 && h.PAXRecords["GNU.sparse.map"]+h.PAXRecords["GNU.sparse.major"] != "") {
			// Sparse entries expand holes into zeros: their logical size
			// counts against the layer limit like decompressed bytes.
			lr.sparse += h.Size
			if lr.n+lr.sparse > lr.limit {
				lr.exceeded = true
				out.Err = describeReadError(lr, errLayerTooLarge)
				return
			}
		}
		if err := o.analyze(ctx, out, &out.Entries[len(out.Entries)-1], tr, &buf, groups); err != nil {
			out.Err = describeReadError(lr, err)
			return
		}
	}
}

// analyze gives one regular file to the analyzers that want it. It
// returns an error only when the layer stream itself failed.
func (o *options) analyze(ctx context.Context, out *Layer, e *Entry, r io.Reader, buf *[]byte, groups *pendingGroups) error {
	info := e.Info()
	var wanted []Analyzer
	var deferred []deferredFile
	need := int64(0)
	for _, a := range o.analyzers {
		if !safeRequired(a, e.Path, info) {
			continue
		}
		limit, prefix := o.maxFileSize, false
		if la, ok := a.(Limited); ok {
			limit, prefix = la.Limit()
		}
		switch {
		case e.Size <= limit:
			need = max(need, e.Size)
		case prefix:
			need = max(need, limit)
		default:
			out.Issues = append(out.Issues, Issue{Kind: IssueTooLarge, Path: e.Path, Detail: fmt.Sprintf("%d bytes, more than the %d the %s analyzer reads; not analysed by it", e.Size, limit, a.Name())})
			continue
		}
		if g, ok := a.(Grouped); ok {
			if main, ok := safeGroupOf(g, e.Path); ok {
				deferred = append(deferred, deferredFile{a: a, main: main, limit: limit})
				continue
			}
		}
		wanted = append(wanted, a)
	}
	if len(wanted) == 0 && len(deferred) == 0 {
		return nil
	}
	f := &File{Path: e.Path, Entry: e, Layer: out.Index, scratch: o.scratch}
	defer f.release()
	if need <= o.memoryFileSize {
		if int64(cap(*buf)) < need {
			*buf = make([]byte, need)
		}
		b := (*buf)[:need]
		n, err := io.ReadFull(r, b)
		if err != nil && !(errors.Is(err, io.EOF) && n == 0) {
			return err
		}
		f.data, f.Size = b[:n], int64(n)
	} else {
		tmp, err := os.CreateTemp(o.scratch, "layer-file-*")
		if err != nil {
			out.Issues = append(out.Issues, Issue{Kind: IssueAnalyzer, Path: e.Path, Detail: fmt.Sprintf("cannot spill a large file to the scratch directory: %v", err)})
			return nil
		}
		f.spill = tmp
		n, err := io.CopyN(tmp, r, need)
		if err != nil {
			return err
		}
		f.Size = n
	}
	for _, d := range deferred {
		// Keep a copy of exactly what this analyzer may read until the
		// layer ends; the read buffer is reused for the next entry.
		ent := *e // out.Entries may grow and move before the layer ends
		g := &File{Path: e.Path, Entry: &ent, Layer: out.Index, Size: min(f.Size, d.limit), scratch: o.scratch}
		g.Truncated = g.Size < e.Size
		tmp, err := os.CreateTemp(o.scratch, "group-file-*")
		if err != nil {
			out.Issues = append(out.Issues, Issue{Kind: IssueAnalyzer, Path: e.Path, Detail: fmt.Sprintf("%s: cannot keep the file in the scratch directory: %v", d.a.Name(), err)})
			continue
		}
		g.spill = tmp
		if _, err := io.Copy(tmp, io.NewSectionReader(f.ReaderAt(), 0, g.Size)); err != nil {
			g.release()
			out.Issues = append(out.Issues, Issue{Kind: IssueAnalyzer, Path: e.Path, Detail: fmt.Sprintf("%s: cannot keep the file in the scratch directory: %v", d.a.Name(), err)})
			continue
		}
		groups.add(d.a, d.main, g)
	}
	for _, a := range wanted {
		limit, prefix := o.maxFileSize, false
		if la, ok := a.(Limited); ok {
			limit, prefix = la.Limit()
		}
		view := *f
		if prefix && view.Size > limit {
			view.Size = limit
			if view.data != nil {
				view.data = view.data[:limit]
			}
		}
		view.Truncated = view.Size < e.Size
		v, err := safeAnalyze(ctx, a, &view)
		if view.spill != nil && f.spill == nil {
			// LocalPath spilled the in-memory copy: keep it for cleanup.
			f.spill = view.spill
		}
		if err != nil {
			out.Issues = append(out.Issues, Issue{Kind: IssueAnalyzer, Path: e.Path, Detail: fmt.Sprintf("%s: %v", a.Name(), err)})
			continue
		}
		if v != nil {
			out.Results = append(out.Results, Result{Analyzer: a.Name(), Path: e.Path, Value: v})
		}
	}
	return nil
}

// deferredFile is a wanted file of a Grouped analyzer.
type deferredFile struct {
	a     Analyzer
	main  string
	limit int64
}

// pendingGroups holds the files of Grouped analyzers until the layer
// ends, in the order their groups were first seen.
type pendingGroups struct {
	keys      []groupKey
	files     map[groupKey][]*File
	analyzers map[string]Analyzer
}

type groupKey struct{ analyzer, main string }

func (p *pendingGroups) add(a Analyzer, main string, f *File) {
	if p.files == nil {
		p.files, p.analyzers = map[groupKey][]*File{}, map[string]Analyzer{}
	}
	k := groupKey{a.Name(), main}
	if _, ok := p.files[k]; !ok {
		p.keys = append(p.keys, k)
	}
	p.files[k] = append(p.files[k], f)
	p.analyzers[k.analyzer] = a
}

// analyzeGroups runs the Grouped analyzers on the groups of a layer and
// removes the kept files.
func (o *options) analyzeGroups(ctx context.Context, out *Layer, p *pendingGroups) {
	for _, k := range p.keys {
		files, a := p.files[k], p.analyzers[k.analyzer]
		// A path given twice in one layer: the last entry wins, as in
		// the file system view.
		byPath := map[string]*File{}
		var order []string
		for _, f := range files {
			if _, ok := byPath[f.Path]; !ok {
				order = append(order, f.Path)
			}
			byPath[f.Path] = f
		}
		run := func(f *File) {
			if ctx.Err() != nil {
				return
			}
			v, err := safeAnalyze(ctx, a, f)
			if err != nil {
				out.Issues = append(out.Issues, Issue{Kind: IssueAnalyzer, Path: f.Path, Detail: fmt.Sprintf("%s: %v", a.Name(), err)})
				return
			}
			if v != nil {
				out.Results = append(out.Results, Result{Analyzer: a.Name(), Path: f.Path, Value: v})
			}
		}
		if main, ok := byPath[k.main]; ok {
			for _, p := range order {
				if p != k.main {
					main.Companions = append(main.Companions, byPath[p])
				}
			}
			run(main)
		} else {
			for _, p := range order {
				run(byPath[p])
			}
		}
		for _, f := range files {
			f.release()
		}
	}
}

func safeGroupOf(g Grouped, p string) (main string, ok bool) {
	defer func() {
		if recover() != nil {
			main, ok = "", false
		}
	}()
	return g.GroupOf(p)
}

func safeRequired(a Analyzer, p string, info fs.FileInfo) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return a.Required(p, info)
}

func safeAnalyze(ctx context.Context, a Analyzer, f *File) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("analyzer failed (this is a bug in palisade, please report it): %v", r)
		}
	}()
	return a.Analyze(ctx, f)
}

func describeReadError(lr *limitedReader, err error) string {
	switch {
	case lr.exceeded || errors.Is(err, errLayerTooLarge):
		return fmt.Sprintf("the layer decompresses to more than %d bytes (a decompression bomb or a huge layer); the rest was not read", lr.limit)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the layer stream is truncated: it ends in the middle of a file; what came before was analysed"
	case lr.readError != nil:
		return fmt.Sprintf("the layer stream is corrupt (%v); what came before was analysed", lr.readError)
	}
	return fmt.Sprintf("the layer is not a valid tar stream (%v); what came before was analysed", err)
}

// clip shortens hostile names before they go into messages.
func clip(s string) string {
	const maxLen = 256
	if len(s) > maxLen {
		return s[:maxLen] + "..."
	}
	return s
}
