package upgrade

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// removed_apis.json holds the lifecycle of the API versions older
// k8s.io/api (and apiextensions-apiserver) releases defined and the one
// palisade builds with no longer does. It needs the network, so tests
// never run the generator; refresh it after bumping k8s.io/api with
//
//	go generate ./internal/kube/upgrade
//
//go:generate go run ./internal/genhistory -o removed_apis.json

//go:embed removed_apis.json
var embeddedHistory []byte

// History is the lifecycle of API versions the current k8s.io/api no
// longer has, as the newest release that had each one stated it.
type History struct {
	// DerivedFrom names the module versions read, e.g. k8s.io/api@v0.36.6.
	DerivedFrom []string     `json:"derivedFrom"`
	APIs        []RemovedAPI `json:"apis"`
}

// RemovedAPI is one kind at one API version. Releases are "1.22".
type RemovedAPI struct {
	Group       string  `json:"group"`
	Version     string  `json:"version"`
	Kind        string  `json:"kind"`
	Introduced  string  `json:"introduced,omitempty"`
	Deprecated  string  `json:"deprecated,omitempty"`
	Removed     string  `json:"removed,omitempty"`
	Replacement *APIRef `json:"replacement,omitempty"`
	// DroppedIn is the first release whose module no longer defines the
	// kind. No release from the earlier of Removed and DroppedIn serves
	// it (alpha versions are often dropped before their stated removal).
	DroppedIn string `json:"droppedIn,omitempty"`
	// Source is the module version whose statement this is.
	Source string `json:"source"`
}

// APIRef names a kind at an API version.
type APIRef struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// GVK is the entry's group, version and kind.
func (a RemovedAPI) GVK() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: a.Group, Version: a.Version, Kind: a.Kind}
}

// GVK is the reference as a GroupVersionKind.
func (r *APIRef) GVK() schema.GroupVersionKind {
	if r == nil {
		return schema.GroupVersionKind{}
	}
	return schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
}

// Compare orders entries by group, version and kind.
func (a RemovedAPI) Compare(b RemovedAPI) int {
	for _, c := range [][2]string{{a.Group, b.Group}, {a.Version, b.Version}, {a.Kind, b.Kind}} {
		if n := strings.Compare(c[0], c[1]); n != 0 {
			return n
		}
	}
	return 0
}

// ParseHistory reads and validates an API history: every entry names a
// kind and an API version, releases are minors, and entries are sorted
// and unique.
func ParseHistory(data []byte) (*History, error) {
	if len(data) > 4<<20 {
		return nil, fmt.Errorf("API history larger than 4 MiB")
	}
	var h History
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("not an API history: %w", err)
	}
	if len(h.DerivedFrom) == 0 {
		return nil, fmt.Errorf("API history: derivedFrom names no module version")
	}
	for i, a := range h.APIs {
		name := fmt.Sprintf("entry %d (%s/%s %s)", i, a.Group, a.Version, a.Kind)
		if !apiVersionRe.MatchString(a.Version) || a.Kind == "" {
			return nil, fmt.Errorf("%s: want an API version like v1beta1 and a kind", name)
		}
		for _, r := range []string{a.Introduced, a.Deprecated, a.Removed, a.DroppedIn} {
			if r == "" {
				continue
			}
			if v, err := ParseVersion(r); err != nil || v.Patch >= 0 {
				return nil, fmt.Errorf("%s: release %q: want a minor like 1.22", name, r)
			}
		}
		if r := a.Replacement; r != nil && (r.Version == "" || r.Kind == "") {
			return nil, fmt.Errorf("%s: replacement names no version or kind", name)
		}
		if i > 0 && h.APIs[i-1].Compare(a) >= 0 {
			return nil, fmt.Errorf("%s: not sorted by group, version and kind, or listed twice", name)
		}
	}
	return &h, nil
}

var apiVersionRe = regexp.MustCompile(`^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$`)

var (
	historyOnce  sync.Once
	historyTable map[schema.GroupVersionKind]RemovedAPI
)

// EmbeddedHistory returns the API history palisade ships.
func EmbeddedHistory() *History {
	h, err := ParseHistory(embeddedHistory)
	if err != nil {
		panic("embedded API history: " + err.Error())
	}
	return h
}

func historyOf(gvk schema.GroupVersionKind) (RemovedAPI, bool) {
	historyOnce.Do(func() {
		historyTable = map[schema.GroupVersionKind]RemovedAPI{}
		for _, a := range EmbeddedHistory().APIs {
			historyTable[a.GVK()] = a
		}
	})
	a, ok := historyTable[gvk]
	return a, ok
}

// removedIn is the first release that no longer serves the API.
func (a RemovedAPI) removedIn() Version {
	r, d := release(a.Removed), release(a.DroppedIn)
	if r.IsZero() || (!d.IsZero() && d.CompareMinor(r) < 0) {
		return d
	}
	return r
}

// release reads a release the history validated ("" is zero).
func release(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		return Version{}
	}
	return v
}
