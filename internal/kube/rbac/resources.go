package rbac

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
)

var (
	groupsOnce sync.Once
	groupOf    map[string]string
)

// GroupOf returns the API group of a built-in resource name ("pods" ->
// "", "deployments" -> "apps"), derived from the kinds the client
// library's scheme knows; the core group, then any group but the legacy
// extensions group, wins when several serve the name. Unknown names are
// taken as core.
func GroupOf(resource string) string {
	groupsOnce.Do(func() {
		groups := map[string][]string{}
		for gvk := range scheme.Scheme.AllKnownTypes() {
			if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") || strings.HasSuffix(gvk.Kind, "Options") {
				continue
			}
			plural, _ := meta.UnsafeGuessKindToResource(gvk)
			if !slices.Contains(groups[plural.Resource], gvk.Group) {
				groups[plural.Resource] = append(groups[plural.Resource], gvk.Group)
			}
		}
		groupOf = map[string]string{}
		for res, gs := range groups {
			slices.SortFunc(gs, func(a, b string) int { return cmp.Or(cmp.Compare(groupRank(a), groupRank(b)), strings.Compare(a, b)) })
			groupOf[res] = gs[0]
		}
	})
	return groupOf[resource]
}

func groupRank(g string) int {
	switch {
	case g == "":
		return 0
	case g == "extensions":
		return 3
	case strings.HasSuffix(g, ".k8s.io") || !strings.Contains(g, "."):
		return 1
	}
	return 2
}
