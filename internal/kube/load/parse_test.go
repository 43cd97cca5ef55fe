package load

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/kube"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		refs    []string // object refs in order
		lines   []int    // their document lines
		errs    []string // error message parts, in order
		errLine []int
	}{
		{
			name: "multi-document with empty and comment-only documents",
			in:   "---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
			refs: []string{"ConfigMap/x/a", "Deployment/web"}, lines: []int{3, 9},
		},
		{
			name: "a bad document does not lose the next ones",
			in:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: [name: b\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			refs: []string{"ConfigMap/a", "ConfigMap/c"}, lines: []int{1, 8},
			errs: []string{"invalid YAML: line "}, errLine: []int{4},
		},
		{
			name: "List kinds are expanded, with item lines",
			in:   "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec: {containers: [{name: c, image: i}]}\n",
			refs: []string{"Service/s", "Pod/p"}, lines: []int{4, 7},
		},
		{
			name: "typed lists too",
			in:   `{"apiVersion":"v1","kind":"PodList","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"}}]}`,
			refs: []string{"Pod/n/p"}, lines: []int{1},
		},
		{
			name: "unknown kinds are kept",
			in:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: n}\nspec: {size: 3}\n",
			refs: []string{"Widget/n/w"}, lines: []int{1},
		},
		{
			name:    "not objects",
			in:      "- a\n- b\n---\njust a string\n---\nfoo: bar\n---\nkind: Pod\n---\napiVersion: v1\n---\napiVersion: v1/v2/v3\nkind: Pod\n",
			errs:    []string{"document is a list", "document is a string", "no apiVersion and no kind", "Pod has no apiVersion", "has no kind", "invalid apiVersion"},
			errLine: []int{1, 3, 5, 7, 9, 11},
		},
		{
			name: "document end markers and CRLF",
			in:   "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\n...\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: b}\r\n",
			refs: []string{"ConfigMap/a", "ConfigMap/b"}, lines: []int{1, 5},
		},
		{
			name: "anchors and merge keys",
			in:   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: x}\n  annotations:\n    <<: *l\nspec: {containers: [{name: c, image: i}]}\n",
			refs: []string{"Pod/p"}, lines: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, errs := Parse([]byte(tt.in), kube.Source{Kind: kube.FromFile, File: "f.yaml"})
			var refs []string
			var lines []int
			for _, o := range objs {
				refs = append(refs, o.Ref())
				lines = append(lines, o.Source.Line)
			}
			if strings.Join(refs, ",") != strings.Join(tt.refs, ",") {
				t.Errorf("refs = %v, want %v", refs, tt.refs)
			}
			if len(tt.refs) > 0 && !equalInts(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors = %v, want %d", errs, len(tt.errs))
			}
			for i, e := range errs {
				if !strings.Contains(e.Message, tt.errs[i]) || e.Source.Line != tt.errLine[i] {
					t.Errorf("error %d = line %d %q, want line %d containing %q", i, e.Source.Line, e.Message, tt.errLine[i], tt.errs[i])
				}
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecodeTypedAndLines(t *testing.T) {
	in := `apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: old
spec:
  template:
    metadata:
      labels: {app: old}
    spec:
      containers:
      - name: a
        image: nginx
        securityContex:
          privileged: true
      - name: b
        image: redis
        env:
        - name: N
          value: 5
`
	objs, errs := Parse([]byte(in), kube.Source{File: "old.yaml"})
	if len(errs) != 0 || len(objs) != 1 {
		t.Fatalf("objs %d errs %v", len(objs), errs)
	}
	o := objs[0]
	if _, ok := o.Typed.(*appsv1beta1.Deployment); !ok {
		t.Fatalf("typed = %T, want the apps/v1beta1 type (the API version as written)", o.Typed)
	}
	// With a wrong value type the object is decoded leniently, and the
	// unknown fields are not listed.
	clean, _ := Parse([]byte(strings.Replace(in, "value: 5", "value: \"5\"", 1)), kube.Source{})
	if u := clean[0].Unknown; len(u) != 1 || !strings.Contains(u[0], "securityContex") {
		t.Errorf("unknown fields = %v", u)
	}
	if !strings.Contains(o.Invalid, "env.value") {
		t.Errorf("invalid = %q, want the env value type error", o.Invalid)
	}
	tpl, path, ok := kube.PodTemplate(o)
	if !ok || path.String() != "spec.template" || tpl.Spec.Containers[1].Image != "redis" {
		t.Fatalf("template = %v %v", path, ok)
	}
	for p, want := range map[string]int{
		"spec.template.spec.containers[1].image":       16,
		"spec.template.spec.containers[1]":             15,
		"spec.template.spec.containers[0].nonexistent": 11,
		"metadata.name": 4,
		"":              1,
	} {
		if got := o.Line(kube.ParsePath(p)); got != want {
			t.Errorf("line of %q = %d, want %d", p, got, want)
		}
	}
}

func TestWorkloadsDeduplicateOwned(t *testing.T) {
	in := `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: n}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-1
  namespace: n
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: "1", controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1-abc
  namespace: n
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: "2", controller: true}]
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: orphan
  namespace: n
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: "3", controller: true}]
spec: {containers: [{name: c, image: i}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: n}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec: {containers: [{name: c, image: i}], restartPolicy: Never}
`
	s := Bytes("x.yaml", []byte(in))
	var got []string
	for _, w := range s.Workloads() {
		got = append(got, w.Object.Ref()+"@"+w.SpecPath().String())
	}
	want := "Deployment/n/web@spec.template.spec,Pod/n/orphan@spec,CronJob/n/nightly@spec.jobTemplate.spec.template.spec"
	if strings.Join(got, ",") != want {
		t.Errorf("workloads = %v\nwant %s", got, want)
	}
	if _, ok := s.Workloads()[0].Object.Typed.(*appsv1.Deployment); !ok {
		t.Error("Deployment not typed")
	}
}

func TestFilesErrors(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ok := filepath.Join(dir, "ok.yaml")
	os.WriteFile(ok, []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"), 0o644)
	s := Files(dir, []string{big, filepath.Join(dir, "missing.yaml"), ok})
	if len(s.Objects) != 1 || len(s.Errors) != 2 {
		t.Fatalf("objects %d errors %v", len(s.Objects), s.Errors)
	}
	if !strings.Contains(s.Errors[0].Message, "larger than 32 MiB") || !strings.Contains(s.Errors[1].Message, "no such file") {
		t.Errorf("errors = %v", s.Errors)
	}
	if _, ok := s.Objects[0].Typed.(*corev1.Namespace); !ok {
		t.Errorf("typed = %T", s.Objects[0].Typed)
	}
}

func TestDiscover(t *testing.T) {
	dir := t.TempDir()
	write := func(p, content string) {
		full := filepath.Join(dir, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("deploy/app.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
	write("deploy/app.json", `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}`)
	write(".github/workflows/ci.yml", "on: push\njobs: {}\n")
	write("docker-compose.yml", "services: {web: {image: x}}\n")
	write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n")
	write("chart/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Release.Name }}}\n")
	write("overlay/kustomization.yaml", "resources: [cm.yaml]\nnamespace: prod\n")
	write("overlay/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: k}\n")
	write("node_modules/x/k.yaml", "apiVersion: v1\nkind: ConfigMap\n")
	units, errs, err := Discover(dir)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	var kinds []string
	for _, u := range units {
		kinds = append(kinds, string(u.Kind))
		if u.Kind == kube.FromFile && len(u.Files) != 2 {
			t.Errorf("manifest files = %v, want the two under deploy/", u.Files)
		}
	}
	if strings.Join(kinds, ",") != "file,helm,kustomize" {
		t.Errorf("units = %v", kinds)
	}
	snaps, err := Path(dir, Options{Helm: HelmOptions{Namespace: "web"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range snaps {
		for _, e := range s.Errors {
			t.Errorf("%s: %v", s.Name, e)
		}
		for _, o := range s.Objects {
			got[o.Ref()] = true
		}
	}
	for _, want := range []string{"Namespace/a", "Namespace/b", "ConfigMap/web/release-name", "ConfigMap/prod/k"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
}

func TestHelmValuesAndErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies:\n- name: redis\n  version: 1.0.0\n  repository: https://example.com\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "values.yaml"), []byte("image: {repo: app, tag: \"1\"}\nreplicas: 1\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	os.WriteFile(filepath.Join(dir, "templates", "d.yaml"), []byte(`apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-p
  namespace: {{ .Release.Namespace }}
spec:
  containers:
  - name: c
    image: {{ .Values.image.repo }}:{{ .Values.image.tag }}
`), 0o644)
	vals := filepath.Join(t.TempDir(), "prod.yaml")
	os.WriteFile(vals, []byte("image: {tag: \"2\"}\n"), 0o644)
	s := Chart(dir, HelmOptions{ValueFiles: []string{vals}, Set: []string{"image.repo=registry.example.com/app"}, Namespace: "prod", ReleaseName: "shop"})
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Message, `dependency "redis"`) {
		t.Errorf("errors = %v, want the missing dependency", s.Errors)
	}
	ws := s.Workloads()
	if len(ws) != 1 {
		t.Fatalf("workloads = %d", len(ws))
	}
	if ws[0].Object.Ref() != "Pod/prod/shop-p" || ws[0].Spec().Containers[0].Image != "registry.example.com/app:2" {
		t.Errorf("rendered %s with image %s", ws[0].Object.Ref(), ws[0].Spec().Containers[0].Image)
	}
	if s.ImplicitNamespace != "" {
		t.Errorf("namespace was given, yet implicit = %q", s.ImplicitNamespace)
	}
	bad := Chart(dir, HelmOptions{Set: []string{"image=["}})
	if len(bad.Errors) == 0 {
		t.Error("a bad --set must be an error")
	}
	os.WriteFile(filepath.Join(dir, "templates", "broken.yaml"), []byte("{{ .Values.nope.deeper }}\n"), 0o644)
	broken := Chart(dir, HelmOptions{})
	if len(broken.Errors) < 2 || !strings.Contains(broken.Errors[len(broken.Errors)-1].Message, "rendering the chart") {
		t.Errorf("errors = %v, want the template error", broken.Errors)
	}
}

func TestKustomizeErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "kustomization.yaml"), []byte("resources: [../outside.yaml]\n"), 0o644)
	s := Kustomize(dir)
	if len(s.Errors) != 1 || !strings.Contains(s.Errors[0].Message, "kustomize build failed") {
		t.Errorf("errors = %v", s.Errors)
	}
}
