package node

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kubetest"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// testCertPEM issues a serving certificate and its CA as PEM.
func testCertPEM(t *testing.T, cn string, names []string, notBefore, notAfter time.Time) (leaf, ca []byte) {
	t.Helper()
	leaf, ca, _, err := nodetest.ServingCert(cn, names, notBefore, notAfter)
	if err != nil {
		t.Fatal(err)
	}
	return leaf, ca
}

// keyPEM is a placeholder private key: palisade must never read it.
var keyPEM = []byte("-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n")

func TestClusterCerts(t *testing.T) {
	c := kubetest.Start(t)
	ctx := context.Background()
	admin := kubernetes.NewForConfigOrDie(c.Admin)
	now := time.Now()
	for _, ns := range []string{"shop", "ops"} {
		if _, err := admin.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	expired, _ := testCertPEM(t, "expired.example.com", []string{"expired.example.com"}, now.Add(-400*24*time.Hour), now.Add(-24*time.Hour))
	expiring, _ := testCertPEM(t, "expiring.example.com", []string{"expiring.example.com"}, now.Add(-300*24*time.Hour), now.Add(10*24*time.Hour))
	good, goodCA := testCertPEM(t, "shop.example.com", []string{"shop.example.com"}, now.Add(-24*time.Hour), now.Add(200*24*time.Hour))
	opaque, opaqueCA := testCertPEM(t, "internal.ops.svc", []string{"internal.ops.svc"}, now.Add(-24*time.Hour), now.Add(300*24*time.Hour))
	secrets := []*corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "expired-tls"}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": expired, "tls.key": keyPEM}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "expiring-tls"}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": expiring, "tls.key": keyPEM}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "shop-tls"}, Type: corev1.SecretTypeTLS, Data: map[string][]byte{"tls.crt": good, "tls.key": keyPEM, "ca.crt": goodCA}},
		// tls.crt in a Secret of another type, as some tools store it.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "webhook-certs"}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"tls.crt": opaque, "tls.key": keyPEM, "ca.crt": opaqueCA}},
		// No certificate: ignored.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "db-password"}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"password": []byte("hunter2")}},
		// A Helm release: never read.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "sh.helm.release.v1.x.v1"}, Type: "helm.sh/release.v1", Data: map[string][]byte{"tls.crt": expired}},
		// A broken certificate: an error, the rest goes on.
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ops", Name: "broken-tls"}, Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"tls.crt": []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}},
	}
	for _, s := range secrets {
		if _, err := admin.CoreV1().Secrets(s.Namespace).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// The Ingress serves two names with shop-tls, which covers one.
	ing := &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "shop"},
		Spec: networkingv1.IngressSpec{
			TLS:            []networkingv1.IngressTLS{{Hosts: []string{"shop.example.com", "api.example.com"}, SecretName: "shop-tls"}},
			DefaultBackend: &networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{Name: "shop", Port: networkingv1.ServiceBackendPort{Number: 80}}},
		},
	}
	if _, err := admin.NetworkingV1().Ingresses("shop").Create(ctx, ing, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	certs, errs, err := ClusterCerts(ctx, admin, ClusterCertOptions{PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, ci := range certs {
		sources = append(sources, ci.Source)
	}
	slices.Sort(sources)
	want := []string{
		"secret ops/webhook-certs ca.crt", "secret ops/webhook-certs tls.crt",
		"secret shop/expired-tls tls.crt", "secret shop/expiring-tls tls.crt",
		"secret shop/shop-tls ca.crt", "secret shop/shop-tls tls.crt",
	}
	if !slices.Equal(sources, want) {
		t.Errorf("sources %v, want %v", sources, want)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "secret ops/broken-tls tls.crt") {
		t.Errorf("errors %v, want the broken certificate", errs)
	}
	got := map[string][]string{}
	for _, j := range JudgeCerts(&Facts{Certs: certs}, CertOptions{Now: now}) {
		got[j.Cert.Source] = append(got[j.Cert.Source], j.Rule.ID)
	}
	wantFindings := map[string][]string{
		"secret shop/expired-tls tls.crt":  {"PAL-CERT-001"},
		"secret shop/expiring-tls tls.crt": {"PAL-CERT-002"},
		"secret shop/shop-tls tls.crt":     {"PAL-CERT-007"},
	}
	for src, ids := range wantFindings {
		if !slices.Equal(got[src], ids) {
			t.Errorf("%s: %v, want %v", src, got[src], ids)
		}
	}
	if len(got) != len(wantFindings) {
		t.Errorf("findings %v", got)
	}
	for _, j := range JudgeCerts(&Facts{Certs: certs}, CertOptions{Now: now}) {
		if j.Rule.ID == "PAL-CERT-007" && !strings.Contains(j.Message, "does not cover api.example.com") {
			t.Errorf("SAN message %q", j.Message)
		}
	}

	// A user who may read Secrets in shop only: all namespaces is refused
	// with what to do; -n shop works, and the Ingress gap is an error.
	cfg, err := c.UserConfig("cert-reader")
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "read-secrets"}, Rules: []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}}}
	if _, err := admin.RbacV1().Roles("shop").Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "read-secrets"}, RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "read-secrets"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "cert-reader"}}}
	if _, err := admin.RbacV1().RoleBindings("shop").Create(ctx, rb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	reader := kubernetes.NewForConfigOrDie(cfg)
	if _, _, err := ClusterCerts(ctx, reader, ClusterCertOptions{}); err == nil || !strings.Contains(err.Error(), "forbidden") || !strings.Contains(err.Error(), "-n") {
		t.Errorf("all namespaces without rights: %v", err)
	}
	certs, errs, err = ClusterCerts(ctx, reader, ClusterCertOptions{Namespaces: []string{"shop"}})
	if err != nil || len(certs) != 4 {
		t.Fatalf("shop only: %d certs, %v", len(certs), err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "listing Ingresses") {
		t.Errorf("errors %v, want the Ingress gap", errs)
	}
}
