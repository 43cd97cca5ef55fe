// Package rbac is palisade's model of Kubernetes role-based access
// control: every Role, ClusterRole, RoleBinding and ClusterRoleBinding of
// a snapshot resolved into the effective permissions of each subject
// (User, Group, ServiceAccount, with the groups Kubernetes adds
// implicitly), answered the way the API server's RBAC authorizer answers
// a SubjectAccessReview, and an escalation graph that follows what a
// subject can turn its permissions into (pods that run as other service
// accounts, tokens it can read or mint, identities it can impersonate,
// roles it can bind or escalate) to a fixed point.
//
// The package is pure: it reads a kube.Snapshot and does no I/O.
package rbac

import (
	"slices"
	"strings"
)

// Kinds of subject, as in rbac.authorization.k8s.io/v1 Subject.Kind.
const (
	UserKind           = "User"
	GroupKind          = "Group"
	ServiceAccountKind = "ServiceAccount"
)

// Well-known users and groups.
const (
	// Masters is the group the API server authorizes for everything,
	// before and regardless of RBAC.
	Masters             = "system:masters"
	Authenticated       = "system:authenticated"
	Unauthenticated     = "system:unauthenticated"
	Anonymous           = "system:anonymous"
	AllServiceAccounts  = "system:serviceaccounts"
	serviceAccountGroup = "system:serviceaccounts:"
	serviceAccountUser  = "system:serviceaccount:"
)

// Subject is who a binding grants its role to. Namespace is set for
// service accounts only.
type Subject struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

// String renders "user alice", "group devs" or "sa ci/deployer".
func (s Subject) String() string {
	switch s.Kind {
	case UserKind:
		return "user " + s.Name
	case GroupKind:
		return "group " + s.Name
	case ServiceAccountKind:
		return "sa " + s.Namespace + "/" + s.Name
	}
	return strings.ToLower(s.Kind) + " " + s.Name
}

// User is the user name the API server sees for the subject: the name of
// a User, "system:serviceaccount:NS:NAME" for a service account, and ""
// for a group (whose members have any name).
func (s Subject) User() string {
	switch s.Kind {
	case UserKind:
		return s.Name
	case ServiceAccountKind:
		return ServiceAccountUser(s.Namespace, s.Name)
	}
	return ""
}

// ServiceAccountUser returns the user name of a service account.
func ServiceAccountUser(ns, name string) string { return serviceAccountUser + ns + ":" + name }

// ParseServiceAccountUser splits "system:serviceaccount:NS:NAME".
func ParseServiceAccountUser(user string) (ns, name string, ok bool) {
	rest, ok := strings.CutPrefix(user, serviceAccountUser)
	if !ok {
		return "", "", false
	}
	ns, name, ok = strings.Cut(rest, ":")
	if !ok || ns == "" || name == "" || strings.Contains(name, ":") {
		return "", "", false
	}
	return ns, name, true
}

// Identity is an authenticated requester: a user name and its groups.
type Identity struct {
	User   string   `json:"user,omitempty"`
	Groups []string `json:"groups,omitempty"`
}

// IdentityOf returns the identity the API server gives a subject: a
// service account is in system:serviceaccounts and
// system:serviceaccounts:NS; every authenticated user is in
// system:authenticated; system:anonymous is in system:unauthenticated.
// A group stands for any of its members. extra groups are added (the
// groups a user gets from its identity provider, which RBAC objects do
// not record).
func IdentityOf(s Subject, extra ...string) Identity {
	id := Identity{User: s.User()}
	switch s.Kind {
	case ServiceAccountKind:
		id.Groups = []string{AllServiceAccounts, serviceAccountGroup + s.Namespace, Authenticated}
	case GroupKind:
		id.Groups = []string{s.Name}
		if s.Name != Unauthenticated {
			id.Groups = append(id.Groups, Authenticated)
		}
	case UserKind:
		if s.Name == Anonymous {
			id.Groups = []string{Unauthenticated}
		} else {
			id.Groups = []string{Authenticated}
		}
	}
	for _, g := range extra {
		if !slices.Contains(id.Groups, g) {
			id.Groups = append(id.Groups, g)
		}
	}
	return id
}

// ParseSubject reads a subject as people write it: "user:alice",
// "group:devs", "sa:ci/deployer", "serviceaccount:ci:deployer",
// "system:serviceaccount:ci:deployer", or a bare name for a user.
func ParseSubject(s string) (Subject, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Subject{}, false
	}
	if ns, name, ok := ParseServiceAccountUser(s); ok {
		return Subject{Kind: ServiceAccountKind, Namespace: ns, Name: name}, true
	}
	kind, rest, ok := strings.Cut(s, ":")
	if ok {
		switch strings.ToLower(kind) {
		case "user", "u":
			return Subject{Kind: UserKind, Name: rest}, rest != ""
		case "group", "g":
			return Subject{Kind: GroupKind, Name: rest}, rest != ""
		case "sa", "serviceaccount":
			ns, name, ok := strings.Cut(rest, "/")
			if !ok {
				ns, name, ok = strings.Cut(rest, ":")
			}
			if !ok || ns == "" || name == "" {
				return Subject{}, false
			}
			return Subject{Kind: ServiceAccountKind, Namespace: ns, Name: name}, true
		}
	}
	return Subject{Kind: UserKind, Name: s}, true
}

// Rule is one PolicyRule of a role.
type Rule struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	ResourceNames   []string `json:"resourceNames,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// String renders a rule compactly: "get,list secrets [a,b]" or
// "get /metrics".
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(r.Verbs, ","))
	b.WriteByte(' ')
	if len(r.NonResourceURLs) > 0 {
		b.WriteString(strings.Join(r.NonResourceURLs, ","))
		return b.String()
	}
	var res []string
	for _, g := range r.APIGroups {
		for _, x := range r.Resources {
			switch g {
			case "":
				res = append(res, x)
			case "*":
				res = append(res, x+".*")
			default:
				main, sub, hasSub := strings.Cut(x, "/")
				if hasSub {
					res = append(res, main+"."+g+"/"+sub)
				} else {
					res = append(res, x+"."+g)
				}
			}
		}
	}
	b.WriteString(strings.Join(res, ","))
	if len(r.ResourceNames) > 0 {
		b.WriteString(" [" + strings.Join(r.ResourceNames, ",") + "]")
	}
	return b.String()
}

// Request is what a SubjectAccessReview asks: a resource request (Verb,
// Group, Resource, Subresource, Name, Namespace) or, when Path is set, a
// non-resource request.
type Request struct {
	Verb        string `json:"verb"`
	Group       string `json:"group,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	Name        string `json:"name,omitempty"`
	Namespace   string `json:"namespace,omitempty"`
	Path        string `json:"path,omitempty"`
}

// IsResource reports whether r is a resource request.
func (r Request) IsResource() bool { return r.Path == "" }

// String renders "create pods/exec in ci" or "get /metrics".
func (r Request) String() string {
	if !r.IsResource() {
		return r.Verb + " " + r.Path
	}
	res := r.Resource
	if r.Group != "" {
		res += "." + r.Group
	}
	if r.Subresource != "" {
		res += "/" + r.Subresource
	}
	if r.Name != "" {
		res += " " + r.Name
	}
	if r.Namespace != "" {
		return r.Verb + " " + res + " in " + r.Namespace
	}
	return r.Verb + " " + res + " cluster-wide"
}

// Allows reports whether a rule allows a request, with the RBAC
// authorizer's semantics: "*" matches any verb, group, resource or URL;
// "*/sub" matches subresource sub of any resource; "pods/*" does not
// match "pods/exec" (only "*" and exact names do); resourceNames, when
// set, must name the object; a URL rule ending in "*" matches by prefix.
func (r *Rule) Allows(q *Request) bool {
	if !has(r.Verbs, q.Verb) {
		return false
	}
	if !q.IsResource() {
		for _, u := range r.NonResourceURLs {
			if u == "*" || u == q.Path || (strings.HasSuffix(u, "*") && strings.HasPrefix(q.Path, strings.TrimRight(u, "*"))) {
				return true
			}
		}
		return false
	}
	if !has(r.APIGroups, q.Group) {
		return false
	}
	if !resourceMatches(r.Resources, q.Resource, q.Subresource) {
		return false
	}
	if len(r.ResourceNames) == 0 {
		return true
	}
	return q.Name != "" && slices.Contains(r.ResourceNames, q.Name)
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == "*" || x == v {
			return true
		}
	}
	return false
}

func resourceMatches(rules []string, resource, sub string) bool {
	for _, x := range rules {
		if x == "*" {
			return true
		}
		if sub == "" {
			if x == resource {
				return true
			}
			continue
		}
		if len(x) == len(resource)+1+len(sub) && strings.HasPrefix(x, resource) && x[len(resource)] == '/' && strings.HasSuffix(x, sub) {
			return true
		}
		if len(x) == len(sub)+2 && strings.HasPrefix(x, "*/") && strings.HasSuffix(x, sub) {
			return true
		}
	}
	return false
}
