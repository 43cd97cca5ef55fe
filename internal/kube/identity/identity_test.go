package identity

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseFlagsFile(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
	}{
		{"sysconfig", "# comment\nKUBE_API_ARGS=\"--anonymous-auth=false --authorization-mode=Node,RBAC\"\nKUBE_ETCD=--etcd-servers=http://127.0.0.1:2379\n",
			map[string]string{"--anonymous-auth": "false", "--authorization-mode": "Node,RBAC", "--etcd-servers": "http://127.0.0.1:2379"}},
		{"one per line", "--token-auth-file=/etc/tokens.csv\n--client-ca-file /etc/ca.crt\n--profiling\n",
			map[string]string{"--token-auth-file": "/etc/tokens.csv", "--client-ca-file": "/etc/ca.crt", "--profiling": "true"}},
		{"k3s config", "write-kubeconfig-mode: \"0644\"\nkube-apiserver-arg:\n- anonymous-auth=false\n- \"authorization-mode=Node,RBAC\"\n",
			map[string]string{"--anonymous-auth": "false", "--authorization-mode": "Node,RBAC"}},
		{"yaml flags", "anonymous-auth: true\nauthorization-mode: [Node, RBAC]\n",
			map[string]string{"--anonymous-auth": "true", "--authorization-mode": "Node,RBAC"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFlagsFile([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			a := &APIServer{Flags: got}
			for k, v := range tt.want {
				if g, _ := a.Flag(k); g != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, g, v, got)
				}
			}
		})
	}
}

func rulesOf(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule.ID)
	}
	return out
}

func TestLoadAPIServerWithAuthenticationConfig(t *testing.T) {
	dir := t.TempDir()
	authn := filepath.Join(dir, "authn.yaml")
	os.WriteFile(authn, []byte(`apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer: {url: https://login.example.com, audiences: [kubernetes]}
  claimMappings:
    username: {claim: email, prefix: ""}
anonymous:
  enabled: true
  conditions:
  - path: /livez
  - path: /readyz
  - path: /healthz
`), 0o600)
	manifest := filepath.Join(dir, "kube-apiserver.yaml")
	os.WriteFile(manifest, []byte(`apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.37.2
    command:
    - kube-apiserver
    - --authentication-config=`+authn+`
    - --client-ca-file=/etc/kubernetes/pki/ca.crt
    - --authorization-mode=Node,RBAC
    - --service-account-issuer=https://kubernetes.default.svc
    - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
    - --service-account-extend-token-expiration=false
`), 0o600)
	a, err := LoadAPIServer(manifest, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Authn == nil || len(a.Authn.JWT) != 1 {
		t.Fatalf("authentication config not read: %+v %s", a.Authn, a.AuthnError)
	}
	if got := JudgeAPIServer(a); len(got) != 0 {
		t.Errorf("hardened API server: %v", got)
	}
	// Anonymous access beyond the health endpoints, and no JWT.
	os.WriteFile(authn, []byte("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\nanonymous:\n  enabled: true\n  conditions: [{path: /version}]\n"), 0o600)
	a, err = LoadAPIServer(manifest, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := rulesOf(JudgeAPIServer(a)); !slices.Equal(got, []string{"PAL-ID-001", "PAL-ID-004"}) {
		t.Errorf("rules = %v, want PAL-ID-001, PAL-ID-004", got)
	}
	if _, err := LoadAPIServer(filepath.Join(dir, "missing"), ""); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("missing file: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "etcd.yaml"), []byte("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: etcd\n    command: [etcd, --data-dir=/var/lib/etcd]\n"), 0o600)
	if _, err := LoadAPIServer(filepath.Join(dir, "etcd.yaml"), ""); err == nil || !strings.Contains(err.Error(), "does not run kube-apiserver") {
		t.Errorf("etcd manifest: %v", err)
	}
}

func TestJudgeAPIServerDefaults(t *testing.T) {
	a := FromArgs("test", []string{"/usr/local/bin/kube-apiserver", "--etcd-servers=https://127.0.0.1:2379"})
	got := rulesOf(JudgeAPIServer(a))
	want := []string{"PAL-ID-001", "PAL-ID-004", "PAL-ID-005", "PAL-ID-006", "PAL-ID-009", "PAL-ID-010"}
	if !slices.Equal(got, want) {
		t.Errorf("defaults: %v, want %v", got, want)
	}
	a = FromArgs("test", []string{"sh", "-c", "exec kube-apiserver --authorization-mode='RBAC' --anonymous-auth=false"})
	got = rulesOf(JudgeAPIServer(a))
	if !slices.Contains(got, "PAL-ID-007") || slices.Contains(got, "PAL-ID-001") || slices.Contains(got, "PAL-ID-008") {
		t.Errorf("sh -c wrapper: %v", got)
	}
}

func certPEM(t *testing.T, cn string, orgs []string, notBefore, notAfter time.Time) ([]byte, []byte) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn, Organization: orgs}, NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(key)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd})
}

func TestJudgeKubeconfig(t *testing.T) {
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	adminCert, adminKey := certPEM(t, "kubernetes-admin", []string{"system:masters"}, now.AddDate(-1, 0, 0), now.AddDate(9, 0, 0))
	shortCert, shortKey := certPEM(t, "alice", []string{"devs"}, now.Add(-time.Hour), now.Add(8*time.Hour))
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	kc := `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example.com:6443
    insecure-skip-tls-verify: true
- name: lab
  cluster:
    server: http://10.0.0.1:8080
users:
- name: admin
  user:
    client-certificate-data: ` + b64(adminCert) + `
    client-key-data: ` + b64(adminKey) + `
- name: alice
  user:
    client-certificate-data: ` + b64(shortCert) + `
    client-key-data: ` + b64(shortKey) + `
- name: ci
  user:
    token: eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2ln
- name: legacy
  user:
    username: admin
    password: hunter2
- name: sso
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubectl-oidc_login
      args: [get-token, --oidc-issuer-url=https://login.example.com]
- name: gcp
  user:
    auth-provider:
      name: oidc
      config: {client-secret: s3cret, refresh-token: r3fresh, idp-issuer-url: https://login.example.com}
contexts:
- name: prod
  context: {cluster: prod, user: admin}
current-context: prod
`
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	os.WriteFile(p, []byte(kc), 0o644)
	k, err := LoadKubeconfig(p)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, prob := range JudgeKubeconfig(k, now) {
		got[prob.Where] = append(got[prob.Where], prob.Rule.ID)
		if strings.Contains(prob.Message, "hunter2") || strings.Contains(prob.Message, "s3cret") || strings.Contains(prob.Message, "c2ln") {
			t.Errorf("message leaks a secret: %s", prob.Message)
		}
		if prob.Where != "" && prob.Line == 0 {
			t.Errorf("%s %s: no line", prob.Rule.ID, prob.Where)
		}
	}
	want := map[string][]string{
		"users/admin":   {"PAL-ID-022", "PAL-ID-023"},
		"users/ci":      {"PAL-ID-020"},
		"users/legacy":  {"PAL-ID-021"},
		"users/sso":     {"PAL-ID-025"},
		"users/gcp":     {"PAL-ID-026"},
		"clusters/prod": {"PAL-ID-024"},
		"clusters/lab":  {"PAL-ID-027"},
		"":              {"PAL-ID-028"},
	}
	for where, ids := range want {
		if !slices.Equal(got[where], ids) {
			t.Errorf("%s: %v, want %v", where, got[where], ids)
		}
	}
	if len(got["users/alice"]) != 0 {
		t.Errorf("short-lived certificate reported: %v", got["users/alice"])
	}
	if _, err := ParseKubeconfig("x", []byte("kind: Pod\nfoo: [")); err == nil {
		t.Error("garbage parsed as a kubeconfig")
	}
}

func TestLoadAPIServerWithAuthorizationConfig(t *testing.T) {
	dir := t.TempDir()
	authz := filepath.Join(dir, "authz.yaml")
	manifest := filepath.Join(dir, "flags")
	os.WriteFile(manifest, []byte("KUBE_API_ARGS=\"--authorization-config="+authz+" --authorization-mode=AlwaysAllow\"\n"), 0o600)
	tests := []struct {
		name, config string
		want         []string
		err          string
	}{
		{"node and rbac behind a webhook", `apiVersion: apiserver.config.k8s.io/v1
kind: AuthorizationConfiguration
authorizers:
- type: Webhook
  name: crd-guard
  webhook:
    failurePolicy: NoOpinion
    matchConditions: [{expression: has(request.resourceAttributes)}]
- {type: Node, name: node}
- {type: RBAC, name: rbac}
`, nil, ""},
		{"always allow last", "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: RBAC, name: rbac}\n- {type: AlwaysAllow, name: alwaysallow}\n",
			[]string{"PAL-ID-006", "PAL-ID-007"}, ""},
		// AlwaysDeny has no opinion: the AlwaysAllow after it decides.
		{"deny before allow", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: AlwaysDeny, name: alwaysdeny}\n- {type: AlwaysAllow, name: alwaysallow}\n",
			[]string{"PAL-ID-006", "PAL-ID-007", "PAL-ID-008"}, ""},
		{"empty chain", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\n", nil, "lists no authorizers"},
		{"wrong kind", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\n", nil, "not an AuthorizationConfiguration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(authz, []byte(tt.config), 0o600)
			a, err := LoadAPIServer(manifest, "")
			if err != nil {
				t.Fatal(err)
			}
			if tt.err != "" {
				if a.Authz != nil || !strings.Contains(a.AuthzError, tt.err) {
					t.Errorf("error %q, want %q", a.AuthzError, tt.err)
				}
				// An unreadable chain is reported by the caller, never
				// judged from the ignored --authorization-mode.
				if got := rulesOf(JudgeAPIServer(a)); slices.Contains(got, "PAL-ID-006") {
					t.Errorf("judged the --authorization-mode the API server ignores: %v", got)
				}
				return
			}
			if a.Authz == nil {
				t.Fatalf("not read: %s", a.AuthzError)
			}
			var got []string
			for _, r := range rulesOf(JudgeAPIServer(a)) {
				if r == "PAL-ID-006" || r == "PAL-ID-007" || r == "PAL-ID-008" {
					got = append(got, r)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("authorization rules %v, want %v", got, tt.want)
			}
		})
	}
}
