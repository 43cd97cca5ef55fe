package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Lock files list what a package manager resolved, not what is installed
// (node_modules, when present, is catalogued on its own). The yarn and
// pnpm parsers list the packages resolved from a registry: workspace
// members, links, portals, local directories and tarballs, git and URL
// dependencies are left out, since they have no registry version that
// advisories could be matched against. Development dependencies are
// included: a lock file does not say whether they were installed.

// ParseYarnLock parses a yarn.lock of either format: yarn 1's own format
// ("# yarn lockfile v1") and the YAML of yarn 2 and later (berry, with a
// __metadata entry). A package installed under an alias
// ("lodash@npm:lodash-es@^4.17.21") is listed under its real name.
func ParseYarnLock(b []byte) ([]Package, error) {
	var out []Package
	var err error
	if isBerryLock(b) {
		out, err = parseBerryLock(b)
	} else {
		out, err = parseYarnV1Lock(b)
	}
	out = dedupe(out)
	Sort(out)
	return out, err
}

// isBerryLock reports whether a yarn.lock is in the YAML format.
func isBerryLock(b []byte) bool {
	return bytes.HasPrefix(b, []byte("__metadata:")) || bytes.Contains(b, []byte("\n__metadata:"))
}

type yarnV1Entry struct {
	descriptors []string
	version     string
	resolved    string
}

func parseYarnV1Lock(b []byte) ([]Package, error) {
	var out []Package
	var cur *yarnV1Entry
	flush := func() {
		if cur == nil {
			return
		}
		if p, ok := cur.pkg(); ok {
			out = append(out, p)
		}
		cur = nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			flush()
			if !strings.HasSuffix(trimmed, ":") {
				return out, fmt.Errorf("parsing yarn.lock: line %d: an entry starts without a trailing colon: not a yarn lockfile", n)
			}
			ds, err := splitYarnDescriptors(strings.TrimSuffix(trimmed, ":"))
			if err != nil {
				return out, fmt.Errorf("parsing yarn.lock: line %d: %w", n, err)
			}
			cur = &yarnV1Entry{descriptors: ds}
			continue
		}
		// Fields of the entry are indented by two spaces; deeper lines
		// belong to "dependencies:" and similar blocks.
		if cur == nil || strings.HasPrefix(line, "   ") || strings.HasPrefix(line, "\t\t") {
			continue
		}
		key, val, _ := strings.Cut(trimmed, " ")
		val = unquoteYarn(strings.TrimSpace(val))
		switch strings.TrimSuffix(key, ":") {
		case "version":
			cur.version = val
		case "resolved":
			cur.resolved = val
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("parsing yarn.lock: %w", err)
	}
	return out, nil
}

// splitYarnDescriptors splits an entry header such as
// `"@babel/core@^7.0.0", "@babel/core@^7.1.0"` into its descriptors.
func splitYarnDescriptors(s string) ([]string, error) {
	var out []string
	for s != "" {
		s = strings.TrimLeft(s, " ")
		var d string
		if strings.HasPrefix(s, `"`) {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, errors.New("unterminated quote in an entry header")
			}
			d, s = s[1:end+1], s[end+2:]
		} else {
			d, s, _ = strings.Cut(s, ",")
			d = strings.TrimSpace(d)
			s = "," + s
		}
		if d != "" {
			out = append(out, d)
		}
		s = strings.TrimLeft(s, " ")
		if s != "" {
			if s[0] != ',' {
				return nil, fmt.Errorf("unexpected %q in an entry header", clipString(s, 20))
			}
			s = s[1:]
		}
	}
	return out, nil
}

func unquoteYarn(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return s[1 : len(s)-1]
	}
	return s
}

// splitDescriptor splits "name@range" ("@scope/name@range") at the "@"
// after the name.
func splitDescriptor(d string) (name, rng string, ok bool) {
	if len(d) < 2 {
		return "", "", false
	}
	i := strings.IndexByte(d[1:], '@')
	if i < 0 {
		return d, "", false
	}
	return d[:i+1], d[i+2:], true
}

// registryRange reports whether a descriptor range is resolved from a
// registry (a semver range, a tag, or an npm: alias of one).
func registryRange(r string) bool {
	if strings.Contains(r, "://") {
		return false
	}
	for _, p := range []string{"file:", "link:", "portal:", "workspace:", "exec:", "patch:", "git:", "git+", "git@", "github:", "gitlab:", "bitbucket:", "gist:"} {
		if strings.HasPrefix(r, p) {
			return false
		}
	}
	// GitHub shorthand: "user/repo" or "user/repo#ref".
	if !strings.HasPrefix(r, "npm:") && !strings.HasPrefix(r, "@") && strings.Contains(r, "/") {
		return false
	}
	return true
}

func (e *yarnV1Entry) pkg() (Package, bool) {
	if e.version == "" || len(e.descriptors) == 0 {
		return Package{}, false
	}
	for _, p := range []string{"file:", "link:", "git+", "git:", "git@"} {
		if strings.HasPrefix(e.resolved, p) {
			return Package{}, false
		}
	}
	name := ""
	registry := false
	for _, d := range e.descriptors {
		n, r, ok := splitDescriptor(d)
		if !ok {
			continue
		}
		if name == "" {
			name = n
		}
		if !registryRange(r) {
			continue
		}
		registry = true
		// An alias installs another package: "npm:real-name@range".
		if target, ok := strings.CutPrefix(r, "npm:"); ok {
			if tn, _, ok := splitDescriptor(target); ok {
				name = tn
			}
		}
	}
	if name == "" || !registry || !plausibleVersion(e.version) {
		return Package{}, false
	}
	return Package{Name: name, Version: e.version, Type: NPM}, true
}

// plausibleVersion reports whether v looks like a registry version.
func plausibleVersion(v string) bool {
	return v != "" && v[0] >= '0' && v[0] <= '9' && !strings.ContainsAny(v, " /:@") && !strings.HasSuffix(v, "-use.local")
}

type berryEntry struct {
	Version    string `yaml:"version"`
	Resolution string `yaml:"resolution"`
}

func parseBerryLock(b []byte) ([]Package, error) {
	var doc map[string]berryEntry
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing yarn.lock (yarn 2+ format): %w", err)
	}
	var out []Package
	for key, e := range doc {
		if key == "__metadata" {
			continue
		}
		if name, ok := berryRegistryPackage(e.Resolution, 0); ok && plausibleVersion(e.Version) {
			out = append(out, Package{Name: name, Version: e.Version, Type: NPM})
		}
	}
	return out, nil
}

// berryRegistryPackage reads a berry resolution ("ms@npm:2.1.2",
// "typescript@patch:typescript@npm%3A5.4.5#...") and returns the package
// name when it comes from the registry, directly or patched.
func berryRegistryPackage(res string, depth int) (string, bool) {
	name, ref, ok := splitDescriptor(res)
	if !ok || depth > 2 {
		return "", false
	}
	proto, rest, ok := strings.Cut(ref, ":")
	if !ok {
		return "", false
	}
	switch proto {
	case "npm":
		return name, true
	case "patch":
		// The patched package's own locator, URL-encoded, before "#".
		inner, _, _ := strings.Cut(rest, "#")
		if u, err := url.PathUnescape(inner); err == nil {
			inner = u
		}
		if _, ok := berryRegistryPackage(inner, depth+1); ok {
			return name, true
		}
	}
	return "", false
}

// ParsePNPMLock parses pnpm-lock.yaml (lockfileVersion 5.x, 6.x and 9.x)
// and node_modules/.pnpm/lock.yaml, the copy pnpm keeps of what it
// installed. A file of several YAML documents (pnpm 10's package manager
// lock before the project's) is read document by document; a document
// that locks only pnpm itself or config dependencies is skipped.
func ParsePNPMLock(b []byte) ([]Package, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []Package
	for n := 0; n < 16; n++ {
		var doc pnpmDoc
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out = dedupe(out)
			Sort(out)
			return out, fmt.Errorf("parsing pnpm-lock.yaml: %w", err)
		}
		if doc.toolOnly() {
			continue
		}
		major := pnpmMajor(doc.LockfileVersion, doc.Packages)
		for key, p := range doc.Packages {
			if name, version, ok := pnpmPackage(key, p, major); ok {
				out = append(out, Package{Name: name, Version: version, Type: NPM})
			}
		}
	}
	out = dedupe(out)
	Sort(out)
	return out, nil
}

type pnpmDoc struct {
	LockfileVersion string                      `yaml:"lockfileVersion"`
	Importers       map[string]pnpmImporter     `yaml:"importers"`
	Dependencies    map[string]yaml.Node        `yaml:"dependencies"`
	DevDependencies map[string]yaml.Node        `yaml:"devDependencies"`
	Packages        map[string]pnpmPackageEntry `yaml:"packages"`
}

type pnpmImporter struct {
	Dependencies               map[string]yaml.Node `yaml:"dependencies"`
	DevDependencies            map[string]yaml.Node `yaml:"devDependencies"`
	OptionalDependencies       map[string]yaml.Node `yaml:"optionalDependencies"`
	PackageManagerDependencies map[string]yaml.Node `yaml:"packageManagerDependencies"`
	ConfigDependencies         map[string]yaml.Node `yaml:"configDependencies"`
}

type pnpmPackageEntry struct {
	Resolution struct {
		Integrity string `yaml:"integrity"`
		Tarball   string `yaml:"tarball"`
		Directory string `yaml:"directory"`
		Type      string `yaml:"type"`
		Repo      string `yaml:"repo"`
	} `yaml:"resolution"`
}

// toolOnly reports whether a document locks only the package manager
// itself or pnpm's config dependencies.
func (d *pnpmDoc) toolOnly() bool {
	if len(d.Dependencies)+len(d.DevDependencies) > 0 {
		return false
	}
	tool := false
	for _, imp := range d.Importers {
		if len(imp.Dependencies)+len(imp.DevDependencies)+len(imp.OptionalDependencies) > 0 {
			return false
		}
		if len(imp.PackageManagerDependencies)+len(imp.ConfigDependencies) > 0 {
			tool = true
		}
	}
	return tool
}

// pnpmMajor returns the lockfile format's major version, guessing from
// the package keys when the header is missing or odd.
func pnpmMajor(v string, pkgs map[string]pnpmPackageEntry) int {
	v = strings.Trim(strings.TrimSpace(v), `'"`)
	head, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(head); err == nil && n > 0 {
		return n
	}
	for k := range pkgs {
		if !strings.HasPrefix(k, "/") {
			return 9
		}
		if _, _, ok := splitDescriptor(k[1:]); ok {
			return 6
		}
		return 5
	}
	return 9
}

// pnpmPackage reads one key of "packages": "/name/1.0.0_peer" (v5),
// "/name@1.0.0(peer@2.0.0)" (v6), "name@1.0.0" (v9); "@scope/name" for
// scoped packages. Keys of tarball, git and directory dependencies name
// no registry version and are skipped.
func pnpmPackage(key string, p pnpmPackageEntry, major int) (name, version string, ok bool) {
	r := p.Resolution
	if r.Directory != "" || r.Type == "directory" || r.Type == "git" || r.Repo != "" || strings.HasPrefix(r.Tarball, "file:") {
		return "", "", false
	}
	if major < 9 {
		rest, ok := strings.CutPrefix(key, "/")
		if !ok {
			return "", "", false
		}
		key = rest
	}
	key, _, _ = strings.Cut(key, "(") // peer suffix (v6+)
	if major < 6 {
		i := strings.LastIndexByte(key, '/')
		if i <= 0 {
			return "", "", false
		}
		name, version = key[:i], key[i+1:]
		version, _, _ = strings.Cut(version, "_") // peer suffix (v5)
	} else {
		var found bool
		name, version, found = splitDescriptor(key)
		if !found {
			return "", "", false
		}
	}
	// The name and version fields of an entry belong to tarball and git
	// dependencies, whose keys are URLs: such keys fail the checks below.
	if name == "" || strings.ContainsAny(name, ":") || !plausibleVersion(version) {
		return "", "", false
	}
	return name, version, true
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
