package kube

import (
	"cmp"
	"fmt"
	"slices"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Snapshot is a set of objects loaded from one source, with everything
// that kept objects from being loaded or read. Checks take a Snapshot
// and never do I/O.
type Snapshot struct {
	// Name says what was loaded: a path, a chart, a cluster.
	Name string
	// Kind is the source kind of the whole snapshot.
	Kind SourceKind
	// Objects in load order, unknown kinds included.
	Objects []*Object
	// Errors are documents or files that could not be loaded. Every
	// other document of the same file is still loaded.
	Errors []LoadError
	// Gaps are resources a live cluster did not let us read (forbidden,
	// not served, failed). What they hold is not assessed.
	Gaps []Gap
	// Cluster describes the live cluster; nil for manifests.
	Cluster *ClusterInfo
	// Coverage records, for a live cluster, where each resource
	// ("secrets", "deployments.apps") was read; nil for manifests, which
	// are complete.
	Coverage map[string]Coverage
	// ImplicitNamespace is the namespace a loader gave objects that did
	// not name one and that the user did not choose (Helm's "default"
	// release namespace when --namespace is not given), or "".
	ImplicitNamespace string

	once   sync.Once
	byKind map[schema.GroupKind][]*Object
	byName map[objectKey]*Object
}

type objectKey struct {
	gk        schema.GroupKind
	namespace string
	name      string
}

// LoadError is a document or file that could not be loaded.
type LoadError struct {
	Source  Source `json:"source"`
	Message string `json:"message"`
}

func (e LoadError) Error() string {
	where := e.Source.File
	if where == "" {
		where = e.Source.Root
	}
	if e.Source.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Source.Line)
	}
	return where + ": " + e.Message
}

// Gap is a resource that could not be read from a live cluster.
type Gap struct {
	// Group and Resource name the API resource, e.g. "" and "secrets".
	Group    string `json:"group,omitempty"`
	Resource string `json:"resource"`
	// Namespace is the namespace that could not be read, or "" for all
	// namespaces (or a cluster-scoped resource).
	Namespace string `json:"namespace,omitempty"`
	// Reason is the API server's answer, e.g. "forbidden: ...".
	Reason string `json:"reason"`
}

// GroupResource returns "secrets" or "networkpolicies.networking.k8s.io".
func (g Gap) GroupResource() string {
	if g.Group == "" {
		return g.Resource
	}
	return g.Resource + "." + g.Group
}

// ClusterInfo describes a live cluster.
type ClusterInfo struct {
	// Server is the API server URL, Context the kubeconfig context.
	Server  string `json:"server"`
	Context string `json:"context,omitempty"`
	// Version is the server's gitVersion, e.g. "v1.37.2".
	Version string `json:"version,omitempty"`
	Major   int    `json:"major,omitempty"`
	Minor   int    `json:"minor,omitempty"`
	// Namespaces limits what was read, when the user asked for some
	// namespaces only; empty means all.
	Namespaces []string `json:"namespaces,omitempty"`
	// DeprecatedRequests are the deprecated APIs clients have asked the
	// API server for since it started, when its metrics were read
	// (DeprecatedRequestsRead).
	DeprecatedRequests     []DeprecatedRequest `json:"deprecatedRequests,omitempty"`
	DeprecatedRequestsRead bool                `json:"-"`
}

// DeprecatedRequest is one deprecated API an API server has served,
// from its apiserver_requested_deprecated_apis metric: the live answer
// to "is anything still calling this API?", which object lists cannot
// give (the server converts objects to the version asked for).
type DeprecatedRequest struct {
	Group       string `json:"group,omitempty"`
	Version     string `json:"version"`
	Resource    string `json:"resource"`
	Subresource string `json:"subresource,omitempty"`
	// RemovedRelease is "1.32", or "" when no removal is planned.
	RemovedRelease string `json:"removedRelease,omitempty"`
}

// GroupVersion renders "flowcontrol.apiserver.k8s.io/v1beta3".
func (r DeprecatedRequest) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// Add appends objects and invalidates the indexes.
func (s *Snapshot) Add(objs ...*Object) {
	s.Objects = append(s.Objects, objs...)
	s.once = sync.Once{}
}

func (s *Snapshot) index() {
	s.once.Do(func() {
		s.byKind = map[schema.GroupKind][]*Object{}
		s.byName = map[objectKey]*Object{}
		for _, o := range s.Objects {
			gk := o.GVK.GroupKind()
			s.byKind[gk] = append(s.byKind[gk], o)
			k := objectKey{gk: normalGroup(gk), namespace: o.Namespace(), name: o.Meta.Name}
			if _, dup := s.byName[k]; !dup {
				s.byName[k] = o
			}
		}
	})
}

// normalGroup maps the old groups of the workload and policy kinds to
// their current group, so that an owner reference to apps/v1 finds an
// extensions/v1beta1 manifest.
func normalGroup(gk schema.GroupKind) schema.GroupKind {
	if gk.Group == "extensions" {
		switch gk.Kind {
		case "Deployment", "DaemonSet", "ReplicaSet":
			gk.Group = "apps"
		case "NetworkPolicy":
			gk.Group = "networking.k8s.io"
		}
	}
	return gk
}

// OfKind returns the objects of one group and kind, in load order.
// Old groups are folded in: OfKind("apps", "Deployment") also returns
// extensions/v1beta1 Deployments.
func (s *Snapshot) OfKind(group, kind string) []*Object {
	s.index()
	gk := schema.GroupKind{Group: group, Kind: kind}
	out := s.byKind[gk]
	if group == "apps" || group == "networking.k8s.io" {
		old := s.byKind[schema.GroupKind{Group: "extensions", Kind: kind}]
		if len(old) > 0 {
			out = append(slices.Clone(out), old...)
		}
	}
	return out
}

// Get returns the object of a group, kind, namespace and name, or nil.
func (s *Snapshot) Get(group, kind, namespace, name string) *Object {
	s.index()
	return s.byName[objectKey{gk: normalGroup(schema.GroupKind{Group: group, Kind: kind}), namespace: namespace, name: name}]
}

// NamespaceObject returns the Namespace object of that name, or nil.
func (s *Snapshot) NamespaceObject(name string) *corev1.Namespace {
	if o := s.Get("", "Namespace", "", name); o != nil {
		if ns, ok := o.Typed.(*corev1.Namespace); ok {
			return ns
		}
	}
	return nil
}

// Namespaces returns, sorted, every namespace the snapshot knows of: the
// Namespace objects and the namespaces of namespaced objects.
func (s *Snapshot) Namespaces() []string {
	seen := map[string]bool{}
	for _, o := range s.Objects {
		if o.GVK.Kind == "Namespace" && o.GVK.Group == "" {
			seen[o.Meta.Name] = true
		} else if ns := o.Namespace(); ns != "" {
			seen[ns] = true
		}
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		if ns != "" {
			out = append(out, ns)
		}
	}
	slices.Sort(out)
	return out
}

// GapsFor returns the gaps of one resource that cover namespace ns (a
// gap of all namespaces covers every namespace).
func (s *Snapshot) GapsFor(group, resource, ns string) []Gap {
	var out []Gap
	for _, g := range s.Gaps {
		if g.Group == group && g.Resource == resource && (g.Namespace == "" || g.Namespace == ns) {
			out = append(out, g)
		}
	}
	return out
}

// Readable reports whether a resource ("secrets",
// "networkpolicies.networking.k8s.io") was read in namespace ns, or in
// every namespace when ns is "". Manifests are complete by definition;
// for a live cluster it is what Coverage records.
func (s *Snapshot) Readable(groupResource, ns string) bool {
	if s.Coverage == nil {
		return true
	}
	c, ok := s.Coverage[groupResource]
	if !ok {
		return false
	}
	if c.All {
		return true
	}
	return ns != "" && slices.Contains(c.Namespaces, ns)
}

// Coverage says where a resource was read in a live cluster.
type Coverage struct {
	// All is true when the resource was read in every namespace (or is
	// cluster-scoped and was read).
	All bool `json:"all"`
	// Namespaces lists where it was read when not All.
	Namespaces []string `json:"namespaces,omitempty"`
}

// SortObjects orders objects by source file, document, kind, namespace
// and name, for deterministic output.
func SortObjects(objs []*Object) {
	slices.SortStableFunc(objs, func(a, b *Object) int {
		return cmp.Or(
			cmp.Compare(a.Source.File, b.Source.File),
			cmp.Compare(a.Source.Doc, b.Source.Doc),
			cmp.Compare(a.Kind(), b.Kind()),
			cmp.Compare(a.Namespace(), b.Namespace()),
			cmp.Compare(a.Name(), b.Name()),
		)
	})
}
