package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

var severityColor = map[finding.Severity]string{
	finding.Critical: "\x1b[1;31m",
	finding.High:     "\x1b[31m",
	finding.Medium:   "\x1b[33m",
	finding.Low:      "\x1b[36m",
	finding.Info:     "\x1b[2m",
}

var statusColor = map[Status]string{Failed: "\x1b[31m", Passed: "\x1b[32m", NotAssessed: "\x1b[2m"}

const reset = "\x1b[0m"

func paint(on bool, code, s string) string {
	if !on || code == "" {
		return s
	}
	return code + s + reset
}

// writeTable prints findings grouped by target, then errors, then the
// control-matrix summary.
func writeTable(w io.Writer, r *Report, o Options) error {
	ew := &errWriter{w: w}
	target := ""
	for _, f := range r.Findings {
		if f.Target != target {
			if target != "" {
				ew.printf("\n")
			}
			target = f.Target
			ew.printf("%s\n", paint(o.Color, "\x1b[1m", target))
		}
		loc := ""
		if f.Location.StartLine > 0 {
			loc = fmt.Sprintf(":%d", f.Location.StartLine)
		}
		sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
		ew.printf("  %s %s %s%s %s\n", paint(o.Color, severityColor[f.Severity], sev), f.RuleID, shortFile(f), loc, f.Message)
		if f.Remediation != "" {
			ew.printf("           fix: %s\n", f.Remediation)
		}
	}
	if len(r.Findings) == 0 {
		ew.printf("No findings.\n")
	}
	if len(r.Errors) > 0 {
		ew.printf("\nErrors (not assessed):\n")
		for _, e := range r.Errors {
			ew.printf("  %s: %s\n", e.Target, e.Message)
		}
	}
	if len(r.Suppressed) > 0 {
		ew.printf("\n%d finding(s) suppressed by ignores.\n", len(r.Suppressed))
	}
	ew.printf("\n")
	writeMatrix(ew, r, o)
	return ew.err
}

func shortFile(f finding.Finding) string {
	if f.Location.File == "" || f.Location.File == f.Target {
		return ""
	}
	return f.Location.File
}

// writeMatrix prints the compact layer x phase summary.
func writeMatrix(ew *errWriter, r *Report, o Options) {
	status := map[control.ID]ControlResult{}
	for _, c := range r.Controls {
		status[c.ID] = c
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "CONTROL\tLAYER/PHASE\tSTATUS\tFINDINGS\n")
	for _, l := range control.Layers {
		for _, p := range control.Phases {
			for _, c := range control.In(l, p) {
				res := status[c.ID]
				fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\n", c.ID, l, p, paint(o.Color, statusColor[res.Status], string(res.Status)), countSummary(res.Findings))
			}
		}
	}
	tw.Flush()
	counts := r.Counts()
	var parts []string
	for i := len(finding.Severities) - 1; i >= 0; i-- {
		s := finding.Severities[i]
		parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
	}
	ew.printf("\n%d finding(s): %s. %d target(s) scanned.\n", len(r.Findings), strings.Join(parts, ", "), len(r.Targets))
}

func countSummary(m map[string]int) string {
	var parts []string
	for i := len(finding.Severities) - 1; i >= 0; i-- {
		s := finding.Severities[i].String()
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[s], s))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// errWriter keeps the first write error so printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, a ...any) { fmt.Fprintf(e, format, a...) }
