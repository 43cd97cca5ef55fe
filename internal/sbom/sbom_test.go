package sbom

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"

	"github.com/palisade-sec/palisade/internal/inventory"
)

func schemaT(t *testing.T, main string, files map[string]string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for url, file := range files {
		b, err := os.ReadFile("testdata/schema/" + file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile(main)
	if err != nil {
		t.Fatalf("compiling %s: %v", main, err)
	}
	return s
}

func sampleInventory() *inventory.Inventory {
	os := inventory.OS{ID: "debian", Family: "debian", Version: "12", Codename: "bookworm", Name: "Debian GNU/Linux 12 (bookworm)"}
	ps := []inventory.Package{
		{Name: "libc6", Version: "2.36-9+deb12u4", Type: inventory.Deb, Arch: "amd64", SourceName: "glibc", File: "var/lib/dpkg/status", Layer: 0, LayerDiffID: "sha256:" + strings.Repeat("a", 64)},
		{Name: "dpkg", Version: "1.21.22", Type: inventory.Deb, Arch: "amd64", Licenses: []string{"GPL-2+", "public-domain-s-s-d"}, File: "var/lib/dpkg/status"},
		{Name: "stdlib", Version: "1.22.1", Type: inventory.Golang, File: "usr/local/bin/app", Layer: 2},
		{Name: "github.com/google/uuid", Version: "v1.6.0", Type: inventory.Golang, File: "usr/local/bin/app", Layer: 2},
		{Name: "github.com/google/uuid", Version: "v1.6.0", Type: inventory.Golang, File: "usr/local/bin/other", Layer: 2},
		{Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", Type: inventory.Maven, Licenses: []string{"Apache-2.0"}, File: "app/app.jar!BOOT-INF/lib/log4j-core-2.14.1.jar"},
		{Name: "@babel/core", Version: "7.24.0", Type: inventory.NPM, Licenses: []string{"MIT"}, File: "app/node_modules/@babel/core/package.json"},
	}
	for i := range ps {
		ps[i].PURL = inventory.PURL(&ps[i], os)
	}
	return &inventory.Inventory{OS: os, Packages: ps}
}

var subject = Subject{Name: "registry.example.com/app:1.0", Digest: "sha256:" + strings.Repeat("b", 64), ToolVersion: "1.2.3", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

func TestCycloneDXValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, CycloneDX, subject, sampleInventory()); err != nil {
		t.Fatal(err)
	}
	s := schemaT(t, "http://cyclonedx.org/schema/bom-1.6.schema.json", map[string]string{
		"http://cyclonedx.org/schema/bom-1.6.schema.json":  "bom-1.6.schema.json",
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	})
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("CycloneDX output does not validate: %v\n%s", err, buf.String())
	}
	// The schema does bite: an unknown component type fails.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(buf.String(), `"type": "library"`, `"type": "librarry"`, 1)))
	if s.Validate(bad) == nil {
		t.Error("the CycloneDX schema accepted an invalid component type")
	}
	// And it reads back with the library.
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(buf.Bytes()), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != cdx.SpecVersion1_6 || len(*bom.Components) != 8 || bom.Metadata.Component.Type != cdx.ComponentTypeContainer {
		t.Errorf("bom: spec %v, %d components", bom.SpecVersion, len(*bom.Components))
	}
	refs := map[string]bool{}
	for _, c := range *bom.Components {
		if refs[c.BOMRef] {
			t.Errorf("duplicate bom-ref %s", c.BOMRef)
		}
		refs[c.BOMRef] = true
	}
	// Deterministic for the same input.
	var again bytes.Buffer
	Write(&again, CycloneDX, subject, sampleInventory())
	if again.String() != buf.String() {
		t.Error("two runs differ")
	}
}

func TestSPDXValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, SPDX, subject, sampleInventory()); err != nil {
		t.Fatal(err)
	}
	s := schemaT(t, "http://spdx.org/rdf/terms/2.3", map[string]string{"http://spdx.org/rdf/terms/2.3": "spdx-schema-2.3.json"})
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("SPDX output does not validate: %v\n%s", err, buf.String())
	}
	// The schema does bite: a wrong package purpose fails.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(buf.String(), `"LIBRARY"`, `"OPERATING-SYSTEM"`, 1)))
	if s.Validate(bad) == nil {
		t.Error("the SPDX schema accepted an invalid primaryPackagePurpose")
	}
	d, err := spdxjson.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if d.SPDXVersion != "SPDX-2.3" || len(d.Packages) != 9 || len(d.Relationships) != 9 {
		t.Errorf("document: %s, %d packages, %d relationships", d.SPDXVersion, len(d.Packages), len(d.Relationships))
	}
	ids := map[string]bool{}
	for _, p := range d.Packages {
		if ids[string(p.PackageSPDXIdentifier)] {
			t.Errorf("duplicate SPDXID %s", p.PackageSPDXIdentifier)
		}
		ids[string(p.PackageSPDXIdentifier)] = true
	}
	var raw map[string]any
	json.Unmarshal(buf.Bytes(), &raw)
	if !strings.Contains(buf.String(), `"licenseDeclared": "Apache-2.0"`) || !strings.Contains(buf.String(), `"licenseComments": "declared: GPL-2+; public-domain-s-s-d"`) {
		t.Errorf("licenses not written as expected:\n%s", buf.String())
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"cyclonedx": CycloneDX, "CycloneDX-json": CycloneDX, "spdx": SPDX, "spdx-json": SPDX} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("swid"); err == nil {
		t.Error("unknown format accepted")
	}
}
