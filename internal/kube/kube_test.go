package kube

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestPath(t *testing.T) {
	for _, s := range []string{"spec.template.spec.containers[0].image", "metadata.annotations", "items[3]", "spec.volumes[10].hostPath.path", ""} {
		p := ParsePath(s)
		if got := p.String(); got != s {
			t.Errorf("ParsePath(%q).String() = %q (%q)", s, got, []string(p))
		}
	}
	p := Path{"spec"}
	q := p.Index("containers", 2).Child("image")
	if p.String() != "spec" || q.String() != "spec.containers[2].image" {
		t.Errorf("Child aliased: %s %s", p, q)
	}
}

func obj(group, version, kind, ns, name string) *Object {
	o := &Object{GVK: schema.GroupVersionKind{Group: group, Version: version, Kind: kind}}
	o.Meta.Namespace, o.Meta.Name = ns, name
	return o
}

func TestSnapshotIndexes(t *testing.T) {
	s := &Snapshot{}
	s.Add(
		obj("apps", "v1", "Deployment", "a", "new"),
		obj("extensions", "v1beta1", "Deployment", "a", "old"),
		obj("", "v1", "Namespace", "", "b"),
		obj("example.com", "v1", "Widget", "c", "w"),
		obj("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "", "gadgets.example.com"),
	)
	s.Objects[4].Raw = map[string]any{"spec": map[string]any{"group": "example.com", "scope": "Cluster", "names": map[string]any{"kind": "Gadget"}}}
	if n := len(s.OfKind("apps", "Deployment")); n != 2 {
		t.Errorf("OfKind(apps, Deployment) = %d objects, want the old group too", n)
	}
	if s.Get("apps", "Deployment", "a", "old") == nil {
		t.Error("Get does not find an extensions/v1beta1 Deployment under apps")
	}
	if got := s.Namespaces(); len(got) != 3 || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Errorf("Namespaces = %v", got)
	}
	s.Add(obj("example.com", "v1", "Gadget", "", "g"))
	for _, tt := range []struct {
		o    *Object
		want bool
	}{
		{s.Objects[0], true}, {s.Objects[2], false}, {s.Objects[3], true}, {s.Objects[5], false},
	} {
		if got := s.Namespaced(tt.o); got != tt.want {
			t.Errorf("Namespaced(%s) = %v, want %v", tt.o.Kind(), got, tt.want)
		}
	}
	if s.Objects[0].Ref() != "Deployment/a/new" || s.Objects[2].Ref() != "Namespace/b" {
		t.Errorf("refs %s %s", s.Objects[0].Ref(), s.Objects[2].Ref())
	}
}

func TestReadable(t *testing.T) {
	s := &Snapshot{}
	if !s.Readable("secrets", "x") {
		t.Error("manifests are complete")
	}
	s.Coverage = map[string]Coverage{"secrets": {Namespaces: []string{"a"}}, "pods": {All: true}}
	for _, tt := range []struct {
		res, ns string
		want    bool
	}{{"secrets", "a", true}, {"secrets", "b", false}, {"secrets", "", false}, {"pods", "b", true}, {"configmaps", "a", false}} {
		if got := s.Readable(tt.res, tt.ns); got != tt.want {
			t.Errorf("Readable(%s, %q) = %v, want %v", tt.res, tt.ns, got, tt.want)
		}
	}
}
