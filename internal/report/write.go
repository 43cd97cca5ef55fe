package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Format is an output format name as given to --format.
type Format string

const (
	Table Format = "table"
	JSON  Format = "json"
	SARIF Format = "sarif"
	JUnit Format = "junit"
)

// Formats lists the accepted --format values.
var Formats = []Format{Table, JSON, SARIF, JUnit}

// ParseFormat accepts a format name in any case.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q: use one of %s", s, strings.Join(names, ", "))
}

// Options tune the writers.
type Options struct {
	// Color enables ANSI colors in the table; set it only for terminals.
	Color bool
}

// Write renders r in format f.
func Write(w io.Writer, r *Report, f Format, o Options) error {
	switch f {
	case Table:
		return writeTable(w, r, o)
	case JSON:
		return writeJSON(w, r)
	case SARIF:
		return writeSARIF(w, r)
	case JUnit:
		return writeJUnit(w, r)
	}
	return fmt.Errorf("unknown format %q", f)
}

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
