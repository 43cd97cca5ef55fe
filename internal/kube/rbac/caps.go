package rbac

import (
	"math/bits"
	"slices"
	"strings"
)

// Cap is a dangerous capability a role can give: each is a set of
// requests that lets its holder act beyond the rights it was given.
type Cap uint32

// The dangerous capabilities.
const (
	// CapAdmin: every verb on every resource of every group.
	CapAdmin Cap = 1 << iota
	// CapCreatePods: create pods, or create/update/patch a pod
	// controller (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job,
	// CronJob, ReplicationController), which runs pods as any service
	// account of the namespace. In a namespace's capabilities, update or
	// patch of named controllers counts too (Model.Capabilities; not
	// Role.Caps, which does not know where the role is bound).
	CapCreatePods
	// CapExec: pods/exec or pods/attach (create), or
	// pods/ephemeralcontainers (update, patch): a shell in running pods,
	// with their service account's token.
	CapExec
	// CapReadSecrets: get, list or watch any Secret (list and watch
	// return values too).
	CapReadSecrets
	// CapCreateSecrets: create Secrets (a service-account-token Secret
	// is filled with a token by the token controller).
	CapCreateSecrets
	// CapMintTokens: create serviceaccounts/token for any service
	// account.
	CapMintTokens
	// CapImpersonateUsers, CapImpersonateGroups, CapImpersonateSAs:
	// impersonate any user, group or service account.
	CapImpersonateUsers
	CapImpersonateGroups
	CapImpersonateSAs
	// CapBind: bind any role or cluster role (the RBAC API then lets
	// its holder grant permissions it does not have).
	CapBind
	// CapEscalate: escalate roles or cluster roles (write rules it does
	// not hold).
	CapEscalate
	// CapWriteRoles: create, update or patch roles or cluster roles.
	CapWriteRoles
	// CapWriteBindings: create, update or patch role bindings or
	// cluster role bindings.
	CapWriteBindings
	// CapNodesProxy: nodes/proxy, the kubelet API (exec in any pod of
	// the node, bypassing admission and audit).
	CapNodesProxy
	// CapCSRCreate, CapCSRApprove, CapCSRSign: create, approve, and
	// approve for a signer, CertificateSigningRequests.
	CapCSRCreate
	CapCSRApprove
	CapCSRSign
	// CapWebhooks: create, update, patch or delete admission webhook
	// configurations and admission policies. Only the mutating ones
	// (grantBits) run code in other pods; the rest can switch policy
	// off or read what is admitted.
	CapWebhooks
	// CapPersistentVolumes: create PersistentVolumes (hostPath on any
	// node path).
	CapPersistentVolumes

	capCount = iota
)

// clusterOnly are the capabilities whose resources are cluster-scoped:
// a RoleBinding cannot grant them.
const clusterOnly = CapNodesProxy | CapCSRCreate | CapCSRApprove | CapCSRSign | CapWebhooks | CapPersistentVolumes | CapImpersonateUsers | CapImpersonateGroups

// CapNames name each capability in messages.
var capNames = [capCount]string{
	"all verbs on all resources", "create pods", "exec into pods", "read secrets", "create secrets", "create service account tokens",
	"impersonate users", "impersonate groups", "impersonate service accounts", "bind roles", "escalate roles", "write roles",
	"write role bindings", "proxy to kubelets (nodes/proxy)", "create CSRs", "approve CSRs", "sign CSRs for a signer",
	"change admission webhooks and policies", "create persistent volumes",
}

// String lists the capabilities, comma-separated.
func (c Cap) String() string {
	var out []string
	for i := 0; i < capCount; i++ {
		if c&(1<<i) != 0 {
			out = append(out, capNames[i])
		}
	}
	return strings.Join(out, ", ")
}

// Count is the number of capabilities set.
func (c Cap) Count() int { return bits.OnesCount32(uint32(c)) }

// clientSigner issues client certificates the API server accepts.
const clientSigner = "kubernetes.io/kube-apiserver-client"

const (
	rbacGroup      = "rbac.authorization.k8s.io"
	admissionGroup = "admissionregistration.k8s.io"
)

// grantBits are rights finer than the Cap bits, which only the
// escalation edges need: Kubernetes checks bind and escalate against the
// kind (roles or clusterroles) of the role named, a RoleBinding and a
// ClusterRoleBinding are different resources, and of the admission
// objects only mutating ones run code in other pods.
type grantBits uint16

const (
	// gBindRoles, gBindClusterRoles: bind any Role, any ClusterRole.
	gBindRoles grantBits = 1 << iota
	gBindClusterRoles
	// gEscalateRoles, gEscalateClusterRoles: escalate any Role,
	// ClusterRole.
	gEscalateRoles
	gEscalateClusterRoles
	// gUpdateRoles, gUpdateClusterRoles: update or patch any Role,
	// ClusterRole (what escalate lets write rules it does not hold).
	gUpdateRoles
	gUpdateClusterRoles
	// gWriteRoleBindings, gWriteClusterRoleBindings: create, update or
	// patch them.
	gWriteRoleBindings
	gWriteClusterRoleBindings
	// gMutatingWebhooks: create, update or patch
	// mutatingwebhookconfigurations.
	gMutatingWebhooks
	// gMutatingPolicies, gMutatingPolicyBindings: create, update or
	// patch mutatingadmissionpolicies, their bindings (a policy acts
	// only once bound).
	gMutatingPolicies
	gMutatingPolicyBindings
	// gCreatePVCs: create persistentvolumeclaims (a pod mounts a
	// PersistentVolume only through a claim of its namespace).
	gCreatePVCs
	// gUpdatePods: update or patch pods (a running container's image
	// can be replaced, and the new image runs with the pod's token).
	gUpdatePods

	grantCount = iota
)

const allGrants = grantBits(1<<grantCount - 1)

// clusterOnlyGrants are the grants on cluster-scoped resources: a
// RoleBinding cannot give them. (bind on clusterroles can: a RoleBinding
// may refer to a ClusterRole, and bind is checked in its namespace.)
const clusterOnlyGrants = gEscalateClusterRoles | gUpdateClusterRoles | gWriteClusterRoleBindings | gMutatingWebhooks | gMutatingPolicies | gMutatingPolicyBindings

// nameList is a kind of resourceNames-restricted grant: the names listed
// are the only objects it reaches.
type nameList int

const (
	nTokens               nameList = iota // create serviceaccounts/token
	nImpUsers                             // impersonate users
	nImpGroups                            // impersonate groups
	nImpSAs                               // impersonate serviceaccounts
	nSecrets                              // get secrets
	nBindRoles                            // bind roles
	nBindClusterRoles                     // bind clusterroles
	nEscalateRoles                        // escalate roles
	nEscalateClusterRoles                 // escalate clusterroles
	nUpdateRoles                          // update or patch roles
	nUpdateClusterRoles                   // update or patch clusterroles
	nControllers                          // update or patch a pod controller
	nExecPods                             // exec, attach or debug a pod
	nUpdatePods                           // update or patch a pod
	nameListCount
)

// namedGrants holds the names of each kind of restricted grant.
type namedGrants [nameListCount][]string

// probe is a set of requests, one per verb; a rule matches it when it
// allows one of them, its resourceNames aside.
type probe struct {
	verbs           []string
	group, res, sub string
}

func (p *probe) on(r *Rule) bool {
	open := Rule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources}
	for _, v := range p.verbs {
		if open.Allows(&Request{Verb: v, Group: p.group, Resource: p.res, Subresource: p.sub}) {
			return true
		}
	}
	return false
}

var (
	create      = []string{"create"}
	updatePatch = []string{"update", "patch"}
	writes      = []string{"create", "update", "patch"}
)

var workloadControllers = []struct{ group, res string }{
	{"apps", "deployments"}, {"apps", "daemonsets"}, {"apps", "statefulsets"}, {"apps", "replicasets"},
	{"batch", "jobs"}, {"batch", "cronjobs"}, {"", "replicationcontrollers"},
	{"extensions", "deployments"}, {"extensions", "daemonsets"}, {"extensions", "replicasets"},
}

type capProbe struct {
	cap Cap
	probe
}

var capProbes = func() []capProbe {
	ps := []capProbe{
		{CapCreatePods, probe{create, "", "pods", ""}},
		{CapExec, probe{create, "", "pods", "exec"}},
		{CapExec, probe{create, "", "pods", "attach"}},
		{CapExec, probe{updatePatch, "", "pods", "ephemeralcontainers"}},
		{CapReadSecrets, probe{[]string{"get", "list", "watch"}, "", "secrets", ""}},
		{CapCreateSecrets, probe{create, "", "secrets", ""}},
		{CapMintTokens, probe{create, "", "serviceaccounts", "token"}},
		{CapImpersonateUsers, probe{[]string{"impersonate"}, "", "users", ""}},
		{CapImpersonateGroups, probe{[]string{"impersonate"}, "", "groups", ""}},
		{CapImpersonateSAs, probe{[]string{"impersonate"}, "", "serviceaccounts", ""}},
		{CapBind, probe{[]string{"bind"}, rbacGroup, "clusterroles", ""}},
		{CapBind, probe{[]string{"bind"}, rbacGroup, "roles", ""}},
		{CapEscalate, probe{[]string{"escalate"}, rbacGroup, "clusterroles", ""}},
		{CapEscalate, probe{[]string{"escalate"}, rbacGroup, "roles", ""}},
		{CapWriteRoles, probe{writes, rbacGroup, "clusterroles", ""}},
		{CapWriteRoles, probe{writes, rbacGroup, "roles", ""}},
		{CapWriteBindings, probe{writes, rbacGroup, "clusterrolebindings", ""}},
		{CapWriteBindings, probe{writes, rbacGroup, "rolebindings", ""}},
		{CapNodesProxy, probe{[]string{"get", "create"}, "", "nodes", "proxy"}},
		{CapCSRCreate, probe{create, "certificates.k8s.io", "certificatesigningrequests", ""}},
		{CapCSRApprove, probe{updatePatch, "certificates.k8s.io", "certificatesigningrequests", "approval"}},
		{CapCSRSign, probe{[]string{"approve"}, "certificates.k8s.io", "signers", ""}},
		{CapPersistentVolumes, probe{create, "", "persistentvolumes", ""}},
	}
	for _, w := range workloadControllers {
		ps = append(ps, capProbe{CapCreatePods, probe{writes, w.group, w.res, ""}})
	}
	for _, r := range []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"} {
		ps = append(ps, capProbe{CapWebhooks, probe{[]string{"create", "update", "patch", "delete"}, admissionGroup, r, ""}})
	}
	return ps
}()

var grantProbes = []struct {
	grant grantBits
	probe
}{
	{gBindRoles, probe{[]string{"bind"}, rbacGroup, "roles", ""}},
	{gBindClusterRoles, probe{[]string{"bind"}, rbacGroup, "clusterroles", ""}},
	{gEscalateRoles, probe{[]string{"escalate"}, rbacGroup, "roles", ""}},
	{gEscalateClusterRoles, probe{[]string{"escalate"}, rbacGroup, "clusterroles", ""}},
	{gUpdateRoles, probe{updatePatch, rbacGroup, "roles", ""}},
	{gUpdateClusterRoles, probe{updatePatch, rbacGroup, "clusterroles", ""}},
	{gWriteRoleBindings, probe{writes, rbacGroup, "rolebindings", ""}},
	{gWriteClusterRoleBindings, probe{writes, rbacGroup, "clusterrolebindings", ""}},
	{gMutatingWebhooks, probe{writes, admissionGroup, "mutatingwebhookconfigurations", ""}},
	{gMutatingPolicies, probe{writes, admissionGroup, "mutatingadmissionpolicies", ""}},
	{gMutatingPolicyBindings, probe{writes, admissionGroup, "mutatingadmissionpolicybindings", ""}},
	{gCreatePVCs, probe{create, "", "persistentvolumeclaims", ""}},
	{gUpdatePods, probe{updatePatch, "", "pods", ""}},
}

// nameProbes: a create request carries no name, so resourceNames never
// allow it; only the verbs that name their object are probed.
var nameProbes = func() []struct {
	list nameList
	probe
} {
	ps := []struct {
		list nameList
		probe
	}{
		{nTokens, probe{create, "", "serviceaccounts", "token"}},
		{nImpUsers, probe{[]string{"impersonate"}, "", "users", ""}},
		{nImpGroups, probe{[]string{"impersonate"}, "", "groups", ""}},
		{nImpSAs, probe{[]string{"impersonate"}, "", "serviceaccounts", ""}},
		{nSecrets, probe{[]string{"get"}, "", "secrets", ""}},
		{nBindRoles, probe{[]string{"bind"}, rbacGroup, "roles", ""}},
		{nBindClusterRoles, probe{[]string{"bind"}, rbacGroup, "clusterroles", ""}},
		{nEscalateRoles, probe{[]string{"escalate"}, rbacGroup, "roles", ""}},
		{nEscalateClusterRoles, probe{[]string{"escalate"}, rbacGroup, "clusterroles", ""}},
		{nUpdateRoles, probe{updatePatch, rbacGroup, "roles", ""}},
		{nUpdateClusterRoles, probe{updatePatch, rbacGroup, "clusterroles", ""}},
		// Connecting to a pod names it: exec and attach are creates of
		// its subresources.
		{nExecPods, probe{create, "", "pods", "exec"}},
		{nExecPods, probe{create, "", "pods", "attach"}},
		{nExecPods, probe{updatePatch, "", "pods", "ephemeralcontainers"}},
		{nUpdatePods, probe{updatePatch, "", "pods", ""}},
	}
	for _, w := range workloadControllers {
		ps = append(ps, struct {
			list nameList
			probe
		}{nControllers, probe{updatePatch, w.group, w.res, ""}})
	}
	return ps
}()

// capSet is what a role (or the union of several) gives in one scope:
// the capabilities, the finer grants, and the objects of name-restricted
// grants.
type capSet struct {
	bits  Cap
	more  grantBits
	named *namedGrants
	// ns is the view of a role's capSet through a RoleBinding, cached.
	ns *capSet
}

// names returns the names of one kind of restricted grant.
func (c *capSet) names(l nameList) []string {
	if c == nil || c.named == nil {
		return nil
	}
	return c.named[l]
}

// allows reports whether the set holds a grant on every object, or on
// the one named.
func (c *capSet) allows(g grantBits, l nameList, name string) bool {
	return c != nil && (c.more&g != 0 || slices.Contains(c.names(l), name))
}

func (c *capSet) merge(o *capSet) (changed bool) {
	if o == nil {
		return false
	}
	if c.bits|o.bits != c.bits || c.more|o.more != c.more {
		c.bits |= o.bits
		c.more |= o.more
		changed = true
	}
	if o.named == nil {
		return changed
	}
	if c.named == nil {
		c.named = &namedGrants{}
	}
	for l, src := range o.named {
		for _, n := range src {
			if !slices.Contains(c.named[l], n) {
				c.named[l] = append(c.named[l], n)
				changed = true
			}
		}
	}
	return changed
}

func (c *capSet) empty() bool {
	if c.bits != 0 || c.more != 0 {
		return false
	}
	if c.named != nil {
		for _, l := range c.named {
			if len(l) > 0 {
				return false
			}
		}
	}
	return true
}

// namespaced is what the set gives through a RoleBinding: nothing on
// cluster-scoped resources; and updating a named pod controller of the
// namespace runs pods as any of its service accounts, as creating pods
// does. (Through a ClusterRoleBinding the same names may match objects
// in any namespace, which the model does not know: left out.)
func (c *capSet) namespaced() *capSet {
	if c.ns != nil {
		return c.ns
	}
	ns := &capSet{bits: c.bits &^ clusterOnly, more: c.more &^ clusterOnlyGrants}
	if c.named != nil {
		named := *c.named
		named[nImpUsers], named[nImpGroups] = nil, nil
		named[nEscalateClusterRoles], named[nUpdateClusterRoles] = nil, nil
		ns.named = &named
		if len(named[nControllers]) > 0 {
			ns.bits |= CapCreatePods
		}
	}
	c.ns = ns
	return ns
}

// RuleCaps returns the dangerous capabilities one rule gives, ignoring
// resourceNames-restricted rules (see Role.Caps for those).
func RuleCaps(r *Rule) Cap {
	var c Cap
	if len(r.Resources) == 0 {
		return 0
	}
	if len(r.ResourceNames) > 0 {
		// A signer is approved by name ("kubernetes.io/kube-apiserver-client")
		// or by domain ("kubernetes.io/*"); the client signer issues
		// certificates for any group, system:masters included.
		for _, name := range []string{clientSigner, "kubernetes.io/*"} {
			if r.Allows(&Request{Verb: "approve", Group: "certificates.k8s.io", Resource: "signers", Name: name}) {
				return CapCSRSign
			}
		}
		return 0
	}
	if slices.Contains(r.Verbs, "*") && slices.Contains(r.APIGroups, "*") && slices.Contains(r.Resources, "*") {
		c |= CapAdmin
	}
	for i := range capProbes {
		p := &capProbes[i]
		if c&p.cap == 0 && p.on(r) {
			c |= p.cap
		}
	}
	return c
}

// ruleGrants returns the finer grants of a rule without resourceNames.
func ruleGrants(r *Rule) grantBits {
	var g grantBits
	for i := range grantProbes {
		if grantProbes[i].on(r) {
			g |= grantProbes[i].grant
		}
	}
	return g
}

// Caps returns the dangerous capabilities of a role.
func (r *Role) Caps() Cap { return r.capSet().bits }

func (r *Role) capSet() *capSet {
	if r.caps != nil {
		return r.caps
	}
	cs := &capSet{}
	var named namedGrants
	for i := range r.Rules {
		rule := &r.Rules[i]
		if len(rule.Resources) == 0 {
			continue
		}
		cs.bits |= RuleCaps(rule)
		if len(rule.ResourceNames) == 0 {
			cs.more |= ruleGrants(rule)
			continue
		}
		for _, p := range nameProbes {
			if p.on(rule) {
				named[p.list] = append(named[p.list], rule.ResourceNames...)
			}
		}
	}
	for l := range named {
		if len(named[l]) > 0 {
			slices.Sort(named[l])
			named[l] = slices.Compact(named[l])
			cs.named = &named
		}
	}
	r.caps = cs
	return cs
}

// Capabilities are the dangerous capabilities an identity holds, by
// scope: "" for every namespace (and the cluster-scoped resources), else
// one namespace.
type Capabilities map[string]Cap

// Capabilities returns what an identity can do that is dangerous.
func (m *Model) Capabilities(id Identity) Capabilities {
	out := Capabilities{}
	for scope, cs := range m.capsOf(id) {
		if cs.bits != 0 {
			out[scope] = cs.bits
		}
	}
	return out
}

func (m *Model) capsOf(id Identity) map[string]*capSet {
	out := map[string]*capSet{}
	if slices.Contains(id.Groups, Masters) {
		out[""] = &capSet{bits: allCaps, more: allGrants}
		return out
	}
	for _, b := range m.BindingsOf(id) {
		if b.Role == nil {
			continue
		}
		src := b.Role.capSet()
		scope := b.Scope()
		if scope != "" {
			src = src.namespaced()
		}
		if src.empty() {
			continue
		}
		cs := out[scope]
		if cs == nil {
			cs = &capSet{}
			out[scope] = cs
		}
		cs.merge(src)
	}
	return out
}

const allCaps = Cap(1<<capCount - 1)

// Power ranks how strong an identity is.
type Power struct {
	// Admin: all verbs on all resources everywhere.
	Admin bool `json:"admin"`
	// Cluster counts the dangerous capabilities held in every
	// namespace; Namespaces the namespaces where some are held; Total
	// all capabilities over all scopes.
	Cluster    int `json:"cluster"`
	Namespaces int `json:"namespaces"`
	Total      int `json:"total"`
}

// Compare orders powers: admin first, then cluster-wide capabilities,
// then namespaces, then the total.
func (p Power) Compare(o Power) int {
	switch {
	case p.Admin != o.Admin:
		if p.Admin {
			return 1
		}
		return -1
	case p.Cluster != o.Cluster:
		return p.Cluster - o.Cluster
	case p.Namespaces != o.Namespaces:
		return p.Namespaces - o.Namespaces
	}
	return p.Total - o.Total
}

// PowerOf ranks capabilities.
func PowerOf(c Capabilities) Power {
	var p Power
	for scope, bits := range c {
		if bits == 0 {
			continue
		}
		if scope == "" {
			p.Admin = bits&CapAdmin != 0
			p.Cluster = bits.Count()
		} else {
			p.Namespaces++
		}
		p.Total += bits.Count()
	}
	return p
}

// Masked drops, from every namespaced scope, the capabilities a
// RoleBinding cannot give (those of cluster-scoped resources).
func (c Capabilities) Masked() Capabilities {
	out := Capabilities{}
	for scope, b := range c {
		if scope != "" {
			b &^= clusterOnly
		}
		if b != 0 {
			out[scope] = b
		}
	}
	return out
}
