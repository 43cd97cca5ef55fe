package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const registerSrc = `package v1beta1

const GroupName = "policy"

func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&PodSecurityPolicy{},
		&PodSecurityPolicyList{},
		&Eviction{},
	)
	return nil
}
`

const lifecycleSrc = `package v1beta1

func (in *PodSecurityPolicy) APILifecycleIntroduced() (major, minor int) {
	return 1, 10
}

func (in *PodSecurityPolicy) APILifecycleDeprecated() (major, minor int) {
	return 1, 21
}

func (in *PodSecurityPolicy) APILifecycleRemoved() (major, minor int) {
	return 1, 25
}

func (in *PodSecurityPolicyList) APILifecycleRemoved() (major, minor int) {
	return 1, 25
}

func (in *Eviction) APILifecycleReplacement() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}
}

func (in *Unregistered) APILifecycleRemoved() (major, minor int) {
	return 1, 25
}
`

// TestReadModule reads a module tree like k8s.io/api's, without the
// network: registered kinds only, Lists left out.
func TestReadModule(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "policy", "v1beta1")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "register.go"), []byte(registerSrc), 0o644)
	os.WriteFile(filepath.Join(dir, lifecycleFile), []byte(lifecycleSrc), 0o644)
	os.WriteFile(filepath.Join(dir, "x_test.go"), []byte("not go"), 0o644)
	apis, err := readModule(root, "k8s.io/api@v0.28.3")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range apis {
		repl := ""
		if a.Replacement != nil {
			repl = a.Replacement.GVK().String()
		}
		got[a.Group+"/"+a.Version+" "+a.Kind] = strings.Join([]string{a.Introduced, a.Deprecated, a.Removed, repl, a.Source}, ",")
	}
	want := map[string]string{
		"policy/v1beta1 PodSecurityPolicy": "1.10,1.21,1.25,,k8s.io/api@v0.28.3",
		"policy/v1beta1 Eviction":          ",,,policy/v1, Kind=Eviction,k8s.io/api@v0.28.3",
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
}

func TestReadModuleNoGroup(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, lifecycleFile), []byte(lifecycleSrc), 0o644)
	if _, err := readModule(root, "m@v0.1.0"); err == nil || !strings.Contains(err.Error(), "no GroupName") {
		t.Errorf("error %v, want no GroupName", err)
	}
}

func TestAddFileErrors(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"syntax", "package x\nfunc (", "parsing"},
		{"computed release", "package x\nfunc (in *K) APILifecycleRemoved() (int, int) { return 1, 20 + 2 }", "want integer literals"},
		{"two statements", "package x\nfunc (in *K) APILifecycleRemoved() (int, int) { x := 1; return x, 2 }", "one return statement"},
		{"not 1.x", "package x\nfunc (in *K) APILifecycleRemoved() (int, int) { return 2, 0 }", "not a Kubernetes 1.x release"},
		{"unknown method", "package x\nfunc (in *K) APILifecycleSunset() (int, int) { return 1, 0 }", "unknown lifecycle method"},
		{"replacement call", "package x\nfunc (in *K) APILifecycleReplacement() schema.GroupVersionKind { return f() }", "literal"},
		{"replacement field", "package x\nfunc (in *K) APILifecycleReplacement() schema.GroupVersionKind { return schema.GroupVersionKind{Group: \"a\", Version: \"v1\", Kind: \"K\", Extra: \"x\"} }", "unknown GroupVersionKind field"},
		{"replacement kindless", "package x\nfunc (in *K) APILifecycleReplacement() schema.GroupVersionKind { return schema.GroupVersionKind{Group: \"a\"} }", "no version or kind"},
	} {
		err := newPkgFacts().addFile("x.go", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestMinorOf(t *testing.T) {
	if n, err := minorOf("v0.37.2"); err != nil || n != 37 {
		t.Errorf("v0.37.2: %d, %v", n, err)
	}
	for _, bad := range []string{"v1.2.3", "v0", "latest"} {
		if _, err := minorOf(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzAddFile(f *testing.F) {
	f.Add([]byte(registerSrc))
	f.Add([]byte(lifecycleSrc))
	f.Fuzz(func(t *testing.T, src []byte) {
		p := newPkgFacts()
		if err := p.addFile("fuzz.go", src); err != nil {
			return
		}
		for typ, l := range p.Lifecycles {
			if typ == "" || (l.Replacement != nil && l.Replacement[2] == "") {
				t.Errorf("%s: %+v", typ, l)
			}
		}
	})
}
