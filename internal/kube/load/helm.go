package load

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/palisade-sec/palisade/internal/kube"
)

// HelmOptions are the inputs `helm template` would take.
type HelmOptions struct {
	// ValueFiles are merged in order over the chart's values.yaml
	// (helm --values).
	ValueFiles []string
	// Set and SetString are helm's --set and --set-string.
	Set       []string
	SetString []string
	// Namespace is the release namespace; "" renders with "default",
	// as helm does, and marks it as not chosen by the user.
	Namespace string
	// ReleaseName defaults to "release-name", as in `helm template`.
	ReleaseName string
	// KubeVersion is .Capabilities.KubeVersion, e.g. "v1.37.0"; default
	// DefaultKubeVersion.
	KubeVersion string
}

// DefaultKubeVersion is the Kubernetes version charts are rendered for
// when none is given: the version of the API libraries palisade uses.
const DefaultKubeVersion = "v1.37.0"

// Chart renders a Helm chart (a directory or a .tgz) with the Helm
// library, as `helm template` does, and loads the result. Template
// errors, missing dependencies and bad values become snapshot errors.
func Chart(path string, o HelmOptions) *kube.Snapshot {
	name := filepath.ToSlash(path)
	s := &kube.Snapshot{Name: name, Kind: kube.FromHelm}
	src := kube.Source{Kind: kube.FromHelm, Root: name}
	fail := func(format string, a ...any) *kube.Snapshot {
		s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: fmt.Sprintf(format, a...)})
		return s
	}
	ch, err := loader.Load(path)
	if err != nil {
		return fail("cannot load the chart: %v", err)
	}
	vals, err := helmValues(o)
	if err != nil {
		return fail("%v", err)
	}
	for _, missing := range missingDependencies(ch) {
		s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: fmt.Sprintf(
			"dependency %s is not in the chart's charts/ directory: rendered without it; run `helm dependency build %s` to judge it too", missing, name)})
	}
	if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
		return fail("processing the chart's dependencies: %v", err)
	}
	ns := o.Namespace
	if ns == "" {
		ns = "default"
		s.ImplicitNamespace = ns
	}
	release := o.ReleaseName
	if release == "" {
		release = "release-name"
	}
	caps := chartutil.DefaultCapabilities.Copy()
	kv := o.KubeVersion
	if kv == "" {
		kv = DefaultKubeVersion
	}
	parsed, err := chartutil.ParseKubeVersion(kv)
	if err != nil {
		return fail("invalid Kubernetes version %q: %v", kv, err)
	}
	caps.KubeVersion = *parsed
	top, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: release, Namespace: ns, Revision: 1, IsInstall: true}, caps)
	if err != nil {
		return fail("%v", err)
	}
	rendered, err := engine.Render(ch, top)
	if err != nil {
		return fail("rendering the chart: %v", err)
	}
	// CRDs in crds/ are installed with the chart.
	for _, crd := range ch.CRDObjects() {
		rendered[crd.Filename] = string(crd.File.Data)
	}
	names := make([]string, 0, len(rendered))
	for n := range rendered {
		names = append(names, n)
	}
	slices.Sort(names)
	chartName := ch.Name()
	var all []*kube.Object
	for _, n := range names {
		base := filepath.Base(n)
		if strings.HasPrefix(base, "_") || strings.HasSuffix(base, "NOTES.txt") {
			continue
		}
		text := rendered[n]
		if strings.TrimSpace(text) == "" {
			continue
		}
		fs := src
		fs.File = name + "/" + strings.TrimPrefix(n, chartName+"/")
		objs, errs := ParseRendered(text, fs)
		all = append(all, objs...)
		for i := range errs {
			errs[i].Message = "rendered template: " + errs[i].Message
		}
		s.Errors = append(s.Errors, errs...)
	}
	// As `helm install --namespace` does, namespaced objects without a
	// namespace land in the release namespace.
	scope := &kube.Snapshot{Objects: all}
	for _, obj := range all {
		if obj.Meta.Namespace == "" && scope.Namespaced(obj) {
			obj.Meta.Namespace = ns
		}
	}
	s.Add(all...)
	return s
}

// helmValues merges --values files, then --set, then --set-string, as
// helm does.
func helmValues(o HelmOptions) (map[string]any, error) {
	base := map[string]any{}
	for _, f := range o.ValueFiles {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("reading values file: %w", err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("values file %s: %w", f, err)
		}
		base = mergeMaps(base, m)
	}
	for _, v := range o.Set {
		if err := strvals.ParseInto(v, base); err != nil {
			return nil, fmt.Errorf("--set %s: %w", v, err)
		}
	}
	for _, v := range o.SetString {
		if err := strvals.ParseIntoString(v, base); err != nil {
			return nil, fmt.Errorf("--set-string %s: %w", v, err)
		}
	}
	return base, nil
}

func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// missingDependencies lists the dependencies in Chart.yaml that are not
// vendored under charts/.
func missingDependencies(ch *chart.Chart) []string {
	have := map[string]bool{}
	for _, d := range ch.Dependencies() {
		have[d.Name()] = true
	}
	var out []string
	for _, d := range ch.Metadata.Dependencies {
		if d == nil || have[d.Name] {
			continue
		}
		out = append(out, fmt.Sprintf("%q (%s)", d.Name, d.Version))
	}
	return out
}
