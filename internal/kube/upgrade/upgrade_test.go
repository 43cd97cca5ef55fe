package upgrade

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"

	"github.com/palisade-sec/palisade/internal/kubetest"
)

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"v1.29.3", "v1.29.3", false},
		{"1.29", "v1.29", false},
		{"v1.30.2+k3s1", "v1.30.2", false},
		{"v1.28.5-eks-5e0fdde", "v1.28.5", false},
		{"1.31.x", "v1.31", false},
		{"2.0", "", true},
		{"latest", "", true},
		{"1.2000000000", "", true},
		{"v1.99999999999999999999999", "", true},
		{"1.30.99999999999999999999", "", true},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.in)
		if (err != nil) != tt.err || (err == nil && v.String() != tt.want) {
			t.Errorf("ParseVersion(%q) = %v, %v; want %s", tt.in, v, err, tt.want)
		}
	}
}

func TestSupport(t *testing.T) {
	tab := Embedded()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		v, now   string
		eol, mnt bool
		days     int
		behind   string
	}{
		{"v1.29.3", "2026-11-27", true, false, -637, "v1.29.14"},
		{"v1.36.1", "2027-05-01", false, true, 58, "v1.36.4"},
		{"v1.37.2", "2026-11-27", false, false, 335, ""},
		{"v1.35.0", "2027-02-28", true, false, 0, "v1.35.9"},
	}
	for _, tt := range tests {
		v, _ := ParseVersion(tt.v)
		s := tab.SupportOf(v, day(tt.now))
		behind := ""
		if !s.BehindPatch.IsZero() {
			behind = s.BehindPatch.String()
		}
		if !s.Known || s.EOL != tt.eol || s.Maintenance != tt.mnt || s.DaysLeft != tt.days || behind != tt.behind {
			t.Errorf("%s on %s: %+v", tt.v, tt.now, s)
		}
	}
	if s := tab.SupportOf(MinorOf(1, 12), day("2026-01-01")); s.Known || !s.EOL {
		t.Errorf("1.12: %+v", s)
	}
	if s := tab.SupportOf(MinorOf(1, 40), day("2026-01-01")); s.Known || s.EOL {
		t.Errorf("1.40 (newer than the table): %+v", s)
	}
}

func TestLoadTable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "releases.json")
	os.WriteFile(p, []byte(`{"asOf": "2027-01-01", "releases": [{"minor": "1.38", "released": "2026-12-16", "eol": "2028-02-28", "latestPatch": "1.38.1"}]}`), 0o600)
	tab, err := LoadTable(p)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Newest().Minor != "1.38" {
		t.Errorf("newest = %s", tab.Newest().Minor)
	}
	for _, bad := range []string{`{}`, `{"asOf": "2027-01-01", "releases": [{"minor": "x"}]}`, `{"asOf": "2027-01-01", "releases": [{"minor": "1.38", "released": "2026-12-16", "eol": "2028-02-28", "latestPatch": "1.37.1"}]}`, `[`} {
		if _, err := ParseTable([]byte(bad)); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
	if _, err := LoadTable(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestSkew(t *testing.T) {
	v := func(s string) Version { x, _ := ParseVersion(s); return x }
	tests := []struct {
		name, got string
		bad       bool
	}{
		{"kubelet 3 behind on 1.30", NodeSkew("kubelet", SingleAPIServer(v("1.30.1")), v("1.27.0")), false},
		{"kubelet 4 behind on 1.30", NodeSkew("kubelet", SingleAPIServer(v("1.30.1")), v("1.26.0")), true},
		{"kubelet 3 behind on 1.27", NodeSkew("kubelet", SingleAPIServer(v("1.27.1")), v("1.24.0")), true},
		{"kubelet newer", NodeSkew("kubelet", SingleAPIServer(v("1.30.1")), v("1.31.0")), true},
		{"scheduler 1 behind", ControllerSkew("kube-scheduler", SingleAPIServer(v("1.30")), v("1.29")), false},
		{"scheduler 2 behind", ControllerSkew("kube-scheduler", SingleAPIServer(v("1.30")), v("1.28")), true},
		{"controller newer", ControllerSkew("kube-controller-manager", SingleAPIServer(v("1.30")), v("1.31")), true},
		// During an upgrade of an HA control plane (API servers 1.30
		// and 1.31), nothing may be newer than 1.30, and lag counts
		// from 1.31.
		{"kubelet newer than the oldest API server", NodeSkew("kubelet", APIServers{v("1.30"), v("1.31")}, v("1.31.0")), true},
		{"kubelet 3 behind the newest API server", NodeSkew("kubelet", APIServers{v("1.30"), v("1.31")}, v("1.28.0")), false},
		{"kubelet 4 behind the newest API server", NodeSkew("kubelet", APIServers{v("1.30"), v("1.31")}, v("1.27.0")), true},
		{"controller at the oldest", ControllerSkew("kube-scheduler", APIServers{v("1.30"), v("1.31")}, v("1.30")), false},
		{"controller at the newest", ControllerSkew("kube-scheduler", APIServers{v("1.30"), v("1.31")}, v("1.31")), true},
		{"HA 1 apart", APIServerSkew([]Version{v("1.30"), v("1.31")}), false},
		{"HA 2 apart", APIServerSkew([]Version{v("1.29"), v("1.31"), v("1.30")}), true},
	}
	for _, tt := range tests {
		if (tt.got != "") != tt.bad {
			t.Errorf("%s: %q", tt.name, tt.got)
		}
	}
	if p := UpgradePath(v("1.30.2"), v("1.33")); len(p) != 3 || p[2].String() != "v1.33" {
		t.Errorf("path = %v", p)
	}
}

func TestLifecycle(t *testing.T) {
	gvk := func(g, v, k string) schema.GroupVersionKind {
		return schema.GroupVersionKind{Group: g, Version: v, Kind: k}
	}
	tests := []struct {
		gvk                 schema.GroupVersionKind
		deprecated, removed string
		replacement         string
		unserved            bool
	}{
		// From the current k8s.io/api.
		{gvk("extensions", "v1beta1", "Ingress"), "v1.14", "v1.22", "networking.k8s.io/v1, Kind=Ingress", false},
		{gvk("extensions", "v1beta1", "Deployment"), "v1.8", "v1.16", "apps/v1, Kind=Deployment", false},
		{gvk("batch", "v1beta1", "CronJob"), "v1.21", "v1.25", "batch/v1, Kind=CronJob", false},
		{gvk("apps", "v1", "Deployment"), "", "", "", false},
		// From the history of older k8s.io/api releases.
		{gvk("autoscaling", "v2beta2", "HorizontalPodAutoscaler"), "v1.23", "v1.26", "autoscaling/v2, Kind=HorizontalPodAutoscaler", true},
		{gvk("policy", "v1beta1", "PodSecurityPolicy"), "v1.21", "v1.25", "", true},
		// Names policy/v1beta1 PodSecurityPolicy, removed too: nothing served.
		{gvk("extensions", "v1beta1", "PodSecurityPolicy"), "v1.11", "v1.16", "", true},
		// Names flowcontrol v1beta3, removed in 1.32, which names v1.
		{gvk("flowcontrol.apiserver.k8s.io", "v1alpha1", "FlowSchema"), "v1.20", "v1.21", "flowcontrol.apiserver.k8s.io/v1, Kind=FlowSchema", true},
		// apiextensions-apiserver, which client-go does not register.
		{gvk("apiextensions.k8s.io", "v1beta1", "CustomResourceDefinition"), "v1.16", "v1.22", "apiextensions.k8s.io/v1, Kind=CustomResourceDefinition", true},
		{gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"), "", "", "", false},
		// Dropped from k8s.io/api in 1.35, before its stated removal (1.40).
		{gvk("certificates.k8s.io", "v1alpha1", "PodCertificateRequest"), "v1.37", "v1.35", "certificates.k8s.io/v1, Kind=PodCertificateRequest", true},
		// Older than the history: the group's served version stands in.
		{gvk("batch", "v2alpha1", "CronJob"), "", "", "batch/v1, Kind=CronJob", true},
		{gvk("cert-manager.io", "v1alpha2", "Certificate"), "", "", "", false},
	}
	for _, tt := range tests {
		l := LifecycleOf(tt.gvk)
		str := func(v Version) string {
			if v.IsZero() {
				return ""
			}
			return v.String()
		}
		repl := ""
		if l.Replacement.Kind != "" {
			repl = l.Replacement.String()
		}
		if str(l.Deprecated) != tt.deprecated || str(l.Removed) != tt.removed || repl != tt.replacement || l.Unserved != tt.unserved {
			t.Errorf("%s: deprecated %s removed %s replacement %q unserved %v", tt.gvk, str(l.Deprecated), str(l.Removed), repl, l.Unserved)
		}
	}
	deps := Deprecations()
	if n := len(deps); n < 50 {
		t.Errorf("only %d API versions with a removal release: the scheme was not read", n)
	}
	found := false
	for _, l := range deps {
		found = found || l.GVK == gvk("policy", "v1beta1", "PodSecurityPolicy")
	}
	if !found {
		t.Error("Deprecations lacks policy/v1beta1 PodSecurityPolicy from the history")
	}
}

// TestEmbeddedHistory checks the generated file against the scheme it
// complements: it must name only kinds the scheme lacks, each with a
// removal release, and every replacement must resolve.
func TestEmbeddedHistory(t *testing.T) {
	h := EmbeddedHistory()
	if len(h.APIs) < 10 {
		t.Fatalf("only %d removed APIs in the history", len(h.APIs))
	}
	if !slices.ContainsFunc(h.DerivedFrom, func(s string) bool { return strings.HasPrefix(s, "k8s.io/api@v0.19.") }) {
		t.Errorf("derivedFrom %v does not start at k8s.io/api v0.19", h.DerivedFrom)
	}
	known := scheme.Scheme.AllKnownTypes()
	for _, a := range h.APIs {
		if _, ok := known[a.GVK()]; ok {
			t.Errorf("%s is in the current scheme: its lifecycle comes from k8s.io/api, not the history", a.GVK())
		}
		if a.Removed == "" || a.Source == "" {
			t.Errorf("%s: no removal release or no source", a.GVK())
		}
		if r := LifecycleOf(a.GVK()).Replacement; r.Kind != "" {
			if _, ok := historyOf(r); ok || LifecycleOf(r).Unserved || !LifecycleOf(r).Removed.IsZero() {
				t.Errorf("%s: replacement %s is not served", a.GVK(), r)
			}
		}
	}
	// The committed file is what the generator writes: indented, sorted.
	if _, err := ParseHistory(embeddedHistory); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := json.Indent(&again, embeddedHistory, "", "  "); err != nil || !bytes.Equal(again.Bytes(), embeddedHistory) {
		t.Error("removed_apis.json is not as the generator writes it: run go generate ./internal/kube/upgrade")
	}
}

func TestParseHistory(t *testing.T) {
	ok := `{"derivedFrom": ["k8s.io/api@v0.19.0"], "apis": [
		{"group": "a", "version": "v1beta1", "kind": "K", "removed": "1.22", "source": "x"},
		{"group": "a", "version": "v1beta2", "kind": "K", "replacement": {"group": "a", "version": "v1", "kind": "K"}, "source": "x"}]}`
	if _, err := ParseHistory([]byte(ok)); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, in, want string }{
		{"not JSON", `[`, "not an API history"},
		{"no source", `{"apis": []}`, "derivedFrom"},
		{"unsorted", `{"derivedFrom": ["m"], "apis": [{"group": "b", "version": "v1", "kind": "K"}, {"group": "a", "version": "v1", "kind": "K"}]}`, "not sorted"},
		{"twice", `{"derivedFrom": ["m"], "apis": [{"group": "a", "version": "v1", "kind": "K"}, {"group": "a", "version": "v1", "kind": "K"}]}`, "listed twice"},
		{"bad version", `{"derivedFrom": ["m"], "apis": [{"group": "a", "version": "beta", "kind": "K"}]}`, "want an API version"},
		{"patch release", `{"derivedFrom": ["m"], "apis": [{"group": "a", "version": "v1", "kind": "K", "removed": "1.22.3"}]}`, "want a minor"},
		{"bad replacement", `{"derivedFrom": ["m"], "apis": [{"group": "a", "version": "v1", "kind": "K", "replacement": {"group": "a"}}]}`, "replacement"},
	} {
		_, err := ParseHistory([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestParseDeprecatedMetric(t *testing.T) {
	data := `# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested, broken out by API group, version, resource, subresource, and removed_release.
# TYPE apiserver_requested_deprecated_apis gauge
apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.32",resource="flowschemas",subresource="",version="v1beta3"} 1
apiserver_requested_deprecated_apis{group="",removed_release="",resource="componentstatuses",subresource="",version="v1"} 1
apiserver_requested_deprecated_apis{group="x",removed_release="1.40",resource="y",subresource="",version="v1beta1"} 0
apiserver_request_total{code="200"} 5
`
	got, err := ParseDeprecatedMetric([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].GroupVersion() != "flowcontrol.apiserver.k8s.io/v1beta3" || got[0].RemovedRelease != "1.32" || got[1].Resource != "componentstatuses" {
		t.Errorf("got %+v", got)
	}
	if _, err := ParseDeprecatedMetric([]byte(`apiserver_requested_deprecated_apis{group="x 1`)); err == nil {
		t.Error("malformed sample parsed")
	}
}

// TestFetchDeprecatedLive reads the metric from a real API server after
// requesting a deprecated API (componentstatuses, deprecated in v1).
func TestFetchDeprecatedLive(t *testing.T) {
	c := kubetest.Start(t)
	ctx := kubetest.Context(t)
	rc, err := restClient(c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	// A deprecated API: the server records the request.
	_ = rc.Get().AbsPath("/api/v1/componentstatuses").Do(ctx).Error()
	got, err := FetchDeprecated(ctx, c.Admin)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range got {
		if r.Resource == "componentstatuses" {
			found = true
		}
	}
	if !found {
		var names []string
		for _, r := range got {
			names = append(names, r.GroupVersion()+"/"+r.Resource)
		}
		t.Errorf("componentstatuses not among the deprecated APIs requested: %s", strings.Join(names, ", "))
	}
}

func restClient(cfg *rest.Config) (rest.Interface, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return cs.CoreV1().RESTClient(), nil
}
