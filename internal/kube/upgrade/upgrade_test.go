package upgrade

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
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
		{"kubelet 3 behind on 1.30", KubeletSkew(v("1.30.1"), v("1.27.0")), false},
		{"kubelet 4 behind on 1.30", KubeletSkew(v("1.30.1"), v("1.26.0")), true},
		{"kubelet 3 behind on 1.27", KubeletSkew(v("1.27.1"), v("1.24.0")), true},
		{"kubelet newer", KubeletSkew(v("1.30.1"), v("1.31.0")), true},
		{"scheduler 1 behind", ControllerSkew("kube-scheduler", v("1.30"), v("1.29")), false},
		{"scheduler 2 behind", ControllerSkew("kube-scheduler", v("1.30"), v("1.28")), true},
		{"controller newer", ControllerSkew("kube-controller-manager", v("1.30"), v("1.31")), true},
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
	tests := []struct {
		gvk                 schema.GroupVersionKind
		deprecated, removed string
		replacement         string
		unserved            bool
	}{
		{schema.GroupVersionKind{Group: "extensions", Version: "v1beta1", Kind: "Ingress"}, "v1.14", "v1.22", "networking.k8s.io/v1, Kind=Ingress", false},
		{schema.GroupVersionKind{Group: "batch", Version: "v1beta1", Kind: "CronJob"}, "v1.21", "v1.25", "batch/v1, Kind=CronJob", false},
		{schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, "", "", "", false},
		{schema.GroupVersionKind{Group: "autoscaling", Version: "v2beta2", Kind: "HorizontalPodAutoscaler"}, "", "", "autoscaling/v2, Kind=HorizontalPodAutoscaler", true},
		{schema.GroupVersionKind{Group: "policy", Version: "v1beta1", Kind: "PodSecurityPolicy"}, "", "", "", true},
		{schema.GroupVersionKind{Group: "cert-manager.io", Version: "v1alpha2", Kind: "Certificate"}, "", "", "", false},
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
	if n := len(Deprecations()); n < 50 {
		t.Errorf("only %d API versions with a removal release: the scheme was not read", n)
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
