package rbac

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Node kinds of the escalation graph besides subjects.
const (
	// NodeAdmin is full control of the cluster (cluster-admin, or the
	// system:masters group).
	NodeAdmin = "cluster-admin"
	// nodeNamespaceAdmin is full control of one namespace.
	nodeNamespaceAdmin = "namespace-admin"
	// nodeHostRoot is root on a node of the attacker's choice, reached
	// by a pod that runs privileged or mounts the host's file system:
	// the kubelet's credentials and the token of every pod there.
	nodeHostRoot = "node-root"
)

// nodeIdentity is what a kubelet authenticates as (the Node authorizer
// then lets it read what its pods use).
var nodeIdentity = Identity{User: "system:node:(any node)", Groups: []string{"system:nodes", Authenticated}}

// Node is an identity of the escalation graph: a subject, full control
// of one namespace, or full control of the cluster.
type Node struct {
	// Kind is "User", "Group", "ServiceAccount", "namespace-admin",
	// "node-root" or "cluster-admin".
	Kind      string
	Subject   Subject
	Namespace string
	caps      map[string]*capSet
	power     Power
	bindings  []*Binding
}

// String renders the node as in a chain: "user dev", "sa ci/deployer",
// "admin of namespace ci", "cluster-admin".
func (n *Node) String() string {
	switch n.Kind {
	case NodeAdmin:
		return NodeAdmin
	case nodeNamespaceAdmin:
		return "admin of namespace " + n.Namespace
	case nodeHostRoot:
		return "root on a node"
	}
	return n.Subject.String()
}

// Power is the node's rank.
func (n *Node) Power() Power { return n.power }

// Step is one edge of an escalation chain.
type Step struct {
	From *Node
	// Action says how From becomes To, e.g. "create pods in ci".
	Action string
	To     *Node
}

// Path is what one subject can reach.
type Path struct {
	Start *Node
	// Strongest is the most powerful identity reached (Start itself
	// when nothing stronger is reachable).
	Strongest *Node
	// Steps lead from Start to Strongest.
	Steps []Step
	// Reached counts the identities reachable, Start included.
	Reached int
}

// Escalates reports whether the subject can reach an identity stronger
// than itself.
func (p *Path) Escalates() bool {
	return p.Strongest != p.Start && p.Strongest.power.Compare(p.Start.power) > 0
}

// Chain renders the path: "user dev -> create pods in ci -> sa
// ci/deployer -> clusterrolebinding deployer-admin -> ClusterRole
// cluster-admin". The last part says where the strongest identity's
// power comes from.
func (p *Path) Chain() string {
	parts := []string{p.Start.String()}
	for _, s := range p.Steps {
		parts = append(parts, s.Action, s.To.String())
	}
	if b := strongestBinding(p.Strongest); b != nil && p.Strongest.Kind != NodeAdmin {
		role := b.Role.Name
		if !b.Role.Cluster {
			role = b.Role.Ref()
		}
		parts = append(parts, b.Ref(), role)
	}
	return strings.Join(parts, " -> ")
}

// strongestBinding is the binding that gives a node most of its power.
func strongestBinding(n *Node) *Binding {
	var best *Binding
	var bestPower Power
	for _, b := range n.bindings {
		if b.Role == nil {
			continue
		}
		p := PowerOf(Capabilities{b.Scope(): b.Role.Caps()})
		if best == nil || p.Compare(bestPower) > 0 {
			best, bestPower = b, p
		}
	}
	if bestPower.Total == 0 {
		return nil
	}
	return best
}

// Graph is the escalation graph of a model.
type Graph struct {
	m     *Model
	Nodes []*Node
	admin int
	// hostRoot is the node-root node.
	hostRoot int
	// indexes
	users      []int
	groups     map[string]int
	sas        map[string]map[string]int // ns -> name -> node
	saList     map[string][]int          // ns -> nodes
	allSAs     []int
	workload   map[string][]int // ns -> nodes of accounts pods run as
	allWork    []int
	tokenOwner map[string]map[string]int // ns -> secret name -> node
	tokenSAs   map[string][]int
	nsAdmin    map[string]int
	bySubject  map[Subject]int
	// tokenNamespaces are the keys of tokenOwner, sorted.
	tokenNamespaces []string
	saByName        map[string][]int
}

// NewGraph builds the escalation graph: one node per subject named in a
// binding, per known service account, per namespace (its full control)
// and one for the cluster's.
func (m *Model) NewGraph() *Graph {
	g := &Graph{m: m, groups: map[string]int{}, sas: map[string]map[string]int{}, saList: map[string][]int{},
		workload: map[string][]int{}, tokenOwner: map[string]map[string]int{}, tokenSAs: map[string][]int{},
		nsAdmin: map[string]int{}, bySubject: map[Subject]int{}, saByName: map[string][]int{}}
	g.admin = g.add(&Node{Kind: NodeAdmin, caps: map[string]*capSet{"": {bits: allCaps}}})
	g.hostRoot = g.add(&Node{Kind: nodeHostRoot, caps: m.capsOf(nodeIdentity), bindings: m.BindingsOf(nodeIdentity)})
	addSubject := func(s Subject) int {
		if i, ok := g.bySubject[s]; ok {
			return i
		}
		id := IdentityOf(s)
		n := &Node{Kind: s.Kind, Subject: s, caps: m.capsOf(id), bindings: m.BindingsOf(id)}
		i := g.add(n)
		g.bySubject[s] = i
		switch s.Kind {
		case UserKind:
			g.users = append(g.users, i)
		case GroupKind:
			g.groups[s.Name] = i
		case ServiceAccountKind:
			if g.sas[s.Namespace] == nil {
				g.sas[s.Namespace] = map[string]int{}
			}
			g.sas[s.Namespace][s.Name] = i
			g.saList[s.Namespace] = append(g.saList[s.Namespace], i)
			g.saByName[s.Name] = append(g.saByName[s.Name], i)
			g.allSAs = append(g.allSAs, i)
		}
		return i
	}
	for _, b := range m.Bindings {
		for _, s := range b.Subjects {
			if s.Kind == ServiceAccountKind && s.Namespace == "" {
				continue
			}
			if s.Kind == UserKind || s.Kind == GroupKind || s.Kind == ServiceAccountKind {
				addSubject(s)
			}
		}
	}
	for _, ns := range sortedKeys(m.ServiceAccounts) {
		for _, name := range m.ServiceAccounts[ns] {
			addSubject(Subject{Kind: ServiceAccountKind, Namespace: ns, Name: name})
		}
	}
	for _, ns := range sortedKeys(m.WorkloadAccounts) {
		for _, name := range m.WorkloadAccounts[ns] {
			i := g.sas[ns][name]
			g.workload[ns] = append(g.workload[ns], i)
			g.allWork = append(g.allWork, i)
		}
	}
	for ns, bySA := range m.TokenSecrets {
		g.tokenOwner[ns] = map[string]int{}
		for _, sa := range sortedKeys(bySA) {
			i := g.sas[ns][sa]
			g.tokenSAs[ns] = append(g.tokenSAs[ns], i)
			for _, sec := range bySA[sa] {
				g.tokenOwner[ns][sec] = i
			}
		}
	}
	g.tokenNamespaces = sortedKeys(g.tokenOwner)
	for _, ns := range m.Namespaces {
		g.nsAdmin[ns] = g.add(&Node{Kind: nodeNamespaceAdmin, Namespace: ns, caps: map[string]*capSet{ns: {bits: allCaps &^ clusterOnly &^ CapAdmin}}})
	}
	return g
}

func (g *Graph) add(n *Node) int {
	c := Capabilities{}
	for s, cs := range n.caps {
		c[s] = cs.bits
	}
	n.power = PowerOf(c)
	g.Nodes = append(g.Nodes, n)
	return len(g.Nodes) - 1
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Node returns the node of a subject, or nil when the graph has none
// (a subject no binding names: it holds only its implicit groups'
// rights; use Explore with an identity for those).
func (g *Graph) Node(s Subject) *Node {
	if i, ok := g.bySubject[s]; ok {
		return g.Nodes[i]
	}
	return nil
}

// Subjects lists the subject nodes in graph order.
func (g *Graph) Subjects() []*Node {
	var out []*Node
	for _, n := range g.Nodes {
		if n.Kind == UserKind || n.Kind == GroupKind || n.Kind == ServiceAccountKind {
			out = append(out, n)
		}
	}
	return out
}

const actHoldsAll = "holds all verbs on all resources"

type edge struct {
	from   int32
	action string
}

// explorer holds the state of explorations, reused across subjects.
type explorer struct {
	g     *Graph
	stamp []uint32
	pred  []edge
	gen   uint32
}

// Explorer returns a reusable explorer of the graph (not safe for
// concurrent use).
func (g *Graph) Explorer() *explorer {
	return &explorer{g: g, stamp: make([]uint32, len(g.Nodes)), pred: make([]edge, len(g.Nodes))}
}

// Explore follows every escalation from a subject to a fixed point.
func (g *Graph) Explore(s Subject) *Path {
	start := g.Node(s)
	if start == nil {
		return g.ExploreIdentity(s, IdentityOf(s))
	}
	return g.Explorer().explore(start)
}

// ExploreIdentity explores from a subject with the given identity (the
// subject's groups plus those its identity provider adds).
func (g *Graph) ExploreIdentity(s Subject, id Identity) *Path {
	start := &Node{Kind: s.Kind, Subject: s, caps: g.m.capsOf(id), bindings: g.m.BindingsOf(id)}
	c := Capabilities{}
	for sc, cs := range start.caps {
		c[sc] = cs.bits
	}
	start.power = PowerOf(c)
	return g.Explorer().explore(start)
}

// ExploreAll explores every subject node.
func (g *Graph) ExploreAll() []*Path {
	x := g.Explorer()
	var out []*Path
	for _, n := range g.Subjects() {
		out = append(out, x.explore(n))
	}
	return out
}

// explore runs the fixed point: the capabilities of every identity
// reached are pooled (an attacker holding two identities combines what
// they can do), and each pooled capability opens edges to further
// identities, until no new identity is reached or full control of the
// cluster is.
func (x *explorer) explore(start *Node) *Path {
	g := x.g
	x.gen++
	if x.gen == 0 { // wrapped: clear
		clear(x.stamp)
		x.gen = 1
	}
	startIdx := int32(-1)
	if i, ok := g.bySubject[start.Subject]; ok && g.Nodes[i] == start {
		startIdx = int32(i)
		x.stamp[i] = x.gen
	}
	pool := map[string]*capSet{}
	reached := []int32{startIdx}
	best, bestIdx := start, startIdx
	hasBindings := len(start.bindings) > 0
	visit := func(to int, from int32, action string) {
		if x.stamp[to] == x.gen {
			return
		}
		x.stamp[to] = x.gen
		x.pred[to] = edge{from: from, action: action}
		reached = append(reached, int32(to))
	}
	for q := 0; q < len(reached); q++ {
		cur := reached[q]
		node := start
		if cur >= 0 {
			node = g.Nodes[cur]
		}
		if node.power.Compare(best.power) > 0 {
			best, bestIdx = node, cur
		}
		if cur == int32(g.admin) {
			break
		}
		if len(node.bindings) > 0 {
			hasBindings = true
		}
		var changed []string
		for scope, cs := range node.caps {
			p := pool[scope]
			if p == nil {
				p = &capSet{}
				pool[scope] = p
			}
			if p.merge(cs) {
				changed = append(changed, scope)
			}
		}
		slices.Sort(changed)
		for _, scope := range changed {
			x.edges(scope, pool, cur, hasBindings, visit)
		}
		if cur == int32(g.hostRoot) {
			// A pod can be placed on any node (spec.nodeName), so
			// every workload's token is within reach.
			for _, i := range g.allWork {
				visit(i, cur, "take the token of its pod on that node")
			}
		}
	}
	if x.stamp[g.admin] == x.gen {
		bestIdx = int32(g.admin)
		if e := x.pred[g.admin]; e.action == actHoldsAll {
			// Full control through a binding: the chain ends at the
			// subject holding it, with that binding.
			bestIdx = e.from
		}
		best = start
		if bestIdx >= 0 && bestIdx != startIdx {
			best = g.Nodes[bestIdx]
		}
	}
	p := &Path{Start: start, Strongest: best, Reached: len(reached)}
	for i := bestIdx; i >= 0 && i != startIdx; {
		e := x.pred[i]
		from := start
		if e.from >= 0 {
			from = g.Nodes[e.from]
		}
		p.Steps = append(p.Steps, Step{From: from, Action: e.action, To: g.Nodes[i]})
		i = e.from
	}
	slices.Reverse(p.Steps)
	return p
}

// edges visits the identities the pooled capabilities of one scope
// reach.
func (x *explorer) edges(scope string, pool map[string]*capSet, from int32, hasBindings bool, visit func(int, int32, string)) {
	g := x.g
	cs := pool[scope]
	b := cs.bits
	where := "in " + scope
	if scope == "" {
		where = "in every namespace"
	}
	sas := func(ns string) []int {
		if ns == "" {
			return g.allSAs
		}
		return g.saList[ns]
	}
	work := func(ns string) []int {
		if ns == "" {
			return g.allWork
		}
		return g.workload[ns]
	}
	if b&CapAdmin != 0 && scope == "" {
		visit(g.admin, from, actHoldsAll)
		return
	}
	// Impersonating a group needs impersonating a user too (the
	// Impersonate-Group header is refused without Impersonate-User).
	asUser := impersonatesSomeUser(pool)
	if scope == "" {
		switch {
		case asUser && (b&CapImpersonateGroups != 0 || slices.Contains(cs.impGroups, Masters)):
			visit(g.admin, from, "impersonate group "+Masters)
			return
		case b&(CapCSRCreate|CapCSRApprove|CapCSRSign) == CapCSRCreate|CapCSRApprove|CapCSRSign:
			visit(g.admin, from, "issue and approve a client certificate for group "+Masters)
			return
		case b&(CapBind|CapWriteBindings) == CapBind|CapWriteBindings || (b&CapWriteBindings != 0 && slices.Contains(cs.bindRoles, NodeAdmin)):
			visit(g.admin, from, "bind ClusterRole cluster-admin to itself")
			return
		case b&(CapEscalate|CapWriteRoles) == CapEscalate|CapWriteRoles && hasBindings:
			visit(g.admin, from, "escalate a role bound to it")
			return
		}
	} else if ns := scope; g.nsAdmin[ns] > 0 {
		if b&(CapBind|CapWriteBindings) == CapBind|CapWriteBindings || (b&CapWriteBindings != 0 && (slices.Contains(cs.bindRoles, "admin") || slices.Contains(cs.bindRoles, NodeAdmin))) {
			visit(g.nsAdmin[ns], from, "bind ClusterRole admin in "+ns)
		} else if b&(CapEscalate|CapWriteRoles) == CapEscalate|CapWriteRoles && hasBindings {
			visit(g.nsAdmin[ns], from, "escalate a role in "+ns)
		}
	}
	if b&CapCreatePods != 0 {
		act := "create pods " + where
		for _, i := range sas(scope) {
			visit(i, from, act)
		}
		if ns, ok := g.privilegedNamespace(scope); ok {
			visit(g.hostRoot, from, "create a privileged pod in "+ns+" on a node of its choice")
		}
	}
	if scope == "" && b&CapPersistentVolumes != 0 {
		if ns, ok := podNamespace(pool); ok {
			visit(g.hostRoot, from, "create a hostPath PersistentVolume and mount it from a pod in "+ns)
		}
	}
	if b&CapMintTokens != 0 {
		act := "create a token " + where
		for _, i := range sas(scope) {
			visit(i, from, act)
		}
	} else if len(cs.tokens) > 0 {
		x.named(scope, cs.tokens, from, "create a token for it", visit)
	}
	if b&CapImpersonateSAs != 0 {
		act := "impersonate service accounts " + where
		for _, i := range sas(scope) {
			visit(i, from, act)
		}
	} else if len(cs.impSAs) > 0 {
		x.named(scope, cs.impSAs, from, "impersonate it", visit)
	}
	if b&(CapCreateSecrets|CapReadSecrets) == CapCreateSecrets|CapReadSecrets {
		act := "create and read a token Secret " + where
		for _, i := range sas(scope) {
			visit(i, from, act)
		}
	}
	if b&CapReadSecrets != 0 {
		if scope == "" {
			act := "read token Secrets " + where
			for _, ns := range g.tokenNamespaces {
				for _, i := range g.tokenSAs[ns] {
					visit(i, from, act)
				}
			}
		} else {
			act := "read token Secrets " + where
			for _, i := range g.tokenSAs[scope] {
				visit(i, from, act)
			}
		}
	} else if len(cs.secrets) > 0 {
		for _, ns := range g.tokenNamespaces {
			if scope != "" && ns != scope {
				continue
			}
			owners := g.tokenOwner[ns]
			for _, sec := range cs.secrets {
				if i, ok := owners[sec]; ok {
					visit(i, from, "read token Secret "+sec+" in "+ns)
				}
			}
		}
	}
	if b&CapExec != 0 {
		act := "exec into its pods " + where
		for _, i := range work(scope) {
			visit(i, from, act)
		}
	}
	if scope != "" {
		return
	}
	if b&CapNodesProxy != 0 {
		for _, i := range g.allWork {
			visit(i, from, "exec into its pods through the kubelet (nodes/proxy)")
		}
	}
	if b&CapWebhooks != 0 {
		for _, i := range g.allWork {
			visit(i, from, "rewrite its pods with a mutating admission webhook")
		}
	}
	if b&CapImpersonateUsers != 0 {
		for _, i := range g.users {
			visit(i, from, "impersonate users")
		}
	} else {
		for _, u := range cs.impUsers {
			if i, ok := g.bySubject[Subject{Kind: UserKind, Name: u}]; ok {
				visit(i, from, "impersonate user "+u)
			}
		}
	}
	if asUser {
		for _, gr := range cs.impGroups {
			if i, ok := g.groups[gr]; ok {
				visit(i, from, "impersonate group "+gr)
			}
		}
	}
}

// privilegedNamespace returns a namespace within scope ("" for all)
// whose Pod Security admits privileged pods.
func (g *Graph) privilegedNamespace(scope string) (string, bool) {
	if scope != "" {
		return scope, g.m.AdmitsPrivilegedPods(scope)
	}
	for _, ns := range g.m.Namespaces {
		if g.m.AdmitsPrivilegedPods(ns) {
			return ns, true
		}
	}
	return "", false
}

// podNamespace returns a namespace the pooled capabilities can create
// pods in ("every namespace" for a cluster-wide grant).
func podNamespace(pool map[string]*capSet) (string, bool) {
	if cs := pool[""]; cs != nil && cs.bits&CapCreatePods != 0 {
		return "any namespace", true
	}
	for _, scope := range sortedKeys(pool) {
		if pool[scope].bits&CapCreatePods != 0 {
			return scope, true
		}
	}
	return "", false
}

// impersonatesSomeUser reports whether pooled capabilities can
// impersonate at least one user or service account.
func impersonatesSomeUser(pool map[string]*capSet) bool {
	for scope, cs := range pool {
		if cs.bits&CapImpersonateSAs != 0 || len(cs.impSAs) > 0 {
			return true
		}
		if scope == "" && (cs.bits&CapImpersonateUsers != 0 || len(cs.impUsers) > 0) {
			return true
		}
	}
	return false
}

// named visits the service accounts a name-restricted grant names.
func (x *explorer) named(scope string, names []string, from int32, action string, visit func(int, int32, string)) {
	for _, n := range names {
		if scope != "" {
			if i, ok := x.g.sas[scope][n]; ok {
				visit(i, from, action)
			}
			continue
		}
		for _, i := range x.g.saByName[n] {
			visit(i, from, action)
		}
	}
}

// SortPaths orders paths strongest escalation first, then by subject.
func SortPaths(ps []*Path) {
	slices.SortStableFunc(ps, func(a, b *Path) int {
		return cmp.Or(-a.Strongest.power.Compare(b.Strongest.power), strings.Compare(a.Start.String(), b.Start.String()))
	})
}

// Describe renders what a node can do, for messages: "all verbs on all
// resources" or "create pods, read secrets in every namespace; exec
// into pods in ci".
func (n *Node) Describe() string {
	if n.power.Admin {
		return "full control of the cluster"
	}
	var parts []string
	for _, scope := range sortedKeys(n.caps) {
		b := n.caps[scope].bits
		if b == 0 {
			continue
		}
		where := "in " + scope
		if scope == "" {
			where = "cluster-wide"
		}
		parts = append(parts, fmt.Sprintf("%s %s", b, where))
	}
	if len(parts) == 0 {
		return "no dangerous rights"
	}
	return strings.Join(parts, "; ")
}
