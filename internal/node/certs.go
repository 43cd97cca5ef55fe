package node

import (
	"bytes"
	"cmp"
	"crypto/dsa" //nolint:staticcheck // only to recognise DSA keys, never to use them
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// CertInfo is what palisade keeps of one certificate: never key material.
type CertInfo struct {
	// Source is the file, or "kubeconfig FILE (user NAME)".
	Source  string `json:"source"`
	Subject string `json:"subject"`
	Issuer  string `json:"issuer"`
	// Fingerprint is the SHA-256 of the DER, to spot one certificate
	// found in several places.
	Fingerprint   string    `json:"fingerprint"`
	SelfSigned    bool      `json:"selfSigned"`
	IsCA          bool      `json:"isCA"`
	CanSign       bool      `json:"canSign"`
	NotBefore     time.Time `json:"notBefore"`
	NotAfter      time.Time `json:"notAfter"`
	KeyAlgorithm  string    `json:"keyAlgorithm"`
	KeyBits       int       `json:"keyBits"`
	SignatureAlgo string    `json:"signatureAlgorithm"`
	DNSNames      []string  `json:"dnsNames,omitempty"`
	IPs           []string  `json:"ips,omitempty"`
	Server        bool      `json:"server"`
	Client        bool      `json:"client"`
	// Role names what the certificate is for, when palisade knows.
	Role string `json:"role,omitempty"`
	// Want are names the certificate must cover beyond those its role
	// implies: the hosts of the Ingresses serving a TLS Secret.
	Want []string `json:"want,omitempty"`
	// authorityKeyID and subjectKeyID link leaves to their CA.
	AuthorityKeyID string `json:"authorityKeyId,omitempty"`
	SubjectKeyID   string `json:"subjectKeyId,omitempty"`
}

// certDirs are the PKI directories scanned on a node.
var certDirs = []string{
	"/etc/kubernetes/pki",
	"/var/lib/kubelet/pki",
	"/var/lib/rancher/rke2/server/tls",
	"/var/lib/rancher/rke2/agent",
	"/var/lib/rancher/k3s/server/tls",
	"/var/lib/rancher/k3s/agent",
	"/var/snap/microk8s/current/certs",
	"/etc/kubernetes/ssl",
	"/etc/etcd/pki",
	"/etc/docker/certs.d",
}

// kubeconfigFiles are the kubeconfigs scanned on a node, besides those
// the components name.
var kubeconfigFiles = []string{
	"/etc/kubernetes/admin.conf",
	"/etc/kubernetes/super-admin.conf",
	"/etc/kubernetes/controller-manager.conf",
	"/etc/kubernetes/scheduler.conf",
	"/etc/kubernetes/kubelet.conf",
	"/etc/kubernetes/bootstrap-kubelet.conf",
	"/var/lib/kubelet/kubeconfig",
	"/etc/rancher/k3s/k3s.yaml",
	"/etc/rancher/rke2/rke2.yaml",
}

// certExtensions are the file names read as possible certificates.
var certExtensions = []string{".crt", ".pem", ".cert", ".cer"}

// maxCertFiles bounds one scan.
const maxCertFiles = 5000

// ParseCertificates reads every CERTIFICATE block of PEM data, skipping
// private keys and anything else. It never fails as a whole: blocks that
// do not parse are returned as errors.
func ParseCertificates(source string, data []byte) ([]CertInfo, []string) {
	var out []CertInfo
	var errs []string
	rest := data
	for len(rest) > 0 {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: a CERTIFICATE block does not parse: %v", source, err))
			continue
		}
		out = append(out, certInfo(source, c))
	}
	return out, errs
}

func certInfo(source string, c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	ci := CertInfo{
		Source:         source,
		Subject:        c.Subject.String(),
		Issuer:         c.Issuer.String(),
		Fingerprint:    hex.EncodeToString(sum[:]),
		IsCA:           c.BasicConstraintsValid && c.IsCA,
		CanSign:        c.KeyUsage&x509.KeyUsageCertSign != 0,
		NotBefore:      c.NotBefore.UTC(),
		NotAfter:       c.NotAfter.UTC(),
		SignatureAlgo:  c.SignatureAlgorithm.String(),
		DNSNames:       c.DNSNames,
		AuthorityKeyID: hex.EncodeToString(c.AuthorityKeyId),
		SubjectKeyID:   hex.EncodeToString(c.SubjectKeyId),
	}
	ci.SelfSigned = bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
	for _, ip := range c.IPAddresses {
		ci.IPs = append(ci.IPs, ip.String())
	}
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageServerAuth:
			ci.Server = true
		case x509.ExtKeyUsageClientAuth:
			ci.Client = true
		case x509.ExtKeyUsageAny:
			ci.Server, ci.Client = true, true
		}
	}
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		ci.KeyAlgorithm, ci.KeyBits = "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		ci.KeyAlgorithm, ci.KeyBits = "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		ci.KeyAlgorithm, ci.KeyBits = "Ed25519", 256
	case *dsa.PublicKey:
		ci.KeyAlgorithm, ci.KeyBits = "DSA", k.P.BitLen()
	default:
		ci.KeyAlgorithm = c.PublicKeyAlgorithm.String()
	}
	return ci
}

// kubeconfigDoc is the part of a kubeconfig palisade reads.
type kubeconfigDoc struct {
	Clusters []struct {
		Name    string `yaml:"name"`
		Cluster struct {
			CAData string `yaml:"certificate-authority-data"`
			CA     string `yaml:"certificate-authority"`
			Server string `yaml:"server"`
		} `yaml:"cluster"`
	} `yaml:"clusters"`
	Users []struct {
		Name string `yaml:"name"`
		User struct {
			CertData string `yaml:"client-certificate-data"`
			Cert     string `yaml:"client-certificate"`
		} `yaml:"user"`
	} `yaml:"users"`
}

// KubeconfigCerts reads the certificates embedded in or named by a
// kubeconfig: cluster CAs and user client certificates. Keys are ignored.
// read loads a named file (relative to the kubeconfig's directory).
func KubeconfigCerts(file string, data []byte, read func(string) ([]byte, error)) ([]CertInfo, []string) {
	var kc kubeconfigDoc
	if err := yaml.Unmarshal(data, &kc); err != nil {
		return nil, []string{fmt.Sprintf("%s: not a kubeconfig: %s", file, cleanErr(err))}
	}
	var out []CertInfo
	var errs []string
	add := func(source, b64, ref string) {
		var pemData []byte
		switch {
		case b64 != "":
			d, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: invalid base64: %v", source, err))
				return
			}
			pemData = d
		case ref != "" && read != nil:
			if !path.IsAbs(ref) {
				ref = path.Join(path.Dir(file), ref)
			}
			d, err := read(ref)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %s cannot be read: %v", source, ref, err))
				return
			}
			pemData, source = d, source+" → "+ref
		default:
			return
		}
		certs, e := ParseCertificates(source, pemData)
		out = append(out, certs...)
		errs = append(errs, e...)
	}
	for _, c := range kc.Clusters {
		add(fmt.Sprintf("kubeconfig %s (cluster %s CA)", file, c.Name), c.Cluster.CAData, c.Cluster.CA)
	}
	for _, u := range kc.Users {
		add(fmt.Sprintf("kubeconfig %s (user %s)", file, u.Name), u.User.CertData, u.User.Cert)
	}
	return out, errs
}

// collectCerts reads the certificates under the PKI directories and in
// the kubeconfigs of the node, or under the given paths.
func (c *collector) collectCerts(paths []string) {
	seenFiles := map[string]bool{}
	files := 0
	readFile := func(p string) {
		if seenFiles[p] || files >= maxCertFiles {
			return
		}
		seenFiles[p] = true
		files++
		data, err := c.fs.ReadFile(p)
		if err != nil {
			c.errorf("certificate %s: %v", p, err)
			return
		}
		if looksLikeKubeconfig(data) {
			read := c.fs.ReadFile
			if m := procRootPrefix(p); m != "" {
				// A kubeconfig inside a container names container paths.
				read = func(ref string) ([]byte, error) {
					if strings.HasPrefix(ref, m) {
						return c.fs.ReadFile(ref)
					}
					return c.fs.ReadFile(m + ref)
				}
			}
			certs, errs := KubeconfigCerts(p, data, read)
			c.f.Certs = append(c.f.Certs, certs...)
			c.f.Errors = append(c.f.Errors, errs...)
			return
		}
		certs, errs := ParseCertificates(p, data)
		c.f.Certs = append(c.f.Certs, certs...)
		c.f.Errors = append(c.f.Errors, errs...)
	}
	walk := func(dir string, explicit bool) {
		fi := c.stat(dir)
		if !fi.Exists {
			if explicit {
				c.errorf("%s: not found", dir)
			}
			return
		}
		if !fi.Dir {
			readFile(dir)
			return
		}
		_ = c.fs.Walk(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			name := d.Name()
			if slices.Contains(certExtensions, path.Ext(name)) || explicit && (path.Ext(name) == ".conf" || path.Ext(name) == ".kubeconfig") {
				readFile(p)
			}
			return nil
		})
	}
	if len(paths) > 0 {
		for _, p := range paths {
			walk(p, true)
		}
	} else {
		for _, d := range certDirs {
			walk(d, false)
		}
		kcs := slices.Clone(kubeconfigFiles)
		for _, v := range []string{"kubelet.kubeconfig", "proxy.kubeconfig", "scheduler.kubeconfig", "controller-manager.kubeconfig"} {
			kcs = append(kcs, c.f.candidatePaths(v)...)
		}
		for _, p := range kcs {
			if c.stat(p).Exists {
				readFile(p)
			}
		}
	}
	c.labelCerts()
}

func looksLikeKubeconfig(data []byte) bool {
	return bytes.Contains(data, []byte("clusters:")) && (bytes.Contains(data, []byte("apiVersion:")) || bytes.Contains(data, []byte("kind: Config")))
}

// labelCerts names the certificates the components use by their flags.
func (c *collector) labelCerts() {
	roles := map[string]string{}
	flag := func(comp, fl, role string) {
		if k := c.f.Components[comp]; k != nil {
			if v, ok := k.Flag(fl); ok {
				roles[v] = role
			}
		}
	}
	flag("apiserver", "--tls-cert-file", "apiserver-serving")
	flag("apiserver", "--kubelet-client-certificate", "apiserver-kubelet-client")
	flag("apiserver", "--etcd-certfile", "apiserver-etcd-client")
	flag("apiserver", "--proxy-client-cert-file", "front-proxy-client")
	flag("apiserver", "--client-ca-file", "cluster-ca")
	flag("etcd", "--cert-file", "etcd-serving")
	flag("etcd", "--peer-cert-file", "etcd-peer")
	flag("etcd", "--trusted-ca-file", "etcd-ca")
	flag("kubelet", "--tls-cert-file", "kubelet-serving")
	if k := c.f.Components["kubelet"]; k != nil && k.Config != nil && k.Config.Data != nil {
		if v, ok := lookupKey(k.Config.Data, "tlsCertFile"); ok {
			roles[stringify(v)] = "kubelet-serving"
		}
	}
	for i := range c.f.Certs {
		ci := &c.f.Certs[i]
		if r, ok := roles[ci.Source]; ok {
			ci.Role = r
			continue
		}
		switch base := path.Base(ci.Source); {
		case base == "kubelet.crt" || base == "kubelet-server-current.pem" || strings.HasPrefix(base, "kubelet-server-"):
			ci.Role = "kubelet-serving"
		case base == "kubelet-client-current.pem":
			ci.Role = "kubelet-client"
		}
	}
}

// CertOptions set the expiry thresholds.
type CertOptions struct {
	Now time.Time
	// WarnDays and FailDays: a certificate expiring within FailDays is a
	// failure (high), within WarnDays a warning. Defaults 90 and 30.
	WarnDays, FailDays int
}

func (o CertOptions) withDefaults() CertOptions {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.WarnDays == 0 {
		o.WarnDays = 90
	}
	if o.FailDays == 0 {
		o.FailDays = 30
	}
	return o
}

// DaysLeft is the number of whole days until the certificate expires
// (negative once expired).
func (ci *CertInfo) DaysLeft(now time.Time) int {
	d := ci.NotAfter.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

func certRule(id, title string, sev finding.Severity, doc, remediation string) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.Certificates, Severity: sev, Family: "certificates", Title: title, Doc: doc, Remediation: remediation}
}

// The certificate rules.
var (
	CertExpired = certRule("PAL-CERT-001", "Certificates are not expired", finding.Critical,
		"An expired certificate breaks whatever uses it: clients reject the API server, etcd or kubelet it identifies, or the component cannot authenticate.",
		"Renew it (kubeadm certs renew all for kubeadm clusters; restart the static pods afterwards) and set up automatic rotation.")
	CertExpiring = certRule("PAL-CERT-002", "No certificate expires within the failure threshold", finding.High,
		"The certificate expires within the failure threshold (default 30 days). kubeadm renews certificates only on upgrade; a cluster not upgraded within a year stops.",
		"Renew it now (kubeadm certs renew) and schedule renewal, or upgrade the control plane, which renews them.")
	CertExpiringSoon = certRule("PAL-CERT-003", "No certificate expires within the warning threshold", finding.Low,
		"The certificate expires within the warning threshold (default 90 days).",
		"Plan its renewal.")
	CertWeakKey = certRule("PAL-CERT-004", "Certificate keys are strong enough", finding.High,
		"RSA keys under 2048 bits, ECDSA keys under 256 bits and DSA keys can be broken or are deprecated; a forged key impersonates the component.",
		"Reissue the certificate with an RSA 2048+ or ECDSA P-256+ key (kubeadm: encryptionAlgorithm in ClusterConfiguration).")
	CertWeakSignature = certRule("PAL-CERT-005", "Certificates are not signed with a broken hash", finding.High,
		"SHA-1 and MD5 signatures can be forged by collision; Go clients (every Kubernetes component) reject them.",
		"Reissue the certificate with a SHA-256 or stronger signature.")
	CertCAConstraints = certRule("PAL-CERT-006", "CA and leaf constraints are set right", finding.Medium,
		"A CA certificate must say it is a CA (basic constraints) and be allowed to sign certificates (key usage); a leaf certificate that is also a CA can mint identities for the whole cluster.",
		"Reissue the CA with basicConstraints CA:TRUE and keyUsage keyCertSign, and leaves with CA:FALSE.")
	CertSANs = certRule("PAL-CERT-007", "Serving certificates cover the names in use", finding.Medium,
		"Clients verify that the serving certificate names the address they connect to; a missing name makes them fail, or pushes people to turn verification off.",
		"Reissue the serving certificate with every name and address clients use (kubeadm: apiServer.certSANs, then kubeadm init phase certs apiserver).")
	CertKubeletSelfSigned = certRule("PAL-CERT-008", "Kubelet does not serve a self-signed, never-rotated certificate", finding.Medium,
		"Without serverTLSBootstrap the kubelet makes itself a self-signed serving certificate once and never renews it; the API server cannot verify it, so exec and logs traffic can be intercepted.",
		"Set serverTLSBootstrap: true (and rotateCertificates: true) in the kubelet configuration and approve the kubelet-serving CSRs (or run an approver).")
	CertLongLived = certRule("PAL-CERT-009", "Leaf certificates are valid for two years at most", finding.Low,
		"A long-lived leaf certificate stays usable long after it leaks; Kubernetes issues one-year leaves.",
		"Reissue it with a shorter lifetime and rotate it automatically.")
)

func init() {
	extraRules = append(extraRules, CertExpired, CertExpiring, CertExpiringSoon, CertWeakKey, CertWeakSignature, CertCAConstraints, CertSANs, CertKubeletSelfSigned, CertLongLived)
}

// CertFinding is one problem with one certificate.
type CertFinding struct {
	Rule    *finding.Rule
	Cert    *CertInfo
	Message string
}

// JudgeCerts judges certificates (pure): expiry against the thresholds,
// key strength, signature hash, CA constraints, SANs against the names
// the components use, and the kubelet's serving certificate. Each
// certificate is judged once, at its first source.
func JudgeCerts(f *Facts, o CertOptions) []CertFinding {
	o = o.withDefaults()
	var out []CertFinding
	add := func(r *finding.Rule, ci *CertInfo, format string, a ...any) {
		out = append(out, CertFinding{Rule: r, Cert: ci, Message: fmt.Sprintf(format, a...)})
	}
	issuers := map[string]bool{}
	for _, ci := range f.Certs {
		if !ci.SelfSigned && ci.AuthorityKeyID != "" {
			issuers[ci.AuthorityKeyID] = true
		}
	}
	seen := map[string]bool{}
	for i := range f.Certs {
		ci := &f.Certs[i]
		if seen[ci.Fingerprint] {
			continue
		}
		seen[ci.Fingerprint] = true
		days := ci.DaysLeft(o.Now)
		switch {
		case days < 0 || !o.Now.Before(ci.NotAfter):
			add(CertExpired, ci, "%s expired on %s (%d days ago)", ci.Subject, ci.NotAfter.Format(time.DateOnly), -days)
		case days < o.FailDays:
			add(CertExpiring, ci, "%s expires on %s, in %d days (threshold %d)", ci.Subject, ci.NotAfter.Format(time.DateOnly), days, o.FailDays)
		case days < o.WarnDays:
			add(CertExpiringSoon, ci, "%s expires on %s, in %d days (threshold %d)", ci.Subject, ci.NotAfter.Format(time.DateOnly), days, o.WarnDays)
		}
		if weak := weakKey(ci); weak != "" {
			add(CertWeakKey, ci, "%s has a %s", ci.Subject, weak)
		}
		if s := strings.ToUpper(ci.SignatureAlgo); (strings.Contains(s, "SHA1") || strings.Contains(s, "MD5") || strings.Contains(s, "MD2")) && !ci.SelfSigned {
			add(CertWeakSignature, ci, "%s is signed with %s", ci.Subject, ci.SignatureAlgo)
		}
		signsOthers := ci.SubjectKeyID != "" && issuers[ci.SubjectKeyID]
		switch {
		case signsOthers && !ci.IsCA:
			add(CertCAConstraints, ci, "%s signs other certificates but is not marked as a CA", ci.Subject)
		case ci.IsCA && !ci.CanSign:
			add(CertCAConstraints, ci, "%s is a CA without the keyCertSign key usage", ci.Subject)
		case ci.IsCA && (ci.Server || ci.Client) && !ci.SelfSigned:
			add(CertCAConstraints, ci, "%s is a %s certificate that is also a CA", ci.Subject, usage(ci))
		}
		if !ci.IsCA && ci.NotAfter.Sub(ci.NotBefore) > 825*24*time.Hour {
			add(CertLongLived, ci, "%s is valid for %d days (%s to %s)", ci.Subject, int(ci.NotAfter.Sub(ci.NotBefore).Hours()/24), ci.NotBefore.Format(time.DateOnly), ci.NotAfter.Format(time.DateOnly))
		}
		if missing := f.missingSANs(ci); len(missing) > 0 {
			add(CertSANs, ci, "%s (%s) does not cover %s", ci.Subject, ci.Role, strings.Join(missing, ", "))
		}
		if ci.Role == "kubelet-serving" && ci.SelfSigned && !f.kubeletServerBootstrap() {
			add(CertKubeletSelfSigned, ci, "%s is self-signed and serverTLSBootstrap is off, so it is never rotated", ci.Subject)
		}
	}
	return out
}

func usage(ci *CertInfo) string {
	switch {
	case ci.Server && ci.Client:
		return "server and client"
	case ci.Server:
		return "server"
	}
	return "client"
}

func weakKey(ci *CertInfo) string {
	switch ci.KeyAlgorithm {
	case "RSA":
		if ci.KeyBits < 2048 {
			return fmt.Sprintf("%d-bit RSA key", ci.KeyBits)
		}
	case "ECDSA":
		if ci.KeyBits < 256 {
			return fmt.Sprintf("%d-bit ECDSA key", ci.KeyBits)
		}
	case "DSA":
		return "DSA key"
	}
	return ""
}

func (f *Facts) kubeletServerBootstrap() bool {
	k := f.Components["kubelet"]
	if k == nil {
		return false
	}
	v, _, ok := f.settingValue(k, "", "serverTLSBootstrap", "", nil)
	return ok && equalValues(v, "true")
}

// missingSANs lists the names a serving certificate must cover and does
// not: for the API server its service names, the first service IP, the
// advertise address and the node name; for etcd the hosts of its client
// URLs; for the kubelet the node name; for a TLS Secret the hosts of the
// Ingresses that serve it.
func (f *Facts) missingSANs(ci *CertInfo) []string {
	var want []string
	switch ci.Role {
	case "apiserver-serving":
		api := f.Components["apiserver"]
		want = []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc"}
		if api != nil {
			if r, ok := api.Flag("--service-cluster-ip-range"); ok {
				if ip := firstServiceIP(r); ip != "" {
					want = append(want, ip)
				}
			}
			if a, ok := api.Flag("--advertise-address"); ok {
				want = append(want, a)
			}
		}
	case "etcd-serving":
		if e := f.Components["etcd"]; e != nil {
			v, _ := e.Flag("--advertise-client-urls")
			for _, u := range splitList(v) {
				if pu, err := url.Parse(u); err == nil && pu.Hostname() != "" {
					want = append(want, pu.Hostname())
				}
			}
		}
	case "kubelet-serving":
		if f.Hostname != "" {
			want = append(want, f.Hostname)
		}
	case "ingress-serving":
		want = ci.Want
	default:
		return nil
	}
	var missing []string
	for _, w := range want {
		if !coversName(ci, w) && !slices.Contains(missing, w) {
			missing = append(missing, w)
		}
	}
	return missing
}

// firstServiceIP is the first address of the service range: the
// kubernetes Service's ClusterIP.
func firstServiceIP(cidrs string) string {
	first := strings.Split(cidrs, ",")[0]
	_, n, err := net.ParseCIDR(strings.TrimSpace(first))
	if err != nil {
		return ""
	}
	ip := slices.Clone(n.IP)
	ip[len(ip)-1]++
	return ip.String()
}

func coversName(ci *CertInfo, name string) bool {
	if ip := net.ParseIP(name); ip != nil {
		for _, s := range ci.IPs {
			if net.ParseIP(s).Equal(ip) {
				return true
			}
		}
		return false
	}
	for _, d := range ci.DNSNames {
		if strings.EqualFold(d, name) {
			return true
		}
		if strings.HasPrefix(d, "*.") {
			if i := strings.IndexByte(name, '.'); i > 0 && strings.EqualFold(d[2:], name[i+1:]) {
				return true
			}
		}
	}
	return false
}

// SortCerts orders certificates by expiry, soonest first.
func SortCerts(cs []CertInfo) {
	slices.SortStableFunc(cs, func(a, b CertInfo) int {
		return cmp.Or(a.NotAfter.Compare(b.NotAfter), cmp.Compare(a.Source, b.Source))
	})
}

// certResults turns certificate findings into check results for the node
// audit: one result per certificate rule.
func (f *Facts) certResults(o CertOptions) []CheckResult {
	fs := JudgeCerts(f, o)
	rules := []*finding.Rule{CertExpired, CertExpiring, CertExpiringSoon, CertWeakKey, CertWeakSignature, CertCAConstraints, CertSANs, CertKubeletSelfSigned, CertLongLived}
	var out []CheckResult
	for _, r := range rules {
		cr := CheckResult{ID: r.ID, Benchmark: "palisade", Section: "certificates", Title: r.Title, Control: r.Control, Severity: r.Severity, Status: Pass}
		if len(f.Certs) == 0 {
			cr.Status, cr.Reason = NotApplicable, "no certificates found on the node"
		} else {
			cr.Evidence = []string{fmt.Sprintf("%d certificates judged", len(uniqueCerts(f.Certs)))}
		}
		for _, x := range fs {
			if x.Rule != r {
				continue
			}
			cr.Status = Fail
			if r == CertExpiringSoon {
				cr.Status = Warn
			}
			cr.Evidence = append(cr.Evidence, x.Cert.Source+": "+x.Message)
			if cr.Reason == "" {
				cr.Reason = x.Cert.Source + ": " + x.Message
			} else {
				cr.Reason += "; " + x.Cert.Source + ": " + x.Message
			}
		}
		out = append(out, cr)
	}
	return out
}

func uniqueCerts(cs []CertInfo) map[string]bool {
	m := map[string]bool{}
	for _, c := range cs {
		m[c.Fingerprint] = true
	}
	return m
}

// procRootPrefix returns "/proc/<pid>/root" when p is inside a process's
// root, else "".
func procRootPrefix(p string) string {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return ""
	}
	pid, tail, ok := strings.Cut(rest, "/")
	if !ok || !strings.HasPrefix(tail, "root/") || strings.Trim(pid, "0123456789") != "" {
		return ""
	}
	return "/proc/" + pid + "/root"
}
