package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"

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
	for i, f := range r.Findings {
		if i == 0 || f.Target != r.Findings[i-1].Target {
			if i > 0 {
				ew.printf("\n")
			}
			ew.printf("%s\n", paint(o.Color, "\x1b[1m", printable(f.Target)))
		}
		sev := fmt.Sprintf("%-8s", strings.ToUpper(f.Severity.String()))
		fields := []string{paint(o.Color, severityColor[f.Severity], sev), printable(f.RuleID)}
		if loc := tableLocation(f.Location); loc != "" {
			fields = append(fields, loc)
		}
		fields = append(fields, printable(f.Message))
		ew.printf("  %s\n", strings.Join(fields, " "))
		if f.Remediation != "" {
			ew.printf("           fix: %s\n", printable(f.Remediation))
		}
	}
	if len(r.Findings) == 0 {
		ew.printf("No findings.\n")
	}
	if len(r.Errors) > 0 {
		ew.printf("\nErrors (not assessed):\n")
		for _, e := range r.Errors {
			ew.printf("  %s: %s\n", printable(e.Target), printable(e.Message))
		}
	}
	if len(r.Suppressed) > 0 {
		ew.printf("\n%d finding(s) suppressed by ignores.\n", len(r.Suppressed))
	}
	writeSummaries(ew, r.Summaries)
	ew.printf("\n")
	writeMatrix(ew, r, o)
	return ew.err
}

// tableLocation is "file:line", "file", "line N" or "" when nothing is known.
func tableLocation(l finding.Location) string {
	switch {
	case l.File != "" && l.StartLine > 0:
		return fmt.Sprintf("%s:%d", printable(l.File), l.StartLine)
	case l.File != "":
		return printable(l.File)
	case l.StartLine > 0:
		return fmt.Sprintf("line %d", l.StartLine)
	}
	return ""
}

// printable makes text from scanned input safe for a terminal: control
// characters (ESC sequences could rewrite the screen or hide a finding),
// line and paragraph separators, bidirectional overrides (which reorder
// what is shown) and invalid UTF-8 are shown as Go escapes, so a message
// cannot start a fake line of output. A tab becomes a space.
func printable(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unsafeRune) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t':
			b.WriteByte(' ')
		case unsafeRune(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' ||
		('\u202a' <= r && r <= '\u202e') || ('\u2066' <= r && r <= '\u2069')
}

// writeSummaries prints each target's counts by class and its facts,
// dimensions and keys in sorted order.
func writeSummaries(ew *errWriter, sums []Summary) {
	for _, s := range sums {
		if len(s.Counts) == 0 && len(s.Facts) == 0 {
			continue
		}
		ew.printf("\n%s\n", printable(s.Target))
		for _, dim := range slices.Sorted(maps.Keys(s.Counts)) {
			var parts []string
			for _, class := range slices.Sorted(maps.Keys(s.Counts[dim])) {
				parts = append(parts, fmt.Sprintf("%d %s", s.Counts[dim][class], class))
			}
			ew.printf("  %s: %s\n", dim, printable(strings.Join(parts, ", ")))
		}
		for _, k := range slices.Sorted(maps.Keys(s.Facts)) {
			ew.printf("  %s: %s\n", k, printable(s.Facts[k]))
		}
	}
}

// writeMatrix prints the compact layer x phase summary.
func writeMatrix(ew *errWriter, r *Report, o Options) {
	status := map[control.ID]ControlResult{}
	for _, c := range r.Controls {
		status[c.ID] = c
	}
	// The status column is padded here, not by the tabwriter, which would
	// count the invisible bytes of the color codes as width.
	width := len("STATUS")
	for _, st := range []Status{Failed, Passed, NotAssessed} {
		width = max(width, len(st))
	}
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "CONTROL\tLAYER/PHASE\t%-*s  FINDINGS\n", width, "STATUS")
	for _, l := range control.Layers {
		for _, p := range control.Phases {
			for _, c := range control.In(l, p) {
				res := status[c.ID]
				st := paint(o.Color, statusColor[res.Status], string(res.Status)) + strings.Repeat(" ", max(0, width-len(res.Status)))
				fmt.Fprintf(tw, "%s\t%s/%s\t%s  %s\n", c.ID, l, p, st, countSummary(res.Findings))
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
