package netpol

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/palisade-sec/palisade/internal/kube"
)

func policy(ns, name string, spec networkingv1.NetworkPolicySpec) *Policy {
	o := &kube.Object{Meta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	o.GVK.Kind = "NetworkPolicy"
	return NewPolicy(o, &spec)
}

func pod(ns string, l map[string]string) Pod { return Pod{Namespace: ns, Labels: l} }

func sel(kv ...string) metav1.LabelSelector {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return metav1.LabelSelector{MatchLabels: m}
}

func TestSelectorSemantics(t *testing.T) {
	pods := []Pod{
		pod("a", map[string]string{"app": "web", "tier": "front"}), // 0
		pod("a", map[string]string{"app": "api"}),                  // 1
		pod("a", map[string]string{"app": "db", "tier": "back"}),   // 2
		pod("a", nil), // 3
		pod("b", map[string]string{"app": "web"}), // 4
	}
	tests := []struct {
		name            string
		pol             *Policy
		ingress, egress []int // pods isolated by this policy alone
		selects         int
	}{
		{"empty selector selects the namespace, ingress only by default",
			policy("a", "p", networkingv1.NetworkPolicySpec{}), []int{0, 1, 2, 3}, nil, 4},
		{"egress rules imply the Egress type",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "api"), Egress: []networkingv1.NetworkPolicyEgressRule{{}}}), []int{1}, []int{1}, 1},
		{"explicit Egress only",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "web"), PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}), nil, []int{0}, 1},
		{"matchLabels needs every label",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "web", "tier", "back")}), nil, nil, 0},
		{"In",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"web", "db"}}}}}), []int{0, 2}, nil, 2},
		{"NotIn matches pods without the key",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"front"}}}}}), []int{1, 2, 3}, nil, 3},
		{"Exists and DoesNotExist",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}, {Key: "app", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"db"}}}}}), []int{0}, nil, 1},
		{"DoesNotExist alone",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpDoesNotExist}}}}), []int{3}, nil, 1},
		{"invalid selector selects nothing",
			policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Near"}}}}), nil, nil, 0},
		{"policies stay in their namespace",
			policy("b", "p", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "web")}), []int{4}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewEngine(pods, []*Policy{tt.pol}, nil)
			for i := range pods {
				if got, want := e.IsolatedIngress(i), contains(tt.ingress, i); got != want {
					t.Errorf("pod %d ingress isolated = %v, want %v", i, got, want)
				}
				if got, want := e.IsolatedEgress(i), contains(tt.egress, i); got != want {
					t.Errorf("pod %d egress isolated = %v, want %v", i, got, want)
				}
			}
			if got := e.Selects(0); got != tt.selects {
				t.Errorf("selects %d pods, want %d", got, tt.selects)
			}
		})
	}
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestIndexMatchesBruteForce compares the indexed selection with
// selector.Matches over every pod, on random pods and selectors.
func TestIndexMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"app", "tier", "env", "team"}
	vals := []string{"a", "b", "c", "d"}
	randLabels := func() map[string]string {
		l := map[string]string{}
		for _, k := range keys {
			if r.IntN(3) > 0 {
				l[k] = vals[r.IntN(len(vals))]
			}
		}
		return l
	}
	ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
	for round := 0; round < 50; round++ {
		var pods []Pod
		for i := 0; i < 200; i++ {
			pods = append(pods, pod(fmt.Sprint("ns", r.IntN(3)), randLabels()))
		}
		var pols []*Policy
		for i := 0; i < 40; i++ {
			var ls metav1.LabelSelector
			if r.IntN(2) == 0 {
				ls.MatchLabels = map[string]string{keys[r.IntN(4)]: vals[r.IntN(4)]}
			}
			for j := r.IntN(3); j > 0; j-- {
				op := ops[r.IntN(4)]
				req := metav1.LabelSelectorRequirement{Key: keys[r.IntN(4)], Operator: op}
				if op == metav1.LabelSelectorOpIn || op == metav1.LabelSelectorOpNotIn {
					req.Values = []string{vals[r.IntN(4)], vals[r.IntN(4)]}
				}
				ls.MatchExpressions = append(ls.MatchExpressions, req)
			}
			pols = append(pols, policy(fmt.Sprint("ns", r.IntN(3)), fmt.Sprint("p", i), networkingv1.NetworkPolicySpec{PodSelector: ls}))
		}
		e := NewEngine(pods, pols, nil)
		e.Compute()
		for pi, p := range pols {
			s, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, pd := range pods {
				if pd.Namespace == p.Namespace() && s.Matches(labels.Set(pd.Labels)) {
					n++
				}
			}
			if e.Selects(pi) != n {
				t.Fatalf("round %d policy %v: indexed %d pods, brute force %d", round, p.Spec.PodSelector, e.Selects(pi), n)
			}
		}
		for i, pd := range pods {
			want := false
			for _, p := range pols {
				s, _ := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
				if p.Namespace() == pd.Namespace && s.Matches(labels.Set(pd.Labels)) {
					want = true
				}
			}
			if e.IsolatedIngress(i) != want {
				t.Fatalf("round %d pod %d: isolated %v, brute force %v", round, i, e.IsolatedIngress(i), want)
			}
		}
	}
}

func TestRuleBreadthAndDefaultDeny(t *testing.T) {
	tcp := corev1.ProtocolTCP
	port := intstr.FromInt32(443)
	tests := []struct {
		name    string
		rule    networkingv1.NetworkPolicyIngressRule
		breadth Breadth
		ports   string
	}{
		{"empty rule", networkingv1.NetworkPolicyIngressRule{}, Anywhere, "all ports"},
		{"all namespaces", networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}}}}, AllPods, "all ports"},
		{"all namespaces, some pods", networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"a": "b"}}}}}, Scoped, "all ports"},
		{"internet", networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0"}}}, Ports: []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: &port}}}, Anywhere, "TCP/443"},
		{"internet with exceptions", networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8"}}}}}, Scoped, "all ports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policy("a", "p", networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{tt.rule}})
			r := p.Rules(Ingress)[0]
			if b, _ := r.Breadth(); b != tt.breadth {
				t.Errorf("breadth = %d, want %d", b, tt.breadth)
			}
			if got := DescribePorts(r.Ports); got != tt.ports {
				t.Errorf("ports = %q, want %q", got, tt.ports)
			}
			wantDeny := !(tt.breadth == Anywhere && r.AllPorts())
			if p.DefaultDeny(Ingress) != wantDeny {
				t.Errorf("default deny = %v, want %v", p.DefaultDeny(Ingress), wantDeny)
			}
		})
	}
	if policy("a", "p", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "x")}).DefaultDeny(Ingress) {
		t.Error("a policy with a selector is not a namespace default")
	}
	if policy("a", "p", networkingv1.NetworkPolicySpec{}).DefaultDeny(Egress) {
		t.Error("an ingress-only policy does not deny egress")
	}
}

func TestExplain(t *testing.T) {
	pods := []Pod{
		pod("shop", map[string]string{"app": "web"}),
		pod("shop", map[string]string{"app": "api"}),
		pod("ops", map[string]string{"app": "prom"}),
	}
	nsLabels := map[string]map[string]string{"shop": {NamespaceNameLabel: "shop"}, "ops": {NamespaceNameLabel: "ops", "team": "ops"}}
	port := intstr.FromInt32(8080)
	pols := []*Policy{
		policy("shop", "deny", networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}}),
		policy("shop", "api-in", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "api"), Ingress: []networkingv1.NetworkPolicyIngressRule{{
			From:  []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}, {NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "ops"}}}},
			Ports: []networkingv1.NetworkPolicyPort{{Port: &port}},
		}}}),
		policy("shop", "web-out", networkingv1.NetworkPolicySpec{PodSelector: sel("app", "web"), PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{To: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "api"}}}}}}}),
	}
	e := NewEngine(pods, pols, nsLabels)
	x := e.Explain(pods[1], "Deployment/shop/api")
	if !x.Ingress.Isolated || len(x.Ingress.Policies) != 2 || !x.Egress.Isolated {
		t.Fatalf("explanation = %+v", x)
	}
	rule := x.Ingress.Policies[1].Rules[0]
	if rule.Ports != "TCP/8080" || rule.Peers[0].Pods != 1 || rule.Peers[1].Pods != 1 || rule.Peers[1].Peer != "all pods in namespaces team=ops" {
		t.Errorf("rule = %+v", rule)
	}
	if len(x.AdmittedBy) != 1 || x.AdmittedBy[0].Policy != "shop/web-out" || x.AdmittedBy[0].Direction != Egress {
		t.Errorf("admitted by = %+v", x.AdmittedBy)
	}
	var b bytes.Buffer
	if err := x.WriteText(&b, "Calico (enforces NetworkPolicy)"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Deployment/shop/api (namespace shop)",
		"isolated by 2 policies",
		"policy shop/deny\n    no rules: admits nothing (deny all ingress)",
		"rule 0: from pods app=web in namespace shop [1 pod]; all pods in namespaces team=ops [1 pod] on TCP/8080",
		"shop/web-out rule 0 (egress): may be reached from pods app=web in namespace shop on all ports",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	prom := e.Explain(pods[2], "prom")
	if prom.Ingress.Isolated || len(prom.AdmittedBy) != 1 || prom.AdmittedBy[0].Policy != "shop/api-in" {
		t.Errorf("prom explanation = %+v", prom)
	}
}
