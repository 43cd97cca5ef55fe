package registrywatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/vuln"
)

// The state store (bbolt, <state dir>/watch.db) keeps, per image
// digest, the inventory and the keys of the findings already reported,
// and per registry the digests its tags pointed at in the last pass.
var (
	bucketInventories = []byte("inventories") // digest -> inventory JSON
	bucketReported    = []byte("reported")    // digest -> JSON []string of finding keys
	bucketTags        = []byte("tags")        // "registry/repo:tag" -> digest
	bucketMeta        = []byte("meta")        // "db:<registry>" -> database build time last matched
)

// DefaultStateDir is <user cache dir>/palisade/registry.
func DefaultStateDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding the user cache directory: %w (pass --state-dir)", err)
	}
	return filepath.Join(d, "palisade", "registry"), nil
}

type state struct{ db *bolt.DB }

func openState(dir string) (*state, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the state directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, "watch.db"), 0o644, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("opening the registry watch state (is another watch running on %s?): %w", dir, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketInventories, bucketReported, bucketTags, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &state{db: db}, nil
}

func (s *state) close() error { return s.db.Close() }

func (s *state) inventory(digest string) (*inventory.Inventory, error) {
	var inv *inventory.Inventory
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInventories).Get([]byte(digest))
		if b == nil {
			return nil
		}
		inv = &inventory.Inventory{}
		return json.Unmarshal(b, inv)
	})
	return inv, err
}

func (s *state) putInventory(digest string, inv *inventory.Inventory) error {
	b, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketInventories).Put([]byte(digest), b) })
}

func (s *state) reported(digest string) (map[string]bool, error) {
	out := map[string]bool{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReported).Get([]byte(digest))
		if b == nil {
			return nil
		}
		var keys []string
		if err := json.Unmarshal(b, &keys); err != nil {
			return err
		}
		for _, k := range keys {
			out[k] = true
		}
		return nil
	})
	return out, err
}

// putReported records every finding key now present for the digests,
// in one transaction.
func (s *state) putReported(keys map[string][]string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReported)
		for d, ks := range keys {
			slices.Sort(ks)
			v, err := json.Marshal(ks)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(d), v); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *state) meta(key string) string {
	var v string
	s.db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get([]byte(key)))
		return nil
	})
	return v
}

func (s *state) putMeta(key, value string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte(key), []byte(value)) })
}

func (s *state) putTags(tags map[string]string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTags)
		for k, d := range tags {
			if err := b.Put([]byte(k), []byte(d)); err != nil {
				return err
			}
		}
		return nil
	})
}

// NeededEcosystems lists the OSV ecosystems the stored inventories need.
func NeededEcosystems(dir string) ([]string, error) {
	p := filepath.Join(dir, "watch.db")
	if _, err := os.Stat(p); err != nil {
		return nil, err
	}
	db, err := bolt.Open(p, 0o644, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	seen := map[string]bool{}
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInventories)
		if b == nil {
			return errors.New("no inventories")
		}
		return b.ForEach(func(_, v []byte) error {
			var inv inventory.Inventory
			if json.Unmarshal(v, &inv) == nil {
				for _, e := range vuln.NeededEcosystems(&inv) {
					seen[e] = true
				}
			}
			return nil
		})
	})
	var out []string
	for e := range seen {
		out = append(out, e)
	}
	slices.Sort(out)
	return out, err
}
