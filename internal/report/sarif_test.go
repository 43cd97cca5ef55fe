package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// decodeSARIF parses SARIF output into generic JSON for inspection.
func decodeSARIF(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return doc
}

// path walks a generic JSON value: strings are object keys, ints indexes.
func path(t testing.TB, v any, steps ...any) any {
	t.Helper()
	for _, s := range steps {
		switch k := s.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not an object at %q", steps, k)
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("%v: no index %d", steps, k)
			}
			v = a[k]
		}
	}
	return v
}

func TestSARIFValidAgainstOfficialSchema(t *testing.T) {
	sch := sarifSchemaT(t)
	reports := map[string]*Report{
		"fixture":           fixtureReport(t),
		"empty":             Build(Tool{Name: "palisade", Version: "dev"}, nil, nil, nil, nil, nil),
		"relative tool URI": Build(Tool{Name: "palisade", URI: "docs/index.html"}, nil, nil, nil, nil, nil),
		"no rule metadata": Build(Tool{}, nil, []finding.Finding{{
			RuleID: "PAL-X-001", Control: control.RBAC, Severity: finding.Low, Target: "/abs/rbac.yaml",
			Location: finding.Location{File: `C:\repo\rbac.yaml`, StartLine: 3, EndLine: 1},
		}}, nil, []Error{{Message: "no target"}}, nil),
	}
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			out := render(t, r, SARIF, Options{})
			if err := validate(sch, out); err != nil {
				t.Fatalf("SARIF output does not match the SARIF 2.1.0 schema:\n%v\n%s", err, out)
			}
		})
	}
}

// TestSARIFSchemaRejectsBrokenDocuments proves that validation really runs:
// the schema is compiled with its references resolved and formats asserted,
// so each of these deliberate faults must fail.
func TestSARIFSchemaRejectsBrokenDocuments(t *testing.T) {
	sch := sarifSchemaT(t)
	good := render(t, fixtureReport(t), SARIF, Options{})
	if err := validate(sch, good); err != nil {
		t.Fatalf("the unbroken document must pass: %v", err)
	}
	firstResult := func(d map[string]any) map[string]any {
		return path(t, d, "runs", 0, "results", 0).(map[string]any)
	}
	physical := func(d map[string]any) map[string]any {
		return path(t, firstResult(d), "locations", 0, "physicalLocation").(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(d map[string]any)
	}{
		{"no version", func(d map[string]any) { delete(d, "version") }},
		{"wrong version", func(d map[string]any) { d["version"] = "2.0.0" }},
		{"unknown top-level property", func(d map[string]any) { d["palisade"] = true }},
		{"empty object", func(d map[string]any) { clear(d) }},
		{"runs not an array", func(d map[string]any) { d["runs"] = "one" }},
		{"tool without driver", func(d map[string]any) { delete(path(t, d, "runs", 0, "tool").(map[string]any), "driver") }},
		{"bad result level", func(d map[string]any) { firstResult(d)["level"] = "fatal" }},
		{"result without message", func(d map[string]any) { delete(firstResult(d), "message") }},
		{"negative ruleIndex", func(d map[string]any) { firstResult(d)["ruleIndex"] = -2 }},
		{"startLine 0", func(d map[string]any) { physical(d)["region"] = map[string]any{"startLine": 0} }},
		{"uri with backslash", func(d map[string]any) {
			physical(d)["artifactLocation"] = map[string]any{"uri": `dir\Dockerfile`}
		}},
		{"informationUri not absolute", func(d map[string]any) {
			path(t, d, "runs", 0, "tool", "driver").(map[string]any)["informationUri"] = "palisade"
		}},
		{"bad suppression kind", func(d map[string]any) {
			firstResult(d)["suppressions"] = []any{map[string]any{"kind": "ignored"}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := decodeSARIF(t, good)
			tt.mutate(doc)
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, b); err == nil {
				t.Errorf("a SARIF document with %s passed validation", tt.name)
			}
		})
	}
}

func TestSARIFSeverityMapping(t *testing.T) {
	tests := []struct {
		sev   finding.Severity
		level string
		score string
	}{
		{finding.Critical, "error", "9.5"},
		{finding.High, "error", "8.0"},
		{finding.Medium, "warning", "5.5"},
		{finding.Low, "note", "3.0"},
		{finding.Info, "note", "1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.sev.String(), func(t *testing.T) {
			rule := &finding.Rule{ID: "PAL-T-001", Control: control.RBAC, Severity: tt.sev, Title: "t", Doc: "d"}
			f := rule.New("m")
			f.Target = "x.yaml"
			r := Build(testTool, nil, []finding.Finding{f}, nil, nil, func(string) (*finding.Rule, bool) { return rule, true })
			doc := decodeSARIF(t, render(t, r, SARIF, Options{}))
			if got := path(t, doc, "runs", 0, "results", 0, "level"); got != tt.level {
				t.Errorf("result level = %v, want %s", got, tt.level)
			}
			rd := path(t, doc, "runs", 0, "tool", "driver", "rules", 0)
			if got := path(t, rd, "defaultConfiguration", "level"); got != tt.level {
				t.Errorf("rule level = %v, want %s", got, tt.level)
			}
			if got := path(t, rd, "properties", "security-severity"); got != tt.score {
				t.Errorf("security-severity = %v, want %q", got, tt.score)
			}
		})
	}
}

func TestSARIFStructure(t *testing.T) {
	r := fixtureReport(t)
	doc := decodeSARIF(t, render(t, r, SARIF, Options{}))
	run := path(t, doc, "runs", 0)
	if n := len(doc["runs"].([]any)); n != 1 {
		t.Fatalf("runs = %d, want 1", n)
	}
	if got := path(t, run, "tool", "driver", "name"); got != "palisade" {
		t.Errorf("driver name = %v", got)
	}
	rules := path(t, run, "tool", "driver", "rules").([]any)
	results := path(t, run, "results").([]any)
	if want := len(r.Findings) + len(r.Suppressed); len(results) != want {
		t.Fatalf("results = %d, want %d (findings and suppressed)", len(results), want)
	}
	fingerprints := map[string]bool{}
	for i, res := range results {
		id := path(t, res, "ruleId").(string)
		idx := int(path(t, res, "ruleIndex").(float64))
		if got := path(t, rules[idx], "id"); got != id {
			t.Errorf("result %d: ruleIndex %d points at %v, want %s", i, idx, got, id)
		}
		fp := path(t, res, "partialFingerprints", fingerprintKey).(string)
		if fingerprints[fp] {
			t.Errorf("result %d: fingerprint %s repeats", i, fp)
		}
		fingerprints[fp] = true
		if path(t, res, "properties", "control") == "" || path(t, res, "properties", "severity") == "" {
			t.Errorf("result %d: no control or severity property", i)
		}
	}
	for i, rd := range rules {
		tags := path(t, rd, "properties", "tags").([]any)
		if len(tags) < 2 || tags[0] != "security" || tags[1] != path(t, rd, "properties", "control") {
			t.Errorf("rule %d: tags = %v, want [security, control, ...]", i, tags)
		}
		for _, k := range []string{"text", "markdown"} {
			if s, _ := path(t, rd, "help", k).(string); s == "" {
				t.Errorf("rule %d: no help.%s", i, k)
			}
		}
	}
	// The help of a rule with aliases names them.
	help := path(t, rules[0], "help", "markdown").(string)
	if !strings.Contains(help, "`hadolint:DL3007`") || !strings.Contains(help, "Pin the base image") {
		t.Errorf("help.markdown misses aliases or remediation:\n%s", help)
	}

	last := results[len(results)-1]
	if got := path(t, last, "suppressions", 0, "kind"); got != "external" {
		t.Errorf("suppressed result: kind = %v", got)
	}
	if got := path(t, last, "suppressions", 0, "justification"); got != r.Suppressed[0].Reason {
		t.Errorf("suppressed result: justification = %v", got)
	}

	inv := path(t, run, "invocations", 0)
	if path(t, inv, "executionSuccessful") != true {
		t.Error("executionSuccessful must be true")
	}
	msg := path(t, inv, "toolExecutionNotifications", 0, "message", "text").(string)
	if !strings.HasPrefix(msg, "charts/broken: rendering chart") {
		t.Errorf("notification = %q", msg)
	}
}

func TestSARIFNeverWritesLineZero(t *testing.T) {
	locs := []finding.Location{{}, {File: "a"}, {File: "a", StartLine: -3}, {File: "a", EndLine: 4}, {File: "a", StartLine: 5, EndLine: 2}}
	var fs []finding.Finding
	for i, l := range locs {
		fs = append(fs, finding.Finding{RuleID: "PAL-T-001", Control: control.RBAC, Severity: finding.Low, Target: "t", Message: string(rune('a' + i)), Location: l, Related: locs})
	}
	out := render(t, Build(testTool, nil, fs, nil, nil, nil), SARIF, Options{})
	if err := validate(sarifSchemaT(t), out); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`"startLine": 0`, `"endLine": 0`, `"startLine": -`, `"endLine": 2`} {
		if bytes.Contains(out, []byte(bad)) {
			t.Errorf("output contains %s", bad)
		}
	}
}

func TestSARIFArtifactLocation(t *testing.T) {
	tests := []struct {
		name, target, file, kind string
		uri, base                string
	}{
		{"relative file", "Dockerfile", "Dockerfile", "dockerfile", "Dockerfile", srcRoot},
		{"dot slash", "x", "./build/Dockerfile", "", "build/Dockerfile", srcRoot},
		{"windows separators", "x", `deploy\web.yaml`, "manifest", "deploy/web.yaml", srcRoot},
		{"parent dir", "x", "../other/Dockerfile", "", "../other/Dockerfile", srcRoot},
		{"absolute", "x", "/srv/app/Dockerfile", "", "file:///srv/app/Dockerfile", ""},
		{"windows absolute", "x", `C:\src\Dockerfile`, "", "file:///C:/src/Dockerfile", ""},
		{"spaces and percent", "x", "my dir/50%.yaml", "", "my%20dir/50%25.yaml", srcRoot},
		{"query and fragment chars", "x", "a?b#c.yaml", "", "a%3Fb%23c.yaml", srcRoot},
		{"non-ASCII", "x", "é.yaml", "", "%C3%A9.yaml", srcRoot},
		{"colon in first segment", "x", "a:b/c.yaml", "", "a%3Ab/c.yaml", srcRoot},
		{"target without file", "k8s/web.yaml", "", "", "k8s/web.yaml", srcRoot},
		{"image", "alpine:3.19", "", "image", "alpine%3A3.19", srcRoot},
		{"image with registry", "docker.io/library/nginx:1.25", "", "image", "docker.io/library/nginx:1.25", srcRoot},
		{"file inside an image", "alpine:3.19", "/etc/shadow", "image", "alpine%3A3.19/etc/shadow", srcRoot},
		{"cluster object", "prod/default/Deployment/web", "", "cluster", "prod/default/Deployment/web", srcRoot},
		{"node with absolute-looking name", "/node-1", "", "node", "node-1", srcRoot},
		{"no target", "", "", "", "unknown-target", srcRoot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := artifactFor(tt.target, tt.file, tt.kind)
			if got.URI != tt.uri || got.URIBaseID != tt.base {
				t.Errorf("artifactFor(%q, %q, %q) = %+v, want uri %q base %q", tt.target, tt.file, tt.kind, got, tt.uri, tt.base)
			}
			checkURIReference(t, got.URI)
		})
	}
}

var uriChars = regexp.MustCompile(`^([A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$`)

// checkURIReference fails unless s is an RFC 3986 URI reference made of
// allowed characters, and a relative one is not mistaken for a scheme.
func checkURIReference(t testing.TB, s string) {
	t.Helper()
	if !uriChars.MatchString(s) {
		t.Errorf("%q has characters a URI may not contain", s)
	}
	u, err := url.Parse(s)
	if err != nil {
		t.Errorf("%q does not parse as a URI: %v", s, err)
		return
	}
	if u.Scheme != "" && u.Scheme != "file" {
		t.Errorf("%q parses with scheme %q", s, u.Scheme)
	}
}

func TestSARIFFingerprint(t *testing.T) {
	base := finding.Finding{RuleID: "PAL-DF-001", Target: "Dockerfile", Message: "m", Location: finding.Location{File: "Dockerfile", StartLine: 1}}
	fp := fingerprint(base)
	if len(fp) != 64 {
		t.Errorf("fingerprint %q is not a hex SHA-256", fp)
	}
	same := base
	same.Severity = finding.Critical // not part of the identity
	same.Remediation = "other"
	if fingerprint(same) != fp {
		t.Error("fingerprint changed with severity or remediation")
	}
	for name, change := range map[string]func(*finding.Finding){
		"rule":    func(f *finding.Finding) { f.RuleID = "PAL-DF-002" },
		"target":  func(f *finding.Finding) { f.Target = "other" },
		"file":    func(f *finding.Finding) { f.Location.File = "other" },
		"line":    func(f *finding.Finding) { f.Location.StartLine = 2 },
		"message": func(f *finding.Finding) { f.Message = "n" },
		// The separator keeps field boundaries: "ab"+"c" is not "a"+"bc".
		"boundary": func(f *finding.Finding) { f.RuleID, f.Target = "PAL-DF-001D", "ockerfile" },
	} {
		f := base
		change(&f)
		if fingerprint(f) == fp {
			t.Errorf("fingerprint did not change with %s", name)
		}
	}
}

func TestSARIFMessageEmbeddedLinks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"containers[0] runs as root", "containers[0] runs as root"},
		{"see [docs](https://evil.example)", `see \[docs\](https://evil.example)`},
		{`odd \[x](1)`, `odd \\\[x\](1)`},
	}
	for _, tt := range tests {
		if got := sarifMessage(tt.in); got != tt.want {
			t.Errorf("sarifMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPascalCase(t *testing.T) {
	for in, want := range map[string]string{
		"Base image uses the latest tag":                  "BaseImageUsesTheLatestTag",
		"apt-get install without --no-install-recommends": "AptGetInstallWithoutNoInstallRecommends",
		"":    "",
		"---": "",
	} {
		if got := pascalCase(in); got != want {
			t.Errorf("pascalCase(%q) = %q, want %q", in, got, want)
		}
	}
}
