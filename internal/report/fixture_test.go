package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

var update = flag.Bool("update", false, "update golden files")

var testTool = Tool{Name: "palisade", Version: "0.1.0-test", URI: "https://github.com/palisade-sec/palisade"}

// testRules is the registry behind the fixture report. PAL-PSS-001 is
// deliberately missing, so writers meet a finding without rule metadata.
func testRules(t testing.TB) *finding.Registry {
	t.Helper()
	reg, err := finding.NewRegistry(
		&finding.Rule{
			ID: "PAL-DF-001", Control: control.DockerfileLint, Severity: finding.High, Family: "tags",
			Title:       "Base image uses the latest tag",
			Doc:         "A FROM line without a tag or with the latest tag builds from whatever the registry serves that day, so builds are not reproducible and a compromised tag goes unnoticed.",
			Remediation: "Pin the base image to a version tag and a digest.",
			Aliases:     []finding.Alias{{Tool: "hadolint", ID: "DL3007"}, {Tool: "trivy", ID: "DS-0001"}},
		},
		&finding.Rule{
			ID: "PAL-DF-002", Control: control.DockerfileLint, Severity: finding.Medium, Family: "root-user",
			Title:       "Last USER is root",
			Doc:         "The container runs as root when the last USER instruction names root or no USER is set.",
			Remediation: "Add a USER instruction with a non-root user after the last step that needs root.",
			Aliases:     []finding.Alias{{Tool: "hadolint", ID: "DL3002"}, {Tool: "checkov", ID: "CKV_DOCKER_8"}},
		},
		&finding.Rule{
			ID: "PAL-DF-003", Control: control.DockerfileLint, Severity: finding.Low, Family: "package-managers",
			Title:       "apt-get install without --no-install-recommends",
			Doc:         "Recommended packages enlarge the image and its attack surface.",
			Remediation: "Add --no-install-recommends to apt-get install.",
			Aliases:     []finding.Alias{{Tool: "hadolint", ID: "DL3015"}},
		},
		&finding.Rule{
			ID: "PAL-SEC-001", Control: control.Secrets, Severity: finding.Critical, Family: "literal-secret",
			Title:       "Secret stored in plain text",
			Doc:         "A credential is written in plain text where anyone who can read the file, the image or the object can use it.",
			Remediation: "Move the value to a Secret or an external secret store and reference it.",
		},
		&finding.Rule{
			ID: "PAL-VULN-001", Control: control.ImageScanning, Severity: finding.High, Family: "os-packages",
			Title:       "Package with a known vulnerability",
			Doc:         "An installed package version is affected by a published vulnerability.",
			Remediation: "Upgrade the package to a fixed version or rebuild on a patched base image.",
			Aliases:     []finding.Alias{{Tool: "trivy", ID: "vuln"}},
		},
		&finding.Rule{
			ID: "PAL-K8S-001", Control: control.Namespaces, Severity: finding.Info, Family: "default-namespace",
			Title:       "Workload in the default namespace",
			Doc:         "Workloads in the default namespace share it with everything else that forgot to set one.",
			Remediation: "Deploy the workload into a namespace of its own.",
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func newFinding(t testing.TB, reg *finding.Registry, id, target, msg string, loc finding.Location) finding.Finding {
	t.Helper()
	rule, ok := reg.Get(id)
	if !ok {
		// A rule the registry does not know: fill what a check would.
		return finding.Finding{RuleID: id, Control: control.PodSecurity, Severity: finding.High,
			Title: "Privileged container", Message: msg, Target: target, Location: loc,
			Remediation: "Remove securityContext.privileged."}
	}
	f := rule.New(msg)
	f.Target = target
	f.Location = loc
	return f
}

// fixtureReport is a small but complete report: several targets and kinds,
// every severity, a finding without a line, a file inside an image, a rule
// without metadata, a suppressed finding, an error and a clean target.
func fixtureReport(t testing.TB) *Report {
	t.Helper()
	reg := testRules(t)
	nf := func(id, target, msg string, loc finding.Location) finding.Finding {
		return newFinding(t, reg, id, target, msg, loc)
	}
	const image = "docker.io/library/nginx:1.25"
	targets := []Target{
		{Name: "prod", Kind: "cluster", Controls: []control.ID{control.PodSecurity, control.Namespaces}},
		{Name: "Dockerfile", Kind: "dockerfile", Controls: []control.ID{control.DockerfileLint, control.SecureImages}},
		{Name: "deploy/web.yaml", Kind: "manifest", Controls: []control.ID{control.Secrets, control.PodSecurity, control.Namespaces}},
		{Name: image, Kind: "image", Controls: []control.ID{control.ImageScanning, control.Secrets}},
		{Name: "k8s/clean.yaml", Kind: "manifest", Controls: []control.ID{control.PodSecurity}},
		{Name: "charts/broken", Kind: "chart"},
	}
	secret := nf("PAL-SEC-001", "deploy/web.yaml", `container "app" sets AWS_SECRET_ACCESS_KEY to a literal value <redacted> & more`,
		finding.Location{File: "deploy/web.yaml", StartLine: 14, EndLine: 15})
	secret.Evidence = "AWS_SECRET_ACCESS_KEY=AKIA****************"
	secret.Related = []finding.Location{{File: "deploy/web.yaml", StartLine: 3, EndLine: 3}}
	root := nf("PAL-DF-002", "Dockerfile", "last USER is root", finding.Location{File: "Dockerfile", StartLine: 9, EndLine: 9})
	root.Related = []finding.Location{{File: "Dockerfile", StartLine: 1}}
	fs := []finding.Finding{
		nf("PAL-VULN-001", image, "openssl 3.0.11-1~deb12u2 is affected by CVE-2023-5678, fixed in 3.0.13-1~deb12u1", finding.Location{}),
		nf("PAL-SEC-001", image, "etc/app/config.env holds a private key", finding.Location{File: "etc/app/config.env", StartLine: 2}),
		root,
		nf("PAL-DF-001", "Dockerfile", `FROM ubuntu:latest uses the "latest" tag`, finding.Location{File: "Dockerfile", StartLine: 1, EndLine: 1}),
		secret,
		nf("PAL-K8S-001", "prod", "Deployment web runs in namespace default", finding.Location{}),
		nf("PAL-PSS-001", "prod", "Deployment default/web runs a privileged container", finding.Location{}),
	}
	sup := []Suppressed{{
		Finding: nf("PAL-DF-003", "Dockerfile", "apt-get install without --no-install-recommends", finding.Location{File: "Dockerfile", StartLine: 4}),
		Reason:  "slim base image is rebuilt weekly",
		Source:  ".palisade.yaml",
	}}
	errs := []Error{{Target: "charts/broken", Message: `rendering chart: template: web/templates/deploy.yaml:3: unexpected "}" in operand`}}
	return Build(testTool, targets, fs, sup, errs, reg.Get)
}

// render writes r in one format and fails the test on error.
func render(t testing.TB, r *Report, f Format, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, r, f, o); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s: verify the diff, then commit it", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file: %v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./internal/report -update and review the diff)\n%s", path, firstDifference(want, got))
	}
}

// firstDifference shows the first line where two outputs differ.
func firstDifference(want, got []byte) string {
	wl := strings.Split(string(want), "\n")
	gl := strings.Split(string(got), "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, w, g)
		}
	}
	return "outputs differ only in length"
}

func TestGolden(t *testing.T) {
	r := fixtureReport(t)
	tests := []struct {
		name   string
		format Format
		opts   Options
	}{
		{"report.table.golden", Table, Options{}},
		{"report.table-color.golden", Table, Options{Color: true}},
		{"report.json.golden", JSON, Options{}},
		{"report.sarif.golden", SARIF, Options{}},
		{"report.junit.golden", JUnit, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, render(t, r, tt.format, tt.opts))
		})
	}
}

// TestBuildKeepsInputs checks that Build sorts copies, not the caller's
// slices, and that its output does not depend on input order.
func TestBuildKeepsInputs(t *testing.T) {
	reg := testRules(t)
	a := newFinding(t, reg, "PAL-DF-001", "b", "m", finding.Location{StartLine: 2})
	b := newFinding(t, reg, "PAL-DF-002", "a", "m", finding.Location{StartLine: 1})
	sup := []Suppressed{{Finding: a, Reason: "x"}, {Finding: b, Reason: "y"}}
	errs := []Error{{Target: "z", Message: "1"}, {Target: "a", Message: "2"}}
	r1 := Build(testTool, nil, []finding.Finding{a, b}, sup, errs, reg.Get)
	if sup[0].Finding.Target != "b" || errs[0].Target != "z" {
		t.Error("Build reordered the caller's slices")
	}
	r2 := Build(testTool, nil, []finding.Finding{b, a}, []Suppressed{sup[1], sup[0]}, []Error{errs[1], errs[0]}, reg.Get)
	if !bytes.Equal(render(t, r1, JSON, Options{}), render(t, r2, JSON, Options{})) {
		t.Error("Build output depends on input order")
	}
	if r1.Targets == nil {
		t.Error("Targets is nil; JSON would write null")
	}
	if len(r1.Rules) != 2 {
		t.Errorf("Rules = %d, want the rules of findings and suppressed findings (2)", len(r1.Rules))
	}
}
