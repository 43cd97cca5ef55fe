package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/palisade-sec/palisade/internal/vuln/osv"
)

// batchSize is the number of records written per transaction: large
// enough to amortise the commit, small enough to bound memory.
const batchSize = 2000

// Update builds a new database beside the live one. Begin copies the
// live database (less the ecosystems being replaced), Add writes
// records, Commit renames the new file over the live one. Until Commit,
// the live database is untouched; Abort, a crash or a kill leave it as
// it was.
type Update struct {
	dir, tmp string
	lock     *os.File
	db       *bolt.DB
	tx       *bolt.Tx
	pending  int
	now      time.Time
	touched  map[string]*EcosystemInfo
	sum      Summary
}

// Summary counts what an update did.
type Summary struct {
	// Added are records new to the store, Updated records that replaced
	// an older version, Unchanged records whose stored version was as
	// new, Skipped records that affect no package of a known ecosystem.
	Added, Updated, Unchanged, Skipped int
	// Ecosystems are the ecosystems written.
	Ecosystems []string
}

// Begin starts an update of the store in dir. The ecosystems in replace
// are dropped from the copy: Add then writes them from scratch (a full
// snapshot such as an all.zip); the others are kept and Add updates
// them record by record, keeping the newer `modified` of each record.
func Begin(dir string, replace []string, now time.Time) (*Update, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the database directory: %w", err)
	}
	lock, err := lockDir(filepath.Join(dir, "osv.lock"))
	if err != nil {
		return nil, err
	}
	u := &Update{dir: dir, lock: lock, now: now, touched: map[string]*EcosystemInfo{}}
	if err := u.begin(replace); err != nil {
		u.Abort()
		return nil, err
	}
	return u, nil
}

func (u *Update) begin(replace []string) error {
	// Files of updates that were killed: nobody else holds the lock.
	if stale, _ := filepath.Glob(filepath.Join(u.dir, FileName+".tmp-*")); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	u.tmp = filepath.Join(u.dir, FileName+".tmp-"+strconv.Itoa(os.Getpid()))
	live := Path(u.dir)
	copied := false
	if _, err := os.Stat(live); err == nil {
		ok, err := u.copyLive(live, replace)
		if err != nil {
			return err
		}
		copied = ok
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading the vulnerability database: %w", err)
	}
	if !copied {
		os.Remove(u.tmp)
	}
	db, err := bolt.Open(u.tmp, 0o644, &bolt.Options{NoSync: true, NoFreelistSync: true, Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("creating the new database: %w", err)
	}
	u.db = db
	return db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
			return err
		}
		ecos, err := tx.CreateBucketIfNotExists(bucketEcosystems)
		if err != nil {
			return err
		}
		for _, base := range replace {
			if tx.Bucket(ecoBucket(base)) != nil {
				if err := tx.DeleteBucket(ecoBucket(base)); err != nil {
					return err
				}
			}
			if err := ecos.Delete([]byte(base)); err != nil {
				return err
			}
			u.touched[base] = &EcosystemInfo{Name: base}
		}
		return nil
	})
}

// copyLive copies the live database into the temporary file, unless
// every ecosystem in it is being replaced (then starting empty is
// cheaper). It reports whether it copied.
func (u *Update) copyLive(live string, replace []string) (bool, error) {
	old, err := bolt.Open(live, 0o644, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		// A database that cannot be read is rebuilt from what this
		// update brings.
		return false, nil
	}
	defer old.Close()
	copied := false
	err = old.View(func(tx *bolt.Tx) error {
		info, err := readInfo(tx)
		if err != nil {
			return nil // another schema: rebuild
		}
		keep := false
		for _, e := range info.Ecosystems {
			if !slices.Contains(replace, e.Name) {
				keep = true
			}
		}
		if !keep {
			return nil
		}
		f, err := os.OpenFile(u.tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("creating the new database: %w", err)
		}
		if _, err := tx.WriteTo(f); err != nil {
			f.Close()
			return fmt.Errorf("copying the vulnerability database: %w", err)
		}
		copied = true
		return f.Close()
	})
	return copied, err
}

func (u *Update) writeTx() (*bolt.Tx, error) {
	if u.tx != nil {
		return u.tx, nil
	}
	tx, err := u.db.Begin(true)
	if err != nil {
		return nil, fmt.Errorf("writing the new database: %w", err)
	}
	u.tx = tx
	return tx, nil
}

func (u *Update) flush() error {
	if u.tx == nil {
		return nil
	}
	err := u.tx.Commit()
	u.tx, u.pending = nil, 0
	if err != nil {
		return fmt.Errorf("writing the new database: %w", err)
	}
	return nil
}

// entriesOf groups a record's affected entries by ecosystem base and
// index key.
func entriesOf(v *osv.Vulnerability) map[string]map[string][]*Entry {
	out := map[string]map[string][]*Entry{}
	for _, a := range v.Affected {
		eco, name := a.Package.Ecosystem, a.Package.Name
		if eco == "" || name == "" || strings.ContainsAny(name, "\x00\x01") || strings.ContainsAny(eco, "\x00\x01") {
			continue
		}
		e := &Entry{Versions: a.Versions, Severity: a.Severity}
		for _, r := range a.Ranges {
			if r.Type != osv.RangeGit {
				e.Ranges = append(e.Ranges, r)
			}
		}
		if len(e.Ranges) == 0 && len(e.Versions) == 0 {
			continue
		}
		if len(a.EcosystemSpecific) > 0 {
			var es struct {
				Urgency string `json:"urgency"`
			}
			if json.Unmarshal(a.EcosystemSpecific, &es) == nil {
				e.Urgency = es.Urgency
			}
		}
		base := osv.EcosystemBase(eco)
		key := osv.NormalizeName(eco, name) + "\x00" + eco + "\x00" + v.ID
		if out[base] == nil {
			out[base] = map[string][]*Entry{}
		}
		out[base][key] = append(out[base][key], e)
	}
	return out
}

func recordOf(v *osv.Vulnerability) *Record {
	r := &Record{
		ID: v.ID, Modified: v.Modified.UTC(), Published: v.Published.UTC(), Withdrawn: v.Withdrawn != nil,
		Aliases: v.Aliases, Upstream: v.Upstream, Related: v.Related,
		Summary: v.Summary, Severity: v.Severity,
	}
	if r.Summary == "" {
		d := strings.TrimSpace(v.Details)
		if i := strings.IndexAny(d, "\n"); i > 0 {
			d = d[:i]
		}
		if len(d) > 200 {
			d = d[:197] + "..."
		}
		r.Summary = d
	}
	if len(v.DatabaseSpecific) > 0 {
		var ds struct {
			Severity any `json:"severity"`
		}
		if json.Unmarshal(v.DatabaseSpecific, &ds) == nil {
			if s, ok := ds.Severity.(string); ok {
				r.DatabaseSeverity = s
			}
		}
	}
	for _, ref := range v.References {
		if ref.Type == "ADVISORY" && len(r.References) < 3 {
			r.References = append(r.References, ref.URL)
		}
	}
	return r
}

// Add writes one record into every ecosystem it affects, replacing a
// stored version with an older `modified`.
func (u *Update) Add(v *osv.Vulnerability) error {
	groups := entriesOf(v)
	if len(groups) == 0 {
		u.sum.Skipped++
		return nil
	}
	tx, err := u.writeTx()
	if err != nil {
		return err
	}
	if v.Withdrawn != nil {
		return u.withdraw(tx, v, groups)
	}
	rec := recordOf(v)
	newest := false
	replaced := false
	for base, keys := range groups {
		eb, err := tx.CreateBucketIfNotExists(ecoBucket(base))
		if err != nil {
			return fmt.Errorf("writing ecosystem %s: %w", base, err)
		}
		rb, err := eb.CreateBucketIfNotExists(subRecords)
		if err != nil {
			return err
		}
		pb, err := eb.CreateBucketIfNotExists(subPackages)
		if err != nil {
			return err
		}
		kb, err := eb.CreateBucketIfNotExists(subKeys)
		if err != nil {
			return err
		}
		if old := rb.Get([]byte(v.ID)); old != nil {
			if o, err := decodeRecord(old); err == nil && !o.Modified.Before(rec.Modified) {
				continue
			}
			if err := deleteKeys(pb, kb, v.ID); err != nil {
				return err
			}
			replaced = true
		}
		var written []string
		for k, es := range keys {
			if err := pb.Put([]byte(k), encodeEntries(es)); err != nil {
				return fmt.Errorf("writing %s: %w", v.ID, err)
			}
			written = append(written, k)
		}
		slices.Sort(written)
		if err := kb.Put([]byte(v.ID), []byte(strings.Join(written, "\x01"))); err != nil {
			return err
		}
		if err := rb.Put([]byte(v.ID), encodeRecord(rec)); err != nil {
			return fmt.Errorf("writing %s: %w", v.ID, err)
		}
		info := u.touched[base]
		if info == nil {
			info = &EcosystemInfo{Name: base}
			u.touched[base] = info
		}
		if rec.Modified.After(info.Newest) {
			info.Newest = rec.Modified
		}
		newest = true
	}
	switch {
	case !newest:
		u.sum.Unchanged++
	case replaced:
		u.sum.Updated++
	default:
		u.sum.Added++
	}
	u.pending++
	if u.pending >= batchSize {
		return u.flush()
	}
	return nil
}

// SetSource records where an ecosystem came from and the HTTP validators
// of its archive.
func (u *Update) SetSource(base, source, etag, lastModified string) {
	info := u.touched[base]
	if info == nil {
		info = &EcosystemInfo{Name: base}
		u.touched[base] = info
	}
	info.Source, info.ETag, info.LastModified = source, etag, lastModified
}

// Commit finishes the new database and swaps it in.
func (u *Update) Commit() (Summary, error) {
	defer u.Abort()
	if err := u.flush(); err != nil {
		return u.sum, err
	}
	err := u.db.Update(func(tx *bolt.Tx) error {
		ecos := tx.Bucket(bucketEcosystems)
		for base, t := range u.touched {
			info := EcosystemInfo{Name: base}
			if old := ecos.Get([]byte(base)); old != nil {
				json.Unmarshal(old, &info)
			}
			if t.Newest.After(info.Newest) {
				info.Newest = t.Newest
			}
			if t.Source != "" {
				info.Source, info.ETag, info.LastModified = t.Source, t.ETag, t.LastModified
			}
			info.Updated = u.now.UTC()
			info.Records = 0
			if eb := tx.Bucket(ecoBucket(base)); eb != nil {
				info.Records = eb.Bucket(subRecords).Stats().KeyN
			}
			b, err := json.Marshal(info)
			if err != nil {
				return err
			}
			if err := ecos.Put([]byte(base), b); err != nil {
				return err
			}
			u.sum.Ecosystems = append(u.sum.Ecosystems, base)
		}
		return tx.Bucket(bucketMeta).Put(keyBuilt, []byte(u.now.UTC().Format(time.RFC3339Nano)))
	})
	if err != nil {
		return u.sum, fmt.Errorf("finishing the new database: %w", err)
	}
	slices.Sort(u.sum.Ecosystems)
	if err := u.db.Sync(); err != nil {
		return u.sum, fmt.Errorf("syncing the new database: %w", err)
	}
	if err := u.db.Close(); err != nil {
		return u.sum, fmt.Errorf("closing the new database: %w", err)
	}
	u.db = nil
	if err := os.Rename(u.tmp, Path(u.dir)); err != nil {
		return u.sum, fmt.Errorf("replacing the vulnerability database: %w", err)
	}
	u.tmp = ""
	if d, err := os.Open(u.dir); err == nil {
		d.Sync()
		d.Close()
	}
	return u.sum, nil
}

// Abort drops the new database and releases the lock; the live
// database is untouched. It is safe to call after Commit.
func (u *Update) Abort() {
	if u.tx != nil {
		u.tx.Rollback()
		u.tx = nil
	}
	if u.db != nil {
		u.db.Close()
		u.db = nil
	}
	if u.tmp != "" {
		os.Remove(u.tmp)
	}
	if u.lock != nil {
		unlockDir(u.lock)
		u.lock = nil
	}
}

// withdraw removes a withdrawn record from the ecosystems it named.
func (u *Update) withdraw(tx *bolt.Tx, v *osv.Vulnerability, groups map[string]map[string][]*Entry) error {
	removed := false
	for base := range groups {
		eb := tx.Bucket(ecoBucket(base))
		if eb == nil {
			continue
		}
		rb, pb, kb := eb.Bucket(subRecords), eb.Bucket(subPackages), eb.Bucket(subKeys)
		old := rb.Get([]byte(v.ID))
		if old == nil {
			continue
		}
		if o, err := decodeRecord(old); err == nil && !o.Modified.Before(v.Modified) {
			continue
		}
		if err := deleteKeys(pb, kb, v.ID); err != nil {
			return err
		}
		if err := rb.Delete([]byte(v.ID)); err != nil {
			return err
		}
		if u.touched[base] == nil {
			u.touched[base] = &EcosystemInfo{Name: base}
		}
		removed = true
	}
	if removed {
		u.sum.Updated++
	} else {
		u.sum.Skipped++
	}
	u.pending++
	if u.pending >= batchSize {
		return u.flush()
	}
	return nil
}

// deleteKeys removes a record's index entries.
func deleteKeys(pb, kb *bolt.Bucket, id string) error {
	ks := kb.Get([]byte(id))
	if len(ks) == 0 {
		return nil
	}
	for _, k := range strings.Split(string(ks), "\x01") {
		if err := pb.Delete([]byte(k)); err != nil {
			return err
		}
	}
	return kb.Delete([]byte(id))
}
