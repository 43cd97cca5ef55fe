//go:build !unix

package store

import (
	"fmt"
	"os"
)

// lockDir opens the lock file; without flock, concurrent updates are
// not serialised on this platform.
func lockDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the database lock: %w", err)
	}
	return f, nil
}

func unlockDir(f *os.File) { f.Close() }
