package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text: ü 中文 🔥", "plain text: ü 中文 🔥"},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"a\nb\r\n", `a\nb\r\n`},
		{"tab\there", "tab here"},
		{"nul\x00 del\x7f c1\u0085", `nul\x00 del\x7f c1\u0085`},
		{"bidi \u202eevil\u202c", `bidi \u202eevil\u202c`},
		{"sep\u2028", `sep\u2028`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"literal \ufffd", "literal \ufffd"},
	}
	for _, tt := range tests {
		if got := printable(tt.in); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTableNoInjection checks that scanned text cannot write escape
// sequences or extra lines to the terminal.
func TestTableNoInjection(t *testing.T) {
	evil := "msg\x1b[2K\r\x1b[32mPASSED\x1b[0m\nfake line"
	f := finding.Finding{RuleID: "PAL-T-001", Control: control.RBAC, Severity: finding.High,
		Message: evil, Remediation: evil, Target: evil, Location: finding.Location{File: evil, StartLine: 2}}
	r := Build(testTool, nil, []finding.Finding{f}, nil, []Error{{Target: evil, Message: evil}}, nil)
	for _, color := range []bool{false, true} {
		out := string(render(t, r, Table, Options{Color: color}))
		if strings.Contains(out, "\r") || strings.Contains(out, "\nfake line") || strings.Contains(out, "\x1b[2K") {
			t.Errorf("color=%v: scanned text reached the terminal raw:\n%q", color, out)
		}
	}
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// TestTableColorAlignment checks that colors do not shift the columns of
// the control matrix: without the escape codes, the colored table is the
// plain one.
func TestTableColorAlignment(t *testing.T) {
	r := fixtureReport(t)
	plain := string(render(t, r, Table, Options{}))
	color := string(render(t, r, Table, Options{Color: true}))
	if color == plain {
		t.Fatal("Color had no effect")
	}
	if stripped := ansi.ReplaceAllString(color, ""); stripped != plain {
		t.Errorf("colored table without its escape codes differs from the plain table\n%s", firstDifference([]byte(plain), []byte(stripped)))
	}
	for _, line := range strings.Split(plain, "\n") {
		if strings.HasPrefix(line, "CONTROL") {
			if !strings.Contains(line, "STATUS        FINDINGS") {
				t.Errorf("header = %q", line)
			}
		}
	}
}

func TestTableLocation(t *testing.T) {
	tests := []struct {
		loc  finding.Location
		want string
	}{
		{finding.Location{}, ""},
		{finding.Location{File: "Dockerfile"}, "Dockerfile"},
		{finding.Location{File: "Dockerfile", StartLine: 3}, "Dockerfile:3"},
		{finding.Location{StartLine: 3}, "line 3"},
	}
	for _, tt := range tests {
		if got := tableLocation(tt.loc); got != tt.want {
			t.Errorf("tableLocation(%+v) = %q, want %q", tt.loc, got, tt.want)
		}
	}
}
