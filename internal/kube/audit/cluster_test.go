package audit

import (
	"context"
	"os"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/report"
)

var testCluster *kubetest.Cluster

func TestMain(m *testing.M) {
	code := m.Run()
	if testCluster != nil {
		testCluster.Stop()
	}
	os.Exit(code)
}

// cluster starts one control plane for the package's tests and fills
// it once.
func cluster(t *testing.T) *kubetest.Cluster {
	t.Helper()
	if testCluster != nil {
		return testCluster
	}
	if _, _, err := kubetest.Binaries(); err != nil {
		if testing.Short() {
			t.Skip("-short: " + err.Error())
		}
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "palisade-kube-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := kubetest.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	testCluster = c
	populate(t, c)
	return c
}

func restrictedContainer(name, image string) corev1.Container {
	return corev1.Container{
		Name: name, Image: image,
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			RunAsNonRoot:             ptr.To(true),
			RunAsUser:                ptr.To[int64](10001),
			ReadOnlyRootFilesystem:   ptr.To(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}},
	}
}

func deployment(ns, name string, labels map[string]string, spec corev1.PodSpec) *appsv1.Deployment {
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec},
		},
	}
}

const pinned = "registry.example.com/team/web:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// populate creates the test cluster's objects through client-go.
func populate(t *testing.T, c *kubetest.Cluster) {
	t.Helper()
	ctx := context.Background()
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", Labels: map[string]string{
		"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.37"}}}, metav1.CreateOptions{}))
	must(cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b"}}, metav1.CreateOptions{}))
	must(cs.CoreV1().ResourceQuotas("team-a").Create(ctx, &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "q"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("20")}}}, metav1.CreateOptions{}))
	must(cs.CoreV1().LimitRanges("team-a").Create(ctx, &corev1.LimitRange{ObjectMeta: metav1.ObjectMeta{Name: "l"},
		Spec: corev1.LimitRangeSpec{Limits: []corev1.LimitRangeItem{{Type: corev1.LimitTypeContainer,
			Default: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("200m"), corev1.ResourceMemory: resource.MustParse("128Mi")}}}}}, metav1.CreateOptions{}))
	for _, pt := range []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress} {
		must(cs.NetworkingV1().NetworkPolicies("team-a").Create(ctx, &networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Name: "default-deny-" + strings.ToLower(string(pt))},
			Spec:       networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{pt}}}, metav1.CreateOptions{}))
	}
	web := restrictedContainer("web", pinned)
	web.Env = []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}}
	must(cs.AppsV1().Deployments("team-a").Create(ctx, deployment("team-a", "web", map[string]string{"app": "web"},
		corev1.PodSpec{AutomountServiceAccountToken: ptr.To(false), Containers: []corev1.Container{web}}), metav1.CreateOptions{}))
	must(cs.AppsV1().Deployments("team-a").Create(ctx, deployment("team-a", "api", map[string]string{"app": "api"},
		corev1.PodSpec{Containers: []corev1.Container{{Name: "api", Image: pinned}}}), metav1.CreateOptions{}))
	must(cs.CoreV1().Secrets("team-a").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db"},
		StringData: map[string]string{"password": "s3cr3t-Value-9f8e7d"}}, metav1.CreateOptions{}))

	// team-b: nothing isolated, a privileged workload with the Docker
	// socket, policies that select nothing or admit everything.
	priv := corev1.Container{Name: "agent", Image: "nginx:latest", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)},
		VolumeMounts: []corev1.VolumeMount{{Name: "sock", MountPath: "/var/run/docker.sock"}}}
	must(cs.AppsV1().Deployments("team-b").Create(ctx, deployment("team-b", "agent", map[string]string{"app": "agent"},
		corev1.PodSpec{Containers: []corev1.Container{priv}, Volumes: []corev1.Volume{{Name: "sock", VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: "/var/run/docker.sock"}}}}}), metav1.CreateOptions{}))
	must(cs.NetworkingV1().NetworkPolicies("team-b").Create(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "typo"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "agnet"}}}}, metav1.CreateOptions{}))
	must(cs.NetworkingV1().NetworkPolicies("team-b").Create(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "allow-all"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}}, metav1.CreateOptions{}))
	must(cs.CoreV1().ConfigMaps("team-b").Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"},
		Data: map[string]string{"AWS_ACCESS_KEY_ID": "AKIAZ3MHQW7RXOPLK4TN"}}, metav1.CreateOptions{}))
	must(cs.CoreV1().ServiceAccounts("team-b").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "builder"}}, metav1.CreateOptions{}))
	must(cs.CoreV1().Secrets("team-b").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "builder-token",
		Annotations: map[string]string{corev1.ServiceAccountNameKey: "builder"}}, Type: corev1.SecretTypeServiceAccountToken}, metav1.CreateOptions{}))

	// A stray pod in default, and Flannel as the network plugin.
	must(cs.CoreV1().Pods("default").Create(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "stray"},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox:1.36"}}}}, metav1.CreateOptions{}))
	ds := &appsv1.DaemonSet{ObjectMeta: metav1.ObjectMeta{Name: "kube-flannel-ds", Namespace: "kube-system"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "flannel"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "flannel"}},
				Spec: corev1.PodSpec{HostNetwork: true, PriorityClassName: "system-node-critical",
					Containers: []corev1.Container{{Name: "kube-flannel", Image: "ghcr.io/flannel-io/flannel:v0.26.1"}}}}}}
	must(cs.AppsV1().DaemonSets("kube-system").Create(ctx, ds, metav1.CreateOptions{}))

	// alice may read everything in team-a except Secrets, and nothing
	// else; her kubeconfig context points at team-a.
	if err := c.Grant(ctx, "alice-read", "team-a", rbacv1.UserKind, "alice", "", []string{"pods", "configmaps", "serviceaccounts", "resourcequotas", "limitranges", "replicationcontrollers", "services"}, []string{"get", "list"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Grant(ctx, "alice-apps", "team-a", rbacv1.UserKind, "alice", "apps", []string{"deployments", "daemonsets", "statefulsets", "replicasets"}, []string{"get", "list"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Grant(ctx, "alice-net", "team-a", rbacv1.UserKind, "alice", "networking.k8s.io", []string{"networkpolicies"}, []string{"get", "list"}); err != nil {
		t.Fatal(err)
	}
}

// byRule indexes findings by rule and target.
func byRule(fs []finding.Finding) map[string][]string {
	m := map[string][]string{}
	for _, f := range fs {
		m[f.RuleID] = append(m[f.RuleID], f.Target)
	}
	return m
}

func has(m map[string][]string, rule, target string) bool {
	for _, t := range m[rule] {
		if t == target {
			return true
		}
	}
	return false
}

func TestClusterAuditAdmin(t *testing.T) {
	c := cluster(t)
	res, err := Cluster(context.Background(), load.ClusterOptions{Config: c.Admin}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors {
		t.Errorf("unexpected error entry: %s: %s", e.Target, e.Message)
	}
	got := byRule(res.Findings)
	want := []struct{ rule, target string }{
		{"PAL-SEC-001", "Deployment/team-a/web"},
		{"PAL-SEC-009", "Deployment/team-a/web"},
		{"PAL-PSS-029", "Deployment/team-a/api"},
		{"PAL-PSS-016", "Deployment/team-a/api"},
		{"PAL-PSS-001", "Deployment/team-b/agent"},
		{"PAL-PSS-003", "Deployment/team-b/agent"},
		{"PAL-PSS-024", "Deployment/team-b/agent"},
		{"PAL-K8S-011", "Deployment/team-b/agent"},
		{"PAL-NET-004", "Deployment/team-b/agent"},
		{"PAL-NET-001", "Namespace/team-b"},
		{"PAL-NET-002", "Namespace/team-b"},
		{"PAL-NET-005", "NetworkPolicy/team-b/allow-all"},
		{"PAL-NET-007", "NetworkPolicy/team-b/typo"},
		{"PAL-PSS-025", "Namespace/team-b"},
		{"PAL-K8S-004", "Namespace/team-b"},
		{"PAL-K8S-005", "Namespace/team-b"},
		{"PAL-SEC-003", "ConfigMap/team-b/settings"},
		{"PAL-SEC-006", "Secret/team-b/builder-token"},
		{"PAL-K8S-001", "Pod/default/stray"},
		{"PAL-NET-008", "DaemonSet/kube-system/kube-flannel-ds"},
	}
	for _, w := range want {
		if !has(got, w.rule, w.target) {
			t.Errorf("missing %s on %s; got %s on %v", w.rule, w.target, w.rule, got[w.rule])
		}
	}
	notWant := []struct{ rule, target string }{
		{"PAL-PSS-029", "Deployment/team-a/web"},
		{"PAL-PSS-016", "Deployment/team-a/web"},
		{"PAL-NET-003", "Deployment/team-a/web"},
		{"PAL-NET-003", "Deployment/team-b/agent"}, // selected by allow-all: isolated, but see PAL-NET-005
		{"PAL-NET-001", "Namespace/team-a"},
		{"PAL-K8S-004", "Namespace/team-a"},
		{"PAL-PSS-025", "Namespace/team-a"},
		{"PAL-PSS-020", "Deployment/team-a/api"}, // the LimitRange sets defaults
		{"PAL-K8S-012", "Deployment/team-a/web"},
		{"PAL-K8S-003", "DaemonSet/kube-system/kube-flannel-ds"},
	}
	for _, w := range notWant {
		if has(got, w.rule, w.target) {
			t.Errorf("unexpected %s on %s", w.rule, w.target)
		}
	}
	if len(res.Targets) != 1 || res.Targets[0].Kind != KindCluster || len(res.Targets[0].Controls) != len(Controls) {
		t.Errorf("targets = %+v, want the cluster judged on every control", res.Targets)
	}
	s := res.Summaries[0]
	if s.Cluster == nil || s.Cluster.Minor != 37 {
		t.Errorf("cluster info = %+v, want v1.37", s.Cluster)
	}
	if s.SecretDelivery["stored in etcd"] != 1 || len(s.CNI) != 1 || s.CNI[0].Name != "Flannel" {
		t.Errorf("summary = %+v", s)
	}
	// Pages of one object give the same audit as pages of 500.
	paged, err := Cluster(context.Background(), load.ClusterOptions{Config: c.Admin, PageSize: 1, Parallel: 3}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(paged.Findings) != len(res.Findings) || paged.Summaries[0].Objects != s.Objects {
		t.Errorf("page size 1: %d findings over %d objects, want %d over %d", len(paged.Findings), paged.Summaries[0].Objects, len(res.Findings), s.Objects)
	}
	// Secret values are never read from the cluster.
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "s3cr3t") || strings.Contains(f.Evidence, "s3cr3t") {
			t.Errorf("finding reveals a secret value: %+v", f)
		}
	}
}

// TestClusterAuditLimited audits with a credential that may read only
// team-a, and not its Secrets: what it cannot read is reported as not
// assessed, and what it can read is judged.
func TestClusterAuditLimited(t *testing.T) {
	c := cluster(t)
	cfg, err := c.UserConfig("alice")
	if err != nil {
		t.Fatal(err)
	}
	kc, err := c.WriteKubeconfig(cfg, "alice@test", "team-a")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Cluster(context.Background(), load.ClusterOptions{Kubeconfig: kc}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string]bool{}
	for _, e := range res.Errors {
		errs[e.Message] = true
		if e.Target != "alice@test" {
			t.Errorf("error target %q, want the context name", e.Target)
		}
	}
	wantErr := []string{
		"not assessed: cannot list namespaces in all namespaces: forbidden",
		"not assessed: cannot list secrets in namespace team-a: forbidden",
		"not assessed: cannot list pods in all namespaces: forbidden",
	}
	for _, w := range wantErr {
		found := false
		for m := range errs {
			if strings.HasPrefix(m, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error %q in %v", w, errs)
		}
	}
	got := byRule(res.Findings)
	for _, f := range res.Findings {
		if !strings.Contains(f.Target, "/team-a/") {
			t.Errorf("finding outside team-a with a team-a-only credential: %s %s", f.RuleID, f.Target)
		}
	}
	// The namespace's labels cannot be read, so its enforce level is
	// unknown: the workload is judged at the requested level instead.
	if !has(got, "PAL-PSS-016", "Deployment/team-a/api") || !has(got, "PAL-SEC-001", "Deployment/team-a/web") || len(got["PAL-PSS-029"]) > 0 {
		t.Errorf("team-a findings missing: %v", got)
	}
	// Quotas could be read in team-a, but the namespace object could not:
	// namespace-level checks do not guess.
	if len(got["PAL-K8S-004"]) > 0 || len(got["PAL-PSS-025"]) > 0 {
		t.Errorf("namespace checks ran without the namespace object: %v %v", got["PAL-K8S-004"], got["PAL-PSS-025"])
	}
	ctrls := res.Targets[0].Controls
	for _, want := range []control.ID{control.PodSecurity, control.NetworkPolicies, control.ImageProvenance, control.Secrets} {
		if !containsControl(ctrls, want) {
			t.Errorf("control %s not assessed with team-a access: %v", want, ctrls)
		}
	}
	if containsControl(ctrls, control.Namespaces) {
		t.Errorf("namespaces control claimed assessed without reading namespaces: %v", ctrls)
	}
	rep := report.Build(report.Tool{Name: "palisade"}, res.Targets, res.Findings, nil, res.Errors, nil)
	for _, cr := range rep.Controls {
		if cr.ID == control.Namespaces && cr.Status == report.Passed {
			t.Errorf("namespaces control passed without being assessed")
		}
	}
}

func containsControl(cs []control.ID, c control.ID) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}
