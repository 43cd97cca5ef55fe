package netpol

import (
	"fmt"
	"io"
	"sort"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/palisade-sec/palisade/internal/kube"
)

// Explanation says which policies admit which traffic to and from a pod.
type Explanation struct {
	Pod       string            `json:"pod"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
	Ingress   Side              `json:"ingress"`
	Egress    Side              `json:"egress"`
	// AdmittedBy lists the rules of other pods' policies that name this
	// pod as a peer: ingress rules let it connect to their pods, egress
	// rules let their pods connect to it.
	AdmittedBy []Grant `json:"admittedBy"`
}

// Side is one direction of a pod's traffic.
type Side struct {
	// Isolated is true when some policy selects the pod for this
	// direction: only what the rules below admit is allowed.
	Isolated bool             `json:"isolated"`
	Policies []PolicyDecision `json:"policies"`
}

// PolicyDecision is one selecting policy and its rules.
type PolicyDecision struct {
	Policy string        `json:"policy"`
	Rules  []RuleSummary `json:"rules"`
}

// RuleSummary is one rule: its peers and ports.
type RuleSummary struct {
	Index int           `json:"index"`
	Peers []PeerSummary `json:"peers"`
	Ports string        `json:"ports"`
}

// PeerSummary is one peer, with the number of known pods it admits.
type PeerSummary struct {
	Peer string `json:"peer"`
	Pods int    `json:"pods"`
}

// Grant is a rule of another policy that admits the explained pod.
type Grant struct {
	Direction Direction `json:"direction"`
	Policy    string    `json:"policy"`
	Rule      int       `json:"rule"`
	// Pods is what the granting policy selects.
	Pods  string `json:"pods"`
	Ports string `json:"ports"`
}

// Find returns the pod or workload named name in namespace ns: a
// workload object of that name (any kind), or a Pod of that name even
// when its owner is judged in its place.
func Find(s *kube.Snapshot, ns, name string) (Pod, string, bool) {
	for _, w := range s.Workloads() {
		if w.Namespace() == ns && w.Object.Meta.Name == name {
			w := w
			return Pod{Namespace: ns, Labels: w.Template.Labels, Workload: &w}, w.Object.Ref(), true
		}
	}
	if o := s.Get("", "Pod", ns, name); o != nil {
		if tpl, path, ok := kube.PodTemplate(o); ok {
			w := &kube.Workload{Object: o, Template: tpl, Path: path}
			return Pod{Namespace: ns, Labels: tpl.Labels, Workload: w}, o.Ref(), true
		}
	}
	return Pod{}, "", false
}

// Explain computes the explanation for a pod.
func (e *Engine) Explain(pod Pod, name string) Explanation {
	x := Explanation{Pod: name, Namespace: pod.Namespace, Labels: pod.Labels, AdmittedBy: []Grant{}}
	x.Ingress.Policies, x.Egress.Policies = []PolicyDecision{}, []PolicyDecision{}
	for _, pi := range e.policiesByNS[pod.Namespace] {
		p := e.Policies[pi]
		if !p.podSel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		for _, d := range []Direction{Ingress, Egress} {
			if (d == Ingress && !p.Ingress) || (d == Egress && !p.Egress) {
				continue
			}
			side := &x.Ingress
			if d == Egress {
				side = &x.Egress
			}
			side.Isolated = true
			pd := PolicyDecision{Policy: p.Name(), Rules: []RuleSummary{}}
			for _, r := range p.Rules(d) {
				rs := RuleSummary{Index: r.Index, Ports: DescribePorts(r.Ports), Peers: []PeerSummary{}}
				if len(r.Peers) == 0 {
					rs.Peers = append(rs.Peers, PeerSummary{Peer: "anywhere (no " + r.PeerField() + ")", Pods: len(e.Pods)})
				}
				for _, peer := range r.Peers {
					rs.Peers = append(rs.Peers, PeerSummary{Peer: DescribePeer(p.Namespace(), peer), Pods: len(e.PeerPods(p.Namespace(), peer))})
				}
				pd.Rules = append(pd.Rules, rs)
			}
			side.Policies = append(side.Policies, pd)
		}
	}
	for _, p := range e.Policies {
		for _, d := range []Direction{Ingress, Egress} {
			for _, r := range p.Rules(d) {
				for _, peer := range r.Peers {
					if !e.peerAdmits(p.Namespace(), peer, pod) {
						continue
					}
					sel := "all pods"
					if !p.SelectsAll() {
						sel = "pods " + metav1.FormatLabelSelector(&p.Spec.PodSelector)
					}
					x.AdmittedBy = append(x.AdmittedBy, Grant{Direction: d, Policy: p.Name(), Rule: r.Index,
						Pods: sel + " in namespace " + p.Namespace(), Ports: DescribePorts(r.Ports)})
					break
				}
			}
		}
	}
	sort.SliceStable(x.AdmittedBy, func(i, j int) bool {
		a, b := x.AdmittedBy[i], x.AdmittedBy[j]
		if a.Policy != b.Policy {
			return a.Policy < b.Policy
		}
		return a.Rule < b.Rule
	})
	return x
}

func (e *Engine) peerAdmits(policyNS string, peer networkingv1.NetworkPolicyPeer, pod Pod) bool {
	if peer.IPBlock != nil {
		return false
	}
	if peer.NamespaceSelector == nil {
		if pod.Namespace != policyNS {
			return false
		}
	} else {
		sel, err := metav1.LabelSelectorAsSelector(peer.NamespaceSelector)
		nsl := e.NamespaceLabels[pod.Namespace]
		if nsl == nil {
			nsl = map[string]string{NamespaceNameLabel: pod.Namespace}
		}
		if err != nil || !sel.Matches(labels.Set(nsl)) {
			return false
		}
	}
	if peer.PodSelector == nil {
		return true
	}
	sel, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
	return err == nil && sel.Matches(labels.Set(pod.Labels))
}

// WriteText prints an explanation for people.
func (x Explanation) WriteText(w io.Writer, cni string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (namespace %s)\n", x.Pod, x.Namespace)
	if len(x.Labels) > 0 {
		fmt.Fprintf(&b, "  labels: %s\n", labels.Set(x.Labels).String())
	} else {
		b.WriteString("  labels: none\n")
	}
	if cni != "" {
		fmt.Fprintf(&b, "  CNI: %s\n", cni)
	}
	for _, side := range []struct {
		name, peers string
		s           Side
	}{{"Ingress", "from", x.Ingress}, {"Egress", "to", x.Egress}} {
		fmt.Fprintf(&b, "\n%s:\n", side.name)
		if !side.s.Isolated {
			fmt.Fprintf(&b, "  not isolated: no policy selects this pod for %s, so all %s traffic is allowed\n", strings.ToLower(side.name), strings.ToLower(side.name))
			continue
		}
		fmt.Fprintf(&b, "  isolated by %d polic%s; allowed only what these rules admit:\n", len(side.s.Policies), plural(len(side.s.Policies), "y", "ies"))
		for _, p := range side.s.Policies {
			fmt.Fprintf(&b, "  policy %s\n", p.Policy)
			if len(p.Rules) == 0 {
				fmt.Fprintf(&b, "    no rules: admits nothing (deny all %s)\n", strings.ToLower(side.name))
			}
			for _, r := range p.Rules {
				var peers []string
				for _, pe := range r.Peers {
					peers = append(peers, fmt.Sprintf("%s [%d pod%s]", pe.Peer, pe.Pods, plural(pe.Pods, "", "s")))
				}
				fmt.Fprintf(&b, "    rule %d: %s %s on %s\n", r.Index, side.peers, strings.Join(peers, "; "), r.Ports)
			}
		}
	}
	b.WriteString("\nAdmitted as a peer by other policies:\n")
	if len(x.AdmittedBy) == 0 {
		b.WriteString("  none\n")
	}
	for _, g := range x.AdmittedBy {
		verb := "may connect to"
		if g.Direction == Egress {
			verb = "may be reached from"
		}
		fmt.Fprintf(&b, "  %s rule %d (%s): %s %s on %s\n", g.Policy, g.Rule, g.Direction, verb, g.Pods, g.Ports)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
