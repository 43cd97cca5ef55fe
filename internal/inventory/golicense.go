package inventory

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/google/licensecheck"

	"github.com/palisade-sec/palisade/internal/image"
)

// Licenses of Go modules.
//
// A Go binary does not carry the licenses of the modules it was built
// from: debug/buildinfo records module paths, versions and checksums,
// nothing more, so from a binary alone they are not knowable. palisade
// finds them where the module's own source is in the image:
//
//   - a module cache ($GOMODCACHE, e.g. /go/pkg/mod/PATH@VERSION/LICENSE,
//     as builder images and single-stage builds leave it);
//   - a vendor directory (vendor/PATH/LICENSE, which `go mod vendor`
//     copies from each module's root) with its vendor/modules.txt, which
//     gives each vendored module's version.
//
// A license applies to a binary's module only when path and version
// match exactly. The license text is identified with licensecheck; text
// it does not recognize gives no license rather than a guess. The
// standard library ("stdlib") is under Go's BSD-3-Clause license.

// AnalyzerGoLicense names the analyzer of Go module license files and
// vendor/modules.txt.
const AnalyzerGoLicense = "go-license"

// maxLicenseFile bounds the license files read.
const maxLicenseFile = 256 << 10

// GoModuleLicense is what the go-license analyzer found in one file: the
// licenses of the module whose root holds a license file, or the modules
// a vendor/modules.txt lists (Vendored, path -> version).
type GoModuleLicense struct {
	// Module and Version are set for the module cache; for a vendor
	// directory Module is the path below vendor/ and Vendor the vendor
	// directory, and the version comes from its modules.txt.
	Module   string            `json:"m,omitempty"`
	Version  string            `json:"v,omitempty"`
	Vendor   string            `json:"d,omitempty"`
	Licenses []string          `json:"l,omitempty"`
	Vendored map[string]string `json:"mods,omitempty"`
}

type goLicenseAnalyzer struct{}

var _ image.Analyzer = goLicenseAnalyzer{}
var _ image.Limited = goLicenseAnalyzer{}

func (goLicenseAnalyzer) Name() string         { return AnalyzerGoLicense }
func (goLicenseAnalyzer) Version() int         { return 1 }
func (goLicenseAnalyzer) Limit() (int64, bool) { return maxLicenseFile, false }
func (goLicenseAnalyzer) Decode(b []byte) (any, error) {
	return image.DecodeJSON[GoModuleLicense](b)
}

func (goLicenseAnalyzer) Required(p string, i fs.FileInfo) bool {
	if !regular(i) {
		return false
	}
	if path.Base(p) == "modules.txt" {
		return path.Base(path.Dir(p)) == "vendor"
	}
	if !licenseFileName(path.Base(p)) {
		return false
	}
	_, _, ok := goModuleCacheRoot(path.Dir(p))
	if !ok {
		_, _, ok = goVendorRoot(path.Dir(p))
	}
	return ok
}

func (goLicenseAnalyzer) Analyze(_ context.Context, f *image.File) (any, error) {
	b, err := f.Bytes(maxLicenseFile)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(f.Path)
	if path.Base(f.Path) == "modules.txt" {
		mods := ParseVendorModules(b)
		if len(mods) == 0 {
			return nil, nil
		}
		return GoModuleLicense{Vendor: dir, Vendored: mods}, nil
	}
	ids := IdentifyLicense(b)
	if len(ids) == 0 {
		return nil, nil
	}
	if mod, ver, ok := goModuleCacheRoot(dir); ok {
		return GoModuleLicense{Module: mod, Version: ver, Licenses: ids}, nil
	}
	if vendor, mod, ok := goVendorRoot(dir); ok {
		return GoModuleLicense{Module: mod, Vendor: vendor, Licenses: ids}, nil
	}
	return nil, nil
}

// licenseFileName matches LICENSE, LICENSE.txt, LICENCE.md, COPYING,
// LICENSE-MIT and the like.
func licenseFileName(base string) bool {
	u := strings.ToUpper(base)
	for _, p := range []string{"LICENSE", "LICENCE", "COPYING"} {
		if rest, ok := strings.CutPrefix(u, p); ok {
			return rest == "" || rest[0] == '.' || rest[0] == '-' || rest[0] == '_'
		}
	}
	return false
}

// goModuleCacheRoot reads a module cache directory such as
// "go/pkg/mod/github.com/!burnt!sushi/toml@v1.3.2" into the module path
// and version (unescaped: "!b" is "B").
func goModuleCacheRoot(dir string) (module, version string, ok bool) {
	i := strings.LastIndex(dir, "pkg/mod/")
	if i < 0 || (i > 0 && dir[i-1] != '/') {
		return "", "", false
	}
	rest := dir[i+len("pkg/mod/"):]
	if strings.HasPrefix(rest, "cache/") {
		return "", "", false
	}
	at := strings.LastIndexByte(rest, '@')
	if at <= 0 || strings.Contains(rest[at:], "/") {
		return "", "", false // the license is not in the module's root
	}
	module, ok1 := unescapeModulePath(rest[:at])
	version, ok2 := unescapeModulePath(rest[at+1:])
	if !ok1 || !ok2 || !plausibleModulePath(module) || version == "" || strings.ContainsAny(version, "@ ") {
		return "", "", false
	}
	return module, version, true
}

// plausibleModulePath reports whether p can be a module path: elements
// separated by "/", none empty or starting with a dot, no "@", a dot in
// the first element (a domain) unless the module is local.
func plausibleModulePath(p string) bool {
	if p == "" || strings.ContainsAny(p, "@ \\") || !strings.Contains(p, ".") && !strings.Contains(p, "/") {
		return false
	}
	for _, e := range strings.Split(p, "/") {
		if e == "" || e[0] == '.' || e[0] == '-' {
			return false
		}
	}
	return true
}

// unescapeModulePath undoes the module cache's case encoding: "!x" for
// the upper-case letter "X".
func unescapeModulePath(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '!' {
			if unicode.IsUpper(rune(c)) {
				return "", false // the cache never holds upper-case letters
			}
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) || s[i+1] < 'a' || s[i+1] > 'z' {
			return "", false
		}
		i++
		b.WriteByte(s[i] - 'a' + 'A')
	}
	return b.String(), true
}

// goVendorRoot splits "src/app/vendor/github.com/x/y" into the vendor
// directory and the path below it.
func goVendorRoot(dir string) (vendor, rel string, ok bool) {
	var i int
	switch {
	case strings.HasPrefix(dir, "vendor/"):
		i = 0
	default:
		j := strings.Index(dir, "/vendor/")
		if j < 0 {
			return "", "", false
		}
		i = j + 1
	}
	vendor, rel = dir[:i+len("vendor")], dir[i+len("vendor/"):]
	if !plausibleModulePath(rel) || !strings.Contains(rel, "/") {
		return "", "", false
	}
	return vendor, rel, true
}

// ParseVendorModules reads vendor/modules.txt: "# PATH VERSION" lines,
// or "# PATH VERSION => NEWPATH NEWVERSION" for replaced modules (whose
// source, and so license, is the replacement's, vendored under PATH).
// Modules replaced by a local directory have no version and are left
// out.
func ParseVendorModules(b []byte) map[string]string {
	mods := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "# ")
		if !ok {
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && strings.HasPrefix(f[1], "v"):
			mods[f[0]] = f[1]
		case len(f) == 5 && f[2] == "=>" && strings.HasPrefix(f[4], "v"):
			// The binary's build info lists the replacement.
			mods[f[0]] = f[3] + "@" + f[4]
		}
		if len(mods) > 100_000 {
			break
		}
	}
	return mods
}

// IdentifyLicense returns the SPDX identifiers of the licenses a license
// file holds, nil when licensecheck recognizes too little of it.
func IdentifyLicense(text []byte) []string {
	cov := licensecheck.Scan(text)
	if cov.Percent < 75 {
		return nil
	}
	var ids []string
	for _, m := range cov.Match {
		if !m.IsURL && !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// goLicenses indexes the Go module licenses found in the final file
// system by "path@version".
func goLicenses(c *image.Contents) map[string][]string {
	out := map[string][]string{}
	vendored := map[string]map[string]string{} // vendor dir -> module -> version
	var inVendor []GoModuleLicense
	for _, r := range c.ResultsOf(AnalyzerGoLicense) {
		if !c.View.Visible(r.Layer, r.Path) {
			continue
		}
		l, ok := r.Value.(GoModuleLicense)
		if !ok {
			continue
		}
		switch {
		case l.Vendored != nil:
			vendored[l.Vendor] = l.Vendored
		case l.Vendor != "":
			inVendor = append(inVendor, l)
		case l.Module != "":
			out[l.Module+"@"+l.Version] = l.Licenses
		}
	}
	for _, l := range inVendor {
		v, ok := vendored[l.Vendor][l.Module]
		if !ok {
			continue // a package directory, or not a module of modules.txt
		}
		key := l.Module + "@" + v
		if strings.Contains(v, "@") {
			key = v // replaced: PATH@VERSION of the replacement
		}
		if _, ok := out[key]; !ok {
			out[key] = l.Licenses
		}
	}
	return out
}

// goStdlibLicense is the license of the Go standard library and toolchain.
const goStdlibLicense = "BSD-3-Clause"

func goPackageLicenses(p *Package, lic map[string][]string) []string {
	if p.Name == "stdlib" {
		return []string{goStdlibLicense}
	}
	return lic[p.Name+"@"+p.Version]
}
