package rbac

import (
	_ "embed"
	"encoding/json"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
)

// bootstrapData holds the roles the API server creates itself (its
// default RBAC policy: cluster-admin, admin, edit, view, the system:
// roles and the aggregate-to roles they gather) as kube-apiserver
// v1.37.2 creates them. TestBootstrapRolesMatchAPIServer compares it
// with a real API server and rewrites it with -update-bootstrap.
//
//go:embed bootstrap_roles.json
var bootstrapData []byte

// BootstrapPolicy is the layout of bootstrap_roles.json.
type BootstrapPolicy struct {
	// Source names the API server the roles were read from.
	Source       string               `json:"source"`
	ClusterRoles []rbacv1.ClusterRole `json:"clusterRoles"`
	Roles        []rbacv1.Role        `json:"roles"`
}

var (
	bootstrapOnce  sync.Once
	bootstrapRoles []rbacv1.ClusterRole
	bootstrapNS    []rbacv1.Role
)

func loadBootstrap() {
	var p BootstrapPolicy
	if err := json.Unmarshal(bootstrapData, &p); err != nil {
		panic("rbac: embedded bootstrap_roles.json: " + err.Error()) // a build defect, caught by the tests
	}
	bootstrapRoles, bootstrapNS = p.ClusterRoles, p.Roles
}

// BootstrapRoles returns new Roles for the API server's default roles
// (those a manifest set refers to without carrying them), marked
// Bootstrap and without an Object.
func BootstrapRoles() []*Role {
	bootstrapOnce.Do(loadBootstrap)
	out := make([]*Role, 0, len(bootstrapRoles)+len(bootstrapNS))
	for i := range bootstrapRoles {
		cr := &bootstrapRoles[i]
		r := &Role{Cluster: true, Name: cr.Name, Labels: cr.Labels, Bootstrap: true, own: orEmpty(fromRules(cr.Rules))}
		if cr.AggregationRule != nil {
			r.Aggregated, r.selectors = true, selectors(cr.AggregationRule.ClusterRoleSelectors)
		}
		r.Rules = r.own
		out = append(out, r)
	}
	for i := range bootstrapNS {
		role := &bootstrapNS[i]
		r := &Role{Namespace: role.Namespace, Name: role.Name, Labels: role.Labels, Bootstrap: true, own: orEmpty(fromRules(role.Rules))}
		r.Rules = r.own
		out = append(out, r)
	}
	return out
}

// orEmpty keeps a role without rules distinct from one not yet read.
func orEmpty(rs []Rule) []Rule {
	if rs == nil {
		return []Rule{}
	}
	return rs
}
