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
	// account of the namespace.
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
	// configurations and admission policies.
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

type probe struct {
	cap   Cap
	verbs []string
	group string
	res   string
	sub   string
}

var workloadControllers = []struct{ group, res string }{
	{"apps", "deployments"}, {"apps", "daemonsets"}, {"apps", "statefulsets"}, {"apps", "replicasets"},
	{"batch", "jobs"}, {"batch", "cronjobs"}, {"", "replicationcontrollers"},
	{"extensions", "deployments"}, {"extensions", "daemonsets"}, {"extensions", "replicasets"},
}

var probes = func() []probe {
	ps := []probe{
		{CapCreatePods, []string{"create"}, "", "pods", ""},
		{CapExec, []string{"create"}, "", "pods", "exec"},
		{CapExec, []string{"create"}, "", "pods", "attach"},
		{CapExec, []string{"update", "patch"}, "", "pods", "ephemeralcontainers"},
		{CapReadSecrets, []string{"get", "list", "watch"}, "", "secrets", ""},
		{CapCreateSecrets, []string{"create"}, "", "secrets", ""},
		{CapMintTokens, []string{"create"}, "", "serviceaccounts", "token"},
		{CapImpersonateUsers, []string{"impersonate"}, "", "users", ""},
		{CapImpersonateGroups, []string{"impersonate"}, "", "groups", ""},
		{CapImpersonateSAs, []string{"impersonate"}, "", "serviceaccounts", ""},
		{CapBind, []string{"bind"}, "rbac.authorization.k8s.io", "clusterroles", ""},
		{CapBind, []string{"bind"}, "rbac.authorization.k8s.io", "roles", ""},
		{CapEscalate, []string{"escalate"}, "rbac.authorization.k8s.io", "clusterroles", ""},
		{CapEscalate, []string{"escalate"}, "rbac.authorization.k8s.io", "roles", ""},
		{CapWriteRoles, []string{"create", "update", "patch"}, "rbac.authorization.k8s.io", "clusterroles", ""},
		{CapWriteRoles, []string{"create", "update", "patch"}, "rbac.authorization.k8s.io", "roles", ""},
		{CapWriteBindings, []string{"create", "update", "patch"}, "rbac.authorization.k8s.io", "clusterrolebindings", ""},
		{CapWriteBindings, []string{"create", "update", "patch"}, "rbac.authorization.k8s.io", "rolebindings", ""},
		{CapNodesProxy, []string{"get", "create"}, "", "nodes", "proxy"},
		{CapCSRCreate, []string{"create"}, "certificates.k8s.io", "certificatesigningrequests", ""},
		{CapCSRApprove, []string{"update", "patch"}, "certificates.k8s.io", "certificatesigningrequests", "approval"},
		{CapCSRSign, []string{"approve"}, "certificates.k8s.io", "signers", ""},
		{CapPersistentVolumes, []string{"create"}, "", "persistentvolumes", ""},
	}
	for _, w := range workloadControllers {
		ps = append(ps, probe{CapCreatePods, []string{"create", "update", "patch"}, w.group, w.res, ""})
	}
	for _, r := range []string{"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"} {
		ps = append(ps, probe{CapWebhooks, []string{"create", "update", "patch", "delete"}, "admissionregistration.k8s.io", r, ""})
	}
	return ps
}()

// capSet is what a role (or the union of several) gives in one scope:
// the capabilities, and the objects of name-restricted grants.
type capSet struct {
	bits Cap
	// Names of name-restricted grants.
	tokens, impUsers, impGroups, impSAs, bindRoles, secrets []string
}

func (c *capSet) merge(o *capSet) (changed bool) {
	if o == nil {
		return false
	}
	if c.bits|o.bits != c.bits {
		c.bits |= o.bits
		changed = true
	}
	for _, p := range []struct {
		dst *[]string
		src []string
	}{
		{&c.tokens, o.tokens}, {&c.impUsers, o.impUsers}, {&c.impGroups, o.impGroups},
		{&c.impSAs, o.impSAs}, {&c.bindRoles, o.bindRoles}, {&c.secrets, o.secrets},
	} {
		for _, n := range p.src {
			if !slices.Contains(*p.dst, n) {
				*p.dst = append(*p.dst, n)
				changed = true
			}
		}
	}
	return changed
}

func (c *capSet) empty() bool {
	return c.bits == 0 && len(c.tokens)+len(c.impUsers)+len(c.impGroups)+len(c.impSAs)+len(c.bindRoles)+len(c.secrets) == 0
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
	for _, p := range probes {
		if c&p.cap != 0 {
			continue
		}
		for _, v := range p.verbs {
			if r.Allows(&Request{Verb: v, Group: p.group, Resource: p.res, Subresource: p.sub}) {
				c |= p.cap
				break
			}
		}
	}
	return c
}

// Caps returns the dangerous capabilities of a role.
func (r *Role) Caps() Cap { return r.capSet().bits }

func (r *Role) capSet() *capSet {
	if r.caps != nil {
		return r.caps
	}
	cs := &capSet{}
	for i := range r.Rules {
		rule := &r.Rules[i]
		cs.bits |= RuleCaps(rule)
		if len(rule.ResourceNames) == 0 {
			continue
		}
		named := func(dst *[]string, verbs []string, group, res, sub string) {
			for _, v := range verbs {
				if (&Rule{Verbs: rule.Verbs, APIGroups: rule.APIGroups, Resources: rule.Resources}).Allows(&Request{Verb: v, Group: group, Resource: res, Subresource: sub}) {
					*dst = append(*dst, rule.ResourceNames...)
					return
				}
			}
		}
		named(&cs.tokens, []string{"create"}, "", "serviceaccounts", "token")
		named(&cs.impUsers, []string{"impersonate"}, "", "users", "")
		named(&cs.impGroups, []string{"impersonate"}, "", "groups", "")
		named(&cs.impSAs, []string{"impersonate"}, "", "serviceaccounts", "")
		named(&cs.bindRoles, []string{"bind"}, "rbac.authorization.k8s.io", "clusterroles", "")
		named(&cs.bindRoles, []string{"bind"}, "rbac.authorization.k8s.io", "roles", "")
		named(&cs.secrets, []string{"get"}, "", "secrets", "")
	}
	for _, l := range []*[]string{&cs.tokens, &cs.impUsers, &cs.impGroups, &cs.impSAs, &cs.bindRoles, &cs.secrets} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
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
		out[""] = &capSet{bits: allCaps}
		return out
	}
	for _, b := range m.BindingsOf(id) {
		if b.Role == nil {
			continue
		}
		src := b.Role.capSet()
		if src.empty() {
			continue
		}
		scope := b.Scope()
		cs := out[scope]
		if cs == nil {
			cs = &capSet{}
			out[scope] = cs
		}
		if scope != "" {
			masked := *src
			masked.bits &^= clusterOnly
			masked.impUsers, masked.impGroups = nil, nil
			cs.merge(&masked)
		} else {
			cs.merge(src)
		}
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
