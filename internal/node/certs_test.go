package node

import (
	"strings"
	"testing"
	"time"

	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

func TestJudgeCerts(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	leaf := func(mod func(*CertInfo)) CertInfo {
		c := CertInfo{Source: "/pki/x.crt", Subject: "CN=x", Fingerprint: "fp", NotBefore: now.Add(-day), NotAfter: now.Add(300 * day), KeyAlgorithm: "ECDSA", KeyBits: 256, SignatureAlgo: "ECDSA-SHA256", AuthorityKeyID: "ca"}
		mod(&c)
		return c
	}
	for _, tt := range []struct {
		name  string
		certs []CertInfo
		comps map[string]*Component
		want  []string
	}{
		{"healthy", []CertInfo{leaf(func(*CertInfo) {})}, nil, nil},
		{"expired", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now.Add(-2 * day) })}, nil, []string{"PAL-CERT-001"}},
		{"expires exactly now", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now })}, nil, []string{"PAL-CERT-001"}},
		{"within fail", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now.Add(29 * day) })}, nil, []string{"PAL-CERT-002"}},
		{"within warn", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now.Add(60 * day) })}, nil, []string{"PAL-CERT-003"}},
		{"rsa 1024", []CertInfo{leaf(func(c *CertInfo) { c.KeyAlgorithm, c.KeyBits = "RSA", 1024 })}, nil, []string{"PAL-CERT-004"}},
		{"rsa 2048", []CertInfo{leaf(func(c *CertInfo) { c.KeyAlgorithm, c.KeyBits = "RSA", 2048 })}, nil, nil},
		{"sha1", []CertInfo{leaf(func(c *CertInfo) { c.SignatureAlgo = "SHA1-RSA" })}, nil, []string{"PAL-CERT-005"}},
		{"issuer not a CA", []CertInfo{
			leaf(func(c *CertInfo) { c.Fingerprint, c.SubjectKeyID, c.AuthorityKeyID, c.SelfSigned = "a", "ca", "", true }),
			leaf(func(c *CertInfo) { c.Fingerprint = "b" }),
		}, nil, []string{"PAL-CERT-006"}},
		{"CA without certSign", []CertInfo{leaf(func(c *CertInfo) { c.IsCA, c.SelfSigned = true, true })}, nil, []string{"PAL-CERT-006"}},
		{"long-lived leaf", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now.Add(1000 * day) })}, nil, []string{"PAL-CERT-009"}},
		{"duplicate judged once", []CertInfo{leaf(func(c *CertInfo) { c.NotAfter = now.Add(-day) }), leaf(func(c *CertInfo) { c.NotAfter = now.Add(-day); c.Source = "kubeconfig" })}, nil, []string{"PAL-CERT-001"}},
		{"apiserver SANs", []CertInfo{leaf(func(c *CertInfo) {
			c.Role, c.DNSNames, c.IPs = "apiserver-serving", []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc"}, []string{"10.96.0.1"}
		})}, map[string]*Component{"apiserver": {Name: "apiserver", Flags: map[string][]string{"--service-cluster-ip-range": {"10.96.0.0/12"}, "--advertise-address": {"192.168.1.5"}}}}, []string{"PAL-CERT-007"}},
		{"etcd SANs by wildcard", []CertInfo{leaf(func(c *CertInfo) { c.Role, c.DNSNames = "etcd-serving", []string{"*.etcd.local"} })},
			map[string]*Component{"etcd": {Name: "etcd", Flags: map[string][]string{"--advertise-client-urls": {"https://a.etcd.local:2379"}}}}, nil},
		{"self-signed kubelet without bootstrap", []CertInfo{leaf(func(c *CertInfo) { c.Role, c.SelfSigned, c.DNSNames = "kubelet-serving", true, []string{"x"} })},
			map[string]*Component{"kubelet": {Name: "kubelet", Flags: map[string][]string{}}}, []string{"PAL-CERT-008"}},
		{"self-signed kubelet with bootstrap flag", []CertInfo{leaf(func(c *CertInfo) { c.Role, c.SelfSigned, c.DNSNames = "kubelet-serving", true, []string{"x"} })},
			map[string]*Component{"kubelet": {Name: "kubelet", Flags: map[string][]string{}, Config: &Doc{Exists: true, Data: map[string]any{"serverTLSBootstrap": true}}}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &Facts{Certs: tt.certs, Components: tt.comps, Hostname: "x"}
			var got []string
			for _, x := range JudgeCerts(f, CertOptions{Now: now}) {
				got = append(got, x.Rule.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFirstServiceIP(t *testing.T) {
	for in, want := range map[string]string{"10.96.0.0/12": "10.96.0.1", "fd00::/108,10.0.0.0/16": "fd00::1", "bogus": ""} {
		if got := firstServiceIP(in); got != want {
			t.Errorf("%s: %q want %q", in, got, want)
		}
	}
}

func TestKubeconfigCerts(t *testing.T) {
	root := buildFixture(t, nodetest.ControlPlane, nodetest.Compliant)
	fs := RootFS{Dir: root}
	data, err := fs.ReadFile("/etc/kubernetes/admin.conf")
	if err != nil {
		t.Fatal(err)
	}
	certs, errs := KubeconfigCerts("/etc/kubernetes/admin.conf", data, fs.ReadFile)
	if len(errs) != 0 || len(certs) != 2 {
		t.Fatalf("certs %d errs %v", len(certs), errs)
	}
	if !strings.Contains(certs[1].Source, "user kubernetes-admin") || certs[1].Subject != "CN=kubernetes-admin,O=kubeadm:cluster-admins" || !certs[0].IsCA {
		t.Errorf("got %+v", certs)
	}
	if _, errs := KubeconfigCerts("k", []byte("clusters: [{cluster: {certificate-authority-data: '!!!'}}]\n"), nil); len(errs) != 1 {
		t.Errorf("bad base64: %v", errs)
	}
	if _, errs := KubeconfigCerts("k", []byte("clusters: [{cluster: {certificate-authority: ca.crt}}]\n"), func(string) ([]byte, error) { return nil, errTooLarge }); len(errs) != 1 || !strings.Contains(errs[0], "/ca.crt") && !strings.Contains(errs[0], "ca.crt") {
		t.Errorf("unreadable reference: %v", errs)
	}
}

func FuzzParseCertificates(f *testing.F) {
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"))
	f.Add([]byte("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: TUlJQg==\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseCertificates("fuzz", data)
		KubeconfigCerts("fuzz", data, func(string) ([]byte, error) { return data, nil })
	})
}
