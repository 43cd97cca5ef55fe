package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

// JUnit XML output, for CI dashboards that show test results.
//
// One <testsuite> per target (every target of the report, and every
// target named by a finding or an error), sorted by name. Each finding is
// a failed <testcase> whose classname is the rule ID and whose name is
// "target:line message"; a finding with a file other than its target
// (a path inside an image) is named "target file:line message". Each
// error is a <testcase> with an <error>, each suppressed finding a
// <testcase> with <skipped>. A target with neither findings nor errors
// gets one passing <testcase>, so a dashboard shows it was scanned.
//
// encoding/xml escapes all markup characters (so "]]>" is harmless, and no
// CDATA is written) and replaces characters XML 1.0 cannot carry (control
// characters, invalid UTF-8) with U+FFFD.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// Class names of the test cases that are not findings of a rule.
const (
	junitScannedClass = "palisade.scanned"
	junitErrorClass   = "palisade.error"
)

func writeJUnit(w io.Writer, r *Report) error {
	doc := buildJUnit(r)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("writing junit: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing junit: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("writing junit: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("writing junit: %w", err)
	}
	return nil
}

func buildJUnit(r *Report) junitSuites {
	suites := map[string]*junitSuite{}
	suite := func(name string) *junitSuite {
		s, ok := suites[name]
		if !ok {
			s = &junitSuite{Name: name}
			suites[name] = s
		}
		return s
	}
	for _, t := range r.Targets {
		suite(t.Name)
	}
	for _, f := range r.Findings {
		s := suite(f.Target)
		s.Failures++
		s.Cases = append(s.Cases, junitCase{
			ClassName: f.RuleID,
			Name:      junitCaseName(f),
			Failure: &junitProblem{
				Message: f.Message,
				Type:    f.Severity.String(),
				Text:    junitFailureText(f),
			},
		})
	}
	for _, sp := range r.Suppressed {
		s := suite(sp.Finding.Target)
		s.Skipped++
		msg := "suppressed"
		if sp.Reason != "" {
			msg += ": " + sp.Reason
		}
		if sp.Source != "" {
			msg += " (" + sp.Source + ")"
		}
		s.Cases = append(s.Cases, junitCase{
			ClassName: sp.Finding.RuleID,
			Name:      junitCaseName(sp.Finding),
			Skipped:   &junitSkipped{Message: msg},
		})
	}
	for _, e := range r.Errors {
		s := suite(e.Target)
		s.Errors++
		s.Cases = append(s.Cases, junitCase{
			ClassName: junitErrorClass,
			Name:      e.Target,
			Error:     &junitProblem{Message: e.Message, Type: "error", Text: e.Message},
		})
	}

	names := make([]string, 0, len(suites))
	for n := range suites {
		names = append(names, n)
	}
	slices.Sort(names)

	doc := junitSuites{Name: nonEmpty(r.Tool.Name, "palisade"), Suites: []junitSuite{}}
	for _, n := range names {
		s := suites[n]
		if s.Failures == 0 && s.Errors == 0 {
			s.Cases = append([]junitCase{{ClassName: junitScannedClass, Name: n + " passed"}}, s.Cases...)
		}
		s.Tests = len(s.Cases)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
		doc.Suites = append(doc.Suites, *s)
	}
	return doc
}

// junitCaseName is "target:line message", with the file when it is not
// the target itself and without ":line" when the line is unknown.
func junitCaseName(f finding.Finding) string {
	where := f.Target
	if f.Location.File != "" && f.Location.File != f.Target {
		where += " " + f.Location.File
	}
	if f.Location.StartLine > 0 {
		where += fmt.Sprintf(":%d", f.Location.StartLine)
	}
	return strings.TrimSpace(where + " " + f.Message)
}

// junitFailureText is the body of a <failure>: the rule, then the
// remediation, then the evidence.
func junitFailureText(f finding.Finding) string {
	lines := []string{fmt.Sprintf("%s %s: %s (control %s)", strings.ToUpper(f.Severity.String()), f.RuleID, f.Title, f.Control)}
	if f.Remediation != "" {
		lines = append(lines, "Remediation: "+f.Remediation)
	}
	if f.Evidence != "" {
		lines = append(lines, "Evidence: "+f.Evidence)
	}
	return strings.Join(lines, "\n")
}
