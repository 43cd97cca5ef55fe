package cli

import (
	"strings"
	"testing"
)

// TestManifestsAuditUpgradeFlags: --upgrade-to judges readiness for a
// planned upgrade inside the ordinary audit, and --releases replaces the
// embedded release table (a broken one is a usage error).
func TestManifestsAuditUpgradeFlags(t *testing.T) {
	const fixture = "../kube/checks/testdata/want/upgrade-apis.yaml"
	code, stdout, stderr := run(t, "", "manifests", "audit", fixture, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, "PAL-UPG-006") {
		t.Error("PAL-UPG-006 (skew after an upgrade) reported without --upgrade-to")
	}
	code, stdout, stderr = run(t, "", "manifests", "audit", fixture, "--format", "json", "--upgrade-to", "v1.25")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "PAL-UPG-006") {
		t.Errorf("--upgrade-to v1.25 did not judge kubelet skew after the upgrade:\n%s", stdout)
	}
	code, _, stderr = run(t, "", "manifests", "audit", fixture, "--releases", "testdata/kube/shop.yaml")
	if code != 2 || !strings.Contains(stderr, "--releases") {
		t.Errorf("a bad release table: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "", "manifests", "audit", fixture, "--upgrade-to", "latest-ish")
	if code != 2 || !strings.Contains(stderr, "--upgrade-to") {
		t.Errorf("a bad version: exit %d, stderr %q", code, stderr)
	}
}
