package report

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// fullReport fills every optional field, so that schema validation sees
// each field of the Go structs at least once.
func fullReport(t testing.TB) *Report {
	r := fixtureReport(t)
	r.Findings[0].Evidence = "FROM ubuntu:latest"
	r.Findings[0].Fix = "FROM ubuntu:24.04@sha256:..."
	r.Findings[0].Related = []finding.Location{{File: "Dockerfile", StartLine: 1, EndLine: 2}}
	return r
}

func TestJSONValidAgainstReportSchema(t *testing.T) {
	sch := reportSchemaT(t)
	for name, r := range map[string]*Report{
		"full":  fullReport(t),
		"empty": Build(testTool, nil, nil, nil, nil, nil),
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, r, JSON, Options{})
			if err := validate(sch, out); err != nil {
				t.Fatalf("JSON output does not match docs/report.schema.json:\n%v\n%s", err, out)
			}
		})
	}
}

func TestReportSchemaRejectsBrokenDocuments(t *testing.T) {
	sch := reportSchemaT(t)
	good := render(t, fullReport(t), JSON, Options{})
	firstFinding := func(d map[string]any) map[string]any {
		return path(t, d, "findings", 0).(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(d map[string]any)
	}{
		{"a field unknown to the schema", func(d map[string]any) { d["generatedAt"] = "2026-01-01T00:00:00Z" }},
		{"a finding field unknown to the schema", func(d map[string]any) { firstFinding(d)["cvss"] = 9.8 }},
		{"another schema version", func(d map[string]any) { d["schemaVersion"] = "2.0" }},
		{"unknown severity", func(d map[string]any) { firstFinding(d)["severity"] = "urgent" }},
		{"unknown control", func(d map[string]any) { firstFinding(d)["control"] = "app.everything" }},
		{"line 0", func(d map[string]any) { firstFinding(d)["location"] = map[string]any{"startLine": 0} }},
		{"findings null", func(d map[string]any) { d["findings"] = nil }},
		{"no controls", func(d map[string]any) { delete(d, "controls") }},
		{"bad status", func(d map[string]any) { path(t, d, "controls", 0).(map[string]any)["status"] = "unknown" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(good, &doc); err != nil {
				t.Fatal(err)
			}
			tt.mutate(doc)
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(sch, b); err == nil {
				t.Errorf("a report with %s passed validation", tt.name)
			}
		})
	}
}

// readSchemaJSON returns docs/report.schema.json as generic JSON.
func readSchemaJSON(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(reportSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReportSchemaMatchesGoTypes fails when a JSON field of the report
// structs is added, removed, renamed or made optional without the same
// change to docs/report.schema.json, even if the fixture leaves it empty.
func TestReportSchemaMatchesGoTypes(t *testing.T) {
	schema := readSchemaJSON(t)
	defs := schema["$defs"].(map[string]any)
	types := []struct {
		def string
		typ reflect.Type
	}{
		{"", reflect.TypeFor[Report]()},
		{"tool", reflect.TypeFor[Tool]()},
		{"target", reflect.TypeFor[Target]()},
		{"finding", reflect.TypeFor[finding.Finding]()},
		{"location", reflect.TypeFor[finding.Location]()},
		{"suppressed", reflect.TypeFor[Suppressed]()},
		{"error", reflect.TypeFor[Error]()},
		{"controlResult", reflect.TypeFor[ControlResult]()},
		{"summary", reflect.TypeFor[Summary]()},
	}
	for _, tt := range types {
		name := tt.typ.String()
		t.Run(name, func(t *testing.T) {
			obj := schema
			if tt.def != "" {
				obj = defs[tt.def].(map[string]any)
			}
			if obj["additionalProperties"] != false {
				t.Errorf("schema of %s must set additionalProperties: false", name)
			}
			props := obj["properties"].(map[string]any)
			var required []string
			if req, ok := obj["required"].([]any); ok {
				for _, r := range req {
					required = append(required, r.(string))
				}
			}
			fields := jsonFields(tt.typ)
			for field, alwaysWritten := range fields {
				if _, ok := props[field]; !ok {
					t.Errorf("%s.%s is written to JSON but missing from docs/report.schema.json", name, field)
				}
				if alwaysWritten != slices.Contains(required, field) {
					t.Errorf("%s.%s: always written = %v, but schema required = %v", name, field, alwaysWritten, !alwaysWritten)
				}
			}
			for field := range props {
				if _, ok := fields[field]; !ok {
					t.Errorf("docs/report.schema.json describes %s.%s, which the Go type does not write", name, field)
				}
			}
		})
	}
}

// jsonFields maps the JSON names of a struct's fields to whether
// encoding/json always writes them (omitempty has no effect on structs).
func jsonFields(typ reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omit := slices.Contains(strings.Split(opts, ","), "omitempty") && f.Type.Kind() != reflect.Struct
		omit = omit || slices.Contains(strings.Split(opts, ","), "omitzero")
		out[name] = !omit
	}
	return out
}

func TestReportSchemaEnumsMatchCatalog(t *testing.T) {
	schema := readSchemaJSON(t)
	defs := schema["$defs"].(map[string]any)
	enum := func(v any) []string {
		var out []string
		for _, e := range v.(map[string]any)["enum"].([]any) {
			out = append(out, e.(string))
		}
		return out
	}
	var controls []string
	for _, c := range control.All() {
		controls = append(controls, string(c.ID))
	}
	if got := enum(defs["controlId"]); !slices.Equal(got, controls) {
		t.Errorf("schema control IDs %q, catalog %q", got, controls)
	}
	var sevs []string
	for _, s := range finding.Severities {
		sevs = append(sevs, s.String())
	}
	got := enum(defs["severity"])
	slices.Sort(got)
	slices.Sort(sevs)
	if !slices.Equal(got, sevs) {
		t.Errorf("schema severities %q, Go %q", got, sevs)
	}
	props := defs["controlResult"].(map[string]any)["properties"].(map[string]any)
	if got, want := enum(props["status"]), []string{string(Failed), string(Passed), string(NotAssessed)}; !slices.Equal(got, want) {
		t.Errorf("schema statuses %q, Go %q", got, want)
	}
	var layers []string
	for _, l := range control.Layers {
		layers = append(layers, string(l))
	}
	if got := enum(props["layer"]); !slices.Equal(got, layers) {
		t.Errorf("schema layers %q, Go %q", got, layers)
	}
	var phases []string
	for _, p := range control.Phases {
		phases = append(phases, string(p))
	}
	if got := enum(props["phase"]); !slices.Equal(got, phases) {
		t.Errorf("schema phases %q, Go %q", got, phases)
	}
}

// TestSchemaVersionDocumented ties report.SchemaVersion to the schema's
// const and to docs/json-schema.md, so a bump updates all three.
func TestSchemaVersionDocumented(t *testing.T) {
	schema := readSchemaJSON(t)
	sv := schema["properties"].(map[string]any)["schemaVersion"].(map[string]any)["const"]
	if sv != SchemaVersion {
		t.Errorf("docs/report.schema.json has schemaVersion %v, report.SchemaVersion is %s", sv, SchemaVersion)
	}
	doc, err := os.ReadFile("../../docs/json-schema.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := "## Version " + SchemaVersion; !strings.Contains(string(doc), want) {
		t.Errorf("docs/json-schema.md has no section %q", want)
	}
}
