// Package netpol evaluates Kubernetes NetworkPolicies over a snapshot
// with the API's full selector semantics: which policies select each pod
// for ingress and egress (podSelector, policyTypes, empty selectors,
// matchExpressions), which peers each rule admits (podSelector,
// namespaceSelector, both, ipBlock), and which CNI enforces them.
//
// Pods are indexed by namespace and by label, so selecting the pods of a
// policy costs the size of the smallest posting list of its selector,
// not the number of pods: 5,000 pods against 1,000 policies is far
// from quadratic.
package netpol

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/palisade-sec/palisade/internal/kube"
)

// NamespaceNameLabel is set by the API server on every namespace (1.21+).
const NamespaceNameLabel = "kubernetes.io/metadata.name"

// Pod is a network endpoint: a pod or the pod template of a workload.
type Pod struct {
	Namespace string
	Labels    map[string]string
	Workload  *kube.Workload
}

// Policy is a NetworkPolicy in its networking/v1 form.
type Policy struct {
	Object *kube.Object
	Spec   *networkingv1.NetworkPolicySpec
	// Ingress and Egress are the effective policy types: Ingress always
	// when policyTypes is empty, Egress when it has egress rules.
	Ingress, Egress bool
	// Invalid is why a selector could not be parsed (the policy then
	// selects nothing).
	Invalid string
	podSel  labels.Selector
}

// Namespace is the policy's namespace.
func (p *Policy) Namespace() string { return p.Object.Namespace() }

// Name is the policy's namespace/name.
func (p *Policy) Name() string { return p.Object.Namespace() + "/" + p.Object.Name() }

// Engine holds the indexed pods, namespaces and policies of a snapshot.
type Engine struct {
	Pods     []Pod
	Policies []*Policy
	// NamespaceLabels maps each known namespace to its labels (with
	// kubernetes.io/metadata.name added, as the API server does).
	NamespaceLabels map[string]map[string]string

	podsByNS     map[string][]int
	postings     map[string]map[string]map[string][]int // ns -> key -> value -> pods
	keyPostings  map[string]map[string][]int            // ns -> key -> pods
	policiesByNS map[string][]int

	computed bool
	// Per pod: selected by some policy for ingress / egress.
	ingress, egress []bool
	// Per namespace: some policy with an empty podSelector isolates every
	// pod for ingress / egress.
	nsIngress, nsEgress map[string]bool
	selects             []int // per policy: number of pods it selects
}

// New indexes a snapshot's workloads, namespaces and NetworkPolicies.
func New(s *kube.Snapshot) *Engine {
	ws := s.Workloads()
	pods := make([]Pod, 0, len(ws))
	for i := range ws {
		w := &ws[i]
		pods = append(pods, Pod{Namespace: w.Namespace(), Labels: w.Template.Labels, Workload: w})
	}
	var pols []*Policy
	for _, o := range s.OfKind("networking.k8s.io", "NetworkPolicy") {
		if p, ok := FromObject(o); ok {
			pols = append(pols, p)
		}
	}
	nsLabels := map[string]map[string]string{}
	for _, ns := range s.Namespaces() {
		l := map[string]string{}
		if n := s.NamespaceObject(ns); n != nil {
			for k, v := range n.Labels {
				l[k] = v
			}
		}
		l[NamespaceNameLabel] = ns
		nsLabels[ns] = l
	}
	return NewEngine(pods, pols, nsLabels)
}

// NewEngine indexes pods and policies directly (tests, benchmarks).
func NewEngine(pods []Pod, policies []*Policy, nsLabels map[string]map[string]string) *Engine {
	e := &Engine{
		Pods: pods, Policies: policies, NamespaceLabels: nsLabels,
		podsByNS:     map[string][]int{},
		postings:     map[string]map[string]map[string][]int{},
		keyPostings:  map[string]map[string][]int{},
		policiesByNS: map[string][]int{},
	}
	if e.NamespaceLabels == nil {
		e.NamespaceLabels = map[string]map[string]string{}
	}
	for i, p := range pods {
		ns := p.Namespace
		e.podsByNS[ns] = append(e.podsByNS[ns], i)
		if e.postings[ns] == nil {
			e.postings[ns] = map[string]map[string][]int{}
			e.keyPostings[ns] = map[string][]int{}
		}
		for k, v := range p.Labels {
			if e.postings[ns][k] == nil {
				e.postings[ns][k] = map[string][]int{}
			}
			e.postings[ns][k][v] = append(e.postings[ns][k][v], i)
			e.keyPostings[ns][k] = append(e.keyPostings[ns][k], i)
		}
		if _, ok := e.NamespaceLabels[ns]; !ok {
			e.NamespaceLabels[ns] = map[string]string{NamespaceNameLabel: ns}
		}
	}
	for i, p := range policies {
		e.policiesByNS[p.Namespace()] = append(e.policiesByNS[p.Namespace()], i)
		if _, ok := e.NamespaceLabels[p.Namespace()]; !ok {
			e.NamespaceLabels[p.Namespace()] = map[string]string{NamespaceNameLabel: p.Namespace()}
		}
	}
	return e
}

// FromObject reads a NetworkPolicy of networking.k8s.io/v1 or the old
// extensions/v1beta1 (same shape).
func FromObject(o *kube.Object) (*Policy, bool) {
	var np *networkingv1.NetworkPolicy
	switch t := o.Typed.(type) {
	case *networkingv1.NetworkPolicy:
		np = t
	default:
		if o.Typed == nil && o.Raw == nil {
			return nil, false
		}
		content, err := o.Content()
		if err != nil {
			return nil, false
		}
		data, err := json.Marshal(content)
		if err != nil {
			return nil, false
		}
		np = &networkingv1.NetworkPolicy{}
		if err := json.Unmarshal(data, np); err != nil {
			return nil, false
		}
	}
	return NewPolicy(o, &np.Spec), true
}

// NewPolicy prepares a policy spec for evaluation.
func NewPolicy(o *kube.Object, spec *networkingv1.NetworkPolicySpec) *Policy {
	p := &Policy{Object: o, Spec: spec}
	if len(spec.PolicyTypes) == 0 {
		p.Ingress = true
		p.Egress = len(spec.Egress) > 0
	}
	for _, t := range spec.PolicyTypes {
		switch t {
		case networkingv1.PolicyTypeIngress:
			p.Ingress = true
		case networkingv1.PolicyTypeEgress:
			p.Egress = true
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(&spec.PodSelector)
	if err != nil {
		p.Invalid = fmt.Sprintf("spec.podSelector: %v", err)
		sel = labels.Nothing()
	}
	p.podSel = sel
	return p
}

// SelectsAll reports whether the policy's podSelector is empty: it
// selects every pod of its namespace.
func (p *Policy) SelectsAll() bool {
	return p.Invalid == "" && len(p.Spec.PodSelector.MatchLabels) == 0 && len(p.Spec.PodSelector.MatchExpressions) == 0
}

// Compute marks, for every pod, whether some policy selects it for
// ingress and for egress, and counts the pods each policy selects.
func (e *Engine) Compute() {
	if e.computed {
		return
	}
	e.computed = true
	e.ingress = make([]bool, len(e.Pods))
	e.egress = make([]bool, len(e.Pods))
	e.nsIngress = map[string]bool{}
	e.nsEgress = map[string]bool{}
	e.selects = make([]int, len(e.Policies))
	for i, p := range e.Policies {
		ns := p.Namespace()
		if p.SelectsAll() {
			e.selects[i] = len(e.podsByNS[ns])
			if p.Ingress {
				e.nsIngress[ns] = true
			}
			if p.Egress {
				e.nsEgress[ns] = true
			}
			continue
		}
		n := 0
		e.selectPods(ns, &p.Spec.PodSelector, p.podSel, func(pod int) {
			n++
			if p.Ingress {
				e.ingress[pod] = true
			}
			if p.Egress {
				e.egress[pod] = true
			}
		})
		e.selects[i] = n
	}
}

// selectPods calls f for each pod of namespace ns matching a selector,
// starting from the smallest posting list of its positive terms.
func (e *Engine) selectPods(ns string, ls *metav1.LabelSelector, sel labels.Selector, f func(int)) {
	if sel == nil {
		var err error
		if sel, err = metav1.LabelSelectorAsSelector(ls); err != nil {
			return
		}
	}
	cands, ok := e.candidates(ns, ls)
	if !ok {
		cands = e.podsByNS[ns]
	}
	if len(cands) == 0 {
		return
	}
	if len(ls.MatchLabels) == 0 && len(ls.MatchExpressions) == 0 {
		for _, i := range cands {
			f(i)
		}
		return
	}
	// A pod has one value per key, so the union of an In term's
	// posting lists holds each pod once.
	for _, i := range cands {
		if sel.Matches(labels.Set(e.Pods[i].Labels)) {
			f(i)
		}
	}
}

// candidates returns the smallest posting list implied by a positive
// term of the selector, or false when it has none (only NotIn and
// DoesNotExist, or empty).
func (e *Engine) candidates(ns string, ls *metav1.LabelSelector) ([]int, bool) {
	post := e.postings[ns]
	var best []int
	found := false
	consider := func(l []int) {
		if !found || len(l) < len(best) {
			best, found = l, true
		}
	}
	for k, v := range ls.MatchLabels {
		consider(post[k][v])
	}
	for _, r := range ls.MatchExpressions {
		switch r.Operator {
		case metav1.LabelSelectorOpIn:
			var u []int
			for i, v := range r.Values {
				if slices.Contains(r.Values[:i], v) {
					continue // a repeated value would repeat its pods
				}
				u = append(u, post[r.Key][v]...)
			}
			consider(u)
		case metav1.LabelSelectorOpExists:
			consider(e.keyPostings[ns][r.Key])
		}
	}
	return best, found
}

// IsolatedIngress reports whether some policy selects pod i for ingress
// (only traffic some policy admits may then reach it).
func (e *Engine) IsolatedIngress(i int) bool {
	e.Compute()
	return e.ingress[i] || e.nsIngress[e.Pods[i].Namespace]
}

// IsolatedEgress reports whether some policy selects pod i for egress.
func (e *Engine) IsolatedEgress(i int) bool {
	e.Compute()
	return e.egress[i] || e.nsEgress[e.Pods[i].Namespace]
}

// Selects returns the number of pods policy i selects.
func (e *Engine) Selects(i int) int {
	e.Compute()
	return e.selects[i]
}

// PoliciesIn returns the indexes of the policies of namespace ns.
func (e *Engine) PoliciesIn(ns string) []int { return e.policiesByNS[ns] }

// PodsIn returns the indexes of the pods of namespace ns.
func (e *Engine) PodsIn(ns string) []int { return e.podsByNS[ns] }

// Namespaces returns every namespace with pods or policies, sorted.
func (e *Engine) Namespaces() []string {
	seen := map[string]bool{}
	for ns := range e.podsByNS {
		seen[ns] = true
	}
	for ns := range e.policiesByNS {
		seen[ns] = true
	}
	out := make([]string, 0, len(seen))
	for ns := range seen {
		out = append(out, ns)
	}
	sort.Strings(out)
	return out
}

// SelectingPolicies returns the policies that select pod i, in order.
func (e *Engine) SelectingPolicies(i int) []int {
	pod := e.Pods[i]
	var out []int
	for _, pi := range e.policiesByNS[pod.Namespace] {
		if e.Policies[pi].podSel.Matches(labels.Set(pod.Labels)) {
			out = append(out, pi)
		}
	}
	return out
}

// PeerPods returns the pods a peer admits (podSelector in the policy's
// namespace; namespaceSelector with an optional podSelector). An
// ipBlock peer admits no pod here: its addresses are not pod identities.
func (e *Engine) PeerPods(policyNS string, peer networkingv1.NetworkPolicyPeer) []int {
	if peer.IPBlock != nil {
		return nil
	}
	var nss []string
	if peer.NamespaceSelector == nil {
		nss = []string{policyNS}
	} else {
		sel, err := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
		if err != nil {
			return nil
		}
		for ns, l := range e.NamespaceLabels {
			if sel.Matches(labels.Set(l)) {
				nss = append(nss, ns)
			}
		}
		sort.Strings(nss)
	}
	podSel := peer.PodSelector
	if podSel == nil {
		podSel = &metav1.LabelSelector{}
	}
	sel, err := metav1.LabelSelectorAsSelector(podSel)
	if err != nil {
		return nil
	}
	var out []int
	for _, ns := range nss {
		e.selectPods(ns, podSel, sel, func(i int) { out = append(out, i) })
	}
	slices.Sort(out)
	return slices.Compact(out)
}
