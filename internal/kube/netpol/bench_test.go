package netpol

import (
	"fmt"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// benchData builds pods and policies spread over namespaces: each
// namespace gets a default-deny policy and policies selecting one app
// by label, by In expression, and by NotIn (which cannot use an index).
func benchData(namespaces, pods, policies int) ([]Pod, []*Policy) {
	var ps []Pod
	for i := 0; i < pods; i++ {
		ns := fmt.Sprintf("ns-%d", i%namespaces)
		ps = append(ps, pod(ns, map[string]string{"app": fmt.Sprintf("app-%d", i%50), "tier": []string{"front", "back", "data"}[i%3], "pod": fmt.Sprint(i)}))
	}
	var pols []*Policy
	for i := 0; i < policies; i++ {
		ns := fmt.Sprintf("ns-%d", i%namespaces)
		var spec networkingv1.NetworkPolicySpec
		switch i % 4 {
		case 0:
			spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
		case 1:
			spec.PodSelector = sel("app", fmt.Sprintf("app-%d", i%50))
			spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "front"}}}}}}
		case 2:
			spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{fmt.Sprintf("app-%d", i%50), "app-1"}}}}
		case 3:
			spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"data"}}}}
			spec.Egress = []networkingv1.NetworkPolicyEgressRule{{}}
		}
		pols = append(pols, policy(ns, fmt.Sprint("p", i), spec))
	}
	return ps, pols
}

// BenchmarkCoverage is the figure: coverage of 5,000 pods
// against 1,000 policies, spread over 500 namespaces and, the worst
// case for an index, all in one namespace.
func BenchmarkCoverage(b *testing.B) {
	for _, nss := range []int{500, 1} {
		b.Run(fmt.Sprintf("pods=5000/policies=1000/namespaces=%d", nss), func(b *testing.B) {
			pods, pols := benchData(nss, 5000, 1000)
			b.ReportAllocs()
			for b.Loop() {
				e := NewEngine(pods, pols, nil)
				e.Compute()
				n := 0
				for i := range pods {
					if e.IsolatedIngress(i) {
						n++
					}
				}
				if n == 0 {
					b.Fatal("nothing isolated")
				}
			}
		})
	}
}
