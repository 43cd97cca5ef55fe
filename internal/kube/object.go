// Package kube is palisade's model of Kubernetes objects: one Snapshot
// type that every loader fills (manifest files and directories, Helm
// charts, Kustomize builds, a live cluster) and every check reads, so a
// rule judges an object the same way wherever it comes from.
//
// The package is pure: it does no I/O. Loaders live in kube/load, checks
// in kube/checks, the network-policy engine in kube/netpol.
package kube

import (
	"fmt"
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SourceKind says which loader produced an object.
type SourceKind string

const (
	FromFile      SourceKind = "file"
	FromHelm      SourceKind = "helm"
	FromKustomize SourceKind = "kustomize"
	FromCluster   SourceKind = "cluster"
)

// Source says where an object was read.
type Source struct {
	Kind SourceKind `json:"kind"`
	// Root is what was loaded: a file, a chart or kustomization
	// directory, or the cluster's name (kubeconfig context or server).
	Root string `json:"root"`
	// File is the file the object came from (for a chart, the template
	// that rendered it); empty for a live object.
	File string `json:"file,omitempty"`
	// Doc is the 0-based index of the YAML document in File, and Line
	// the 1-based line where the document starts (0: unknown).
	Doc  int `json:"doc,omitempty"`
	Line int `json:"line,omitempty"`
}

// Object is one Kubernetes object as loaded.
//
// GVK is the group, version and kind as written (or as served), never
// converted: the upgrade checks judge the API version itself. Typed is
// the object decoded into its k8s.io/api Go type when the scheme knows
// GVK, and nil for unknown kinds (custom resources, removed APIs), which
// are kept but not judged by typed checks. Raw is the object's content as
// a JSON-compatible map for objects read from files; for live objects it
// is nil and Content computes it on demand.
type Object struct {
	GVK  schema.GroupVersionKind
	Meta metav1.ObjectMeta
	// Typed is the decoded object, e.g. *appsv1.Deployment, or nil.
	Typed  runtime.Object
	Raw    map[string]any
	Source Source
	// Lines maps a field path (see Path) to its 1-based line in File;
	// nil when unknown (live objects, rendered charts).
	Lines LineIndex
	// Unknown lists fields the object's type does not have (typos such
	// as "securityContex", or fields of a newer API version), which the
	// API server would refuse or drop.
	Unknown []string
	// Invalid says why the API server would refuse the object (a value of
	// the wrong type, bad base64); Typed then holds what could be decoded.
	Invalid string
}

// LineIndex returns the line of a field path, or 0 when unknown. A
// path that does not exist resolves to its longest existing prefix.
type LineIndex func(path Path) int

// Namespace is the object's namespace, "" for cluster-scoped objects and
// for namespaced objects that leave it to apply time.
func (o *Object) Namespace() string { return o.Meta.Namespace }

// Name is the object's name (or generateName followed by "*").
func (o *Object) Name() string {
	if o.Meta.Name == "" && o.Meta.GenerateName != "" {
		return o.Meta.GenerateName + "*"
	}
	return o.Meta.Name
}

// Kind is the object's kind, e.g. "Deployment".
func (o *Object) Kind() string { return o.GVK.Kind }

// APIVersion is the object's apiVersion as written, e.g. "apps/v1".
func (o *Object) APIVersion() string { return o.GVK.GroupVersion().String() }

// Ref names the object for people and for finding targets:
// "Deployment/team-a/web", or "ClusterRole/admin" when cluster-scoped.
func (o *Object) Ref() string {
	if ns := o.Namespace(); ns != "" {
		return o.Kind() + "/" + ns + "/" + o.Name()
	}
	return o.Kind() + "/" + o.Name()
}

// Line returns the line of a field path in the object's file, falling
// back to the start of its document; 0 when unknown.
func (o *Object) Line(p Path) int {
	if o.Lines != nil {
		if l := o.Lines(p); l > 0 {
			return l
		}
	}
	return o.Source.Line
}

// Content returns the object as a JSON-compatible map: Raw when loaded
// from a file, otherwise the typed object converted.
func (o *Object) Content() (map[string]any, error) {
	if o.Raw != nil {
		return o.Raw, nil
	}
	if o.Typed == nil {
		return nil, fmt.Errorf("%s has no content", o.Ref())
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o.Typed)
	if err != nil {
		return nil, fmt.Errorf("converting %s: %w", o.Ref(), err)
	}
	m["apiVersion"] = o.APIVersion()
	m["kind"] = o.Kind()
	return m, nil
}

// Path is a field path such as spec.template.spec.containers[0].image,
// held as its elements; list indexes are decimal strings.
type Path []string

// ParsePath splits "spec.containers[0].image" into a Path.
func ParsePath(s string) Path {
	var p Path
	for _, part := range strings.Split(s, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				p = append(p, part)
				break
			}
			if i > 0 {
				p = append(p, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				p = append(p, part[i:])
				break
			}
			p = append(p, part[i+1:i+j])
			part = part[i+j+1:]
		}
	}
	return p
}

// Child returns p extended by elems, without aliasing p.
func (p Path) Child(elems ...string) Path {
	out := make(Path, 0, len(p)+len(elems))
	out = append(out, p...)
	return append(out, elems...)
}

// Index returns p extended by the list index i.
func (p Path) Index(field string, i int) Path { return p.Child(field, strconv.Itoa(i)) }

// String renders the path as spec.containers[0].image.
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		if isIndex(e) {
			b.WriteString("[" + e + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
