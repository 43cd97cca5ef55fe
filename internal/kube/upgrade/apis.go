package upgrade

import (
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
)

// Lifecycle is what k8s.io/api says about one API version of a kind.
type Lifecycle struct {
	GVK schema.GroupVersionKind
	// Known is true when the scheme has the kind at this version.
	Known bool
	// Introduced, Deprecated and Removed are the releases of each step
	// (zero when the type has no lifecycle: a GA version).
	Introduced, Deprecated, Removed Version
	// Replacement is the served API to use instead: the one k8s.io/api
	// (or its history) names, followed while that is removed too, else
	// the group's newest served version of the kind.
	Replacement schema.GroupVersionKind
	// Unserved is true for a built-in group whose version k8s.io/api no
	// longer defines: no supported release serves it. Removed is then
	// the release that stopped serving it, when the history knows.
	Unserved bool
}

type introduced interface{ APILifecycleIntroduced() (int, int) }
type deprecated interface{ APILifecycleDeprecated() (int, int) }
type removed interface{ APILifecycleRemoved() (int, int) }
type replacement interface {
	APILifecycleReplacement() schema.GroupVersionKind
}

var (
	lifeOnce   sync.Once
	lifeTable  map[schema.GroupVersionKind]Lifecycle
	groupKinds map[schema.GroupKind][]string // served versions per group-kind
	builtin    map[string]bool               // built-in groups
)

// buildLifecycles reads the lifecycle methods of every type the
// client-go scheme registers.
func buildLifecycles() {
	lifeTable = map[schema.GroupVersionKind]Lifecycle{}
	groupKinds = map[schema.GroupKind][]string{}
	builtin = map[string]bool{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") {
			continue
		}
		builtin[gvk.Group] = true
		obj, err := scheme.Scheme.New(gvk)
		if err != nil {
			continue
		}
		l := Lifecycle{GVK: gvk, Known: true}
		if x, ok := obj.(introduced); ok {
			l.Introduced = MinorOf(x.APILifecycleIntroduced())
		}
		if x, ok := obj.(deprecated); ok {
			l.Deprecated = MinorOf(x.APILifecycleDeprecated())
		}
		if x, ok := obj.(removed); ok {
			l.Removed = MinorOf(x.APILifecycleRemoved())
		}
		if x, ok := obj.(replacement); ok {
			l.Replacement = x.APILifecycleReplacement()
		}
		lifeTable[gvk] = l
		if l.Removed.IsZero() {
			gk := gvk.GroupKind()
			groupKinds[gk] = append(groupKinds[gk], gvk.Version)
		}
	}
	for gk := range groupKinds {
		slices.SortFunc(groupKinds[gk], func(a, b string) int { return -compareAPIVersions(a, b) })
	}
}

// LifecycleOf returns the lifecycle of an API version of a kind. Kinds
// of groups that are not built in (custom resources) are not Known and
// not Unserved. Versions the current k8s.io/api no longer defines are
// Unserved, with their releases and replacement taken from the embedded
// history of older k8s.io/api releases when it has them.
func LifecycleOf(gvk schema.GroupVersionKind) Lifecycle {
	lifeOnce.Do(buildLifecycles)
	if l, ok := lifeTable[gvk]; ok {
		if !l.Removed.IsZero() || l.Replacement.Kind != "" {
			l.Replacement = servedReplacement(gvk, l.Replacement)
		}
		return l
	}
	if h, ok := historyOf(gvk); ok {
		return Lifecycle{
			GVK:         gvk,
			Introduced:  release(h.Introduced),
			Deprecated:  release(h.Deprecated),
			Removed:     h.removedIn(),
			Replacement: servedReplacement(gvk, h.Replacement.GVK()),
			Unserved:    true,
		}
	}
	l := Lifecycle{GVK: gvk}
	if !builtin[gvk.Group] {
		return l
	}
	if r := newestServed(gvk.GroupKind()); r.Kind != "" {
		l.Unserved = true
		l.Replacement = r
		return l
	}
	// A group k8s.io/api has, without this kind at any served version.
	if gvk.Version != "" {
		for gk := range groupKinds {
			if gk.Group == gvk.Group {
				l.Unserved = true
				break
			}
		}
	}
	return l
}

// servedReplacement follows named replacements (from the scheme or the
// history; extensions/v1beta1 PodSecurityPolicy names policy/v1beta1,
// itself removed) until one is still served. Where none is named, the
// group's newest served version of the kind stands in. It returns the
// zero GVK when the chain ends at an API no release serves any more.
func servedReplacement(gvk, named schema.GroupVersionKind) schema.GroupVersionKind {
	cur, next := gvk, named
	for range 8 {
		if next.Kind == "" {
			next = newestServed(cur.GroupKind())
			if next.Kind == "" || next == cur {
				return schema.GroupVersionKind{}
			}
		}
		l, inScheme := lifeTable[next]
		h, inHistory := historyOf(next)
		switch {
		case inScheme && l.Removed.IsZero():
			return next
		case inScheme:
			cur, next = next, l.Replacement
		case inHistory:
			cur, next = next, h.Replacement.GVK()
		default:
			// Neither removed nor in the scheme (apiextensions.k8s.io/v1,
			// which client-go does not register): trust the name.
			return next
		}
	}
	return schema.GroupVersionKind{}
}

// newestServed is the group's newest version of the kind the scheme
// serves, or the zero GVK.
func newestServed(gk schema.GroupKind) schema.GroupVersionKind {
	if vs := groupKinds[gk]; len(vs) > 0 {
		return gk.WithVersion(vs[0])
	}
	return schema.GroupVersionKind{}
}

// Deprecations lists every API version with a removal release, from the
// scheme and from the history of versions it no longer has, sorted by
// group, kind and version.
func Deprecations() []Lifecycle {
	lifeOnce.Do(buildLifecycles)
	var out []Lifecycle
	for gvk, l := range lifeTable {
		if !l.Removed.IsZero() {
			out = append(out, LifecycleOf(gvk))
		}
	}
	for _, a := range EmbeddedHistory().APIs {
		if _, ok := lifeTable[a.GVK()]; !ok && a.Removed != "" {
			out = append(out, LifecycleOf(a.GVK()))
		}
	}
	slices.SortFunc(out, func(a, b Lifecycle) int {
		return strings.Compare(a.GVK.Group+"/"+a.GVK.Kind+"/"+a.GVK.Version, b.GVK.Group+"/"+b.GVK.Kind+"/"+b.GVK.Version)
	})
	return out
}

// compareAPIVersions orders Kubernetes API versions: v2 > v1 > v1beta2 >
// v1beta1 > v1alpha1.
func compareAPIVersions(a, b string) int {
	ka, kb := versionKey(a), versionKey(b)
	for i := range ka {
		if ka[i] != kb[i] {
			if ka[i] < kb[i] {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a, b)
}

// versionKey is (major, stability, minor): stability 2 GA, 1 beta, 0
// alpha.
func versionKey(v string) [3]int {
	var major, minor, stab int
	rest := strings.TrimPrefix(v, "v")
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		major = major*10 + int(rest[i]-'0')
		i++
	}
	rest = rest[i:]
	switch {
	case rest == "":
		stab = 2
	case strings.HasPrefix(rest, "beta"):
		stab, rest = 1, rest[4:]
	case strings.HasPrefix(rest, "alpha"):
		stab, rest = 0, rest[5:]
	default:
		return [3]int{-1, 0, 0}
	}
	for j := 0; j < len(rest) && rest[j] >= '0' && rest[j] <= '9'; j++ {
		minor = minor*10 + int(rest[j]-'0')
	}
	return [3]int{major, stab, minor}
}
