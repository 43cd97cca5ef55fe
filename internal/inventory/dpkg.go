package inventory

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one line of a package database.
const maxLine = 1 << 20

// paragraphs reads RFC 822-style stanzas separated by blank lines (dpkg
// status files, apk's installed database uses single-letter keys the
// same way). Continuation lines (starting with a space or tab) are
// joined to the previous field with a newline. fn gets each stanza and
// its first line number.
func paragraphs(r io.Reader, fn func(fields map[string]string, line int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	fields := map[string]string{}
	last := ""
	start, n := 0, 0
	flush := func() error {
		if len(fields) == 0 {
			return nil
		}
		err := fn(fields, start)
		fields, last = map[string]string{}, ""
		return err
	}
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			if err := flush(); err != nil {
				return err
			}
			continue
		}
		if len(fields) == 0 {
			start = n
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last != "" {
				fields[last] += "\n" + strings.TrimSpace(line)
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("line %d: %q is neither a field nor a continuation", n, clipText(line))
		}
		last = strings.TrimSpace(k)
		fields[last] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("line %d is longer than %d bytes", n+1, maxLine)
		}
		return err
	}
	return flush()
}

func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// ParseDpkgStatus parses a dpkg status database (/var/lib/dpkg/status) or
// one file of distroless's /var/lib/dpkg/status.d/. Only packages whose
// Status says installed are listed (status.d files have no Status field:
// everything in them is installed).
func ParseDpkgStatus(r io.Reader) ([]Package, error) {
	var out []Package
	err := paragraphs(r, func(f map[string]string, line int) error {
		name := f["Package"]
		if name == "" {
			return nil
		}
		if st, ok := f["Status"]; ok {
			words := strings.Fields(st)
			if len(words) != 3 || (words[2] != "installed" && words[2] != "half-configured" && words[2] != "triggers-awaited" && words[2] != "triggers-pending") {
				return nil
			}
		}
		version := f["Version"]
		if version == "" {
			return fmt.Errorf("line %d: package %s has no Version", line, name)
		}
		p := Package{Name: name, Version: version, Type: Deb, Arch: f["Architecture"]}
		if src := f["Source"]; src != "" {
			// "Source: name" or "Source: name (version)"
			sname, sver, _ := strings.Cut(src, " ")
			p.SourceName = sname
			sver = strings.TrimSpace(sver)
			if strings.HasPrefix(sver, "(") && strings.HasSuffix(sver, ")") {
				p.SourceVersion = sver[1 : len(sver)-1]
			}
			if p.SourceName == p.Name {
				p.SourceName = ""
			}
		}
		if p.SourceVersion == p.Version {
			p.SourceVersion = ""
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("parsing the dpkg database: %w", err)
	}
	return out, nil
}

// ParseDebianCopyright returns the licenses a machine-readable
// debian/copyright file (/usr/share/doc/PKG/copyright) declares in its
// License: fields, in order of first appearance.
func ParseDebianCopyright(b []byte) []string {
	if !bytes.HasPrefix(b, []byte("Format:")) {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "License:") {
			continue
		}
		l := strings.TrimSpace(strings.TrimPrefix(line, "License:"))
		if l == "" || seen[l] || len(l) > 100 {
			continue
		}
		seen[l] = true
		out = append(out, l)
	}
	return out
}
