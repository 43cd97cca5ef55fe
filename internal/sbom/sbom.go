// Package sbom writes an image inventory as a software bill of
// materials: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
package sbom

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/palisade-sec/palisade/internal/inventory"
)

// Format is an SBOM format.
type Format string

const (
	CycloneDX Format = "cyclonedx"
	SPDX      Format = "spdx"
)

// ParseFormat accepts "cyclonedx" and "spdx" (and their -json forms).
func ParseFormat(s string) (Format, error) {
	switch strings.TrimSuffix(strings.ToLower(s), "-json") {
	case "cyclonedx", "cdx":
		return CycloneDX, nil
	case "spdx":
		return SPDX, nil
	}
	return "", fmt.Errorf("unknown SBOM format %q: use cyclonedx or spdx", s)
}

// Subject describes the image the SBOM is about.
type Subject struct {
	// Name is how the image was named: a reference or a path.
	Name string
	// Digest identifies the image content (the config digest), when known.
	Digest      string
	Tool        string
	ToolVersion string
	// Created is the document time; the zero time means now.
	Created time.Time
}

// Write writes inv in the given format.
func Write(w io.Writer, f Format, s Subject, inv *inventory.Inventory) error {
	if s.Created.IsZero() {
		s.Created = time.Now()
	}
	s.Created = s.Created.UTC().Truncate(time.Second)
	if s.Tool == "" {
		s.Tool = "palisade"
	}
	if s.ToolVersion == "" {
		s.ToolVersion = "dev"
	}
	switch f {
	case CycloneDX:
		return writeCycloneDX(w, s, inv)
	case SPDX:
		return writeSPDX(w, s, inv)
	}
	return fmt.Errorf("unknown SBOM format %q", f)
}

// spdxIDs are license identifiers of the SPDX list that packages declare
// most; a license outside it is written as a name (CycloneDX) or
// NOASSERTION with the text in a comment (SPDX), never as an invalid ID.
var spdxIDs = []string{
	"0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-1.1", "Apache-2.0", "Artistic-1.0", "Artistic-2.0",
	"BSD-2-Clause", "BSD-3-Clause", "BSD-4-Clause", "BSL-1.0", "CC-BY-4.0", "CC0-1.0", "EPL-1.0", "EPL-2.0",
	"GPL-1.0-or-later", "GPL-2.0-only", "GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
	"LGPL-2.0-only", "LGPL-2.0-or-later", "LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only", "LGPL-3.0-or-later",
	"MIT", "MIT-0", "MPL-1.1", "MPL-2.0", "OpenSSL", "PSF-2.0", "Python-2.0", "Ruby", "Unlicense", "WTFPL", "X11", "Zlib",
}

func spdxID(l string) (string, bool) {
	for _, id := range spdxIDs {
		if strings.EqualFold(id, l) {
			return id, true
		}
	}
	return "", false
}

// uuidFrom makes a stable RFC 4122 (version 5 layout) UUID from parts, so
// the same inventory gives the same document identifiers.
func uuidFrom(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func fingerprint(s Subject, inv *inventory.Inventory) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", s.Name, s.Digest, s.Created.Format(time.RFC3339))
	for _, p := range inv.Packages {
		fmt.Fprintf(h, "%s %s\n", p.PURL, p.File)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// refs gives every package a unique reference: its purl, made unique by
// the file it was found in when the same purl appears twice.
func refs(ps []inventory.Package) []string {
	count := map[string]int{}
	for _, p := range ps {
		count[p.PURL]++
	}
	out := make([]string, len(ps))
	seen := map[string]int{}
	for i, p := range ps {
		r := p.PURL
		if count[r] > 1 {
			seen[r]++
			r += "#" + strconv.Itoa(seen[r])
		}
		out[i] = r
	}
	return out
}

func writeCycloneDX(w io.Writer, s Subject, inv *inventory.Inventory) error {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + uuidFrom(fingerprint(s, inv))
	imageRef := "image:" + s.Name
	imgComp := cdx.Component{BOMRef: imageRef, Type: cdx.ComponentTypeContainer, Name: s.Name}
	if s.Digest != "" {
		imgComp.Version = s.Digest
	}
	bom.Metadata = &cdx.Metadata{
		Timestamp: s.Created.Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: s.Tool, Version: s.ToolVersion,
		}}},
		Component: &imgComp,
	}
	var comps []cdx.Component
	var deps []string
	if inv.OS.ID != "" {
		ref := "os:" + inv.OS.ID + "@" + inv.OS.Version
		comps = append(comps, cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeOS, Name: inv.OS.ID, Version: inv.OS.Version, Description: inv.OS.Name})
		deps = append(deps, ref)
	}
	for i, p := range inv.Packages {
		ref := refs(inv.Packages)[i]
		c := cdx.Component{
			BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL,
		}
		if p.Type == inventory.Maven {
			if g, a, ok := strings.Cut(p.Name, ":"); ok {
				c.Group, c.Name = g, a
			}
		}
		if len(p.Licenses) > 0 {
			var ls cdx.Licenses
			for _, l := range p.Licenses {
				if id, ok := spdxID(l); ok {
					ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: id}})
				} else {
					ls = append(ls, cdx.LicenseChoice{License: &cdx.License{Name: l}})
				}
			}
			c.Licenses = &ls
		}
		props := []cdx.Property{
			{Name: "palisade:package:type", Value: string(p.Type)},
			{Name: "palisade:file", Value: "/" + p.File},
			{Name: "palisade:layer:index", Value: strconv.Itoa(p.Layer)},
		}
		if p.LayerDiffID != "" {
			props = append(props, cdx.Property{Name: "palisade:layer:diffID", Value: p.LayerDiffID})
		}
		if sn, sv := p.Source(); p.SourceName != "" || p.SourceVersion != "" {
			props = append(props, cdx.Property{Name: "palisade:package:source", Value: sn + "@" + sv})
		}
		if p.Arch != "" {
			props = append(props, cdx.Property{Name: "palisade:package:arch", Value: p.Arch})
		}
		c.Properties = &props
		comps = append(comps, c)
		deps = append(deps, ref)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: imageRef, Dependencies: &deps}}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

func writeSPDX(w io.Writer, s Subject, inv *inventory.Inventory) error {
	fp := fingerprint(s, inv)
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      s.Name,
		DocumentNamespace: "https://github.com/palisade-sec/palisade/spdx/" + sanitize(s.Name) + "-" + uuidFrom(fp),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: s.Tool + "-" + s.ToolVersion}},
			Created:  s.Created.Format(time.RFC3339),
		},
	}
	imageID := common.ElementID("Image")
	img := &spdx.Package{
		PackageName: s.Name, PackageSPDXIdentifier: imageID, PackageVersion: s.Digest,
		PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION",
		PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: "CONTAINER", IsFilesAnalyzedTagPresent: true,
	}
	doc.Packages = append(doc.Packages, img)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", string(imageID)), Relationship: common.TypeRelationshipDescribe,
	})
	contains := func(id common.ElementID) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", string(imageID)), RefB: common.MakeDocElementID("", string(id)), Relationship: common.TypeRelationshipContains,
		})
	}
	if inv.OS.ID != "" {
		id := common.ElementID("OperatingSystem-" + sanitize(inv.OS.ID))
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName: inv.OS.ID, PackageSPDXIdentifier: id, PackageVersion: inv.OS.Version,
			PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: "NOASSERTION",
			PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: "OPERATING_SYSTEM", IsFilesAnalyzedTagPresent: true,
		})
		contains(id)
	}
	rs := refs(inv.Packages)
	for i, p := range inv.Packages {
		id := common.ElementID("Package-" + uuidFrom(rs[i])[:18])
		declared, comment := "NOASSERTION", ""
		var ids []string
		for _, l := range p.Licenses {
			if x, ok := spdxID(l); ok {
				ids = append(ids, x)
			}
		}
		if len(ids) == len(p.Licenses) && len(ids) > 0 {
			declared = strings.Join(ids, " AND ")
		} else if len(p.Licenses) > 0 {
			comment = "declared: " + strings.Join(p.Licenses, "; ")
		}
		purpose := "LIBRARY"
		sp := &spdx.Package{
			PackageName: p.Name, PackageSPDXIdentifier: id, PackageVersion: p.Version,
			PackageDownloadLocation: "NOASSERTION", PackageLicenseConcluded: "NOASSERTION", PackageLicenseDeclared: declared,
			PackageLicenseComments: comment, PackageCopyrightText: "NOASSERTION", PrimaryPackagePurpose: purpose,
			IsFilesAnalyzedTagPresent: true,
			PackageSourceInfo:         fmt.Sprintf("found in /%s (layer %d %s)", p.File, p.Layer, p.LayerDiffID),
			PackageExternalReferences: []*spdx.PackageExternalReference{{Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: p.PURL}},
		}
		if p.SourceName != "" || p.SourceVersion != "" {
			sn, sv := p.Source()
			sp.PackageComment = "source package " + sn + " " + sv
		}
		doc.Packages = append(doc.Packages, sp)
		contains(id)
	}
	return spdxjson.Write(doc, w, spdxjson.Indent("  "))
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
