package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/policy"

	"github.com/palisade-sec/palisade/internal/finding"
)

func TestRulesRegistry(t *testing.T) {
	reg, err := finding.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reg.All() {
		area := strings.Split(r.ID, "-")[1]
		switch area {
		case "K8S", "NET", "PSS", "SEC", "RBAC", "ID", "UPG":
		default:
			t.Errorf("%s: area %s is not one of this package's (K8S, NET, PSS, SEC)", r.ID, area)
		}
		if r.Remediation == "" || r.Family == "" {
			t.Errorf("%s: remediation and family are required", r.ID)
		}
	}
}

// TestEveryUpstreamCheckMapped fails when Kubernetes adds a Pod Security
// check that palisade reports only under the catch-all rule.
func TestEveryUpstreamCheckMapped(t *testing.T) {
	for _, c := range policy.DefaultChecks() {
		if _, ok := pssRuleByID[c.ID]; !ok {
			t.Errorf("upstream check %s has no palisade rule (it falls back to %s)", c.ID, otherPSS.ID)
		}
	}
}

// TestFixturesCoverEveryRule ensures each rule has an expected finding in
// a testdata/want fixture, except those that need a live cluster.
func TestFixturesCoverEveryRule(t *testing.T) {
	liveOnly := map[string]string{
		"PAL-PSS-019": "catch-all for upstream checks newer than palisade's mapping",
		"PAL-SEC-010": "injection status exists only on live pods (tested in kube/audit)",
		"PAL-NET-009": "needs a live cluster without a known CNI (tested in kube/audit)",
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "want", "*.yaml"))
	var all strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	text := all.String()
	for _, r := range Rules() {
		if _, ok := liveOnly[r.ID]; ok {
			continue
		}
		if !strings.Contains(text, `want "`+r.ID+`"`) {
			t.Errorf("%s (%s) has no fixture with # want %q", r.ID, r.Title, r.ID)
		}
	}
}
