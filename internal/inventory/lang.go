package inventory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// ParsePythonMetadata parses the metadata of an installed Python
// distribution: *.dist-info/METADATA, *.egg-info/PKG-INFO or a
// single-file *.egg-info (email-header format). Licenses come from
// License-Expression, else License, else the "License ::" classifiers.
func ParsePythonMetadata(r io.Reader) ([]Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var name, version, license, expr string
	var classifiers []string
	last := ""
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			break // the body (description) follows the headers
		}
		if line[0] == ' ' || line[0] == '\t' {
			if last == "License" {
				license += " " + strings.TrimSpace(line)
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = k
		v = strings.TrimSpace(v)
		switch k {
		case "Name":
			name = v
		case "Version":
			version = v
		case "License":
			license = v
		case "License-Expression":
			expr = v
		case "Classifier":
			if l, ok := strings.CutPrefix(v, "License :: "); ok {
				parts := strings.Split(l, " :: ")
				classifiers = append(classifiers, parts[len(parts)-1])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parsing Python metadata: %w", err)
	}
	if name == "" || version == "" {
		return nil, fmt.Errorf("parsing Python metadata: no Name or Version header")
	}
	p := Package{Name: name, Version: version, Type: PyPI}
	switch {
	case expr != "":
		p.Licenses = []string{expr}
	case license != "" && license != "UNKNOWN" && len(license) < 200 && !strings.Contains(license, "\n"):
		p.Licenses = []string{license}
	case len(classifiers) > 0:
		p.Licenses = classifiers
	}
	return []Package{p}, nil
}

// ParseNPMPackageJSON parses the package.json of an installed npm
// package (node_modules/NAME/package.json).
func ParseNPMPackageJSON(b []byte) ([]Package, error) {
	var doc struct {
		Name     string          `json:"name"`
		Version  string          `json:"version"`
		License  json.RawMessage `json:"license"`
		Licenses json.RawMessage `json:"licenses"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing package.json: %w", err)
	}
	if doc.Name == "" || doc.Version == "" {
		return nil, nil // a workspace or private manifest, not an installed package
	}
	return []Package{{Name: doc.Name, Version: doc.Version, Type: NPM, Licenses: npmLicenses(doc.License, doc.Licenses)}}, nil
}

// npmLicenses accepts "MIT", {"type":"MIT"} and [{"type":"MIT"}, "ISC"].
func npmLicenses(raws ...json.RawMessage) []string {
	var out []string
	var add func(raw json.RawMessage)
	add = func(raw json.RawMessage) {
		if len(raw) == 0 {
			return
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s != "" {
				out = append(out, s)
			}
			return
		}
		var obj struct {
			Type string `json:"type"`
		}
		if json.Unmarshal(raw, &obj) == nil && obj.Type != "" {
			out = append(out, obj.Type)
			return
		}
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil {
			for _, a := range arr {
				add(a)
			}
		}
	}
	for _, r := range raws {
		add(r)
	}
	return out
}

// ParseNPMLock parses package-lock.json (lockfileVersion 1, 2 and 3) and
// lists the locked packages (not the root project). Dev dependencies are
// included: the lock file does not say what was installed.
func ParseNPMLock(b []byte) ([]Package, error) {
	var doc struct {
		LockfileVersion int `json:"lockfileVersion"`
		Packages        map[string]struct {
			Name     string          `json:"name"`
			Version  string          `json:"version"`
			License  json.RawMessage `json:"license"`
			Link     bool            `json:"link"`
			Resolved string          `json:"resolved"`
		} `json:"packages"`
		Dependencies map[string]json.RawMessage `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing package-lock.json: %w", err)
	}
	var out []Package
	seen := map[string]bool{}
	add := func(name, version string, lic []string) {
		if name == "" || version == "" || strings.HasPrefix(version, "file:") || strings.HasPrefix(version, "link:") {
			return
		}
		k := name + "@" + version
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, Package{Name: name, Version: version, Type: NPM, Licenses: lic})
	}
	if len(doc.Packages) > 0 {
		for key, p := range doc.Packages {
			if key == "" || p.Link {
				continue
			}
			name := p.Name
			if i := strings.LastIndex(key, "node_modules/"); i >= 0 && name == "" {
				name = key[i+len("node_modules/"):]
			}
			if !strings.Contains(key, "node_modules/") {
				continue // a workspace member, not a dependency
			}
			add(name, p.Version, npmLicenses(p.License))
		}
	} else {
		var walk func(deps map[string]json.RawMessage, depth int)
		walk = func(deps map[string]json.RawMessage, depth int) {
			if depth > 64 {
				return
			}
			for name, raw := range deps {
				var d struct {
					Version      string                     `json:"version"`
					Dependencies map[string]json.RawMessage `json:"dependencies"`
				}
				if json.Unmarshal(raw, &d) != nil {
					continue
				}
				add(name, d.Version, nil)
				walk(d.Dependencies, depth+1)
			}
		}
		walk(doc.Dependencies, 0)
	}
	Sort(out)
	return out, nil
}

var (
	gemNameRe    = regexp.MustCompile(`(?m)^\s*\w+\.name\s*=\s*["']([^"']+)["']`)
	gemVersionRe = regexp.MustCompile(`(?m)^\s*\w+\.version\s*=\s*["']([^"']+)["']`)
	gemLicenseRe = regexp.MustCompile(`(?m)^\s*\w+\.licenses?\s*=\s*(\[[^\]]*\]|["'][^"']*["'])`)
	quotedRe     = regexp.MustCompile(`["']([^"']+)["']`)
)

// ParseGemspec parses an installed gem's specification
// (specifications/NAME-VERSION.gemspec, Ruby source written by RubyGems).
func ParseGemspec(b []byte) ([]Package, error) {
	name := gemNameRe.FindSubmatch(b)
	version := gemVersionRe.FindSubmatch(b)
	if name == nil || version == nil {
		return nil, fmt.Errorf("parsing the gemspec: no name or version assignment")
	}
	p := Package{Name: string(name[1]), Version: string(version[1]), Type: Gem}
	if m := gemLicenseRe.FindSubmatch(b); m != nil {
		for _, q := range quotedRe.FindAllSubmatch(m[1], -1) {
			p.Licenses = append(p.Licenses, string(q[1]))
		}
	}
	// RubyGems writes versions as Gem::Version or with .freeze.
	p.Version = strings.TrimSuffix(p.Version, ".freeze")
	if bytes.Contains(version[0], []byte("Gem::Version")) {
		return nil, fmt.Errorf("parsing the gemspec: unsupported version form")
	}
	return []Package{p}, nil
}

// dedupe drops repeated name@version pairs of a type, keeping the first.
func dedupe(ps []Package) []Package {
	seen := map[string]bool{}
	return slices.DeleteFunc(ps, func(p Package) bool {
		k := string(p.Type) + "\x00" + p.Name + "\x00" + p.Version
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
}
