package rbac

import (
	"cmp"
	"encoding/json"
	"slices"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1alpha1 "k8s.io/api/rbac/v1alpha1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/palisade-sec/palisade/internal/kube"
)

// enforceLabel is the namespace label Pod Security Admission enforces.
const enforceLabel = "pod-security.kubernetes.io/enforce"

// BootstrapLabel marks the roles and bindings the API server creates
// itself (its default RBAC policy).
const BootstrapLabel = "kubernetes.io/bootstrapping"

// Role is a Role or a ClusterRole.
type Role struct {
	// Cluster is true for a ClusterRole.
	Cluster   bool
	Namespace string
	Name      string
	// Rules are the effective rules: for an aggregated ClusterRole, the
	// rules of every ClusterRole its aggregationRule selects, computed
	// to a fixed point; like the aggregation controller, they replace
	// whatever rules the object itself carries.
	Rules []Rule
	// Aggregated is true when the role has an aggregationRule;
	// AggregatedFrom names the ClusterRoles it selects.
	Aggregated     bool
	AggregatedFrom []string
	Labels         map[string]string
	// Bootstrap is true for the API server's default roles.
	Bootstrap bool
	// Object is the object the role was read from; nil for roles built
	// in code.
	Object *kube.Object

	own       []Rule
	selectors []labels.Selector
	caps      *capSet
}

// Kind is "Role" or "ClusterRole".
func (r *Role) Kind() string {
	if r.Cluster {
		return "ClusterRole"
	}
	return "Role"
}

// Ref renders "ClusterRole admin" or "Role ci/deployer".
func (r *Role) Ref() string {
	if r.Cluster {
		return "ClusterRole " + r.Name
	}
	return "Role " + r.Namespace + "/" + r.Name
}

// Binding is a RoleBinding or a ClusterRoleBinding.
type Binding struct {
	// Cluster is true for a ClusterRoleBinding.
	Cluster   bool
	Namespace string
	Name      string
	// RoleKind is "Role" or "ClusterRole"; RoleName the role's name.
	RoleKind string
	RoleName string
	// Subjects as written, except that a service account of a
	// RoleBinding without a namespace gets the binding's namespace, as
	// the authorizer reads it.
	Subjects []Subject
	// Role is the role referred to, or nil when it does not exist.
	Role      *Role
	Bootstrap bool
	Object    *kube.Object

	idx int
}

// Kind is "RoleBinding" or "ClusterRoleBinding".
func (b *Binding) Kind() string {
	if b.Cluster {
		return "ClusterRoleBinding"
	}
	return "RoleBinding"
}

// Ref renders "clusterrolebinding deployer-admin" or "rolebinding ci/dev".
func (b *Binding) Ref() string {
	if b.Cluster {
		return "clusterrolebinding " + b.Name
	}
	return "rolebinding " + b.Namespace + "/" + b.Name
}

// Scope is the namespace a binding grants in, "" for every namespace
// and the cluster-scoped resources.
func (b *Binding) Scope() string {
	if b.Cluster {
		return ""
	}
	return b.Namespace
}

type roleKey struct {
	cluster   bool
	namespace string
	name      string
}

// Model is the RBAC state of one snapshot.
type Model struct {
	Roles    []*Role
	Bindings []*Binding

	roles   map[roleKey]*Role
	byUser  map[string][]*Binding
	byGroup map[string][]*Binding

	// ServiceAccounts lists, per namespace, the service accounts known:
	// ServiceAccount objects, those pods run as, and those bindings name.
	ServiceAccounts map[string][]string
	// WorkloadAccounts lists, per namespace, the service accounts that
	// pods and pod templates run as.
	WorkloadAccounts map[string][]string
	// TokenSecrets maps namespace and service account to the names of
	// its legacy token Secrets (kubernetes.io/service-account-token).
	TokenSecrets map[string]map[string][]string
	// Namespaces known to the snapshot.
	Namespaces []string
	// PodAccounts maps namespace and pod name to the service account
	// the pod runs as (pods only: a controller's pods get generated
	// names), for grants restricted to named pods.
	PodAccounts map[string]map[string]string
	// EnforcedPodSecurity maps a namespace to the Pod Security level
	// its pod-security.kubernetes.io/enforce label sets; a namespace
	// without the label (or without a Namespace object) is absent.
	EnforcedPodSecurity map[string]string
}

// podNamespaces lists the namespaces of known pods within scope ("" for
// all), sorted.
func (m *Model) podNamespaces(scope string) []string {
	if scope != "" {
		return []string{scope}
	}
	return sortedKeys(m.PodAccounts)
}

// AdmitsPrivilegedPods reports whether Pod Security lets pods into the
// namespace that run privileged or mount the host's file system: it
// enforces no level, or "privileged". (A cluster-wide default from the
// API server's admission configuration, or another admission policy,
// is not known to the model.)
func (m *Model) AdmitsPrivilegedPods(ns string) bool {
	l := m.EnforcedPodSecurity[ns]
	return l == "" || l == "privileged"
}

// Input is what a Model is built from, for callers that do not hold a
// snapshot (benchmarks, tests).
type Input struct {
	Roles        []*Role
	Bindings     []*Binding
	Accounts     []Subject
	Workloads    []Subject
	TokenSecrets map[Subject][]string
	Namespaces   []string
	// Pods maps each pod (Kind Pod, the pod's namespace and name) to
	// the service account it runs as.
	Pods map[Subject]string
	// EnforcedPodSecurity: see Model.
	EnforcedPodSecurity map[string]string
}

// UnsetNamespace stands for the namespace of a namespaced object whose
// manifest leaves it to apply time (no metadata.namespace): such a Role,
// RoleBinding, ServiceAccount and workload share one namespace, whatever
// it turns out to be, and never the cluster-wide scope.
const UnsetNamespace = "(unset)"

func nsOf(o *kube.Object) string {
	if ns := o.Namespace(); ns != "" {
		return ns
	}
	return UnsetNamespace
}

// FromSnapshot builds the model of a snapshot's RBAC objects, service
// accounts, workloads and token Secrets.
func FromSnapshot(s *kube.Snapshot) *Model {
	in := Input{TokenSecrets: map[Subject][]string{}}
	for _, o := range s.Objects {
		if o.GVK.Group == rbacv1.GroupName {
			switch o.GVK.Kind {
			case "Role", "ClusterRole":
				if r := roleFrom(o); r != nil {
					in.Roles = append(in.Roles, r)
				}
			case "RoleBinding", "ClusterRoleBinding":
				if b := bindingFrom(o); b != nil {
					in.Bindings = append(in.Bindings, b)
				}
			}
			continue
		}
		switch t := o.Typed.(type) {
		case *corev1.ServiceAccount:
			in.Accounts = append(in.Accounts, Subject{Kind: ServiceAccountKind, Namespace: nsOf(o), Name: o.Meta.Name})
		case *corev1.Secret:
			if t.Type == corev1.SecretTypeServiceAccountToken {
				if sa := o.Meta.Annotations[corev1.ServiceAccountNameKey]; sa != "" {
					k := Subject{Kind: ServiceAccountKind, Namespace: nsOf(o), Name: sa}
					in.TokenSecrets[k] = append(in.TokenSecrets[k], o.Meta.Name)
				}
			}
		}
	}
	for _, w := range s.Workloads() {
		sa := w.Spec().ServiceAccountName
		if sa == "" {
			sa = w.Spec().DeprecatedServiceAccount
		}
		if sa == "" {
			sa = "default"
		}
		in.Workloads = append(in.Workloads, Subject{Kind: ServiceAccountKind, Namespace: nsOf(w.Object), Name: sa})
		if w.Object.GVK.Kind == "Pod" && w.Object.GVK.Group == "" {
			if in.Pods == nil {
				in.Pods = map[Subject]string{}
			}
			in.Pods[Subject{Kind: "Pod", Namespace: nsOf(w.Object), Name: w.Object.Meta.Name}] = sa
		}
	}
	if s.Kind != kube.FromCluster {
		// Manifests refer to the API server's own roles (cluster-admin,
		// edit, view, ...) without carrying them; a cluster has them.
		// Roles the manifests define themselves come first and win.
		in.Roles = append(in.Roles, BootstrapRoles()...)
	}
	in.Namespaces = s.Namespaces()
	in.EnforcedPodSecurity = map[string]string{}
	for _, o := range s.OfKind("", "Namespace") {
		if l := o.Meta.Labels[enforceLabel]; l != "" {
			in.EnforcedPodSecurity[o.Meta.Name] = l
		}
	}
	return Build(in)
}

// Build resolves roles, aggregation and bindings into a Model.
func Build(in Input) *Model {
	m := &Model{
		roles:            map[roleKey]*Role{},
		byUser:           map[string][]*Binding{},
		byGroup:          map[string][]*Binding{},
		ServiceAccounts:  map[string][]string{},
		WorkloadAccounts: map[string][]string{},
		TokenSecrets:     map[string]map[string][]string{},

		EnforcedPodSecurity: in.EnforcedPodSecurity,
		PodAccounts:         map[string]map[string]string{},
	}
	for _, r := range in.Roles {
		k := roleKey{r.Cluster, r.Namespace, r.Name}
		if _, dup := m.roles[k]; dup {
			continue
		}
		if r.own == nil {
			r.own = r.Rules
		}
		m.roles[k] = r
		m.Roles = append(m.Roles, r)
	}
	m.aggregate()
	for _, b := range in.Bindings {
		if b.RoleKind == "ClusterRole" {
			b.Role = m.roles[roleKey{true, "", b.RoleName}]
		} else if !b.Cluster {
			b.Role = m.roles[roleKey{false, b.Namespace, b.RoleName}]
		}
		b.idx = len(m.Bindings)
		m.Bindings = append(m.Bindings, b)
		seenU, seenG := map[string]bool{}, map[string]bool{}
		for _, s := range b.Subjects {
			switch s.Kind {
			case GroupKind:
				if !seenG[s.Name] {
					seenG[s.Name] = true
					m.byGroup[s.Name] = append(m.byGroup[s.Name], b)
				}
			case UserKind, ServiceAccountKind:
				u := s.User()
				if !seenU[u] {
					seenU[u] = true
					m.byUser[u] = append(m.byUser[u], b)
				}
			}
		}
	}
	add := func(dst map[string][]string, s Subject) {
		if s.Namespace != "" && s.Name != "" && !slices.Contains(dst[s.Namespace], s.Name) {
			dst[s.Namespace] = append(dst[s.Namespace], s.Name)
		}
	}
	for _, s := range in.Accounts {
		add(m.ServiceAccounts, s)
	}
	for _, s := range in.Workloads {
		add(m.ServiceAccounts, s)
		add(m.WorkloadAccounts, s)
	}
	for _, b := range m.Bindings {
		for _, s := range b.Subjects {
			if s.Kind == ServiceAccountKind {
				add(m.ServiceAccounts, s)
			}
		}
	}
	for p, sa := range in.Pods {
		if m.PodAccounts[p.Namespace] == nil {
			m.PodAccounts[p.Namespace] = map[string]string{}
		}
		m.PodAccounts[p.Namespace][p.Name] = sa
		add(m.ServiceAccounts, Subject{Kind: ServiceAccountKind, Namespace: p.Namespace, Name: sa})
		add(m.WorkloadAccounts, Subject{Kind: ServiceAccountKind, Namespace: p.Namespace, Name: sa})
	}
	for s, names := range in.TokenSecrets {
		add(m.ServiceAccounts, s)
		if m.TokenSecrets[s.Namespace] == nil {
			m.TokenSecrets[s.Namespace] = map[string][]string{}
		}
		m.TokenSecrets[s.Namespace][s.Name] = append(m.TokenSecrets[s.Namespace][s.Name], names...)
	}
	nss := slices.Clone(in.Namespaces)
	for ns := range m.ServiceAccounts {
		nss = append(nss, ns)
	}
	for _, b := range m.Bindings {
		if !b.Cluster && b.Namespace != "" {
			nss = append(nss, b.Namespace)
		}
	}
	slices.Sort(nss)
	m.Namespaces = slices.Compact(nss)
	for _, ns := range m.Namespaces {
		// Every namespace has a default service account (the
		// ServiceAccount controller creates it).
		add(m.ServiceAccounts, Subject{Kind: ServiceAccountKind, Namespace: ns, Name: "default"})
	}
	for _, v := range m.ServiceAccounts {
		slices.Sort(v)
	}
	for _, v := range m.WorkloadAccounts {
		slices.Sort(v)
	}
	return m
}

// aggregate fills the rules of aggregated ClusterRoles with the rules of
// the ClusterRoles their selectors match, repeating until nothing
// changes, so that chains (admin selects edit, which selects view's
// aggregates) resolve whatever the order.
func (m *Model) aggregate() {
	var aggs []*Role
	for _, r := range m.Roles {
		if r.Cluster && r.Aggregated {
			aggs = append(aggs, r)
			r.Rules, r.AggregatedFrom = nil, nil
		}
	}
	if len(aggs) == 0 {
		return
	}
	type src struct {
		role *Role
		seen int
	}
	sources := map[*Role][]*src{}
	for _, a := range aggs {
		for _, r := range m.Roles {
			if !r.Cluster || r == a {
				continue
			}
			for _, sel := range a.selectors {
				if sel.Matches(labels.Set(r.Labels)) {
					sources[a] = append(sources[a], &src{role: r})
					a.AggregatedFrom = append(a.AggregatedFrom, r.Name)
					break
				}
			}
		}
		slices.Sort(a.AggregatedFrom)
	}
	for changed, rounds := true, 0; changed && rounds <= len(aggs)+1; rounds++ {
		changed = false
		for _, a := range aggs {
			for _, s := range sources[a] {
				for _, rule := range s.role.Rules[s.seen:] {
					if !slices.ContainsFunc(a.Rules, func(x Rule) bool { return ruleEqual(x, rule) }) {
						a.Rules = append(a.Rules, rule)
						changed = true
					}
				}
				s.seen = len(s.role.Rules)
			}
		}
	}
}

func ruleEqual(a, b Rule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}

// Role returns a role by kind, namespace and name, or nil.
func (m *Model) Role(cluster bool, ns, name string) *Role {
	if cluster {
		ns = ""
	}
	return m.roles[roleKey{cluster, ns, name}]
}

// BindingsOf returns the bindings that apply to an identity: those that
// name its user (or service account) and those that name one of its
// groups, in model order.
func (m *Model) BindingsOf(id Identity) []*Binding {
	var out []*Binding
	out = append(out, m.byUser[id.User]...)
	for _, g := range id.Groups {
		out = append(out, m.byGroup[g]...)
	}
	if len(id.Groups) > 0 {
		slices.SortFunc(out, func(a, b *Binding) int { return cmp.Compare(a.idx, b.idx) })
		out = slices.Compact(out)
	}
	return out
}

// fromRules converts rbac/v1 rules.
func fromRules(rs []rbacv1.PolicyRule) []Rule {
	out := make([]Rule, 0, len(rs))
	for _, r := range rs {
		out = append(out, Rule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames, NonResourceURLs: r.NonResourceURLs})
	}
	return out
}

func selectors(ls []metav1.LabelSelector) []labels.Selector {
	var out []labels.Selector
	for i := range ls {
		sel, err := metav1.LabelSelectorAsSelector(&ls[i])
		if err != nil {
			continue // the API server refuses such a role
		}
		out = append(out, sel)
	}
	return out
}

func roleFrom(o *kube.Object) *Role {
	r := &Role{Namespace: nsOf(o), Name: o.Meta.Name, Labels: o.Meta.Labels, Object: o,
		Bootstrap: o.Meta.Labels[BootstrapLabel] == "rbac-defaults"}
	switch o.Typed.(type) {
	case *rbacv1.Role, *rbacv1beta1.Role, *rbacv1alpha1.Role:
		t, ok := asV1[rbacv1.Role](o.Typed)
		if !ok {
			return nil
		}
		r.own = fromRules(t.Rules)
	case *rbacv1.ClusterRole, *rbacv1beta1.ClusterRole, *rbacv1alpha1.ClusterRole:
		t, ok := asV1[rbacv1.ClusterRole](o.Typed)
		if !ok {
			return nil
		}
		r.Cluster, r.Namespace = true, ""
		r.own = fromRules(t.Rules)
		if t.AggregationRule != nil {
			r.Aggregated, r.selectors = true, selectors(t.AggregationRule.ClusterRoleSelectors)
		}
	default:
		return nil
	}
	r.own = orEmpty(r.own)
	r.Rules = r.own
	return r
}

func bindingFrom(o *kube.Object) *Binding {
	b := &Binding{Namespace: nsOf(o), Name: o.Meta.Name, Object: o, Bootstrap: o.Meta.Labels[BootstrapLabel] == "rbac-defaults"}
	var ref rbacv1.RoleRef
	var subjects []rbacv1.Subject
	switch o.Typed.(type) {
	case *rbacv1.RoleBinding, *rbacv1beta1.RoleBinding, *rbacv1alpha1.RoleBinding:
		t, ok := asV1[rbacv1.RoleBinding](o.Typed)
		if !ok {
			return nil
		}
		ref, subjects = t.RoleRef, t.Subjects
	case *rbacv1.ClusterRoleBinding, *rbacv1beta1.ClusterRoleBinding, *rbacv1alpha1.ClusterRoleBinding:
		t, ok := asV1[rbacv1.ClusterRoleBinding](o.Typed)
		if !ok {
			return nil
		}
		b.Cluster, b.Namespace = true, ""
		ref, subjects = t.RoleRef, t.Subjects
	default:
		return nil
	}
	b.RoleKind, b.RoleName = ref.Kind, ref.Name
	for _, rs := range subjects {
		s := Subject{Kind: rs.Kind, Name: rs.Name, Namespace: rs.Namespace}
		if s.Kind == ServiceAccountKind && s.Namespace == "" && !b.Cluster {
			s.Namespace = b.Namespace
		}
		if s.Kind != ServiceAccountKind {
			s.Namespace = ""
		}
		b.Subjects = append(b.Subjects, s)
	}
	return b
}

// asV1 returns an RBAC object as its rbac/v1 type T. The beta and alpha
// versions share v1's JSON field names for everything authorization
// reads (v1alpha1 subjects' apiVersion, which v1 calls apiGroup, plays
// no part), so a JSON round trip converts them.
func asV1[T any](typed any) (*T, bool) {
	if t, ok := typed.(*T); ok {
		return t, true
	}
	data, err := json.Marshal(typed)
	if err != nil {
		return nil, false
	}
	var t T
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, false
	}
	return &t, true
}

// NewRole makes a role in code (benchmarks, tests). A ClusterRole with
// selectors is aggregated.
func NewRole(cluster bool, ns, name string, rules []Rule, lbls map[string]string, aggregate ...map[string]string) *Role {
	r := &Role{Cluster: cluster, Namespace: ns, Name: name, own: rules, Rules: rules, Labels: lbls}
	if cluster {
		r.Namespace = ""
	}
	for _, sel := range aggregate {
		r.Aggregated = true
		r.selectors = append(r.selectors, labels.SelectorFromSet(sel))
	}
	return r
}
