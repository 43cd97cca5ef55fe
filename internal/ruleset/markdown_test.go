package ruleset

import (
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md")

// TestRulesDocUpToDate keeps docs/rules.md generated from the registry.
func TestRulesDocUpToDate(t *testing.T) {
	const path = "../../docs/rules.md"
	got := Markdown(All())
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatal("docs/rules.md is stale: run `go run ./cmd/palisade rules --format markdown > docs/rules.md` (or go test ./internal/ruleset -update) and commit it")
	}
}
