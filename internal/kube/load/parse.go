// Package load reads Kubernetes objects into a kube.Snapshot: YAML and
// JSON manifest files and directories, Helm charts, Kustomize
// directories, and live clusters. Loading never judges; a bad document
// becomes a kube.LoadError and the other documents are still loaded.
package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/palisade-sec/palisade/internal/kube"
)

// Limits on untrusted input.
const (
	// MaxFileSize is the largest manifest file read.
	MaxFileSize = 32 << 20
	// MaxDocuments is the largest number of YAML documents read from
	// one file; the rest are reported as one error.
	MaxDocuments = 20000
	// MaxListItems bounds the items of one List object.
	MaxListItems = 100000
)

// Parse decodes every document of a YAML or JSON manifest (multi-document
// streams and List kinds included). src describes the file; each object
// gets a copy with its document index and start line. Documents that are
// empty are skipped; documents that cannot be decoded, or that are not a
// Kubernetes object, become errors without stopping the others. Objects
// of kinds the scheme does not know are kept with a nil Typed.
func Parse(data []byte, src kube.Source) ([]*kube.Object, []kube.LoadError) {
	var objs []*kube.Object
	var errs []kube.LoadError
	docs := splitDocuments(data)
	if len(docs) > MaxDocuments {
		errs = append(errs, kube.LoadError{Source: src, Message: fmt.Sprintf("%d YAML documents: only the first %d are read; split the file", len(docs), MaxDocuments)})
		docs = docs[:MaxDocuments]
	}
	for i, d := range docs {
		s := src
		s.Doc = i
		s.Line = d.line
		o, e := parseDocument(d.text, d.line-1, s)
		objs = append(objs, o...)
		errs = append(errs, e...)
	}
	return objs, errs
}

// ParseRendered decodes the output of a template engine (Helm), which
// separates documents the way Helm does: "---" after a line break, even
// when something follows it on the same line ("---# comment" after a
// trimmed {{- end -}}). Lines are not tracked: they would point into the
// rendered text, not the template.
func ParseRendered(text string, src kube.Source) ([]*kube.Object, []kube.LoadError) {
	var objs []*kube.Object
	var errs []kube.LoadError
	for i, d := range renderedSeparator.Split(text, -1) {
		if strings.TrimSpace(d) == "" {
			continue
		}
		s := src
		s.Doc = i
		o, e := parseDocument([]byte(d), 0, s)
		for _, obj := range o {
			obj.Lines = nil
			obj.Source.Line = 0
		}
		for k := range e {
			e[k].Source.Line = 0
		}
		objs = append(objs, o...)
		errs = append(errs, e...)
	}
	return objs, errs
}

var renderedSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

type document struct {
	text []byte
	line int // 1-based line where text starts
}

// splitDocuments cuts a YAML stream at its document markers ("---" and
// "..." at the start of a line), so that a syntax error in one document
// does not lose the ones after it. A "---" line starts the next
// document and stays in it, since it may carry content ("--- {a: 1}").
func splitDocuments(data []byte) []document {
	var docs []document
	start, startLine := 0, 1
	line := 1
	flush := func(end int) {
		if start < end {
			docs = append(docs, document{text: data[start:end], line: startLine})
		}
	}
	for off := 0; off < len(data); {
		nl := bytes.IndexByte(data[off:], '\n')
		end := len(data)
		if nl >= 0 {
			end = off + nl + 1
		}
		l := data[off:end]
		switch {
		case marker(l, "---"):
			flush(off)
			start, startLine = off, line
		case marker(l, "..."):
			flush(off)
			start, startLine = end, line+1
		}
		off = end
		line++
	}
	flush(len(data))
	return docs
}

// marker reports whether line is the document marker m, alone or
// followed by white space.
func marker(line []byte, m string) bool {
	if !bytes.HasPrefix(line, []byte(m)) {
		return false
	}
	rest := line[len(m):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

// parseDocument decodes one document; lineOffset is added to the lines
// yaml reports, which count from the document's start.
func parseDocument(text []byte, lineOffset int, src kube.Source) ([]*kube.Object, []kube.LoadError) {
	var root yaml.Node
	if err := yaml.Unmarshal(text, &root); err != nil {
		return nil, []kube.LoadError{{Source: src, Message: "invalid YAML: " + shiftYAMLError(err, lineOffset)}}
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, nil // empty document or only comments
	}
	node := root.Content[0]
	if node.Kind == yaml.ScalarNode && node.Tag == "!!null" {
		return nil, nil
	}
	var v any
	if err := node.Decode(&v); err != nil {
		return nil, []kube.LoadError{{Source: src, Message: "invalid YAML: " + shiftYAMLError(err, lineOffset)}}
	}
	val, err := normalize(v, 0)
	if err != nil {
		return nil, []kube.LoadError{{Source: src, Message: err.Error()}}
	}
	m, ok := val.(map[string]any)
	if !ok {
		return nil, []kube.LoadError{{Source: src, Message: fmt.Sprintf("document is a %s, not a Kubernetes object (a mapping with apiVersion and kind)", typeName(val))}}
	}
	lines := lineIndex(node, lineOffset)
	return fromMap(m, src, lines)
}

// fromMap builds objects from one decoded document, expanding Lists.
func fromMap(m map[string]any, src kube.Source, lines kube.LineIndex) ([]*kube.Object, []kube.LoadError) {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	switch {
	case apiVersion == "" && kind == "":
		return nil, []kube.LoadError{{Source: src, Message: "document has no apiVersion and no kind: not a Kubernetes object"}}
	case apiVersion == "":
		return nil, []kube.LoadError{{Source: src, Message: fmt.Sprintf("%s has no apiVersion", kind)}}
	case kind == "":
		return nil, []kube.LoadError{{Source: src, Message: fmt.Sprintf("object of apiVersion %s has no kind", apiVersion)}}
	}
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil, []kube.LoadError{{Source: src, Message: fmt.Sprintf("%s: invalid apiVersion %q: %v", kind, apiVersion, err)}}
	}
	if items, isList := m["items"]; isList && strings.HasSuffix(kind, "List") {
		list, ok := items.([]any)
		if !ok && items != nil {
			return nil, []kube.LoadError{{Source: src, Message: fmt.Sprintf("%s: items is a %s, not a list", kind, typeName(items))}}
		}
		var objs []*kube.Object
		var errs []kube.LoadError
		if len(list) > MaxListItems {
			errs = append(errs, kube.LoadError{Source: src, Message: fmt.Sprintf("%s has %d items: only the first %d are read", kind, len(list), MaxListItems)})
			list = list[:MaxListItems]
		}
		for i, it := range list {
			im, ok := it.(map[string]any)
			s := src
			itemPath := kube.Path{}.Index("items", i)
			if lines != nil {
				s.Line = lines(itemPath)
			}
			if !ok {
				errs = append(errs, kube.LoadError{Source: s, Message: fmt.Sprintf("%s item %d is a %s, not an object", kind, i, typeName(it))})
				continue
			}
			var il kube.LineIndex
			if lines != nil {
				il = func(p kube.Path) int { return lines(itemPath.Child(p...)) }
			}
			o, e := fromMap(im, s, il)
			objs = append(objs, o...)
			errs = append(errs, e...)
		}
		return objs, errs
	}
	o := &kube.Object{GVK: gv.WithKind(kind), Raw: m, Source: src, Lines: lines}
	var errs []kube.LoadError
	if md, ok := m["metadata"]; ok {
		mm, ok := md.(map[string]any)
		if !ok && md != nil {
			errs = append(errs, kube.LoadError{Source: src, Message: fmt.Sprintf("%s: metadata is a %s, not a mapping", kind, typeName(md))})
		} else if err := runtime.DefaultUnstructuredConverter.FromUnstructured(mm, &o.Meta); err != nil {
			errs = append(errs, kube.LoadError{Source: src, Message: fmt.Sprintf("%s: invalid metadata: %v", kind, err)})
			o.Meta = metav1.ObjectMeta{}
			if name, ok := mm["name"].(string); ok {
				o.Meta.Name = name
			}
			if ns, ok := mm["namespace"].(string); ok {
				o.Meta.Namespace = ns
			}
		}
	}
	Decode(o)
	return []*kube.Object{o}, errs
}

// Decode fills o.Typed from o.Raw when the scheme knows o.GVK. Unknown
// fields are recorded in o.Unknown (the API server would drop or refuse
// them). A value of the wrong type does not lose the object: it is
// decoded as far as possible, as encoding/json does, and the problem is
// recorded in o.Invalid for the checks to report.
func Decode(o *kube.Object) {
	if !scheme.Scheme.Recognizes(o.GVK) {
		return
	}
	typed, err := scheme.Scheme.New(o.GVK)
	if err != nil {
		return
	}
	err = runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(o.Raw, typed, true)
	if sde, ok := runtime.AsStrictDecodingError(err); ok {
		for _, e := range sde.Errors() {
			o.Unknown = append(o.Unknown, strings.TrimPrefix(e.Error(), "unknown field "))
		}
		err = nil
	}
	if err != nil {
		typed, _ = scheme.Scheme.New(o.GVK)
		data, merr := json.Marshal(o.Raw)
		if merr != nil {
			o.Invalid = merr.Error()
			return
		}
		if jerr := json.Unmarshal(data, typed); jerr != nil {
			o.Invalid = cleanJSONError(jerr)
		} else {
			o.Invalid = err.Error()
		}
	}
	typed.GetObjectKind().SetGroupVersionKind(o.GVK)
	o.Typed = typed
}

// cleanJSONError makes encoding/json's message read as a field path:
// "spec.template.spec.containers.env.value: got a boolean, want a string".
func cleanJSONError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.Kind().String()
		if te.Type.Kind() == reflect.Slice && te.Type.Elem().Kind() == reflect.Uint8 {
			want = "base64 string"
		}
		return fmt.Sprintf("%s: got a %s, want a %s", te.Field, te.Value, want)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// normalize turns yaml.v3's decoded values into the JSON-compatible
// shapes the unstructured converter expects: string-keyed maps, int64,
// float64. Non-string keys are written as YAML would print them.
func normalize(v any, depth int) (any, error) {
	if depth > 256 {
		return nil, errors.New("document is nested more than 256 levels deep")
	}
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
		return t, nil
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[keyString(k)] = n
		}
		return m, nil
	case []any:
		for i, e := range t {
			n, err := normalize(e, depth+1)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
		return t, nil
	case int:
		return int64(t), nil
	case uint64:
		if t > math.MaxInt64 {
			return float64(t), nil
		}
		return int64(t), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return strconv.FormatFloat(t, 'g', -1, 64), nil
		}
		return t, nil
	case nil, string, bool, int64:
		return t, nil
	default:
		// Timestamps and binary values: keep their text form.
		return fmt.Sprint(t), nil
	}
}

func keyString(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case nil:
		return "null"
	default:
		return fmt.Sprint(t)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "mapping"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64:
		return "number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// shiftYAMLError rewrites yaml's "line N:" to count from the file start.
func shiftYAMLError(err error, offset int) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var b strings.Builder
	for {
		i := strings.Index(msg, "line ")
		if i < 0 {
			b.WriteString(msg)
			break
		}
		j := i + len("line ")
		k := j
		for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
			k++
		}
		b.WriteString(msg[:j])
		if n, err := strconv.Atoi(msg[j:k]); err == nil && k > j {
			b.WriteString(strconv.Itoa(n + offset))
		} else {
			b.WriteString(msg[j:k])
		}
		msg = msg[k:]
	}
	return b.String()
}

// lineIndex resolves field paths against the document's node tree.
func lineIndex(root *yaml.Node, offset int) kube.LineIndex {
	return func(p kube.Path) int {
		n := root
		line := n.Line
		for _, e := range p {
			n = deref(n)
			next := child(n, e)
			if next == nil {
				break
			}
			n = next
			line = n.Line
		}
		if line == 0 {
			return 0
		}
		return line + offset
	}
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// child returns the value node of key e in a mapping (the key node's
// line is where the field is written) or element e of a sequence.
func child(n *yaml.Node, e string) *yaml.Node {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == e {
				v := n.Content[i+1]
				if v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode {
					// A scalar's line is its key's line; a nested node
					// starts on its own line, but the key line reads better.
					return &yaml.Node{Kind: v.Kind, Line: n.Content[i].Line, Alias: v.Alias, Value: v.Value}
				}
				return &yaml.Node{Kind: v.Kind, Line: n.Content[i].Line, Content: v.Content, Alias: v.Alias}
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(e)
		if err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}
