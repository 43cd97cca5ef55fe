package vex

import (
	"os"
	"strings"
	"testing"
)

const digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111"

func TestDecide(t *testing.T) {
	d, err := Load("testdata/app.openvex.json")
	if err != nil {
		t.Fatal(err)
	}
	docs := []*Document{d}
	product := []string{"registry.example.com/app:1.0", digest, "pkg:oci/app@" + digest}
	tests := []struct {
		name     string
		sub      Subject
		suppress bool
		reason   string
	}{
		{"alias and subcomponent", Subject{IDs: []string{"GO-2021-0113", "CVE-2021-38561"}, Product: product, Package: "pkg:golang/golang.org/x/text@v0.3.6"}, true, "VEX not_affected: vulnerable_code_not_in_execute_path: language.Parse is never called with user input: by Platform Security <security@example.com>"},
		{"other package", Subject{IDs: []string{"CVE-2021-38561"}, Product: product, Package: "pkg:golang/golang.org/x/net@v0.1.0"}, false, ""},
		{"other image", Subject{IDs: []string{"CVE-2021-38561"}, Product: []string{"sha256:2222"}, Package: "pkg:golang/golang.org/x/text@v0.3.6"}, false, ""},
		{"affected does not suppress", Subject{IDs: []string{"CVE-2022-32149"}, Product: product, Package: "pkg:golang/golang.org/x/text@v0.3.6"}, false, ""},
		{"no products: every image; latest statement wins", Subject{IDs: []string{"PYSEC-2019-217", "CVE-2019-10906"}, Product: []string{"x"}, Package: "pkg:pypi/jinja2@2.10"}, true, "VEX fixed: by Platform Security <security@example.com>"},
		{"unknown vulnerability", Subject{IDs: []string{"CVE-2000-1"}, Product: product}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := Decide(docs, tt.sub)
			if dec.Suppresses() != tt.suppress {
				t.Fatalf("suppresses = %v", dec.Suppresses())
			}
			if tt.suppress && dec.Reason() != tt.reason {
				t.Errorf("reason %q", dec.Reason())
			}
		})
	}
}

func TestParseLegacy(t *testing.T) {
	d, err := Parse([]byte(`{"@context":"https://openvex.dev/ns","author":"a","timestamp":"2023-01-01T00:00:00Z",
	  "statements":[{"vulnerability":"CVE-2023-1","products":["pkg:oci/app@sha256:abc"],"subcomponents":["pkg:deb/debian/openssl@3.0.11-1"],"status":"not_affected","justification":"component_not_present"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	dec := Decide([]*Document{d}, Subject{IDs: []string{"CVE-2023-1"}, Product: []string{"pkg:oci/app@sha256:abc"}, Package: "pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12"})
	if !dec.Suppresses() {
		t.Error("v0.0.1 statement with subcomponents did not apply")
	}
}

func TestParseBad(t *testing.T) {
	for name, in := range map[string]string{
		"json":          `{`,
		"context":       `{"@context":"https://example.com","statements":[]}`,
		"status":        `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"maybe"}]}`,
		"justification": `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"not_affected"}]}`,
		"bad just":      `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":{"name":"CVE-1"},"status":"not_affected","justification":"trust me"}]}`,
		"no vuln":       `{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"status":"fixed"}]}`,
	} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Load("testdata/missing.json"); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("testdata/app.openvex.json")
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Parse(b)
		if err != nil {
			return
		}
		Decide([]*Document{d}, Subject{IDs: []string{"CVE-2021-38561"}, Package: "pkg:golang/x@1"})
	})
}
