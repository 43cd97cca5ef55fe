package rbac

import (
	"fmt"
	"slices"
	"strings"
)

// Node kinds of the escalation graph besides subjects.
const (
	// clusterAdminRole is the default ClusterRole that allows everything.
	clusterAdminRole = "cluster-admin"
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
	// grants is the union of the node's grants over its scopes, a
	// name-restricted grant counting as the grant: a quick filter.
	grants grantBits
	// escalator: the node may escalate and update some role.
	escalator bool
	// bindTargets are the edges of binding a role to itself, and
	// escalates the bindings whose role it can escalate: both depend on
	// the node alone, and are computed with the graph.
	bindTargets []target
	escalates   []*Binding
}

// target is an edge that leaves from the node that holds it.
type target struct {
	to     int
	action string
}

// namedRoleGrants pairs the name-restricted grants on roles with the
// grant they restrict.
var namedRoleGrants = []struct {
	list  nameList
	grant grantBits
}{
	{nBindRoles, gBindRoles}, {nBindClusterRoles, gBindClusterRoles}, {nEscalateRoles, gEscalateRoles},
	{nEscalateClusterRoles, gEscalateClusterRoles}, {nUpdateRoles, gUpdateRoles}, {nUpdateClusterRoles, gUpdateClusterRoles},
}

// index computes what is derived from the node's capabilities.
func (n *Node) index() {
	c := Capabilities{}
	n.grants = 0
	for s, cs := range n.caps {
		c[s] = cs.bits
		n.grants |= cs.more
		for _, ng := range namedRoleGrants {
			if len(cs.names(ng.list)) > 0 {
				n.grants |= ng.grant
			}
		}
	}
	n.power = PowerOf(c)
	n.escalator = n.grants&(gEscalateRoles|gEscalateClusterRoles) != 0 && n.grants&(gUpdateRoles|gUpdateClusterRoles) != 0
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
	// clusterAdminRoles are the ClusterRoles with all verbs on all
	// resources (cluster-admin always: the API server keeps it);
	// nsAdminClusterRoles those that give full control of a namespace
	// through a RoleBinding (admin, then the former); adminRoles the
	// Roles with all verbs on all resources, by namespace.
	clusterAdminRoles   map[string]bool
	nsAdminClusterRoles []string
	adminRoles          map[string][]string
	// escalatorsOf lists, by binding (Binding.idx), the nodes that can
	// escalate its role; nsBindings are the RoleBindings by namespace.
	escalatorsOf [][]int32
	nsBindings   map[string][]*Binding
}

// NewGraph builds the escalation graph: one node per subject named in a
// binding, per known service account, per namespace (its full control)
// and one for the cluster's.
func (m *Model) NewGraph() *Graph {
	g := &Graph{m: m, groups: map[string]int{}, sas: map[string]map[string]int{}, saList: map[string][]int{},
		workload: map[string][]int{}, tokenOwner: map[string]map[string]int{}, tokenSAs: map[string][]int{},
		nsAdmin: map[string]int{}, bySubject: map[Subject]int{}, saByName: map[string][]int{}}
	g.admin = g.add(&Node{Kind: NodeAdmin, caps: map[string]*capSet{"": {bits: allCaps, more: allGrants}}})
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
		g.nsAdmin[ns] = g.add(&Node{Kind: nodeNamespaceAdmin, Namespace: ns,
			caps: map[string]*capSet{ns: {bits: allCaps &^ clusterOnly &^ CapAdmin, more: allGrants &^ clusterOnlyGrants}}})
	}
	g.indexAdminRoles()
	g.escalatorsOf = make([][]int32, len(m.Bindings))
	g.nsBindings = map[string][]*Binding{}
	for _, b := range m.Bindings {
		if !b.Cluster {
			g.nsBindings[b.Namespace] = append(g.nsBindings[b.Namespace], b)
		}
	}
	for i, n := range g.Nodes {
		g.prepare(n)
		for _, b := range n.escalates {
			g.escalatorsOf[b.idx] = append(g.escalatorsOf[b.idx], int32(i))
		}
	}
	return g
}

// prepare computes the edges that depend on a node alone.
func (g *Graph) prepare(n *Node) {
	n.bindTargets = g.bindTargets(n)
	n.escalates = g.escalatable(n)
}

func (g *Graph) indexAdminRoles() {
	g.clusterAdminRoles = map[string]bool{clusterAdminRole: true}
	g.adminRoles = map[string][]string{}
	var others []string
	for _, r := range g.m.Roles {
		switch {
		case r.Caps()&CapAdmin == 0:
		case !r.Cluster:
			g.adminRoles[r.Namespace] = append(g.adminRoles[r.Namespace], r.Name)
		case !g.clusterAdminRoles[r.Name]:
			g.clusterAdminRoles[r.Name] = true
			others = append(others, r.Name)
		}
	}
	slices.Sort(others)
	g.nsAdminClusterRoles = append([]string{"admin", clusterAdminRole}, others...)
	for _, names := range g.adminRoles {
		slices.Sort(names)
	}
}

func (g *Graph) add(n *Node) int {
	n.index()
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
	// done stamps the nodes explored (their edges opened).
	done []uint32
	// bound stamps the bindings of the nodes explored (by Binding.idx).
	bound []uint32
	gen   uint32
}

// Explorer returns a reusable explorer of the graph (not safe for
// concurrent use).
func (g *Graph) Explorer() *explorer {
	return &explorer{g: g, stamp: make([]uint32, len(g.Nodes)), pred: make([]edge, len(g.Nodes)), done: make([]uint32, len(g.Nodes)), bound: make([]uint32, len(g.m.Bindings))}
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
	start.index()
	g.prepare(start)
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

// walk is one exploration: the identities reached and what they hold.
type walk struct {
	g        *Graph
	x        *explorer
	start    *Node
	startIdx int32
	reached  []int32
	// pool holds the capabilities of every identity reached, by scope.
	// It serves the edges of one capability, and those that combine
	// requests whose effects persist (a token Secret one identity
	// creates and another reads, a PersistentVolume one creates and
	// another claims), never the conditions of a single request.
	pool map[string]*capSet
	// approver: a reached identity approves client certificates.
	approver bool
}

func (w *walk) node(i int32) *Node {
	if i < 0 {
		return w.start
	}
	return w.g.Nodes[i]
}

// visit reaches a node, the first time only.
func (w *walk) visit(to int, from int32, action string) {
	x := w.x
	if x.stamp[to] == x.gen {
		return
	}
	x.stamp[to] = x.gen
	x.pred[to] = edge{from: from, action: action}
	w.reached = append(w.reached, int32(to))
}

// explore runs the fixed point: each identity reached opens edges to
// further identities, until no new identity is reached or full control
// of the cluster is.
func (x *explorer) explore(start *Node) *Path {
	g := x.g
	x.gen++
	if x.gen == 0 { // wrapped: clear
		clear(x.stamp)
		clear(x.done)
		clear(x.bound)
		x.gen = 1
	}
	w := &walk{g: g, x: x, start: start, startIdx: -1, pool: map[string]*capSet{}}
	if i, ok := g.bySubject[start.Subject]; ok && g.Nodes[i] == start {
		w.startIdx = int32(i)
		x.stamp[i] = x.gen
	}
	w.reached = []int32{w.startIdx}
	best, bestIdx := start, w.startIdx
	for q := 0; q < len(w.reached); q++ {
		cur := w.reached[q]
		node := w.node(cur)
		if node.power.Compare(best.power) > 0 {
			best, bestIdx = node, cur
		}
		if cur == int32(g.admin) {
			break
		}
		if cur >= 0 {
			x.done[cur] = x.gen
		}
		w.step(cur, node)
	}
	if x.stamp[g.admin] == x.gen {
		bestIdx = int32(g.admin)
		if e := x.pred[g.admin]; e.action == actHoldsAll {
			// Full control through a binding: the chain ends at the
			// subject holding it, with that binding.
			bestIdx = e.from
		}
		best = start
		if bestIdx >= 0 && bestIdx != w.startIdx {
			best = g.Nodes[bestIdx]
		}
	}
	p := &Path{Start: start, Strongest: best, Reached: len(w.reached)}
	for i := bestIdx; i >= 0 && i != w.startIdx; {
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

// step opens the edges the q-th node reached adds. The edges of one
// pooled scope read that scope only and run again whenever it grows;
// those that read several scopes or nodes run again on any growth; those
// of a single request read the node alone. So what is reached does not
// depend on the order nodes are met in.
func (w *walk) step(cur int32, n *Node) {
	var changed []string
	for scope, cs := range n.caps {
		p := w.pool[scope]
		if p == nil {
			p = &capSet{}
			w.pool[scope] = p
		}
		if p.merge(cs) {
			changed = append(changed, scope)
		}
	}
	slices.Sort(changed)
	for _, scope := range changed {
		w.scopeEdges(scope, cur)
	}
	w.ownEdges(cur, n)
	w.escalations(cur, n)
	if len(changed) > 0 {
		w.volumeEdge(cur)
	}
	w.certificateEdge(cur)
	if cur == int32(w.g.hostRoot) {
		// A pod can be placed on any node (spec.nodeName), so every
		// workload's token is within reach.
		for _, i := range w.g.allWork {
			w.visit(i, cur, "take the token of its pod on that node")
		}
	}
}

// scopeEdges visits the identities that one pooled capability of a
// scope reaches, each by itself.
func (w *walk) scopeEdges(scope string, from int32) {
	g := w.g
	cs := w.pool[scope]
	b := cs.bits
	where := "in " + scope
	if scope == "" {
		where = "in every namespace"
	}
	sas, work := g.saList[scope], g.workload[scope]
	if scope == "" {
		sas, work = g.allSAs, g.allWork
	}
	if b&CapAdmin != 0 && scope == "" {
		w.visit(g.admin, from, actHoldsAll)
		return
	}
	if b&CapCreatePods != 0 {
		act := "create pods " + where
		for _, i := range sas {
			w.visit(i, from, act)
		}
		if ns, ok := g.privilegedNamespace(scope); ok {
			w.visit(g.hostRoot, from, "create a privileged pod in "+ns+" on a node of its choice")
		}
	}
	if b&CapMintTokens != 0 {
		act := "create a token " + where
		for _, i := range sas {
			w.visit(i, from, act)
		}
	} else if names := cs.names(nTokens); len(names) > 0 {
		w.named(scope, names, from, "create a token for it")
	}
	if b&CapImpersonateSAs != 0 {
		act := "impersonate service accounts " + where
		for _, i := range sas {
			w.visit(i, from, act)
		}
	} else if names := cs.names(nImpSAs); len(names) > 0 {
		w.named(scope, names, from, "impersonate it")
	}
	if b&(CapCreateSecrets|CapReadSecrets) == CapCreateSecrets|CapReadSecrets {
		act := "create and read a token Secret " + where
		for _, i := range sas {
			w.visit(i, from, act)
		}
	}
	w.secretEdges(scope, from)
	if b&CapExec != 0 {
		act := "exec into its pods " + where
		for _, i := range work {
			w.visit(i, from, act)
		}
	}
	if cs.more&gUpdatePods != 0 {
		act := "replace the image of its pods " + where
		for _, i := range work {
			w.visit(i, from, act)
		}
	}
	w.namedPods(scope, cs.names(nExecPods), from, "exec into pod")
	w.namedPods(scope, cs.names(nUpdatePods), from, "replace the image of pod")
	if scope == "" {
		w.clusterEdges(from)
	}
}

// secretEdges visits the owners of the token Secrets a scope's pooled
// rights read.
func (w *walk) secretEdges(scope string, from int32) {
	g := w.g
	cs := w.pool[scope]
	if cs.bits&CapReadSecrets != 0 {
		act := "read token Secrets in " + scope
		nss := []string{scope}
		if scope == "" {
			act, nss = "read token Secrets in every namespace", g.tokenNamespaces
		}
		for _, ns := range nss {
			for _, i := range g.tokenSAs[ns] {
				w.visit(i, from, act)
			}
		}
		return
	}
	names := cs.names(nSecrets)
	if len(names) == 0 {
		return
	}
	for _, ns := range g.tokenNamespaces {
		if scope != "" && ns != scope {
			continue
		}
		owners := g.tokenOwner[ns]
		for _, sec := range names {
			if i, ok := owners[sec]; ok {
				w.visit(i, from, "read token Secret "+sec+" in "+ns)
			}
		}
	}
}

// clusterEdges are the edges of cluster-scoped resources.
func (w *walk) clusterEdges(from int32) {
	g := w.g
	cs := w.pool[""]
	if cs.bits&CapNodesProxy != 0 {
		for _, i := range g.allWork {
			w.visit(i, from, "exec into its pods through the kubelet (nodes/proxy)")
		}
	}
	// A mutating webhook, or a mutating admission policy and a binding
	// that puts it to work, rewrites pods as they are created. Validating
	// ones and deleting only refuse or stop refusing (PAL-RBAC-010).
	if cs.more&gMutatingWebhooks != 0 || cs.more&(gMutatingPolicies|gMutatingPolicyBindings) == gMutatingPolicies|gMutatingPolicyBindings {
		for _, i := range g.allWork {
			w.visit(i, from, "rewrite its pods with a mutating admission webhook")
		}
	}
	// A user name of the form system:serviceaccount:NS:NAME is a
	// service account's: impersonating it needs impersonate on
	// serviceaccounts, not users.
	if cs.bits&CapImpersonateUsers != 0 {
		for _, i := range g.users {
			if !isServiceAccountUser(g.Nodes[i].Subject.Name) {
				w.visit(i, from, "impersonate users")
			}
		}
		return
	}
	for _, u := range cs.names(nImpUsers) {
		if i, ok := g.bySubject[Subject{Kind: UserKind, Name: u}]; ok && !isServiceAccountUser(u) {
			w.visit(i, from, "impersonate user "+u)
		}
	}
}

func isServiceAccountUser(name string) bool { return strings.HasPrefix(name, serviceAccountUser) }

// ownEdges opens the edges of a single request: the API server checks
// all of its conditions against the one user making it, so they read the
// node's own rights, never the pool.
func (w *walk) ownEdges(cur int32, n *Node) {
	for _, t := range n.bindTargets {
		w.visit(t.to, cur, t.action)
	}
	w.impersonationEdges(cur, n)
	// Approving a CSR is one request: update on its approval and
	// approve on its signer are checked for the same user.
	if cs := n.caps[""]; cs != nil && cs.bits&(CapCSRApprove|CapCSRSign) == CapCSRApprove|CapCSRSign {
		w.approver = true
	}
}

// bindTargets: creating (or updating) a binding is one request, for
// which the API server checks bind on its roleRef, by kind and name, in
// the binding's namespace (escalation_check.go BindingAuthorized). A
// ClusterRoleBinding to cluster-admin needs bind on clusterroles
// cluster-wide; a RoleBinding to a ClusterRole or a Role needs bind on
// that kind in its namespace.
func (g *Graph) bindTargets(n *Node) []target {
	if n.grants&(gWriteRoleBindings|gWriteClusterRoleBindings) == 0 || n.grants&(gBindRoles|gBindClusterRoles) == 0 {
		return nil
	}
	all := n.caps[""]
	if all != nil && all.more&gWriteClusterRoleBindings != 0 {
		if name, ok := g.adminClusterRole(all); ok {
			return []target{{g.admin, "bind ClusterRole " + name + " to itself"}}
		}
	}
	nss := g.m.Namespaces
	if all == nil || all.more&gWriteRoleBindings == 0 {
		nss = nil
		for _, ns := range sortedKeys(n.caps) {
			if n.caps[ns].more&gWriteRoleBindings != 0 {
				nss = append(nss, ns)
			}
		}
	}
	var out []target
	for _, ns := range nss {
		if t, ok := g.bindInNamespace(n, ns); ok {
			out = append(out, t)
		}
	}
	return out
}

// bindInNamespace returns the edge to full control of a namespace where
// the node writes RoleBindings, if it may bind there a role that gives
// it.
func (g *Graph) bindInNamespace(n *Node, ns string) (target, bool) {
	i, ok := g.nsAdmin[ns]
	if !ok {
		return target{}, false
	}
	all, local := n.caps[""], n.caps[ns]
	for _, name := range g.nsAdminClusterRoles {
		if all.allows(gBindClusterRoles, nBindClusterRoles, name) || local.allows(gBindClusterRoles, nBindClusterRoles, name) {
			return target{i, "bind ClusterRole " + name + " in " + ns}, true
		}
	}
	for _, name := range g.adminRoles[ns] {
		if all.allows(gBindRoles, nBindRoles, name) || local.allows(gBindRoles, nBindRoles, name) {
			return target{i, "bind Role " + ns + "/" + name + " to itself"}, true
		}
	}
	return target{}, false
}

// adminClusterRole returns a ClusterRole with all verbs on all resources
// that a cluster-wide capSet may bind.
func (g *Graph) adminClusterRole(cs *capSet) (string, bool) {
	if cs.more&gBindClusterRoles != 0 {
		return clusterAdminRole, true
	}
	for _, name := range cs.names(nBindClusterRoles) {
		if g.clusterAdminRoles[name] {
			return name, true
		}
	}
	return "", false
}

// impersonationEdges: the Impersonate-User and Impersonate-Group headers
// of one request are authorized for the same user, and groups without a
// user are refused, so only a node that itself impersonates some user or
// service account can impersonate groups.
func (w *walk) impersonationEdges(cur int32, n *Node) {
	g := w.g
	all := n.caps[""]
	if all == nil || (all.bits&CapImpersonateGroups == 0 && len(all.names(nImpGroups)) == 0) || !n.impersonatesSomeUser() {
		return
	}
	if all.bits&CapImpersonateGroups != 0 || slices.Contains(all.names(nImpGroups), Masters) {
		w.visit(g.admin, cur, "impersonate group "+Masters)
		return
	}
	for _, gr := range all.names(nImpGroups) {
		if i, ok := g.groups[gr]; ok {
			w.visit(i, cur, "impersonate group "+gr)
		}
	}
}

// impersonatesSomeUser reports whether the node can impersonate at least
// one user or service account.
func (n *Node) impersonatesSomeUser() bool {
	for scope, cs := range n.caps {
		if cs.bits&CapImpersonateSAs != 0 || len(cs.names(nImpSAs)) > 0 {
			return true
		}
		if scope == "" && (cs.bits&CapImpersonateUsers != 0 || slices.ContainsFunc(cs.names(nImpUsers), func(u string) bool { return !isServiceAccountUser(u) })) {
			return true
		}
	}
	return false
}

// escalations: escalate lets one request (an update or patch of a role)
// write rules its user does not hold, and the role then gives them to
// every subject bound to it. So a node that can escalate a role bound to
// a reached identity reaches what that binding gives: cluster-admin
// through a ClusterRoleBinding, full control of the binding's namespace
// through a RoleBinding. The pair is found when the later of the
// escalator and the bound identity is met.
func (w *walk) escalations(cur int32, n *Node) {
	x := w.x
	for _, b := range n.bindings {
		x.bound[b.idx] = x.gen
		for _, e := range w.g.escalatorsOf[b.idx] {
			if x.done[e] == x.gen {
				w.escalate(e, b, cur)
				break
			}
		}
		if w.startIdx < 0 && slices.Contains(w.start.escalates, b) {
			w.escalate(-1, b, cur)
		}
	}
	for _, b := range n.escalates {
		if x.bound[b.idx] == x.gen {
			w.escalate(cur, b, cur)
		}
	}
}

// escalate has escalator e escalate the role of binding b; the step
// starts at from, the later of e and the identity bound to be met.
func (w *walk) escalate(e int32, b *Binding, from int32) {
	to, ok := w.g.admin, true
	if !b.Cluster {
		to, ok = w.g.nsAdmin[b.Namespace]
	}
	if !ok || w.x.stamp[to] == w.x.gen {
		return
	}
	act := "escalate " + b.Role.Ref() + " bound by " + b.Ref()
	if from != e {
		act += ", as " + w.node(e).String()
	}
	w.visit(to, from, act)
}

// escalatable returns the bindings whose role the node can escalate
// (none for full control, which has nothing to gain).
func (g *Graph) escalatable(n *Node) []*Binding {
	if !n.escalator || n.Kind == nodeNamespaceAdmin || n.power.Admin {
		return nil
	}
	var cands []*Binding
	if all := n.caps[""]; all != nil && (all.more&(gEscalateRoles|gEscalateClusterRoles) != 0 ||
		len(all.names(nEscalateRoles))+len(all.names(nEscalateClusterRoles)) > 0) {
		cands = g.m.Bindings
	} else {
		for _, ns := range sortedKeys(n.caps) {
			cands = append(cands, g.nsBindings[ns]...)
		}
	}
	var out []*Binding
	for _, b := range cands {
		if b.Role != nil && n.canEscalate(b.Role) {
			out = append(out, b)
		}
	}
	return out
}

// canEscalate reports whether one request of the node can write any rule
// into a role: update (or patch) and escalate on it, by kind and name
// (escalation_check.go EscalationAllowed), cluster-wide for a
// ClusterRole, in its namespace for a Role.
func (n *Node) canEscalate(r *Role) bool {
	all := n.caps[""]
	if r.Cluster {
		return all.allows(gEscalateClusterRoles, nEscalateClusterRoles, r.Name) && all.allows(gUpdateClusterRoles, nUpdateClusterRoles, r.Name)
	}
	local := n.caps[r.Namespace]
	return (all.allows(gEscalateRoles, nEscalateRoles, r.Name) || local.allows(gEscalateRoles, nEscalateRoles, r.Name)) &&
		(all.allows(gUpdateRoles, nUpdateRoles, r.Name) || local.allows(gUpdateRoles, nUpdateRoles, r.Name))
}

// volumeEdge: a hostPath PersistentVolume (cluster-scoped) is mounted by
// a pod through a claim in the pod's namespace; the three objects
// persist, so different identities reached may create them.
func (w *walk) volumeEdge(from int32) {
	all := w.pool[""]
	if all == nil || all.bits&CapPersistentVolumes == 0 || w.x.stamp[w.g.hostRoot] == w.x.gen {
		return
	}
	if ns, ok := w.claimNamespace(); ok {
		w.visit(w.g.hostRoot, from, "create a hostPath PersistentVolume and mount it from a pod in "+ns)
	}
}

// claimNamespace returns a namespace where the pooled rights create both
// pods and PersistentVolumeClaims ("any namespace" for cluster-wide
// grants).
func (w *walk) claimNamespace() (string, bool) {
	all := w.pool[""]
	if all.bits&CapCreatePods != 0 && all.more&gCreatePVCs != 0 {
		return "any namespace", true
	}
	for _, ns := range sortedKeys(w.pool) {
		cs := w.pool[ns]
		if ns != "" && (all.bits|cs.bits)&CapCreatePods != 0 && (all.more|cs.more)&gCreatePVCs != 0 {
			return ns, true
		}
	}
	return "", false
}

// certificateEdge: one reached identity creates a CSR for group
// system:masters and another (or the same) approves it for the client
// signer; the CSR persists in between.
func (w *walk) certificateEdge(from int32) {
	if !w.approver {
		return
	}
	if cs := w.pool[""]; cs != nil && cs.bits&CapCSRCreate != 0 {
		w.visit(w.g.admin, from, "issue and approve a client certificate for group "+Masters)
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

// named visits the service accounts a name-restricted grant names.
func (w *walk) named(scope string, names []string, from int32, action string) {
	for _, n := range names {
		if scope != "" {
			if i, ok := w.g.sas[scope][n]; ok {
				w.visit(i, from, action)
			}
			continue
		}
		for _, i := range w.g.saByName[n] {
			w.visit(i, from, action)
		}
	}
}

// namedPods visits the service accounts of the pods a name-restricted
// grant names (in scope, or in every namespace for ""), as far as the
// model knows which account each pod runs as.
func (w *walk) namedPods(scope string, names []string, from int32, action string) {
	for _, ns := range w.g.m.podNamespaces(scope) {
		for _, pod := range names {
			sa, ok := w.g.m.PodAccounts[ns][pod]
			if !ok {
				continue
			}
			if i, ok := w.g.sas[ns][sa]; ok {
				w.visit(i, from, action+" "+ns+"/"+pod)
			}
		}
	}
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
