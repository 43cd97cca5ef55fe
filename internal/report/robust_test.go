package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// hostile are strings a scanned file can put into a finding.
var hostile = map[string]string{
	"empty":             "",
	"control chars":     "a\x00b\x01c\x07d\x08e\x0bf\x0cg\x1b[31mred\x1b[0m\x7fh\u0085i",
	"terminal escape":   "\x1b]0;pwned\x07\x1b[2J\x1b[1A",
	"cdata end":         "]]> <![CDATA[x]]> </testcase></testsuite>",
	"markup":            `"quotes" & 'apostrophes' <b>tags</b> &amp;`,
	"invalid utf-8":     "\xff\xfe bad \xc3\x28 \xed\xa0\x80 surrogate",
	"xml non-chars":     "\ufffe\uffff\U0010FFFF",
	"line breaks":       "one\r\ntwo\rthree\nfour\tfive\u2028six\u2029",
	"bidi and emoji":    "\u202eevil\u202c 🔥 ü é 中文",
	"sarif link":        `see [docs](https://evil.example) \[x\]`,
	"uri characters":    `C:\dir\a b?c#d%e:f/../../etc/passwd`,
	"long and hostile":  strings.Repeat("A\x1b]]>", 20_000),
	"256 KiB":           strings.Repeat("x", 256<<10),
	"replacement char":  "\ufffd literal",
	"percent sequences": "%00%zz%",
}

// hostileReport puts s into every free-text field of a report.
func hostileReport(s string) *Report {
	f := finding.Finding{
		RuleID: "PAL-T-001", Control: control.Secrets, Severity: finding.High,
		Title: s, Message: s, Remediation: s, Evidence: s, Fix: s, Target: s,
		Location: finding.Location{File: s, StartLine: 3, EndLine: 4},
		Related:  []finding.Location{{File: s, StartLine: 1}},
	}
	noLine := f
	noLine.Location = finding.Location{}
	noLine.Message = s + " (no line)"
	rule := &finding.Rule{ID: "PAL-T-001", Control: control.Secrets, Severity: finding.High, Title: "t", Doc: s, Remediation: s,
		Aliases: []finding.Alias{{Tool: s, ID: s}}, Family: s}
	return Build(testTool,
		[]Target{{Name: s, Kind: s}, {Name: s + "img", Kind: "image"}},
		[]finding.Finding{f, noLine},
		[]Suppressed{{Finding: f, Reason: s, Source: s}},
		[]Error{{Target: s, Message: s}},
		func(string) (*finding.Rule, bool) { return rule, true })
}

func TestHostileText(t *testing.T) {
	for name, s := range hostile {
		t.Run(name, func(t *testing.T) {
			r := hostileReport(s)

			js := render(t, r, JSON, Options{})
			if !json.Valid(js) {
				t.Fatal("JSON output is not valid JSON")
			}
			if err := validate(reportSchemaT(t), js); err != nil {
				t.Errorf("JSON output does not match docs/report.schema.json: %v", err)
			}

			checkSARIF(t, render(t, r, SARIF, Options{}))
			checkJUnit(t, r, render(t, r, JUnit, Options{}))

			table := render(t, r, Table, Options{})
			if !utf8.Valid(table) {
				t.Error("table output is not valid UTF-8")
			}
			if i := bytes.IndexFunc(table, func(r rune) bool { return r != '\n' && (r < 0x20 || (0x7f <= r && r < 0xa0)) }); i >= 0 {
				t.Errorf("table output holds control character %q at byte %d", table[i], i)
			}
		})
	}
}

// checkSARIF validates SARIF output against the official schema and checks
// that every artifact URI is a clean URI reference.
func checkSARIF(t testing.TB, b []byte) {
	t.Helper()
	if !json.Valid(b) {
		t.Fatal("SARIF output is not valid JSON")
	}
	if err := validate(sarifSchemaT(t), b); err != nil {
		t.Fatalf("SARIF output does not match the SARIF 2.1.0 schema: %v", err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k == "artifactLocation" {
					checkURIReference(t, e.(map[string]any)["uri"].(string))
				}
				if k == "startLine" || k == "endLine" {
					if n := e.(float64); n < 1 {
						t.Errorf("%s = %v", k, n)
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		}
	}
	walk(decodeSARIF(t, b))
}

// xmlText is what an XML reader sees of s after encoding/xml wrote it:
// characters outside the XML 1.0 range, and invalid UTF-8, are U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// checkJUnit checks that JUnit output is well-formed, that its counts match
// the report, and that the finding text survives the round trip.
func checkJUnit(t testing.TB, r *Report, b []byte) {
	t.Helper()
	doc := decodeJUnit(t, b)
	var failures, errs, skipped int
	var messages []string
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
				messages = append(messages, c.Failure.Message)
			}
			if c.Error != nil {
				errs++
			}
			if c.Skipped != nil {
				skipped++
			}
		}
	}
	if failures != len(r.Findings) || errs != len(r.Errors) || skipped != len(r.Suppressed) {
		t.Errorf("failures/errors/skipped = %d/%d/%d, report has %d/%d/%d", failures, errs, skipped, len(r.Findings), len(r.Errors), len(r.Suppressed))
	}
	for _, f := range r.Findings {
		want := xmlText(f.Message)
		found := false
		for _, m := range messages {
			if m == want {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("finding message %.80q does not survive the XML round trip", f.Message)
		}
	}
}

func FuzzJUnit(f *testing.F) {
	for _, s := range hostile {
		if len(s) < 1000 {
			f.Add(s, s, s, s, 3)
		}
	}
	f.Add("Dockerfile", "Dockerfile", "FROM uses latest", "pin it", 0)
	f.Fuzz(func(t *testing.T, target, file, message, extra string, line int) {
		fs := []finding.Finding{{
			RuleID: "PAL-T-001", Control: control.RBAC, Severity: finding.Medium, Title: extra,
			Message: message, Remediation: extra, Evidence: extra, Target: target,
			Location: finding.Location{File: file, StartLine: line},
		}}
		r := Build(testTool, []Target{{Name: target}, {Name: extra}}, fs,
			[]Suppressed{{Finding: fs[0], Reason: extra, Source: file}},
			[]Error{{Target: file, Message: extra}}, nil)
		var buf bytes.Buffer
		if err := Write(&buf, r, JUnit, Options{}); err != nil {
			t.Fatal(err)
		}
		checkJUnit(t, r, buf.Bytes())
	})
}

func FuzzSARIF(f *testing.F) {
	for _, s := range hostile {
		if len(s) < 1000 {
			f.Add(s, s, s, "image", 3)
		}
	}
	f.Add("alpine:3.19", "/etc/shadow", "private key", "image", 0)
	f.Add("deploy/web.yaml", `deploy\web.yaml`, "privileged", "manifest", 12)
	f.Fuzz(func(t *testing.T, target, file, message, kind string, line int) {
		fs := []finding.Finding{{
			RuleID: "PAL-T-001", Control: control.RBAC, Severity: finding.Medium, Title: message,
			Message: message, Target: target, Location: finding.Location{File: file, StartLine: line, EndLine: line + 1},
			Related: []finding.Location{{File: file, StartLine: -line}},
		}}
		r := Build(testTool, []Target{{Name: target, Kind: kind}}, fs,
			[]Suppressed{{Finding: fs[0], Reason: message}}, []Error{{Target: target, Message: message}}, nil)
		var buf bytes.Buffer
		if err := Write(&buf, r, SARIF, Options{}); err != nil {
			t.Fatal(err)
		}
		checkSARIF(t, buf.Bytes())
	})
}
