package image

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// DefaultCacheSize is the default bound of the layer cache on disk.
const DefaultCacheSize = 2 << 30

// Cache stores what the walker found in each layer, keyed by the layer's
// diffID, the walker version and every analyzer's name and version, so
// that re-scans of shared base layers skip reading them. Entries are
// gzip-compressed JSON files; the least recently used are evicted when
// the cache grows past its size bound.
type Cache struct {
	dir     string
	maxSize int64
	mu      sync.Mutex
}

// DefaultCacheDir is os.UserCacheDir()/palisade.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory (set XDG_CACHE_HOME or HOME): %w", err)
	}
	return filepath.Join(d, "palisade"), nil
}

// OpenCache opens (creating) a cache under dir bounded to maxSize bytes
// (DefaultCacheSize when 0).
func OpenCache(dir string, maxSize int64) (*Cache, error) {
	if maxSize <= 0 {
		maxSize = DefaultCacheSize
	}
	for _, d := range []string{filepath.Join(dir, "layers"), filepath.Join(dir, "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("creating the cache directory: %w (use --no-cache or set XDG_CACHE_HOME)", err)
		}
	}
	return &Cache{dir: dir, maxSize: maxSize}, nil
}

// Dir is the cache's root directory.
func (c *Cache) Dir() string { return c.dir }

// ScratchDir is where the walker spills large files while analysing them.
func (c *Cache) ScratchDir() string { return filepath.Join(c.dir, "tmp") }

const cacheFormat = 1

type cachedLayer struct {
	Format    int            `json:"format"`
	Key       string         `json:"key"`
	Size      int64          `json:"size"`
	Entries   []Entry        `json:"entries"`
	Whiteouts []string       `json:"whiteouts,omitempty"`
	Opaque    []string       `json:"opaque,omitempty"`
	Issues    []Issue        `json:"issues,omitempty"`
	Results   []cachedResult `json:"results,omitempty"`
}

type cachedResult struct {
	Analyzer string          `json:"a"`
	Path     string          `json:"p"`
	Value    json.RawMessage `json:"v"`
}

func (c *Cache) file(key string) string {
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(c.dir, "layers", hex.EncodeToString(sum[:])+".json.gz")
}

// get returns the cached layer for key, decoding results with analyzers.
// Any problem is a miss.
func (c *Cache) get(key string, analyzers []Analyzer) (*Layer, bool) {
	name := c.file(key)
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, false
	}
	var cl cachedLayer
	if err := json.NewDecoder(zr).Decode(&cl); err != nil || cl.Format != cacheFormat || cl.Key != key {
		return nil, false
	}
	byName := map[string]Analyzer{}
	for _, a := range analyzers {
		byName[a.Name()] = a
	}
	l := &Layer{Size: cl.Size, Entries: cl.Entries, Whiteouts: cl.Whiteouts, Opaque: cl.Opaque, Issues: cl.Issues}
	for _, r := range cl.Results {
		a, ok := byName[r.Analyzer]
		if !ok {
			return nil, false
		}
		v, err := a.Decode(r.Value)
		if err != nil {
			slog.Debug("layer cache entry does not decode", "analyzer", r.Analyzer, "err", err)
			return nil, false
		}
		l.Results = append(l.Results, Result{Analyzer: r.Analyzer, Path: r.Path, Value: v})
	}
	now := time.Now()
	_ = os.Chtimes(name, now, now) // recently used: evicted last
	return l, true
}

// put stores a layer; failures only cost a future miss.
func (c *Cache) put(key string, l *Layer) {
	cl := cachedLayer{Format: cacheFormat, Key: key, Size: l.Size, Entries: l.Entries, Whiteouts: l.Whiteouts, Opaque: l.Opaque, Issues: l.Issues}
	for _, r := range l.Results {
		b, err := json.Marshal(r.Value)
		if err != nil {
			slog.Debug("layer result not cacheable", "analyzer", r.Analyzer, "err", err)
			return
		}
		cl.Results = append(cl.Results, cachedResult{Analyzer: r.Analyzer, Path: r.Path, Value: b})
	}
	tmp, err := os.CreateTemp(c.ScratchDir(), "layer-*.json.gz")
	if err != nil {
		return
	}
	zw, _ := gzip.NewWriterLevel(tmp, gzip.BestSpeed)
	err = json.NewEncoder(zw).Encode(&cl)
	err = errors.Join(err, zw.Close(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), c.file(key))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return
	}
	c.evict()
}

// evict removes least recently used entries until the cache fits.
func (c *Cache) evict() {
	c.mu.Lock()
	defer c.mu.Unlock()
	type ent struct {
		path string
		size int64
		used time.Time
	}
	var ents []ent
	var total int64
	_ = filepath.WalkDir(filepath.Join(c.dir, "layers"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			ents = append(ents, ent{p, info.Size(), info.ModTime()})
			total += info.Size()
		}
		return nil
	})
	if total <= c.maxSize {
		return
	}
	slices.SortFunc(ents, func(a, b ent) int { return a.used.Compare(b.used) })
	for _, e := range ents {
		if total <= c.maxSize {
			break
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}

// Clear removes every cached layer.
func (c *Cache) Clear() error {
	return errors.Join(os.RemoveAll(filepath.Join(c.dir, "layers")), os.MkdirAll(filepath.Join(c.dir, "layers"), 0o700))
}

// Has reports whether a layer is cached for these analyzers (for tests
// and diagnostics).
func (c *Cache) Has(diffID v1.Hash, analyzers []Analyzer) bool {
	o := &options{analyzers: analyzers, maxFileSize: DefaultMaxFileSize}
	_, err := os.Stat(c.file(o.cacheKey(diffID)))
	return err == nil
}
