package config

import (
	"bytes"
	"testing"
)

// FuzzParse: arbitrary YAML never panics, and whatever parses has passed
// its own validation (every ignore has a rule and a reason).
func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\nfailOn: high\nrules:\n  disable: [DL3007]\n"))
	f.Add([]byte("ignores:\n  - rule: PAL-DF-011\n    reason: r\n    expires: 2027-01-31\n    paths: ['a/**']\n"))
	f.Add([]byte("images:\n  allow: [docker.io/library/*]\n  rewrites: [{from: a/*, to: b/*}]\n  pins: {a: b}\n"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("f.yaml", bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ig := range cfg.Ignores {
			if ig.Rule == "" || ig.Reason == "" {
				t.Fatalf("invalid ignore accepted: %+v", ig)
			}
		}
	})
}
