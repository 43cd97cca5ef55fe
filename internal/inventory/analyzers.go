package inventory

import (
	"bytes"
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/image"
)

// Analyzer names.
const (
	AnalyzerOS        = "os"
	AnalyzerDpkg      = "dpkg"
	AnalyzerDpkgLic   = "dpkg-copyright"
	AnalyzerAPK       = "apk"
	AnalyzerRPM       = "rpm"
	AnalyzerBinary    = "binary"
	AnalyzerPython    = "python"
	AnalyzerNPM       = "npm"
	AnalyzerNPMLock   = "npm-lock"
	AnalyzerYarnLock  = "yarn-lock"
	AnalyzerPNPMLock  = "pnpm-lock"
	AnalyzerJava      = "java"
	AnalyzerGem       = "gem"
	maxSmallDB        = 64 << 20
	maxMetadataFile   = 4 << 20
	maxCopyrightFile  = 1 << 20
	minBinarySize     = 1 << 10
	maxOSReleaseBytes = 64 << 10
)

// FileResult is what a package analyzer found in one file.
type FileResult struct {
	Packages []Package `json:"p,omitempty"`
	Err      string    `json:"e,omitempty"`
}

// cataloger adapts a parser to image.Analyzer.
type cataloger struct {
	name     string
	version  int
	limit    int64
	required func(p string, info fs.FileInfo) bool
	parse    func(f *image.File) ([]Package, error)
	// group, when set, names the main file of a wanted file that must be
	// read together with others of its layer (image.Grouped).
	group func(p string) (main string, ok bool)
}

var _ image.Analyzer = (*cataloger)(nil)
var _ image.Limited = (*cataloger)(nil)
var _ image.Grouped = (*cataloger)(nil)

func (c *cataloger) GroupOf(p string) (string, bool) {
	if c.group == nil {
		return "", false
	}
	return c.group(p)
}

func (c *cataloger) Name() string                          { return c.name }
func (c *cataloger) Version() int                          { return c.version }
func (c *cataloger) Limit() (int64, bool)                  { return c.limit, false }
func (c *cataloger) Decode(b []byte) (any, error)          { return image.DecodeJSON[FileResult](b) }
func (c *cataloger) Required(p string, i fs.FileInfo) bool { return c.required(p, i) }
func (c *cataloger) Analyze(_ context.Context, f *image.File) (any, error) {
	ps, err := c.parse(f)
	if err == nil && len(ps) == 0 {
		return nil, nil
	}
	r := FileResult{Packages: ps}
	if err != nil {
		r.Err = err.Error()
	}
	return r, nil
}

// osAnalyzer keeps the small files OS detection reads.
type osAnalyzer struct{}

func (osAnalyzer) Name() string                 { return AnalyzerOS }
func (osAnalyzer) Version() int                 { return 1 }
func (osAnalyzer) Limit() (int64, bool)         { return maxOSReleaseBytes, true }
func (osAnalyzer) Decode(b []byte) (any, error) { return image.DecodeJSON[string](b) }
func (osAnalyzer) Required(p string, _ fs.FileInfo) bool {
	return slices.Contains(OSFiles, p)
}
func (osAnalyzer) Analyze(_ context.Context, f *image.File) (any, error) {
	b, err := f.Bytes(maxOSReleaseBytes)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// copyrightAnalyzer reads the licenses of dpkg packages from
// /usr/share/doc/PKG/copyright.
type copyrightAnalyzer struct{}

func (copyrightAnalyzer) Name() string                 { return AnalyzerDpkgLic }
func (copyrightAnalyzer) Version() int                 { return 1 }
func (copyrightAnalyzer) Limit() (int64, bool)         { return maxCopyrightFile, true }
func (copyrightAnalyzer) Decode(b []byte) (any, error) { return image.DecodeJSON[[]string](b) }
func (copyrightAnalyzer) Required(p string, _ fs.FileInfo) bool {
	rest, ok := strings.CutPrefix(p, "usr/share/doc/")
	return ok && strings.Count(rest, "/") == 1 && strings.HasSuffix(rest, "/copyright")
}
func (copyrightAnalyzer) Analyze(_ context.Context, f *image.File) (any, error) {
	b, err := f.Bytes(maxCopyrightFile)
	if err != nil {
		return nil, err
	}
	if l := ParseDebianCopyright(b); len(l) > 0 {
		return l, nil
	}
	return nil, nil
}

func regular(i fs.FileInfo) bool { return i.Mode().IsRegular() }

// Analyzers returns the analyzers the inventory needs, new on each call.
func Analyzers() []image.Analyzer {
	return []image.Analyzer{
		osAnalyzer{},
		copyrightAnalyzer{},
		goLicenseAnalyzer{},
		&cataloger{name: AnalyzerDpkg, version: 1, limit: maxSmallDB,
			required: func(p string, i fs.FileInfo) bool {
				if p == "var/lib/dpkg/status" {
					return true
				}
				rest, ok := strings.CutPrefix(p, "var/lib/dpkg/status.d/")
				return ok && !strings.Contains(rest, "/") && !strings.HasSuffix(rest, ".md5sums")
			},
			parse: func(f *image.File) ([]Package, error) { return ParseDpkgStatus(f.Reader()) },
		},
		&cataloger{name: AnalyzerAPK, version: 1, limit: maxSmallDB,
			required: func(p string, _ fs.FileInfo) bool { return p == "lib/apk/db/installed" },
			parse:    func(f *image.File) ([]Package, error) { return ParseAPKInstalled(f.Reader()) },
		},
		&cataloger{name: AnalyzerRPM, version: 2, limit: 1 << 30,
			required: func(p string, _ fs.FileInfo) bool {
				dir, base := path.Split(p)
				return rpmDBDir(dir) && (slices.Contains(RPMDatabases, base) || base == rpmSQLite+"-wal")
			},
			group: func(p string) (string, bool) {
				switch dir, base := path.Split(p); base {
				case rpmSQLite:
					return p, true
				case rpmSQLite + "-wal":
					return dir + rpmSQLite, true
				}
				return "", false
			},
			parse: parseRPMFile,
		},
		&cataloger{name: AnalyzerBinary, version: 1, limit: image.DefaultMaxFileSize,
			required: func(p string, i fs.FileInfo) bool {
				e, ok := i.Sys().(*image.Entry)
				return ok && e.Executable() && e.Size >= minBinarySize
			},
			parse: func(f *image.File) ([]Package, error) {
				var magic [4]byte
				if n, _ := f.ReaderAt().ReadAt(magic[:], 0); n < 4 || !bytes.Equal(magic[:], []byte("\x7fELF")) {
					return nil, nil
				}
				ps, err := ParseGoBinary(f.ReaderAt())
				if err != nil || len(ps) > 0 {
					return ps, err
				}
				return ParseRustAuditable(f.ReaderAt())
			},
		},
		&cataloger{name: AnalyzerPython, version: 1, limit: maxMetadataFile,
			required: func(p string, i fs.FileInfo) bool {
				return regular(i) && (strings.HasSuffix(p, ".dist-info/METADATA") || strings.HasSuffix(p, ".egg-info/PKG-INFO") || strings.HasSuffix(p, ".egg-info"))
			},
			parse: func(f *image.File) ([]Package, error) { return ParsePythonMetadata(f.Reader()) },
		},
		&cataloger{name: AnalyzerNPM, version: 1, limit: maxMetadataFile,
			required: func(p string, _ fs.FileInfo) bool { return npmPackageJSON(p) },
			parse: func(f *image.File) ([]Package, error) {
				b, err := f.Bytes(maxMetadataFile)
				if err != nil {
					return nil, err
				}
				return ParseNPMPackageJSON(b)
			},
		},
		&cataloger{name: AnalyzerNPMLock, version: 1, limit: maxSmallDB,
			required: func(p string, _ fs.FileInfo) bool {
				return path.Base(p) == "package-lock.json" && !strings.Contains(p, "node_modules/")
			},
			parse: func(f *image.File) ([]Package, error) {
				b, err := f.Bytes(maxSmallDB)
				if err != nil {
					return nil, err
				}
				return ParseNPMLock(b)
			},
		},
		&cataloger{name: AnalyzerYarnLock, version: 1, limit: maxSmallDB,
			required: func(p string, i fs.FileInfo) bool {
				return regular(i) && path.Base(p) == "yarn.lock" && !strings.Contains(p, "node_modules/")
			},
			parse: func(f *image.File) ([]Package, error) {
				b, err := f.Bytes(maxSmallDB)
				if err != nil {
					return nil, err
				}
				return ParseYarnLock(b)
			},
		},
		&cataloger{name: AnalyzerPNPMLock, version: 1, limit: maxSmallDB,
			required: func(p string, i fs.FileInfo) bool {
				if !regular(i) {
					return false
				}
				if path.Base(p) == "pnpm-lock.yaml" {
					return !strings.Contains(p, "node_modules/")
				}
				// pnpm's record of what it installed.
				return strings.HasSuffix(p, "node_modules/.pnpm/lock.yaml") && strings.Count(p, "node_modules/") == 1
			},
			parse: func(f *image.File) ([]Package, error) {
				b, err := f.Bytes(maxSmallDB)
				if err != nil {
					return nil, err
				}
				return ParsePNPMLock(b)
			},
		},
		&cataloger{name: AnalyzerJava, version: 2, limit: image.DefaultMaxFileSize,
			required: func(p string, i fs.FileInfo) bool { return regular(i) && javaArchive(p) },
			parse: func(f *image.File) ([]Package, error) {
				return ParseJavaArchive(f.ReaderAt(), f.Size, f.Path)
			},
		},
		&cataloger{name: AnalyzerGem, version: 1, limit: maxMetadataFile,
			required: func(p string, i fs.FileInfo) bool {
				return regular(i) && strings.HasSuffix(p, ".gemspec") && strings.Contains(p, "/specifications/")
			},
			parse: func(f *image.File) ([]Package, error) {
				b, err := f.Bytes(maxMetadataFile)
				if err != nil {
					return nil, err
				}
				return ParseGemspec(b)
			},
		},
	}
}

// npmPackageJSON matches node_modules/NAME/package.json and
// node_modules/@SCOPE/NAME/package.json.
func npmPackageJSON(p string) bool {
	if path.Base(p) != "package.json" {
		return false
	}
	i := strings.LastIndex(p, "node_modules/")
	if i < 0 {
		return false
	}
	rest := strings.TrimSuffix(p[i+len("node_modules/"):], "/package.json")
	switch strings.Count(rest, "/") {
	case 0:
		return !strings.HasPrefix(rest, "@") && !strings.HasPrefix(rest, ".")
	case 1:
		return strings.HasPrefix(rest, "@")
	}
	return false
}
