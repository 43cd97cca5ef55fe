package report

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	sarifSchemaFile  = "testdata/sarif-schema-2.1.0.json"
	reportSchemaFile = "../../docs/report.schema.json"
)

// compileSchema compiles one JSON Schema file with format assertions on,
// so that "uri", "uri-reference" and the like are checked, not just noted.
func compileSchema(path, url string) (*jsonschema.Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		return nil, err
	}
	return c.Compile(url)
}

var (
	sarifSchemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileSchema(sarifSchemaFile, sarifSchema)
	})
	reportSchemaOnce = sync.OnceValues(func() (*jsonschema.Schema, error) {
		abs, err := filepath.Abs(reportSchemaFile)
		if err != nil {
			return nil, err
		}
		return compileSchema(reportSchemaFile, "file://"+filepath.ToSlash(abs))
	})
)

func sarifSchemaT(t testing.TB) *jsonschema.Schema {
	t.Helper()
	s, err := sarifSchemaOnce()
	if err != nil {
		t.Fatalf("compiling the SARIF schema: %v", err)
	}
	return s
}

func reportSchemaT(t testing.TB) *jsonschema.Schema {
	t.Helper()
	s, err := reportSchemaOnce()
	if err != nil {
		t.Fatalf("compiling docs/report.schema.json: %v", err)
	}
	return s
}

// validate checks a JSON document against a compiled schema.
func validate(sch *jsonschema.Schema, data []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(inst)
}
