package checks

// Network policies: a default-deny policy for ingress and for egress in
// every application namespace, every workload selected by some policy
// in each direction (computed with the full selector semantics by
// internal/kube/netpol), no rule that admits everything, no policy that
// selects nothing, and a CNI that enforces NetworkPolicy at all: a
// policy without one does nothing.

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/netpol"
)

var NoDefaultDenyIngress = &finding.Rule{
	ID: "PAL-NET-001", Control: control.NetworkPolicies, Severity: finding.Medium, Family: "default-deny",
	Title:       "Namespace without a default-deny ingress policy",
	Doc:         "Without a policy that selects every pod of the namespace (podSelector: {}) for ingress, every new pod accepts connections from anywhere in the cluster until someone writes a policy for it. A default-deny policy makes allowing traffic the explicit act.",
	Remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress rules, then allow what each workload needs.",
}

var NoDefaultDenyEgress = &finding.Rule{
	ID: "PAL-NET-002", Control: control.NetworkPolicies, Severity: finding.Low, Family: "default-deny",
	Title:       "Namespace without a default-deny egress policy",
	Doc:         "Without a policy that selects every pod for egress, a compromised pod can reach any address: other namespaces, the cloud metadata service, the internet.",
	Remediation: "Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress], allowing only DNS and what each workload needs.",
}

var NotIsolatedIngress = &finding.Rule{
	ID: "PAL-NET-003", Control: control.NetworkPolicies, Severity: finding.Medium, Family: "coverage",
	Title:       "Workload not selected by any ingress policy",
	Doc:         "No NetworkPolicy of the namespace selects the workload's pods for ingress (matching its labels with podSelector, matchLabels and matchExpressions), so every pod in the cluster can connect to them.",
	Remediation: "Add a default-deny ingress policy to the namespace and a policy that admits only the workload's clients.",
	Aliases:     aliases(alias("kubescape", "C-0260")),
}

var NotIsolatedEgress = &finding.Rule{
	ID: "PAL-NET-004", Control: control.NetworkPolicies, Severity: finding.Low, Family: "coverage",
	Title:       "Workload not selected by any egress policy",
	Doc:         "No NetworkPolicy of the namespace selects the workload's pods for egress, so they may connect anywhere.",
	Remediation: "Add a default-deny egress policy to the namespace and allow only DNS and the workload's dependencies.",
}

var AllowAll = &finding.Rule{
	ID: "PAL-NET-005", Control: control.NetworkPolicies, Severity: finding.Medium, Family: "breadth",
	Title:       "Policy rule admits all traffic",
	Doc:         "A rule with no peers (empty from/to), an ipBlock of 0.0.0.0/0 or ::/0, or namespaceSelector: {}, and no ports, admits every source (or destination) on every port: it cancels isolation for the pods it selects.",
	Remediation: "Name the peers (podSelector, namespaceSelector) and the ports the workload needs.",
}

var AnySource = &finding.Rule{
	ID: "PAL-NET-006", Control: control.NetworkPolicies, Severity: finding.Low, Family: "breadth",
	Title:       "Policy rule admits any peer on some ports",
	Doc:         "A rule admits every source (or destination) on the listed ports: every pod of the cluster, or every address. Egress rules that only allow DNS (port 53) are not reported.",
	Remediation: "Restrict the rule's peers to the clients or servers that need the ports.",
}

var SelectsNothing = &finding.Rule{
	ID: "PAL-NET-007", Control: control.NetworkPolicies, Severity: finding.Low, Family: "coverage",
	Title:       "Policy selects no pod",
	Doc:         "The policy's podSelector matches no pod or pod template in its namespace: a label typo, a removed workload, or a selector that cannot be parsed. It protects nothing while looking like it does.",
	Remediation: "Fix the podSelector to match the workload's pod labels, or delete the policy.",
}

var CNINotEnforcing = &finding.Rule{
	ID: "PAL-NET-008", Control: control.NetworkPolicies, Severity: finding.High, Family: "cni",
	Title:       "Network plugin does not enforce NetworkPolicy",
	Doc:         "The cluster's network plugin (Flannel, a plain cloud CNI, an old kindnet, ...) ignores NetworkPolicy objects: every policy in the cluster does nothing.",
	Remediation: "Install a plugin that enforces NetworkPolicy (Calico, Cilium, Antrea, ...) or enable enforcement in the current one (AWS VPC CNI network policy agent, Calico as Canal next to Flannel).",
}

var CNIUnknown = &finding.Rule{
	ID: "PAL-NET-009", Control: control.NetworkPolicies, Severity: finding.Info, Family: "cni",
	Title:       "Network plugin not identified",
	Doc:         "palisade recognises Calico, Cilium, Antrea, Weave Net, kube-router, kindnet, Flannel, the AWS VPC CNI, Azure NPM, OVN-Kubernetes and Kube-OVN from their DaemonSets and node annotations; none was found, so whether NetworkPolicies are enforced is unknown.",
	Remediation: "Check that the cluster's network plugin enforces NetworkPolicy (a managed service may run it outside the cluster's objects).",
}

// Net returns the network-policy engine of the pass, computed once.
func (p *Pass) Net() *netpol.Engine {
	p.shared.netOnce.Do(func() {
		p.shared.net = netpol.New(p.Snap)
		p.shared.net.Compute()
	})
	return p.shared.net
}

// policiesReadable reports whether the network policies of namespace ns
// could be read (live clusters with limited credentials).
func (p *Pass) policiesReadable(ns string) bool {
	return p.Snap.Readable("networkpolicies.networking.k8s.io", ns)
}

// netpolNamespaces are the namespaces whose default-deny policies are
// judged: the judged namespaces and any other non-system namespace that
// has workloads.
func (p *Pass) netpolNamespaces() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ns string) {
		if ns != "" && !seen[ns] && !IsSystemNamespace(ns) {
			seen[ns] = true
			out = append(out, ns)
		}
	}
	for _, ns := range judgedNamespaces(p.Snap) {
		add(ns)
	}
	for _, w := range p.Workloads() {
		add(w.Namespace())
	}
	return out
}

func defaultDenyCheck(d netpol.Direction) func(p *Pass) {
	return func(p *Pass) {
		e := p.Net()
		for _, ns := range p.netpolNamespaces() {
			if !p.policiesReadable(ns) {
				continue
			}
			found := false
			for _, i := range e.PoliciesIn(ns) {
				if e.Policies[i].DefaultDeny(d) {
					found = true
					break
				}
			}
			if !found {
				p.ReportNamespace(ns, "namespace %s has no default-deny %s policy (podSelector: {} with policyTypes %s and no %s rule admitting everything)",
					ns, d, capitalize(string(d)), d)
			}
		}
	}
}

func coverageCheck(d netpol.Direction) func(p *Pass) {
	return func(p *Pass) {
		e := p.Net()
		for i, pod := range e.Pods {
			ns := pod.Namespace
			if ns == "" || IsSystemNamespace(ns) || !p.policiesReadable(ns) {
				continue
			}
			isolated := e.IsolatedIngress(i)
			what := "every pod can connect to it"
			if d == netpol.Egress {
				isolated = e.IsolatedEgress(i)
				what = "it can connect anywhere"
			}
			if isolated {
				continue
			}
			n := len(e.PoliciesIn(ns))
			p.Report(pod.Workload.Object, pod.Workload.MetaPath().Child("labels"), "no NetworkPolicy selects this %s for %s (%d polic%s in namespace %s): %s",
				workloadName(*pod.Workload), d, n, plural(n, "y", "ies"), ns, what)
		}
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

var netpolChecks = []Check{
	{Rule: NoDefaultDenyIngress, Run: defaultDenyCheck(netpol.Ingress)},
	{Rule: NoDefaultDenyEgress, Run: defaultDenyCheck(netpol.Egress)},
	{Rule: NotIsolatedIngress, Run: coverageCheck(netpol.Ingress)},
	{Rule: NotIsolatedEgress, Run: coverageCheck(netpol.Egress)},
	{Rule: AllowAll, Run: func(p *Pass) { breadthCheck(p, true) }},
	{Rule: AnySource, Run: func(p *Pass) { breadthCheck(p, false) }},
	{Rule: SelectsNothing, Run: func(p *Pass) {
		e := p.Net()
		for i, pol := range e.Policies {
			if pol.Invalid != "" {
				p.Report(pol.Object, kube.Path{"spec", "podSelector"}, "policy %s has an invalid podSelector (%s) and selects nothing", pol.Object.Name(), pol.Invalid)
				continue
			}
			// An empty podSelector selects every pod by definition: a
			// namespace default, even before the namespace has pods.
			if pol.SelectsAll() || pol.Namespace() == "" || !p.Snap.Readable("pods", pol.Namespace()) {
				continue
			}
			if e.Selects(i) == 0 {
				p.Report(pol.Object, kube.Path{"spec", "podSelector"}, "policy %s selects no pod in namespace %s (podSelector %s)", pol.Object.Name(), pol.Namespace(), selectorText(pol))
			}
		}
	}},
	{Rule: CNINotEnforcing, Run: func(p *Pass) {
		if len(p.Snap.OfKind("networking.k8s.io", "NetworkPolicy")) == 0 && p.Snap.Kind != kube.FromCluster {
			return
		}
		for _, c := range netpol.DetectCNI(p.Snap) {
			if c.Enforcement != netpol.DoesNotEnforce {
				continue
			}
			n := len(p.Snap.OfKind("networking.k8s.io", "NetworkPolicy"))
			p.Report(c.Object(), nil, "%s does not enforce NetworkPolicy (%s): the %d NetworkPolic%s here do nothing", c.Name, c.Note, n, plural(n, "y", "ies"))
		}
	}},
	{Rule: CNIUnknown, Run: func(p *Pass) {
		if p.Snap.Kind != kube.FromCluster || !p.Snap.Readable("daemonsets.apps", "kube-system") {
			return
		}
		if len(netpol.DetectCNI(p.Snap)) > 0 {
			return
		}
		o := &kube.Object{Source: kube.Source{Kind: kube.FromCluster, Root: p.Snap.Name}}
		o.GVK.Kind = "Cluster"
		o.Meta.Name = p.Snap.Name
		p.Report(o, nil, "no known network plugin was found among the DaemonSets and node annotations: whether NetworkPolicies are enforced is unknown")
	}},
}

func selectorText(pol *netpol.Policy) string {
	return metav1.FormatLabelSelector(&pol.Spec.PodSelector)
}

// breadthCheck reports rules admitting any peer: on all ports (allPorts)
// or on some ports.
func breadthCheck(p *Pass, allPorts bool) {
	for _, pol := range p.Net().Policies {
		for _, d := range []netpol.Direction{netpol.Ingress, netpol.Egress} {
			for _, r := range pol.Rules(d) {
				b, why := r.Breadth()
				if b == netpol.Scoped || r.AllPorts() != allPorts {
					continue
				}
				if !allPorts && d == netpol.Egress && r.DNSOnly() {
					continue
				}
				who := "any address"
				if b == netpol.AllPods {
					who = "every pod of every namespace"
				}
				if why == "" {
					why = "no " + r.PeerField()
				}
				dir := "from"
				if d == netpol.Egress {
					dir = "to"
				}
				p.Report(pol.Object, kube.Path{"spec"}.Index(r.Field(), r.Index),
					"policy %s %s rule %d admits traffic %s %s (%s) on %s", pol.Object.Name(), d, r.Index, dir, who, why, netpol.DescribePorts(r.Ports))
			}
		}
	}
}
