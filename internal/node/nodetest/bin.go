package nodetest

import (
	"os"
	"os/exec"
	"path/filepath"
)

// LookBin finds a program the tests run: on PATH, or in /usr/bin or
// /usr/sbin, where Debian installs daemons that a test runner's PATH may
// leave out.
func LookBin(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/bin", "/usr/sbin"} {
		if _, serr := os.Stat(filepath.Join(dir, name)); serr == nil {
			return filepath.Join(dir, name), nil
		}
	}
	return "", err
}
