// Package inventory lists what is installed in an image: its operating
// system and the packages of every ecosystem palisade knows (dpkg, apk,
// rpm, Go and Rust binaries, Python, npm, Java archives, Ruby gems).
//
// Each cataloger is a pure parser (ParseDpkgStatus, ParseAPKInstalled,
// ...) plus an image.Analyzer that declares the files it wants; FromContents
// assembles the final inventory from a walked image, keeping only what the
// final file system still holds and the layer that put each package there.
// The vulnerability matcher consumes Inventory.Packages.
package inventory

import (
	"cmp"
	"slices"
	"strings"
)

// Type is a package ecosystem, named as package URL types are.
type Type string

const (
	Deb    Type = "deb"
	APK    Type = "apk"
	RPM    Type = "rpm"
	Golang Type = "golang"
	PyPI   Type = "pypi"
	NPM    Type = "npm"
	Maven  Type = "maven"
	Cargo  Type = "cargo"
	Gem    Type = "gem"
)

// OSTypes are the types installed by the operating system's package
// manager; the others are language packages.
var OSTypes = []Type{Deb, APK, RPM}

// Package is one installed package.
type Package struct {
	// Name is the package name as its ecosystem writes it: the dpkg or
	// rpm binary package, the apk package, the Go module path, the
	// Python distribution, "group:artifact" for Maven, "@scope/name"
	// for npm. Go binaries also list their toolchain as "stdlib".
	Name string `json:"name"`
	// Version is the installed version in the ecosystem's own syntax,
	// comparable with that ecosystem's rules: dpkg "[epoch:]upstream[-revision]",
	// rpm "[epoch:]version-release" (epoch only when set), apk
	// "1.2.3-r0", Go "v1.2.3" (stdlib "1.22.1"), semver for npm and Cargo.
	Version string `json:"version"`
	Type    Type   `json:"type"`
	// Arch is the architecture of OS packages ("amd64", "x86_64", "noarch").
	Arch string `json:"arch,omitempty"`
	// SourceName and SourceVersion name the source package that OS
	// advisories are written against: dpkg Source:, apk origin, the rpm
	// source RPM. Empty when the same as Name and Version.
	SourceName    string `json:"sourceName,omitempty"`
	SourceVersion string `json:"sourceVersion,omitempty"`
	// Licenses are SPDX identifiers or expressions when the package
	// declares them so, else the text it declares.
	Licenses []string `json:"licenses,omitempty"`
	// PURL is the package URL (https://github.com/package-url/purl-spec).
	PURL string `json:"purl"`
	// Layer is the index of the layer that installed this version (0 is
	// the base layer) and LayerDiffID that layer's diffID.
	Layer       int    `json:"layer"`
	LayerDiffID string `json:"layerDiffId,omitempty"`
	// File is the image path the package was found in: the package
	// database, the binary, the metadata file or the archive (with
	// "!inner.jar" for nested Java archives).
	File string `json:"file"`
}

// Source returns the source package name and version, defaulting to the
// binary package's own.
func (p *Package) Source() (name, version string) {
	name, version = p.SourceName, p.SourceVersion
	if name == "" {
		name = p.Name
	}
	if version == "" {
		version = p.Version
	}
	return name, version
}

// IsOS reports whether the OS package manager installed the package.
func (p *Package) IsOS() bool { return slices.Contains(OSTypes, p.Type) }

// Inventory is what an image holds.
type Inventory struct {
	OS       OS        `json:"os"`
	Packages []Package `json:"packages"`
	// Errors are package databases or files that could not be parsed.
	Errors []FileError `json:"errors,omitempty"`
}

// FileError is a file a cataloger could not parse.
type FileError struct {
	File    string `json:"file"`
	Layer   int    `json:"layer"`
	Message string `json:"message"`
}

// Sort orders packages by type, name, version, file.
func Sort(ps []Package) {
	slices.SortFunc(ps, func(a, b Package) int {
		return cmp.Or(
			cmp.Compare(a.Type, b.Type),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Version, b.Version),
			cmp.Compare(a.Arch, b.Arch),
			cmp.Compare(a.File, b.File),
		)
	})
}

// Count returns the number of packages of the given types (all when none).
func (inv *Inventory) Count(types ...Type) int {
	n := 0
	for _, p := range inv.Packages {
		if len(types) == 0 || slices.Contains(types, p.Type) {
			n++
		}
	}
	return n
}

// splitFields splits "a, b" lists.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
