package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings from Info (lowest) to Critical (highest).
// The zero value is invalid so that a forgotten severity is caught by tests.
type Severity int

const (
	Info Severity = iota + 1
	Low
	Medium
	High
	Critical
)

var severityNames = map[Severity]string{Info: "info", Low: "low", Medium: "medium", High: "high", Critical: "critical"}

// Severities lists every severity from lowest to highest.
var Severities = []Severity{Info, Low, Medium, High, Critical}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// Valid reports whether s is one of the five severities.
func (s Severity) Valid() bool { _, ok := severityNames[s]; return ok }

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	for sev, n := range severityNames {
		if n == l {
			return sev, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: use one of critical, high, medium, low, info", s)
}

func (s Severity) MarshalText() ([]byte, error) {
	if !s.Valid() {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
