package netpol

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Direction is ingress or egress.
type Direction string

const (
	Ingress Direction = "ingress"
	Egress  Direction = "egress"
)

// Rule is one ingress or egress rule of a policy, in a common form.
type Rule struct {
	Direction Direction
	Index     int
	Peers     []networkingv1.NetworkPolicyPeer
	Ports     []networkingv1.NetworkPolicyPort
}

// Rules returns the policy's rules of one direction (only when the
// policy applies to that direction).
func (p *Policy) Rules(d Direction) []Rule {
	var out []Rule
	switch d {
	case Ingress:
		if !p.Ingress {
			return nil
		}
		for i, r := range p.Spec.Ingress {
			out = append(out, Rule{Direction: d, Index: i, Peers: r.From, Ports: r.Ports})
		}
	case Egress:
		if !p.Egress {
			return nil
		}
		for i, r := range p.Spec.Egress {
			out = append(out, Rule{Direction: d, Index: i, Peers: r.To, Ports: r.Ports})
		}
	}
	return out
}

// Field is the rule's field name in the policy spec ("ingress", "egress").
func (r Rule) Field() string { return string(r.Direction) }

// PeerField is "from" or "to".
func (r Rule) PeerField() string {
	if r.Direction == Ingress {
		return "from"
	}
	return "to"
}

// Breadth says how wide a rule's peers are.
type Breadth int

const (
	// Scoped peers: selected pods or namespaces, or narrow IP blocks.
	Scoped Breadth = iota
	// AllPods: every pod of every namespace (namespaceSelector {}).
	AllPods
	// Anywhere: any address, inside or outside the cluster (no peers,
	// or an ipBlock of 0.0.0.0/0 or ::/0).
	Anywhere
)

// Breadth classifies the rule's peers and returns the peer that makes
// it wide ("" when there are no peers).
func (r Rule) Breadth() (Breadth, string) {
	if len(r.Peers) == 0 {
		return Anywhere, ""
	}
	b, why := Scoped, ""
	for i, p := range r.Peers {
		switch {
		case p.IPBlock != nil && (p.IPBlock.CIDR == "0.0.0.0/0" || p.IPBlock.CIDR == "::/0"):
			if len(p.IPBlock.Except) == 0 {
				return Anywhere, fmt.Sprintf("%s[%d].ipBlock.cidr %s", r.PeerField(), i, p.IPBlock.CIDR)
			}
		case p.NamespaceSelector != nil && emptySelector(p.NamespaceSelector) && (p.PodSelector == nil || emptySelector(p.PodSelector)):
			if b < AllPods {
				b, why = AllPods, fmt.Sprintf("%s[%d].namespaceSelector {}", r.PeerField(), i)
			}
		}
	}
	return b, why
}

// AllPorts reports whether the rule admits every port and protocol.
func (r Rule) AllPorts() bool { return len(r.Ports) == 0 }

// DNSOnly reports whether the rule admits only port 53.
func (r Rule) DNSOnly() bool {
	if len(r.Ports) == 0 {
		return false
	}
	for _, p := range r.Ports {
		if p.Port == nil || p.Port.String() != "53" || p.EndPort != nil {
			return false
		}
	}
	return true
}

func emptySelector(s *metav1.LabelSelector) bool {
	return len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0
}

// DefaultDeny reports whether the policy isolates every pod of its
// namespace in direction d and admits nothing (or nothing wide) by
// itself: an empty podSelector with that policy type and no rule that
// admits any source on all ports.
func (p *Policy) DefaultDeny(d Direction) bool {
	if !p.SelectsAll() {
		return false
	}
	if (d == Ingress && !p.Ingress) || (d == Egress && !p.Egress) {
		return false
	}
	for _, r := range p.Rules(d) {
		if b, _ := r.Breadth(); b == Anywhere && r.AllPorts() {
			return false
		}
	}
	return true
}

// DescribePeer renders a peer for people.
func DescribePeer(policyNS string, p networkingv1.NetworkPolicyPeer) string {
	if p.IPBlock != nil {
		s := "addresses " + p.IPBlock.CIDR
		if len(p.IPBlock.Except) > 0 {
			s += " except " + strings.Join(p.IPBlock.Except, ", ")
		}
		return s
	}
	pods := "all pods"
	if p.PodSelector != nil && !emptySelector(p.PodSelector) {
		pods = "pods " + metav1.FormatLabelSelector(p.PodSelector)
	}
	switch {
	case p.NamespaceSelector == nil:
		return pods + " in namespace " + policyNS
	case emptySelector(p.NamespaceSelector):
		return pods + " in all namespaces"
	default:
		return pods + " in namespaces " + metav1.FormatLabelSelector(p.NamespaceSelector)
	}
}

// DescribePorts renders a rule's ports: "all ports", "TCP/8080, UDP/53".
func DescribePorts(ports []networkingv1.NetworkPolicyPort) string {
	if len(ports) == 0 {
		return "all ports"
	}
	var out []string
	for _, p := range ports {
		proto := corev1.ProtocolTCP
		if p.Protocol != nil {
			proto = *p.Protocol
		}
		switch {
		case p.Port == nil:
			out = append(out, string(proto)+"/all")
		case p.EndPort != nil:
			out = append(out, fmt.Sprintf("%s/%s-%d", proto, p.Port.String(), *p.EndPort))
		default:
			out = append(out, fmt.Sprintf("%s/%s", proto, p.Port.String()))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
