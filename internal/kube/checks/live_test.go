package checks

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/palisade-sec/palisade/internal/kube"
)

// TestLiveOnlyRules covers the rules that only judge live objects: a
// pod whose Vault injection did not happen, and a cluster whose network
// plugin is unknown.
func TestLiveOnlyRules(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "shop", Annotations: map[string]string{vaultInject: "true"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "app:1"}}},
	}
	injected := pod.DeepCopy()
	injected.Name = "injected"
	injected.Annotations[vaultInjectStatus] = "injected"
	obj := func(p *corev1.Pod) *kube.Object {
		return &kube.Object{GVK: corev1.SchemeGroupVersion.WithKind("Pod"), Meta: p.ObjectMeta, Typed: p, Source: kube.Source{Kind: kube.FromCluster, Root: "test"}}
	}
	s := &kube.Snapshot{Name: "test", Kind: kube.FromCluster, Coverage: map[string]kube.Coverage{"daemonsets.apps": {All: true}, "pods": {All: true}}}
	s.Add(obj(pod), obj(injected))
	var list []Check
	for _, c := range Checks() {
		switch c.Rule.ID {
		case InjectionNotDone.ID, CNIUnknown.ID, EtcdDelivery.ID:
			list = append(list, c)
		}
	}
	got := Run(s, list, Options{})
	want := map[string]string{InjectionNotDone.ID: "Pod/shop/app", CNIUnknown.ID: "Cluster/test"}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for _, f := range got {
		if want[f.RuleID] != f.Target {
			t.Errorf("unexpected %s on %s", f.RuleID, f.Target)
		}
	}
	ds := ClassifySecrets(s, s.Workloads())
	if ds[0].Class != NoSecrets || ds[1].Class != LateBound {
		t.Errorf("classes = %s, %s; want none (injection not done), late-bound", ds[0].Class, ds[1].Class)
	}
}
