package audit

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/report"
)

// Benchmark sizes: the figure.
const (
	benchNamespaces = 500
	benchWorkloads  = 5000 // Deployments: no controller manager makes their pods
	benchPolicies   = 1000
)

// fillBenchCluster creates the benchmark's namespaces, Deployments,
// NetworkPolicies, ConfigMaps and Secrets with parallel clients.
func fillBenchCluster(b *testing.B, c *kubetest.Cluster) {
	cs := kubernetes.NewForConfigOrDie(c.Admin)
	ctx := context.Background()
	work := make(chan func() error)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := f(); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for n := 0; n < benchNamespaces; n++ {
		ns := fmt.Sprintf("team-%03d", n)
		labels := map[string]string{"team": ns}
		if n%2 == 0 {
			labels["pod-security.kubernetes.io/enforce"] = "baseline"
			labels["pod-security.kubernetes.io/enforce-version"] = "v1.37"
		}
		if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: labels}}, metav1.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	for n := 0; n < benchNamespaces; n++ {
		ns := fmt.Sprintf("team-%03d", n)
		for d := 0; d < benchWorkloads/benchNamespaces; d++ {
			app := fmt.Sprintf("app-%d", d)
			work <- func() error {
				_, err := cs.AppsV1().Deployments(ns).Create(ctx, benchDeployment(ns, app, d), metav1.CreateOptions{})
				return err
			}
		}
		for p := 0; p < benchPolicies/benchNamespaces; p++ {
			np := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("np-%d", p)}}
			if p == 0 {
				np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
			} else {
				np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: map[string]string{"app": fmt.Sprintf("app-%d", p)}}
				np.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{
					NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": ns}},
					PodSelector:       &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"front"}}}},
				}}}}
			}
			work <- func() error {
				_, err := cs.NetworkingV1().NetworkPolicies(ns).Create(ctx, np, metav1.CreateOptions{})
				return err
			}
		}
		work <- func() error {
			_, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings"},
				Data: map[string]string{"LOG_LEVEL": "info", "FEATURES": "a,b,c"}}, metav1.CreateOptions{})
			return err
		}
		work <- func() error {
			_, err := cs.CoreV1().Secrets(ns).Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db"},
				StringData: map[string]string{"password": "not-a-real-password-" + ns}}, metav1.CreateOptions{})
			return err
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		b.Fatal(firstErr)
	}
}

func benchDeployment(ns, app string, i int) *appsv1.Deployment {
	labels := map[string]string{"app": app, "tier": []string{"front", "back"}[i%2]}
	c := corev1.Container{
		Name: "main", Image: fmt.Sprintf("registry.example.com/%s/%s:1.%d", ns, app, i),
		Ports: []corev1.ContainerPort{{ContainerPort: 8080}},
		Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"},
			{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("256Mi")}},
	}
	if i%3 == 0 {
		c.SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false), RunAsNonRoot: ptr.To(true),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}, SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	}
	sidecar := corev1.Container{Name: "proxy", Image: "envoyproxy/envoy:v1.31.0", Args: []string{"-c", "/etc/envoy/envoy.yaml"}}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: app, Namespace: ns, Labels: labels},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](2),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": app}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{c, sidecar}}},
		},
	}
}

// BenchmarkClusterAudit audits a real API server holding 500
// namespaces, 5,000 Deployments and 1,000 NetworkPolicies. With
// PALISADE_BIN set (scripts/bench-kube.sh does), each iteration runs
// `palisade cluster audit` as its own process and reports its wall time
// and peak resident memory; otherwise it audits in-process.
func BenchmarkClusterAudit(b *testing.B) {
	if _, _, err := kubetest.Binaries(); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	c, err := kubetest.New(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	start := time.Now()
	fillBenchCluster(b, c)
	b.Logf("setup: %d namespaces, %d Deployments, %d NetworkPolicies created in %v", benchNamespaces, benchWorkloads, benchPolicies, time.Since(start).Round(time.Millisecond))
	kc, err := c.WriteKubeconfig(c.Admin, "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	bin := os.Getenv("PALISADE_BIN")
	b.ResetTimer()
	var walls []time.Duration
	var peak int64
	for b.Loop() {
		t0 := time.Now()
		if bin != "" {
			cmd := exec.Command(bin, "cluster", "audit", "--kubeconfig", kc, "--format", "json", "--output", os.DevNull)
			cmd.Stderr = os.Stderr
			if err := cmd.Run(); err != nil {
				b.Fatalf("palisade cluster audit: %v", err)
			}
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss*1024 > peak {
				peak = ru.Maxrss * 1024 // KiB on Linux
			}
		} else {
			res, err := Cluster(context.Background(), load.ClusterOptions{Kubeconfig: kc}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			rep := report.Build(report.Tool{Name: "palisade"}, res.Targets, res.Findings, nil, res.Errors, nil)
			if err := report.Write(io.Discard, rep, report.JSON, report.Options{}); err != nil {
				b.Fatal(err)
			}
			if len(res.Summaries) == 0 || res.Summaries[0].Workloads != benchWorkloads {
				b.Fatalf("audited %+v, want %d workloads", res.Summaries, benchWorkloads)
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if int64(ms.HeapSys) > peak {
				peak = int64(ms.HeapSys)
			}
		}
		walls = append(walls, time.Since(t0))
	}
	b.StopTimer()
	var worst time.Duration
	for _, w := range walls {
		worst = max(worst, w)
	}
	b.ReportMetric(worst.Seconds(), "worst-wall-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}
