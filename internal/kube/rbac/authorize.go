package rbac

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Decision is the answer to one request.
type Decision struct {
	Allowed bool `json:"allowed"`
	// Reason names what allowed it: the binding, its role and the rule,
	// or the system:masters group.
	Reason  string   `json:"reason,omitempty"`
	Binding *Binding `json:"-"`
	Role    *Role    `json:"-"`
	Rule    *Rule    `json:"-"`
}

// Authorize answers a request for an identity as the API server's
// authorizer chain does with RBAC: members of system:masters are allowed
// everything; otherwise a ClusterRoleBinding's rules apply everywhere,
// a RoleBinding's only to resource requests in its namespace.
func (m *Model) Authorize(id Identity, q Request) Decision {
	if slices.Contains(id.Groups, Masters) {
		return Decision{Allowed: true, Reason: "member of " + Masters + " (authorized before RBAC)"}
	}
	for _, b := range m.BindingsOf(id) {
		if b.Role == nil || !applies(b, &q) {
			continue
		}
		for i := range b.Role.Rules {
			r := &b.Role.Rules[i]
			if r.Allows(&q) {
				return Decision{Allowed: true, Binding: b, Role: b.Role, Rule: r,
					Reason: fmt.Sprintf("%s grants %s: %s", b.Ref(), b.Role.Ref(), r)}
			}
		}
	}
	return Decision{Reason: "no binding grants it"}
}

// applies reports whether a binding's grants reach a request: every
// request for a ClusterRoleBinding, resource requests in its namespace
// for a RoleBinding.
func applies(b *Binding, q *Request) bool {
	if b.Cluster {
		return true
	}
	return q.IsResource() && q.Namespace != "" && q.Namespace == b.Namespace
}

// Grant is one rule an identity holds, where, and through what.
type Grant struct {
	// Namespace is where the rule applies, "" for every namespace and
	// the cluster-scoped resources.
	Namespace string   `json:"namespace,omitempty"`
	Rule      Rule     `json:"rule"`
	Binding   *Binding `json:"-"`
	Role      *Role    `json:"-"`
	// Via renders the binding and role, e.g. "clusterrolebinding x ->
	// ClusterRole admin".
	Via string `json:"via"`
}

// Permissions returns every rule an identity holds, cluster-wide grants
// first, then by namespace, in binding order. Non-resource rules of a
// RoleBinding are left out: they can never apply.
func (m *Model) Permissions(id Identity) []Grant {
	var out []Grant
	if slices.Contains(id.Groups, Masters) {
		out = append(out, Grant{Rule: Rule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}, Via: "group " + Masters + " (authorized before RBAC)"})
		out = append(out, Grant{Rule: Rule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}, Via: "group " + Masters + " (authorized before RBAC)"})
	}
	for _, b := range m.BindingsOf(id) {
		if b.Role == nil {
			continue
		}
		for _, r := range b.Role.Rules {
			if !b.Cluster && len(r.NonResourceURLs) > 0 && len(r.Resources) == 0 {
				continue
			}
			out = append(out, Grant{Namespace: b.Scope(), Rule: r, Binding: b, Role: b.Role, Via: b.Ref() + " -> " + b.Role.Ref()})
		}
	}
	slices.SortStableFunc(out, func(a, b Grant) int { return cmp.Compare(a.Namespace, b.Namespace) })
	return out
}

// Holder is a subject that may make a request, and why.
type Holder struct {
	Subject Subject  `json:"subject"`
	Binding *Binding `json:"-"`
	Role    *Role    `json:"-"`
	Rule    *Rule    `json:"-"`
	// Via renders the binding, role and rule.
	Via string `json:"via"`
}

// WhoCan lists the subjects whose bindings allow a request, sorted by
// subject, each with the first binding that allows it; the group
// system:masters is always first. Members of the groups listed hold the
// right too; users get system:authenticated implicitly, service accounts
// system:serviceaccounts and system:serviceaccounts:NS.
func (m *Model) WhoCan(q Request) []Holder {
	out := []Holder{{Subject: Subject{Kind: GroupKind, Name: Masters}, Via: "authorized before RBAC"}}
	seen := map[Subject]bool{out[0].Subject: true}
	var found []Holder
	for _, b := range m.Bindings {
		if b.Role == nil || !applies(b, &q) {
			continue
		}
		var rule *Rule
		for i := range b.Role.Rules {
			if b.Role.Rules[i].Allows(&q) {
				rule = &b.Role.Rules[i]
				break
			}
		}
		if rule == nil {
			continue
		}
		for _, s := range b.Subjects {
			if seen[s] {
				continue
			}
			if s.Kind == ServiceAccountKind && s.Namespace == "" {
				continue // a ClusterRoleBinding's service account without namespace matches nobody
			}
			seen[s] = true
			found = append(found, Holder{Subject: s, Binding: b, Role: b.Role, Rule: rule, Via: b.Ref() + " -> " + b.Role.Ref() + ": " + rule.String()})
		}
	}
	slices.SortFunc(found, func(a, b Holder) int {
		return cmp.Or(cmp.Compare(kindOrder(a.Subject.Kind), kindOrder(b.Subject.Kind)),
			cmp.Compare(a.Subject.Namespace, b.Subject.Namespace), cmp.Compare(a.Subject.Name, b.Subject.Name))
	})
	return append(out, found...)
}

func kindOrder(k string) int {
	switch k {
	case GroupKind:
		return 0
	case UserKind:
		return 1
	}
	return 2
}

// ParseRequest reads a request as `kubectl auth can-i` takes it: VERB
// and RESOURCE ("pods", "pods/exec", "deployments.apps",
// "deployments.apps/scale", "secrets/db-password" is NOT a name: give
// names with name), or a non-resource URL starting with "/". Resources
// without a group are resolved with the built-in kinds
// ("deployments" -> apps).
func ParseRequest(verb, resource, ns, name string) (Request, error) {
	verb = strings.TrimSpace(verb)
	resource = strings.TrimSpace(resource)
	if verb == "" || resource == "" {
		return Request{}, fmt.Errorf("give a verb and a resource, e.g. `create pods` or `get /metrics`")
	}
	if strings.HasPrefix(resource, "/") {
		if ns != "" {
			return Request{}, fmt.Errorf("a non-resource URL (%s) has no namespace", resource)
		}
		return Request{Verb: verb, Path: resource}, nil
	}
	res, sub, _ := strings.Cut(resource, "/")
	q := Request{Verb: verb, Subresource: sub, Namespace: ns, Name: name}
	if r, g, ok := strings.Cut(res, "."); ok {
		q.Resource, q.Group = r, g
		if g == "core" || g == "v1" {
			q.Group = ""
		}
	} else {
		q.Resource = res
		q.Group = GroupOf(res)
	}
	if q.Resource == "" {
		return Request{}, fmt.Errorf("no resource in %q", resource)
	}
	return q, nil
}
