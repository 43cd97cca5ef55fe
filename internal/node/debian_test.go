package node

import (
	"cmp"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// debianRoot is the real Debian bookworm minbase root file system that
// .ci/setup-image.sh builds with debootstrap (atomically: it exists only
// when complete) and that the image and vulnerability tests share.
func debianRoot(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(cmp.Or(os.Getenv("PALISADE_TEST_CACHE"), "/var/cache/palisade-test"), "bookworm-minbase")
	if _, err := os.Stat(filepath.Join(dir, "var/lib/dpkg/status")); err != nil {
		if testing.Short() {
			t.Skip("no Debian test root; run .ci/setup-image.sh")
		}
		t.Fatalf("no Debian test root at %s: run .ci/setup-image.sh (as root) first", dir)
	}
	return dir
}

// TestDebianMinbase audits a real debootstrap root: a minimal, unhardened
// Debian without Kubernetes. The statuses asserted are those that hold
// for any bookworm minbase, whatever the day's package versions.
func TestDebianMinbase(t *testing.T) {
	root := debianRoot(t)
	res, facts, err := Audit(Options{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	if res.Role != "none" || res.Flavour != Generic {
		t.Errorf("role %s flavour %s", res.Role, res.Flavour)
	}
	n, err := strconv.Atoi(facts.Extra["packages.count"].Value)
	if err != nil || n < 60 || n > 250 {
		t.Errorf("package count %q (%s): a minbase has about a hundred", facts.Extra["packages.count"].Value, facts.Extra["packages.count"].Source)
	}
	want := map[string]Status{
		"PAL-OS-101":   Pass,          // few packages
		"PAL-OS-102":   Pass,          // no compiler in minbase
		"PAL-OS-105":   Pass,          // no daemons
		"PAL-OS-070":   Pass,          // only the distribution's set-ID programs
		"PAL-OS-071":   Pass,          // no world-writable files
		"PAL-OS-072":   Pass,          // /tmp and /var/tmp are sticky (and /var/tmp is skipped)
		"PAL-OS-083":   Pass,          // /etc/shadow root:shadow 640
		"PAL-OS-084":   Pass,          // root is the only UID 0
		"PAL-OS-085":   Pass,          // root's password is locked, not empty
		"PAL-OS-040":   NotApplicable, // no SSH server
		"PAL-OS-001":   Warn,          // no /proc/sys and nothing persisted: unknown
		"PAL-OS-080":   Fail,          // PASS_MAX_DAYS 99999
		"PAL-OS-082":   Fail,          // UMASK 022
		"PAL-OS-050":   Fail,          // no auditd
		"PAL-OS-060":   Fail,          // no AppArmor or SELinux installed
		"PAL-OS-020":   Fail,          // modules not disabled
		"PAL-OS-030":   Fail,          // /tmp is not a separate mount
		"PAL-NODE-501": NotApplicable,
		"PAL-RT-102":   NotApplicable,
	}
	for id, st := range want {
		got := resultByID(res, id)
		if got.Status != st {
			t.Errorf("%s: %s (%s %v), want %s", id, got.Status, got.Reason, got.Evidence, st)
		}
	}
	for _, e := range res.Errors {
		t.Errorf("fact error on a plain Debian root: %s", e)
	}
}
