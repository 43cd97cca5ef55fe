package checks

// RBAC dangerous permissions: bindings that hand their subjects a right
// that reaches beyond itself. Each rule reads the effective rules of the
// bound role (aggregation resolved, wildcards and "*/subresource"
// matched with the authorizer's semantics) and reports the binding,
// naming its subjects, the scope and the rules that give the right.
// Bindings to a role with all verbs on all resources are reported once,
// by PAL-RBAC-013, not by every rule here. A RoleBinding cannot give the
// rights of cluster-scoped resources (nodes/proxy, CSR approval,
// webhooks, PersistentVolumes, impersonating users or groups), so those
// rules report ClusterRoleBindings only.

import (
	"fmt"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
)

func rbacRule(id string, sev finding.Severity, family, title, doc, fix string, al ...[]finding.Alias) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.RBAC, Severity: sev, Family: family, Title: title, Doc: doc, Remediation: fix, Aliases: aliases(al...)}
}

var (
	RBACEscalate = rbacRule("PAL-RBAC-001", finding.High, "privilege-escalation", "Binding grants escalate on roles",
		"The escalate verb on roles or clusterroles lets its holder write rules it does not hold itself, bypassing RBAC's escalation prevention: with update on a role bound to it, it grants itself anything.",
		"Remove the escalate verb (and wildcard verbs) on roles and clusterroles from the role; role authors rarely need it.",
		alias("kube-bench", "5.1.8"), alias("trivy", "KSV050"))
	RBACBind = rbacRule("PAL-RBAC-002", finding.High, "privilege-escalation", "Binding grants bind on roles",
		"The bind verb on roles or clusterroles lets its holder create bindings to roles whose permissions it does not hold: with create on (cluster)rolebindings it binds cluster-admin to itself.",
		"Remove the bind verb (and wildcard verbs) on roles and clusterroles, or restrict it with resourceNames to the roles the holder may hand out.",
		alias("trivy", "KSV052"))
	RBACImpersonate = rbacRule("PAL-RBAC-003", finding.Critical, "privilege-escalation", "Binding grants impersonation",
		"The impersonate verb on users, groups or serviceaccounts lets its holder act as those identities: impersonating the group system:masters (or any group) is full control of the cluster.",
		"Remove impersonate, or restrict it with resourceNames to the identities a tool (such as a proxy) must act as.",
		alias("kubescape", "C-0065"))
	RBACExec = rbacRule("PAL-RBAC-005", finding.Medium, "workload-access", "Binding grants exec, attach or ephemeral containers in pods",
		"create on pods/exec or pods/attach, or update/patch on pods/ephemeralcontainers, gives a shell in running pods: their files, their secrets and their service account token.",
		"Limit exec, attach and ephemeral containers to break-glass roles bound to a group, and audit their use.",
		alias("kubescape", "C-0002"), alias("trivy", "KSV053", "KSV054"))
	RBACSecrets = rbacRule("PAL-RBAC-006", finding.High, "secrets", "Binding grants reading Secrets",
		"get, list or watch on secrets reveals Secret values (list and watch return them too, so a role with list but not get still reads every Secret), including service-account tokens and registry credentials.",
		"Grant get on secrets only with resourceNames for the Secrets a workload needs; never list or watch.",
		alias("kube-bench", "5.1.2"), alias("kubescape", "C-0015", "C-0186"), alias("trivy", "KSV041"))
	RBACTokens = rbacRule("PAL-RBAC-007", finding.High, "privilege-escalation", "Binding grants creating service account tokens",
		"create on serviceaccounts/token mints a token for any service account of the scope: its holder acts as the strongest of them.",
		"Remove create on serviceaccounts/token, or restrict it with resourceNames.",
		alias("kube-bench", "5.1.13"))
	RBACNodesProxy = rbacRule("PAL-RBAC-008", finding.High, "privilege-escalation", "Binding grants nodes/proxy",
		"nodes/proxy gives the kubelet API: exec into any pod of any node, bypassing admission control and API server audit logging.",
		"Remove nodes/proxy from the role; monitoring agents need nodes/metrics or nodes/stats instead.",
		alias("kube-bench", "5.1.10"), alias("trivy", "KSV047"))
	RBACCSRApproval = rbacRule("PAL-RBAC-009", finding.High, "privilege-escalation", "Binding grants approving CertificateSigningRequests",
		"update on certificatesigningrequests/approval with approve on a signer lets its holder approve client certificates, for any user or group, including system:masters.",
		"Keep CSR approval to the controller manager and to a reviewed approver; never to people or general workloads.",
		alias("kube-bench", "5.1.11"))
	RBACWebhooks = rbacRule("PAL-RBAC-010", finding.High, "admission", "Binding grants changing admission webhooks or policies",
		"Writing (validating or mutating) webhook configurations or admission policies lets its holder disable policy enforcement, read every object sent for admission (Secrets included), or rewrite other pods to run its code with their service accounts.",
		"Restrict admission configuration objects to cluster administrators and the controllers that own them (with resourceNames).",
		alias("kube-bench", "5.1.12"), alias("trivy", "KSV114"))
	RBACPersistentVolumes = rbacRule("PAL-RBAC-011", finding.Medium, "workload-access", "Binding grants creating PersistentVolumes",
		"create on persistentvolumes lets its holder define a hostPath volume on any node path and mount it through a claim, which Pod Security does not see.",
		"Provision volumes through StorageClasses; grant create on persistentvolumes to storage administrators only.",
		alias("kube-bench", "5.1.9"))
)

// capCheck reports the bindings whose role gives a capability.
func capCheck(r *finding.Rule, c rbac.Cap, what string) Check {
	return Check{Rule: r, Run: func(p *Pass) {
		m, _ := p.RBAC()
		for _, b := range userBindings(m) {
			caps := bindingCaps(b)
			if caps&rbac.CapAdmin != 0 || caps&c == 0 || len(b.Subjects) == 0 {
				continue
			}
			p.reportBinding(b, "%s grants %s %s %s (%s: %s)", b.Kind(), subjectsText(b.Subjects), what, scopeText(b), b.Role.Ref(), rulesGiving(b.Role, c))
		}
	}}
}

// namedCheck reports the bindings whose role grants a capability on
// named objects only (resourceNames): narrower, but still the identity
// or token of those objects.
func namedCheck(r *finding.Rule, c rbac.Cap, what string, match func(*rbac.Rule) bool) Check {
	base := capCheck(r, c, what)
	return Check{Rule: r, Run: func(p *Pass) {
		base.Run(p)
		m, _ := p.RBAC()
		for _, b := range userBindings(m) {
			caps := bindingCaps(b)
			if b.Role == nil || caps&rbac.CapAdmin != 0 || caps&c != 0 || len(b.Subjects) == 0 {
				continue
			}
			if named := namedRules(b.Role, match); len(named) > 0 {
				p.reportBinding(b, "%s grants %s %s %s, limited to named objects (%s: %s)", b.Kind(), subjectsText(b.Subjects), what, scopeText(b), b.Role.Ref(), fmt.Sprint(named))
			}
		}
	}}
}

func verbOn(verb, group, resource, sub string) func(*rbac.Rule) bool {
	return func(r *rbac.Rule) bool {
		return (&rbac.Rule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources}).Allows(&rbac.Request{Verb: verb, Group: group, Resource: resource, Subresource: sub})
	}
}

func permissionChecks() []Check {
	return []Check{
		capCheck(RBACEscalate, rbac.CapEscalate, "escalate on roles"),
		namedCheck(RBACBind, rbac.CapBind, "bind on roles", func(r *rbac.Rule) bool {
			return verbOn("bind", "rbac.authorization.k8s.io", "clusterroles", "")(r) || verbOn("bind", "rbac.authorization.k8s.io", "roles", "")(r)
		}),
		namedCheck(RBACImpersonate, rbac.CapImpersonateUsers|rbac.CapImpersonateGroups|rbac.CapImpersonateSAs, "impersonation", func(r *rbac.Rule) bool {
			return verbOn("impersonate", "", "users", "")(r) || verbOn("impersonate", "", "groups", "")(r) || verbOn("impersonate", "", "serviceaccounts", "")(r)
		}),
		capCheck(RBACExec, rbac.CapExec, "exec/attach into pods"),
		capCheck(RBACSecrets, rbac.CapReadSecrets, "reading Secrets"),
		namedCheck(RBACTokens, rbac.CapMintTokens, "creating service account tokens", verbOn("create", "", "serviceaccounts", "token")),
		capCheck(RBACNodesProxy, rbac.CapNodesProxy, "nodes/proxy"),
		{Rule: RBACCSRApproval, Run: func(p *Pass) {
			m, _ := p.RBAC()
			for _, b := range userBindings(m) {
				caps := bindingCaps(b)
				need := rbac.CapCSRApprove | rbac.CapCSRSign
				if caps&rbac.CapAdmin != 0 || caps&need != need || len(b.Subjects) == 0 {
					continue
				}
				p.reportBinding(b, "%s grants %s approving CertificateSigningRequests %s (%s: %s)", b.Kind(), subjectsText(b.Subjects), scopeText(b), b.Role.Ref(), rulesGiving(b.Role, need))
			}
		}},
		capCheck(RBACWebhooks, rbac.CapWebhooks, "writing admission webhook configurations or policies"),
		capCheck(RBACPersistentVolumes, rbac.CapPersistentVolumes, "creating PersistentVolumes"),
	}
}
