// Package store keeps OSV records in a local bbolt file, indexed by
// ecosystem and package name, for offline matching.
//
// Why bbolt: the matcher's access pattern is tens of thousands of point
// and prefix lookups per scan, read-only. bbolt memory-maps one file and
// serves a lookup as a B+tree walk over mapped pages with no query
// layer and no copying; opening is an mmap and a meta-page check
// (a few milliseconds), and it is a small pure-Go dependency with no
// cgo. Updates never modify the live file: they build a new file beside
// it and rename it into place, so readers keep the file they opened and
// a crash mid-update leaves the previous database whole. SQLite
// (modernc) would serve the same lookups through its SQL layer and its
// translated C at several times the cost per lookup, for features
// (queries, concurrent writers) this store does not need.
//
// Layout: bucket "meta" (schema, build time), bucket "ecosystems"
// (EcosystemInfo per ecosystem base), and per ecosystem base ("Debian",
// "PyPI", ...) a bucket "e:<base>" holding "r" (record ID -> Record as
// JSON) and "p" (normalised package name NUL full ecosystem NUL record
// ID -> the record's affected entries for that package, in a compact
// binary encoding).
package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// FileName is the database file in the store directory.
const FileName = "osv.db"

const schemaVersion = "3"

var (
	bucketMeta       = []byte("meta")
	bucketEcosystems = []byte("ecosystems")
	subRecords       = []byte("r")
	subPackages      = []byte("p")
	subKeys          = []byte("k")
	keySchema        = []byte("schema")
	keyBuilt         = []byte("built")
)

func ecoBucket(base string) []byte { return []byte("e:" + base) }

// ErrNoDatabase says the store has never been filled.
var ErrNoDatabase = errors.New("no vulnerability database")

// DefaultDir is <user cache dir>/palisade/vuln.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory: %w (pass --db-dir)", err)
	}
	return filepath.Join(d, "palisade", "vuln"), nil
}

// EcosystemInfo describes one ecosystem in the store.
type EcosystemInfo struct {
	Name    string `json:"name"`
	Records int    `json:"records"`
	// Newest is the newest `modified` time of its records.
	Newest time.Time `json:"newest"`
	// Updated is when the ecosystem was last written.
	Updated time.Time `json:"updated"`
	// Source is where it came from: a URL or an imported path.
	Source string `json:"source,omitempty"`
	// ETag and LastModified are the HTTP validators of the downloaded
	// archive, for conditional updates.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
}

// Info describes the whole store.
type Info struct {
	Path       string          `json:"path"`
	Built      time.Time       `json:"built"`
	Ecosystems []EcosystemInfo `json:"ecosystems"`
}

// Records is the number of records in all ecosystems (a record that
// affects packages of two ecosystems counts twice).
func (i Info) Records() int {
	n := 0
	for _, e := range i.Ecosystems {
		n += e.Records
	}
	return n
}

// Newest is the newest `modified` time across ecosystems.
func (i Info) Newest() time.Time {
	var t time.Time
	for _, e := range i.Ecosystems {
		if e.Newest.After(t) {
			t = e.Newest
		}
	}
	return t
}

// Ecosystem returns one ecosystem's info.
func (i Info) Ecosystem(base string) (EcosystemInfo, bool) {
	for _, e := range i.Ecosystems {
		if e.Name == base {
			return e, true
		}
	}
	return EcosystemInfo{}, false
}

// Record is what the store keeps of an OSV record besides its affected
// entries: what a finding shows.
type Record struct {
	ID        string    `json:"id"`
	Modified  time.Time `json:"modified"`
	Published time.Time `json:"published,omitzero"`
	Withdrawn bool      `json:"withdrawn,omitempty"`
	Aliases   []string  `json:"aliases,omitempty"`
	Upstream  []string  `json:"upstream,omitempty"`
	Related   []string  `json:"related,omitempty"`
	Summary   string    `json:"summary,omitempty"`
	// Severity is the record's severity list (CVSS vectors and vendor
	// ratings such as {"Ubuntu", "medium"}).
	Severity []osv.Severity `json:"severity,omitempty"`
	// DatabaseSeverity is database_specific.severity (GitHub's
	// CRITICAL/HIGH/MODERATE/LOW) when present.
	DatabaseSeverity string   `json:"dbSeverity,omitempty"`
	References       []string `json:"refs,omitempty"`
}

// Store is an open, read-only database.
type Store struct {
	db   *bolt.DB
	info Info
}

// Path is the database file of the store directory dir.
func Path(dir string) string { return filepath.Join(dir, FileName) }

// Open opens the database in dir read-only.
func Open(dir string) (*Store, error) {
	p := Path(dir)
	if _, err := os.Stat(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w in %s: run `palisade db update` (online) or `palisade db import PATH` (offline) first", ErrNoDatabase, dir)
		}
		return nil, fmt.Errorf("opening the vulnerability database: %w", err)
	}
	db, err := bolt.Open(p, 0o644, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening the vulnerability database %s: %w (remove it and run `palisade db update`)", p, err)
	}
	s := &Store{db: db}
	if err := db.View(func(tx *bolt.Tx) error {
		info, err := readInfo(tx)
		s.info = info
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("reading the vulnerability database %s: %w", p, err)
	}
	s.info.Path = p
	return s, nil
}

func readInfo(tx *bolt.Tx) (Info, error) {
	var info Info
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return info, errors.New("not a palisade vulnerability database (no meta bucket)")
	}
	if v := string(meta.Get(keySchema)); v != schemaVersion {
		return info, fmt.Errorf("database schema %q, this palisade reads %q: run `palisade db update` to rebuild it", v, schemaVersion)
	}
	if t, err := time.Parse(time.RFC3339Nano, string(meta.Get(keyBuilt))); err == nil {
		info.Built = t
	}
	if b := tx.Bucket(bucketEcosystems); b != nil {
		if err := b.ForEach(func(k, v []byte) error {
			var e EcosystemInfo
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("ecosystem %s: %w", k, err)
			}
			info.Ecosystems = append(info.Ecosystems, e)
			return nil
		}); err != nil {
			return info, err
		}
	}
	slices.SortFunc(info.Ecosystems, func(a, b EcosystemInfo) int { return strings.Compare(a.Name, b.Name) })
	return info, nil
}

// Info describes the store as it was opened.
func (s *Store) Info() Info { return s.info }

// Close releases the store.
func (s *Store) Close() error { return s.db.Close() }

// View runs fn in one consistent read transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Tx reads the store.
type Tx struct{ tx *bolt.Tx }

// Lookup calls fn for every record that lists package name in any
// release of ecosystem base, with the full ecosystem it was listed
// under and its entries. Entries are decoded fresh for each call.
func (t *Tx) Lookup(base, name string, fn func(ecosystem, id string, entries []*Entry) error) error {
	return t.LookupFiltered(base, name, nil, fn)
}

// LookupFiltered is Lookup restricted to the full ecosystems accept
// takes (nil takes all); the others are skipped without decoding.
func (t *Tx) LookupFiltered(base, name string, accept func(ecosystem string) bool, fn func(ecosystem, id string, entries []*Entry) error) error {
	eb := t.tx.Bucket(ecoBucket(base))
	if eb == nil {
		return nil
	}
	pb := eb.Bucket(subPackages)
	if pb == nil {
		return nil
	}
	prefix := []byte(osv.NormalizeName(base, name) + "\x00")
	c := pb.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		eco, id, ok := strings.Cut(string(k[len(prefix):]), "\x00")
		if !ok {
			return errCorrupt
		}
		if accept != nil && !accept(eco) {
			continue
		}
		es, err := decodeEntries(v)
		if err != nil {
			return fmt.Errorf("%s %s in %s: %w", base, name, id, err)
		}
		if err := fn(eco, id, es); err != nil {
			return err
		}
	}
	return nil
}

// Record returns a record of ecosystem base.
func (t *Tx) Record(base, id string) (*Record, error) {
	eb := t.tx.Bucket(ecoBucket(base))
	if eb == nil {
		return nil, fmt.Errorf("no ecosystem %s in the vulnerability database", base)
	}
	v := eb.Bucket(subRecords).Get([]byte(id))
	if v == nil {
		return nil, fmt.Errorf("no record %s in ecosystem %s", id, base)
	}
	r, err := decodeRecord(v)
	if err != nil {
		return nil, fmt.Errorf("record %s: %w", id, err)
	}
	return r, nil
}

// Records calls fn for every record of ecosystem base.
func (t *Tx) Records(base string, fn func(*Record) error) error {
	eb := t.tx.Bucket(ecoBucket(base))
	if eb == nil {
		return nil
	}
	return eb.Bucket(subRecords).ForEach(func(k, v []byte) error {
		r, err := decodeRecord(v)
		if err != nil {
			return fmt.Errorf("record %s: %w", k, err)
		}
		return fn(r)
	})
}
