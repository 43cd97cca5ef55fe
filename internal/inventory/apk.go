package inventory

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseAPKInstalled parses Alpine's installed database
// (/lib/apk/db/installed): stanzas of single-letter keys, P name,
// V version, A arch, o origin (the source package), L license.
// Malformed lines and stanzas are skipped and reported in the error,
// which comes with the packages that did parse.
func ParseAPKInstalled(r io.Reader) ([]Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []Package
	var errs []error
	var cur Package
	started := false
	startLine, n := 0, 0
	flush := func() {
		if !started {
			return
		}
		switch {
		case cur.Name == "":
			errs = append(errs, fmt.Errorf("line %d: package without a name (P:)", startLine))
		case cur.Version == "":
			errs = append(errs, fmt.Errorf("line %d: package %s has no version (V:)", startLine, cur.Name))
		default:
			if cur.SourceName == cur.Name {
				cur.SourceName = ""
			}
			out = append(out, cur)
		}
		cur, started = Package{Type: APK}, false
	}
	cur.Type = APK
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			flush()
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			if len(errs) < 10 {
				errs = append(errs, fmt.Errorf("line %d: %q is not a KEY:value line", n, clipText(line)))
			}
			continue
		}
		if !started {
			started, startLine = true, n
		}
		v := line[2:]
		switch line[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.SourceName = v
		case 'L':
			if v != "" {
				cur.Licenses = []string{v}
			}
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("line %d: %w", n+1, err))
	}
	flush()
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("parsing the apk database: %w", err)
	}
	return out, nil
}
