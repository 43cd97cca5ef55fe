package load

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

// Resource is one API resource the cluster loader lists.
type Resource struct {
	GVR        schema.GroupVersionResource
	Kind       string
	Namespaced bool
	// MetadataOnly lists object metadata only (Secrets: palisade never
	// reads secret values from a cluster).
	MetadataOnly bool
	// Custom resources (and APIs only some versions serve) are listed
	// with the dynamic client and only when the cluster serves them;
	// their absence is not a gap.
	Custom bool
}

// GroupResource names the resource as in Snapshot.Coverage:
// "secrets", "deployments.apps".
func (r Resource) GroupResource() string { return r.GVR.GroupResource().String() }

func res(group, version, resource, kind string, namespaced bool) Resource {
	return Resource{GVR: schema.GroupVersionResource{Group: group, Version: version, Resource: resource}, Kind: kind, Namespaced: namespaced}
}

// DefaultResources are what `palisade cluster audit` reads: workloads,
// their namespaces, network policies, the objects the secrets checks
// need, nodes and the RBAC objects (for the RBAC checks).
func DefaultResources() []Resource {
	rs := []Resource{
		res("", "v1", "namespaces", "Namespace", false),
		res("", "v1", "nodes", "Node", false),
		res("", "v1", "pods", "Pod", true),
		res("", "v1", "replicationcontrollers", "ReplicationController", true),
		res("", "v1", "services", "Service", true),
		res("", "v1", "serviceaccounts", "ServiceAccount", true),
		res("", "v1", "configmaps", "ConfigMap", true),
		res("", "v1", "resourcequotas", "ResourceQuota", true),
		res("", "v1", "limitranges", "LimitRange", true),
		res("apps", "v1", "deployments", "Deployment", true),
		res("apps", "v1", "statefulsets", "StatefulSet", true),
		res("apps", "v1", "daemonsets", "DaemonSet", true),
		res("apps", "v1", "replicasets", "ReplicaSet", true),
		res("batch", "v1", "jobs", "Job", true),
		res("batch", "v1", "cronjobs", "CronJob", true),
		res("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true),
		res("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
		res("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true),
		res("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false),
		res("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false),
	}
	secrets := res("", "v1", "secrets", "Secret", true)
	secrets.MetadataOnly = true
	rs = append(rs, secrets)
	for _, c := range []Resource{
		res("secrets-store.csi.x-k8s.io", "v1", "secretproviderclasses", "SecretProviderClass", true),
		res("external-secrets.io", "v1", "externalsecrets", "ExternalSecret", true),
		res("external-secrets.io", "v1beta1", "externalsecrets", "ExternalSecret", true),
		// Served only by clusters older than 1.25.
		res("policy", "v1beta1", "podsecuritypolicies", "PodSecurityPolicy", false),
	} {
		c.Custom = true
		rs = append(rs, c)
	}
	return rs
}

// ClusterOptions configure Cluster.
type ClusterOptions struct {
	// Kubeconfig and Context select the cluster as kubectl does
	// (KUBECONFIG, ~/.kube/config, in-cluster configuration).
	Kubeconfig string
	Context    string
	// Namespaces limits the audit to these namespaces; empty means all.
	Namespaces []string
	// Config, when set, is used instead of a kubeconfig (tests).
	Config *rest.Config
	// Resources to read; default DefaultResources().
	Resources []Resource
	// PageSize is the list page size (default 500).
	PageSize int64
	// Parallel bounds concurrent list requests (default 8).
	Parallel int
	// Progress, when set, receives a line per resource read.
	Progress func(msg string)
	// DeprecatedAPIs also reads the API server's record of deprecated
	// APIs clients asked for (its /metrics), into the snapshot's
	// ClusterInfo; a refusal becomes a Gap on /metrics.
	DeprecatedAPIs bool
}

// RESTConfig resolves the client configuration the way kubectl does,
// and the name of the context (or the server, in-cluster).
func RESTConfig(kubeconfig, context string) (*rest.Config, string, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: context})
	cfg, err := cc.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, "", "", errors.New("no cluster configured: pass --kubeconfig, set KUBECONFIG, or run inside a pod")
		}
		return nil, "", "", fmt.Errorf("reading the kubeconfig: %w", err)
	}
	name := context
	if raw, err := cc.RawConfig(); err == nil {
		if name == "" {
			name = raw.CurrentContext
		}
	}
	ns, _, _ := cc.Namespace()
	if name == "" {
		name = cfg.Host
	}
	return cfg, name, ns, nil
}

// MetricsPath is the non-resource URL of the API server's metrics, the
// Resource of a Gap when they could not be read.
const MetricsPath = "/metrics"

// Cluster reads a live cluster, read-only: every resource is listed in
// pages, across all namespaces when allowed and namespace by namespace
// when not. What cannot be read becomes a Gap (and is not assessed);
// nothing is skipped silently. An error is returned only when the
// cluster cannot be reached at all.
func Cluster(ctx context.Context, o ClusterOptions) (*kube.Snapshot, error) {
	cfg := o.Config
	name, ctxNamespace := "", ""
	if cfg == nil {
		var err error
		cfg, name, ctxNamespace, err = RESTConfig(o.Kubeconfig, o.Context)
		if err != nil {
			return nil, err
		}
	} else {
		cfg = rest.CopyConfig(cfg)
		name = cfg.Host
	}
	if o.Context != "" {
		name = o.Context
	}
	if cfg.QPS == 0 {
		cfg.QPS, cfg.Burst = 50, 100
	}
	cfg.UserAgent = "palisade (read-only audit)"
	if o.Resources == nil {
		o.Resources = DefaultResources()
	}
	if o.PageSize <= 0 {
		o.PageSize = 500
	}
	if o.Parallel <= 0 {
		o.Parallel = 8
	}
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring the API client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("configuring the API client: %w", err)
	}
	info := &kube.ClusterInfo{Server: redactHost(cfg.Host), Context: o.Context, Namespaces: o.Namespaces}
	v, err := disc.ServerVersion()
	if err != nil {
		return nil, fmt.Errorf("cannot reach the API server at %s: %w", info.Server, err)
	}
	info.Version = v.GitVersion
	info.Major, _ = strconv.Atoi(strings.TrimRight(v.Major, "+"))
	info.Minor, _ = strconv.Atoi(strings.TrimRight(v.Minor, "+"))
	l := &lister{
		cfg: cfg, http: httpClient, disc: disc, page: o.PageSize,
		rest: map[schema.GroupVersion]rest.Interface{}, progress: o.Progress,
		snap: &kube.Snapshot{Name: name, Kind: kube.FromCluster, Cluster: info, Coverage: map[string]kube.Coverage{}},
	}
	if l.meta, err = metadata.NewForConfigAndClient(cfg, httpClient); err != nil {
		return nil, fmt.Errorf("configuring the API client: %w", err)
	}
	if l.dyn, err = dynamic.NewForConfigAndClient(cfg, httpClient); err != nil {
		return nil, fmt.Errorf("configuring the API client: %w", err)
	}
	namespaces := o.Namespaces
	if len(namespaces) == 0 && ctxNamespace != "" {
		// Used only when a resource cannot be listed cluster-wide.
		l.fallback = []string{ctxNamespace}
	}
	l.load(ctx, o.Resources, namespaces, o.Parallel)
	if o.DeprecatedAPIs && ctx.Err() == nil {
		if reqs, err := upgrade.FetchDeprecated(ctx, cfg); err != nil {
			l.snap.Gaps = append(l.snap.Gaps, kube.Gap{Resource: MetricsPath, Reason: reason(err)})
		} else {
			info.DeprecatedRequests, info.DeprecatedRequestsRead = reqs, true
		}
	}
	kube.SortObjects(l.snap.Objects)
	return l.snap, ctx.Err()
}

// redactHost drops credentials from a server URL.
func redactHost(h string) string {
	if i := strings.Index(h, "@"); i >= 0 {
		if j := strings.Index(h, "://"); j >= 0 && j < i {
			return h[:j+3] + h[i+1:]
		}
	}
	return h
}

type lister struct {
	cfg      *rest.Config
	http     *http.Client
	disc     *discovery.DiscoveryClient
	meta     metadata.Interface
	dyn      dynamic.Interface
	page     int64
	progress func(string)
	fallback []string

	mu   sync.Mutex
	rest map[schema.GroupVersion]rest.Interface
	snap *kube.Snapshot
}

func (l *lister) load(ctx context.Context, resources []Resource, namespaces []string, parallel int) {
	// Namespaces first: the fallback for resources that cannot be
	// listed cluster-wide is every namespace we can see.
	var rest []Resource
	var nsRes *Resource
	for i, r := range resources {
		if r.GVR.Group == "" && r.GVR.Resource == "namespaces" {
			nsRes = &resources[i]
			continue
		}
		rest = append(rest, r)
	}
	if nsRes != nil {
		if len(namespaces) > 0 {
			l.getNamespaces(ctx, *nsRes, namespaces)
		} else if objs, err := l.list(ctx, *nsRes, ""); err != nil {
			l.gap(*nsRes, "", err)
		} else {
			l.add(*nsRes, "", objs)
			l.fallback = nil
			for _, o := range objs {
				l.fallback = append(l.fallback, o.Meta.Name)
			}
		}
	}
	custom := l.servedCustom(ctx, rest)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, r := range rest {
		if r.Custom && !custom[r.GVR] {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			l.loadResource(ctx, r, namespaces, sem)
		}()
	}
	wg.Wait()
}

// servedCustom asks discovery which custom resources exist; of two
// versions of one resource, the first served one in the list wins.
func (l *lister) servedCustom(ctx context.Context, rs []Resource) map[schema.GroupVersionResource]bool {
	served := map[schema.GroupVersionResource]bool{}
	taken := map[schema.GroupResource]bool{}
	for _, r := range rs {
		if !r.Custom || taken[r.GVR.GroupResource()] || ctx.Err() != nil {
			continue
		}
		list, err := l.disc.ServerResourcesForGroupVersion(r.GVR.GroupVersion().String())
		if err != nil {
			continue
		}
		for _, ar := range list.APIResources {
			if ar.Name == r.GVR.Resource {
				served[r.GVR] = true
				taken[r.GVR.GroupResource()] = true
			}
		}
	}
	return served
}

func (l *lister) getNamespaces(ctx context.Context, r Resource, names []string) {
	var objs []*kube.Object
	for _, n := range names {
		c, err := l.restFor(r.GVR.GroupVersion())
		if err != nil {
			l.gap(r, n, err)
			continue
		}
		obj, err := c.Get().Resource("namespaces").Name(n).Do(ctx).Get()
		if err != nil {
			l.gap(r, n, err)
			continue
		}
		objs = append(objs, l.object(r, obj))
	}
	l.add(r, "", objs)
	l.mu.Lock()
	cov := kube.Coverage{}
	for _, o := range objs {
		cov.Namespaces = append(cov.Namespaces, o.Meta.Name)
	}
	l.snap.Coverage[r.GroupResource()] = cov
	l.mu.Unlock()
}

// loadResource lists r cluster-wide, or in the given namespaces, or,
// when the cluster-wide list is forbidden, in each fallback namespace.
func (l *lister) loadResource(ctx context.Context, r Resource, namespaces []string, sem chan struct{}) {
	if !r.Namespaced || len(namespaces) == 0 {
		objs, err := l.list(ctx, r, "")
		if err == nil {
			l.add(r, "", objs)
			return
		}
		if !r.Namespaced || !apierrors.IsForbidden(err) || len(l.fallback) == 0 {
			l.gap(r, "", err)
			return
		}
		namespaces = l.fallback
		l.gap(r, "", fmt.Errorf("%w; read namespace by namespace instead", err))
	}
	// Per-namespace lists run in this goroutine: the semaphore slot it
	// holds bounds them together with the other resources.
	for _, ns := range namespaces {
		if ctx.Err() != nil {
			return
		}
		objs, err := l.list(ctx, r, ns)
		if err != nil {
			l.gap(r, ns, err)
			continue
		}
		l.add(r, ns, objs)
	}
}

func (l *lister) restFor(gv schema.GroupVersion) (rest.Interface, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c, ok := l.rest[gv]; ok {
		return c, nil
	}
	cfg := rest.CopyConfig(l.cfg)
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	if gv.Group == "" {
		cfg.APIPath = "/api"
	}
	cfg.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	cfg.ContentType = runtime.ContentTypeProtobuf
	cfg.AcceptContentTypes = runtime.ContentTypeProtobuf + "," + runtime.ContentTypeJSON
	c, err := rest.RESTClientForConfigAndClient(cfg, l.http)
	if err != nil {
		return nil, err
	}
	l.rest[gv] = c
	return c, nil
}

// list reads every page of r in namespace ns ("" for all).
func (l *lister) list(ctx context.Context, r Resource, ns string) ([]*kube.Object, error) {
	var out []*kube.Object
	opts := metav1.ListOptions{Limit: l.page}
	for {
		var obj runtime.Object
		var err error
		switch {
		case r.MetadataOnly:
			obj, err = l.meta.Resource(r.GVR).Namespace(ns).List(ctx, opts)
		case r.Custom:
			obj, err = l.dyn.Resource(r.GVR).Namespace(ns).List(ctx, opts)
		default:
			var c rest.Interface
			if c, err = l.restFor(r.GVR.GroupVersion()); err != nil {
				return nil, err
			}
			req := c.Get().Resource(r.GVR.Resource).VersionedParams(&opts, scheme.ParameterCodec)
			if ns != "" {
				req = req.Namespace(ns)
			}
			obj, err = req.Do(ctx).Get()
		}
		if err != nil {
			return nil, err
		}
		items, err := meta.ExtractList(obj)
		if err != nil {
			return nil, fmt.Errorf("reading the %s list: %w", r.GroupResource(), err)
		}
		for _, it := range items {
			out = append(out, l.object(r, it))
		}
		lm, err := meta.ListAccessor(obj)
		if err != nil || lm.GetContinue() == "" {
			break
		}
		opts.Continue = lm.GetContinue()
	}
	if r.MetadataOnly && r.GVR.Resource == "secrets" {
		// The type of a Secret is not metadata: ask for the legacy
		// service-account tokens by field selector.
		if err := l.markTokenSecrets(ctx, r, ns, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (l *lister) markTokenSecrets(ctx context.Context, r Resource, ns string, objs []*kube.Object) error {
	tokens := map[string]bool{}
	opts := metav1.ListOptions{Limit: l.page, FieldSelector: "type=" + string(corev1.SecretTypeServiceAccountToken)}
	for {
		list, err := l.meta.Resource(r.GVR).Namespace(ns).List(ctx, opts)
		if err != nil {
			return err
		}
		for _, it := range list.Items {
			tokens[it.Namespace+"/"+it.Name] = true
		}
		if list.Continue == "" {
			break
		}
		opts.Continue = list.Continue
	}
	for _, o := range objs {
		if s, ok := o.Typed.(*corev1.Secret); ok && tokens[o.Meta.Namespace+"/"+o.Meta.Name] {
			s.Type = corev1.SecretTypeServiceAccountToken
		}
	}
	return nil
}

// object wraps a listed item. Managed fields are dropped: they are large
// and no check reads them.
func (l *lister) object(r Resource, it runtime.Object) *kube.Object {
	gvk := r.GVR.GroupVersion().WithKind(r.Kind)
	o := &kube.Object{GVK: gvk, Source: kube.Source{Kind: kube.FromCluster, Root: l.snap.Name}}
	switch t := it.(type) {
	case *metav1.PartialObjectMetadata:
		t.ManagedFields = nil
		o.Meta = t.ObjectMeta
		if r.GVR.Resource == "secrets" && r.GVR.Group == "" {
			sec := &corev1.Secret{ObjectMeta: t.ObjectMeta}
			sec.SetGroupVersionKind(gvk)
			o.Typed = sec
		}
	case *unstructured.Unstructured:
		unstructured.RemoveNestedField(t.Object, "metadata", "managedFields")
		o.Raw = t.Object
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(t.Object["metadata"].(map[string]any), &o.Meta); err != nil {
			o.Meta.Name, o.Meta.Namespace = t.GetName(), t.GetNamespace()
		}
		if gvk.Kind != "" {
			o.GVK = t.GroupVersionKind()
		}
	default:
		if acc, err := meta.Accessor(it); err == nil {
			acc.SetManagedFields(nil)
			if om, ok := acc.(*metav1.ObjectMeta); ok {
				o.Meta = *om
			} else {
				o.Meta = metav1.ObjectMeta{
					Name: acc.GetName(), Namespace: acc.GetNamespace(), Labels: acc.GetLabels(),
					Annotations: acc.GetAnnotations(), OwnerReferences: acc.GetOwnerReferences(),
					UID: acc.GetUID(), CreationTimestamp: acc.GetCreationTimestamp(),
				}
			}
		}
		it.GetObjectKind().SetGroupVersionKind(gvk)
		o.Typed = it
	}
	return o
}

func (l *lister) add(r Resource, ns string, objs []*kube.Object) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snap.Add(objs...)
	cov := l.snap.Coverage[r.GroupResource()]
	if ns == "" {
		cov.All = true
	} else if !slices.Contains(cov.Namespaces, ns) {
		cov.Namespaces = append(cov.Namespaces, ns)
	}
	l.snap.Coverage[r.GroupResource()] = cov
	if l.progress != nil {
		where := "all namespaces"
		if ns != "" {
			where = "namespace " + ns
		} else if !r.Namespaced {
			where = "cluster"
		}
		l.progress(fmt.Sprintf("read %d %s (%s)", len(objs), r.GroupResource(), where))
	}
}

func (l *lister) gap(r Resource, ns string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snap.Gaps = append(l.snap.Gaps, kube.Gap{Group: r.GVR.Group, Resource: r.GVR.Resource, Namespace: ns, Reason: reason(err)})
}

// reason shortens an API error to what a user needs.
func reason(err error) string {
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		st := se.Status()
		switch {
		case apierrors.IsForbidden(err):
			return "forbidden: " + st.Message
		case apierrors.IsNotFound(err):
			return "not served by this cluster"
		}
		return string(st.Reason) + ": " + st.Message
	}
	return err.Error()
}
