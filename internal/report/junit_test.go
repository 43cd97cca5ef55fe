package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// wellFormed reads every token of an XML document with the strict decoder.
func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func decodeJUnit(t testing.TB, b []byte) junitSuites {
	t.Helper()
	if err := wellFormed(b); err != nil {
		t.Fatalf("JUnit output is not well-formed XML: %v\n%s", err, b)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("decoding JUnit output: %v", err)
	}
	return doc
}

func TestJUnitStructure(t *testing.T) {
	r := fixtureReport(t)
	out := render(t, r, JUnit, Options{})
	if !bytes.HasPrefix(out, []byte(xml.Header)) {
		t.Error("no XML declaration")
	}
	doc := decodeJUnit(t, out)

	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
	}
	want := []string{"Dockerfile", "charts/broken", "deploy/web.yaml", "docker.io/library/nginx:1.25", "k8s/clean.yaml", "prod"}
	if !slices.Equal(names, want) {
		t.Fatalf("suites = %q, want %q (one per target, sorted)", names, want)
	}

	var tests, failures, errs, skipped int
	for _, s := range doc.Suites {
		var f, e, sk int
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				sk++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			t.Errorf("suite %s: counts tests=%d failures=%d errors=%d skipped=%d, cases say %d/%d/%d/%d",
				s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests, failures, errs, skipped = tests+s.Tests, failures+f, errs+e, skipped+sk
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errs || doc.Skipped != skipped {
		t.Errorf("testsuites totals %d/%d/%d/%d, suites add up to %d/%d/%d/%d", doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errs, skipped)
	}
	if failures != len(r.Findings) || errs != len(r.Errors) || skipped != len(r.Suppressed) {
		t.Errorf("failures/errors/skipped = %d/%d/%d, want %d/%d/%d", failures, errs, skipped, len(r.Findings), len(r.Errors), len(r.Suppressed))
	}

	suite := func(name string) junitSuite {
		for _, s := range doc.Suites {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no suite %s", name)
		return junitSuite{}
	}
	clean := suite("k8s/clean.yaml")
	if len(clean.Cases) != 1 || clean.Cases[0].Failure != nil || clean.Cases[0].ClassName != junitScannedClass {
		t.Errorf("a clean target needs exactly one passing test case, got %+v", clean.Cases)
	}
	broken := suite("charts/broken")
	if len(broken.Cases) != 1 || broken.Cases[0].Error == nil || !strings.HasPrefix(broken.Cases[0].Error.Message, "rendering chart") {
		t.Errorf("an error needs an <error> test case, got %+v", broken.Cases)
	}
	df := suite("Dockerfile")
	c := df.Cases[0]
	if c.ClassName != "PAL-DF-001" || c.Name != `Dockerfile:1 FROM ubuntu:latest uses the "latest" tag` {
		t.Errorf("test case = %q %q", c.ClassName, c.Name)
	}
	if c.Failure.Type != "high" || !strings.Contains(c.Failure.Text, "Remediation: Pin the base image") {
		t.Errorf("failure = %+v", c.Failure)
	}
	img := suite("docker.io/library/nginx:1.25")
	if got := img.Cases[0].Name; !strings.HasPrefix(got, "docker.io/library/nginx:1.25 openssl") {
		t.Errorf("a finding without a line is named %q", got)
	}
	if got := img.Cases[1].Name; !strings.HasPrefix(got, "docker.io/library/nginx:1.25 etc/app/config.env:2 ") {
		t.Errorf("a finding on a file inside a target is named %q", got)
	}
}

func TestJUnitEmptyReport(t *testing.T) {
	doc := decodeJUnit(t, render(t, Build(testTool, nil, nil, nil, nil, nil), JUnit, Options{}))
	if doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("empty report: %+v", doc)
	}
}
