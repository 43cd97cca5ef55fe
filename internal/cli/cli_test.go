package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/report"
)

// run executes palisade in-process with fake streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ios := &IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}
	code = Run(args, ios)
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"clean threshold not reached", []string{"scan", "testdata/project", "--fail-on", "critical"}, 0, ""},
		{"default never fails", []string{"scan", "testdata/project"}, 0, ""},
		{"threshold reached", []string{"scan", "testdata/project", "--fail-on", "high"}, 1, "at or above severity high"},
		{"fail-on none", []string{"scan", "testdata/project", "--fail-on", "none"}, 0, ""},
		{"bad severity", []string{"scan", "testdata/project", "--fail-on", "urgent"}, 2, `unknown severity "urgent"`},
		{"bad format", []string{"scan", "testdata/project", "--format", "xml"}, 2, `unknown format "xml"`},
		{"missing path", []string{"scan", "testdata/nope"}, 2, "cannot scan testdata/nope"},
		{"unknown flag", []string{"scan", "--bogus"}, 2, "unknown flag: --bogus"},
		{"too many args", []string{"scan", "a", "b"}, 2, "accepts at most 1 arg(s), received 2"},
		{"lint needs a file", []string{"dockerfile", "lint"}, 2, "requires at least 1 arg(s), only received 0"},
		{"unknown config key", []string{"scan", "testdata/badconfig"}, 2, `unknown key "colour"`},
		{"invalid image pattern", []string{"scan", "testdata/badpolicy"}, 2, `images.allow: image pattern "docker.io/library/node:[bad"`},
		{"explicit missing config", []string{"scan", "testdata/project", "--config", "testdata/none.yaml"}, 2, "opening config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr: %s)", code, tt.wantCode, stderr)
			}
			if tt.wantErr != "" && !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr %q does not contain %q", stderr, tt.wantErr)
			}
			if tt.wantErr == "" && stderr != "" && tt.wantCode == 0 {
				t.Errorf("unexpected stderr: %s", stderr)
			}
		})
	}
}

func TestScanJSON(t *testing.T) {
	code, stdout, stderr := run(t, "", "scan", "testdata/project", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, stdout)
	}
	if rep.SchemaVersion != report.SchemaVersion {
		t.Errorf("schemaVersion %q", rep.SchemaVersion)
	}
	if len(rep.Targets) != 1 || rep.Targets[0].Name != "testdata/project/app/Dockerfile" {
		t.Errorf("targets: %+v", rep.Targets)
	}
	var parse bool
	for _, f := range rep.Findings {
		if f.RuleID == "PAL-DF-001" && f.Location.StartLine == 3 {
			parse = true
		}
	}
	if !parse {
		t.Errorf("no parse finding at line 3: %+v", rep.Findings)
	}
}

func TestLintStdinAndOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sub", "report.json")
	code, stdout, stderr := run(t, "FROM debian:12\nNOPE\n", "dockerfile", "lint", "-", "--format", "json", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout should be empty with --output, got %q", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"name": "<stdin>"`) || !strings.Contains(string(data), "PAL-DF-001") {
		t.Errorf("report does not cover stdin:\n%s", data)
	}
}

func TestUnreadableInputIsNotClean(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "Dockerfile")
	if err := os.WriteFile(bin, []byte("\x00\x01\x02ELF"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "dockerfile", "lint", bin)
	if code != 2 {
		t.Errorf("exit %d, want 2: a file that is not a Dockerfile must not pass", code)
	}
	if !strings.Contains(stdout, "binary data") || !strings.Contains(stderr, "no target could be read") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
}

func TestTableOnPipeHasNoColor(t *testing.T) {
	_, stdout, _ := run(t, "", "scan", "testdata/project")
	if strings.Contains(stdout, "\x1b[") {
		t.Error("color codes written to a pipe")
	}
	if !strings.Contains(stdout, "app.dockerfile-lint") || !strings.Contains(stdout, "failed") {
		t.Errorf("no control matrix summary:\n%s", stdout)
	}
}

func TestRulesAndControls(t *testing.T) {
	code, stdout, _ := run(t, "", "rules")
	if code != 0 || !strings.Contains(stdout, "PAL-DF-001") {
		t.Errorf("rules: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "", "rules", "--format", "json")
	var rules []map[string]any
	if code != 0 || json.Unmarshal([]byte(stdout), &rules) != nil || len(rules) == 0 {
		t.Errorf("rules json: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, "", "controls")
	for _, want := range []string{"APPLICATIONS / build", "INFRASTRUCTURE / operate", "app.dockerfile-lint", "infra.cis-runtime"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("controls output lacks %q", want)
		}
	}
}
