package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/dockerfile"
	"github.com/palisade-sec/palisade/internal/report"
)

// TestExamples runs the README's main command, `palisade scan examples/`,
// and checks that every Dockerfile rule family fires on the bundled
// examples and that the good example passes.
func TestExamples(t *testing.T) {
	code, stdout, stderr := run(t, "", "scan", "../../examples", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Errorf("errors: %+v", rep.Errors)
	}
	family := map[string]string{}
	for _, r := range dockerfile.Rules() {
		family[r.ID] = r.Family
	}
	fired := map[string]bool{}
	hygiene := map[string]bool{}
	for _, f := range rep.Findings {
		fired[family[f.RuleID]] = true
		if family[f.RuleID] == "hygiene" {
			hygiene[f.RuleID] = true
		}
		if strings.Contains(f.Target, "09-good") && f.Severity.String() != "info" {
			t.Errorf("the good example has a %s finding: %s %s", f.Severity, f.RuleID, f.Message)
		}
	}
	for _, fam := range []string{"tags", "allowlist", "package-managers", "volumes", "root-user", "secrets"} {
		if !fired[fam] {
			t.Errorf("no finding of family %q in examples/", fam)
		}
	}
	if len(hygiene) < 10 {
		t.Errorf("only %d hygiene rules fire in examples/", len(hygiene))
	}
	for _, c := range rep.Controls {
		if c.ID == "app.dockerfile-lint" && c.Status != report.Failed {
			t.Errorf("app.dockerfile-lint is %s", c.Status)
		}
	}

	// The workload manifest is summarised: secret delivery per class.
	var delivery map[string]int
	for _, sum := range rep.Summaries {
		if strings.HasSuffix(sum.Target, "kubernetes/app.yaml") || strings.Contains(sum.Target, "examples") {
			if d := sum.Counts["secretDelivery"]; d != nil {
				delivery = d
			}
		}
	}
	if delivery["stored in etcd"] < 1 {
		t.Errorf("no secret-delivery summary for the example workloads: %+v", rep.Summaries)
	}

	// Sub-control 7 lives in its own command.
	code, stdout, stderr = run(t, "", "dockerfile", "packages", "--format", "json", "../../examples/dockerfiles/07-inspect/Dockerfile")
	if code != 0 {
		t.Fatalf("packages: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"name": "libpq5"`, `"name": "psycopg"`, `"name": "pnpm"`, `"name": "github.com/google/ko"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("packages output lacks %s", want)
		}
	}
}
