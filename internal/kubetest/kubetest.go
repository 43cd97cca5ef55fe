// Package kubetest starts a real Kubernetes control plane for tests: an
// etcd and a kube-apiserver (built from k8s.io/kubernetes by
// .ci/setup-kube.sh) on loopback, with client-certificate
// authentication and RBAC authorization, and hands out rest.Configs for
// an administrator and for users with only the rights a test grants.
//
// There is no controller manager or scheduler: Deployments create no
// Pods, and namespaces get no default ServiceAccount (the ServiceAccount
// admission plugin is off, so Pods can still be created directly). A
// test that needs them, or a kubelet, starts them itself (Binary finds
// them). The API server reaches kubelets by their host name (then
// InternalIP) with a client certificate in system:masters, and checks
// their serving certificates against the cluster's CA (ServingCert).
package kubetest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// SetupCommand builds the binaries the harness needs.
const SetupCommand = "bash .ci/setup-kube.sh"

// DefaultBinDir is where .ci/setup-kube.sh puts kube-apiserver and etcd;
// PALISADE_TEST_BIN overrides it.
const DefaultBinDir = "/var/cache/palisade-test/bin"

func binDir() string {
	if dir := os.Getenv("PALISADE_TEST_BIN"); dir != "" {
		return dir
	}
	return DefaultBinDir
}

// Binary returns the path of another component .ci/setup-kube.sh builds
// from the same Kubernetes release (kubelet, kube-controller-manager,
// kube-scheduler), or an error that says how to build it.
func Binary(name string) (string, error) {
	p := filepath.Join(binDir(), name)
	if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s is not installed (missing %s): run `%s` from the repository root (it builds the Kubernetes v1.37.2 components; several minutes the first time)", name, p, SetupCommand)
	}
	return p, nil
}

// Binaries returns the paths of kube-apiserver and etcd, or an error that
// says how to build them.
func Binaries() (apiserver, etcd string, err error) {
	dir := binDir()
	apiserver = filepath.Join(dir, "kube-apiserver")
	etcd = filepath.Join(dir, "etcd")
	var missing []string
	for _, p := range []string{apiserver, etcd} {
		if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return "", "", fmt.Errorf("the Kubernetes test control plane is not installed (missing %v): run `%s` from the repository root (it builds kube-apiserver v1.37.2 and etcd v3.7.3, about 8 minutes the first time)", missing, SetupCommand)
	}
	return apiserver, etcd, nil
}

// Cluster is a running etcd and kube-apiserver.
type Cluster struct {
	// Admin is a client config for a member of system:masters.
	Admin *rest.Config
	// URL is the API server's https URL on loopback.
	URL string
	// Dir holds certificates, data and logs.
	Dir string

	caCert  *x509.Certificate
	caKey   *ecdsa.PrivateKey
	caPEM   []byte
	procs   []*proc
	logs    []string
	stopped sync.Once
}

// Start starts a cluster for one test and stops it when the test ends.
// Without the binaries it fails the test with the command that builds
// them; it skips only in -short mode. Extra kube-apiserver flags
// ("--name=value") replace the defaults of the same name.
func Start(t testing.TB, apiserverFlags ...string) *Cluster {
	t.Helper()
	if _, _, err := Binaries(); err != nil {
		if testing.Short() {
			t.Skip("-short: " + err.Error())
		}
		t.Fatal(err)
	}
	c, err := New(t.TempDir(), apiserverFlags...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	return c
}

// New starts etcd and kube-apiserver with their state in dir and waits
// until the API server is ready, with extra kube-apiserver flags as for
// Start. Call Stop when done.
func New(dir string, apiserverFlags ...string) (*Cluster, error) {
	apiserver, etcdBin, err := Binaries()
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir}
	ok := false
	defer func() {
		if !ok {
			c.Stop()
		}
	}()
	if err := c.writeCerts(); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
	peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
	if err := c.run(etcdBin, "etcd",
		"--name=palisade-test",
		"--data-dir="+filepath.Join(dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=palisade-test="+peerURL,
		"--unsafe-no-fsync", "--log-level=warn",
	); err != nil {
		return nil, err
	}
	c.URL = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	if err := c.run(apiserver, "kube-apiserver", withFlags([]string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(ports[2]),
		"--tls-cert-file=" + c.path("serving.crt"), "--tls-private-key-file=" + c.path("serving.key"),
		"--client-ca-file=" + c.path("ca.crt"),
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + c.path("sa.pub"),
		"--service-account-signing-key-file=" + c.path("sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--allow-privileged=true",
		// Logs, exec and proxy go to the kubelet a test may start.
		"--kubelet-client-certificate=" + c.path("kubelet-client.crt"),
		"--kubelet-client-key=" + c.path("kubelet-client.key"),
		"--kubelet-certificate-authority=" + c.path("ca.crt"),
		// A kubelet refuses a loopback node IP, so a test's kubelet,
		// which serves on loopback only, is reached by its name.
		"--kubelet-preferred-address-types=Hostname,InternalIP",
		// The advertise address is loopback, which the endpoint
		// reconciler refuses; nothing needs the kubernetes Service here.
		"--endpoint-reconciler-type=none",
		"--disable-admission-plugins=ServiceAccount",
		"--profiling=false",
		"--v=0",
	}, apiserverFlags)...); err != nil {
		return nil, err
	}
	admin, err := c.UserConfig("palisade-admin", "system:masters")
	if err != nil {
		return nil, err
	}
	c.Admin = admin
	if err := c.waitReady(90 * time.Second); err != nil {
		return nil, err
	}
	ok = true
	return c, nil
}

// withFlags replaces the default flags named by extra with extra's. An
// --authorization-config replaces --authorization-mode: the API server
// refuses both.
func withFlags(defaults, extra []string) []string {
	name := func(f string) string { n, _, _ := strings.Cut(f, "="); return n }
	drop := map[string]bool{}
	for _, f := range extra {
		drop[name(f)] = true
		if name(f) == "--authorization-config" {
			drop["--authorization-mode"] = true
		}
	}
	var out []string
	for _, f := range defaults {
		if !drop[name(f)] {
			out = append(out, f)
		}
	}
	return append(out, extra...)
}

type proc struct {
	cmd  *exec.Cmd
	name string
	done chan struct{}
	err  error
}

func (c *Cluster) path(name string) string { return filepath.Join(c.Dir, name) }

// run starts a process with its output in a log file.
func (c *Cluster) run(bin, name string, args ...string) error {
	logPath := c.path(name + ".log")
	f, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("starting %s: %w", name, err)
	}
	f.Close()
	p := &proc{cmd: cmd, name: name, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	c.procs = append(c.procs, p)
	c.logs = append(c.logs, logPath)
	return nil
}

// Stop kills the processes it started and waits for them.
func (c *Cluster) Stop() {
	c.stopped.Do(func() {
		for i := len(c.procs) - 1; i >= 0; i-- {
			p := c.procs[i]
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
	})
}

func (c *Cluster) waitReady(timeout time.Duration) error {
	tlsCfg, err := rest.TLSConfigFor(c.Admin)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsCfg}, Timeout: 5 * time.Second}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		for _, p := range c.procs {
			select {
			case <-p.done:
				return c.failure(fmt.Sprintf("%s exited (%v)", p.name, p.err))
			default:
			}
		}
		resp, err := client.Get(c.URL + "/readyz")
		if err == nil {
			body := make([]byte, 4096)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(body[:n]))
		} else {
			last = err.Error()
		}
		time.Sleep(200 * time.Millisecond)
	}
	return c.failure("kube-apiserver not ready after " + timeout.String() + ": " + last)
}

// failure adds the end of each process log to an error.
func (c *Cluster) failure(msg string) error {
	var b bytes.Buffer
	b.WriteString(msg)
	for _, l := range c.logs {
		data, _ := os.ReadFile(l)
		if len(data) > 3000 {
			data = data[len(data)-3000:]
		}
		fmt.Fprintf(&b, "\n--- %s (last lines)\n%s", filepath.Base(l), data)
	}
	return errors.New(b.String())
}

// UserConfig returns a client config that authenticates as user name in
// groups, with a client certificate signed by the cluster's CA. The user
// has no rights until a test binds a role to it (or to a group).
func (c *Cluster) UserConfig(name string, groups ...string) (*rest.Config, error) {
	certPEM, keyPEM, err := c.clientCert(name, groups...)
	if err != nil {
		return nil, err
	}
	return &rest.Config{
		Host: c.URL,
		TLSClientConfig: rest.TLSClientConfig{
			CAData:   c.caPEM,
			CertData: certPEM,
			KeyData:  keyPEM,
		},
		QPS: 200, Burst: 400,
		// Pod Security warnings are expected: tests create violations.
		WarningHandler: rest.NoWarnings{},
	}, nil
}

func (c *Cluster) clientCert(name string, groups ...string) (certPEM, keyPEM []byte, err error) {
	return c.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: name, Organization: groups},
		NotAfter:    time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// ServingCert returns a serving certificate for the IP addresses and DNS
// names, signed by the cluster's CA, and its key (PEM): what a kubelet
// serves so that the API server trusts it.
func (c *Cluster) ServingCert(ips []net.IP, dnsNames ...string) (certPEM, keyPEM []byte, err error) {
	return c.issue(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "palisade-test-serving"},
		NotAfter:    time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: ips,
		DNSNames:    dnsNames,
	})
}

// CAFile is the path of the cluster CA's certificate (PEM).
func (c *Cluster) CAFile() string { return c.path("ca.crt") }

// issue signs tmpl (a serial number and start date are filled in) for a
// new key with the cluster's CA.
func (c *Cluster) issue(tmpl *x509.Certificate) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial()
	tmpl.NotBefore = time.Now().Add(-time.Minute)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.caCert, &key.PublicKey, c.caKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// WriteKubeconfig writes a kubeconfig for cfg with one context named
// contextName (and namespace, when not empty) and returns its path.
func (c *Cluster) WriteKubeconfig(cfg *rest.Config, contextName, namespace string) (string, error) {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos[contextName] = &clientcmdapi.AuthInfo{ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData}
	kc.Contexts[contextName] = &clientcmdapi.Context{Cluster: "test", AuthInfo: contextName, Namespace: namespace}
	kc.CurrentContext = contextName
	p := c.path("kubeconfig-" + contextName)
	return p, clientcmd.WriteToFile(*kc, p)
}

// writeCerts creates the CA, the serving certificate for 127.0.0.1, the
// client certificate for kubelets (in system:masters, as kubeadm used
// to issue it) and the service-account signing key.
func (c *Cluster) writeCerts() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "palisade-test-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	c.caCert, _ = x509.ParseCertificate(caDER)
	c.caKey = caKey
	c.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	if err := os.WriteFile(c.path("ca.crt"), c.caPEM, 0o600); err != nil {
		return err
	}
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, c.caCert, &srvKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	srvKeyDER, err := x509.MarshalECPrivateKey(srvKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.path("serving.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvDER}), 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(c.path("serving.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: srvKeyDER}), 0o600); err != nil {
		return err
	}
	kcCert, kcKey, err := c.clientCert("kube-apiserver-kubelet-client", "system:masters")
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.path("kubelet-client.crt"), kcCert, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(c.path("kubelet-client.key"), kcKey, 0o600); err != nil {
		return err
	}
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.path("sa.key"), pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(c.path("sa.pub"), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// freePorts finds n free loopback ports.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var out []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// Context returns a context that ends with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return ctx
}

// Grant gives user (or group, when kind is rbacv1.GroupKind) the verbs
// on resources of an API group in namespace ns ("" for the whole
// cluster) with a Role or ClusterRole and its binding named name, then
// waits until the authorizer allows it. The built-in aggregated roles
// (view, edit, admin) are empty here: no controller manager fills them.
func (c *Cluster) Grant(ctx context.Context, name, ns, kind, subject, group string, resources, verbs []string) error {
	cs, err := kubernetes.NewForConfig(c.Admin)
	if err != nil {
		return err
	}
	rules := []rbacv1.PolicyRule{{APIGroups: []string{group}, Resources: resources, Verbs: verbs}}
	subj := rbacv1.Subject{Kind: kind, Name: subject}
	if kind != rbacv1.ServiceAccountKind {
		subj.APIGroup = rbacv1.GroupName
	}
	if ns == "" {
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
			return err
		}
		if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}, Subjects: []rbacv1.Subject{subj}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	} else {
		if _, err := cs.RbacV1().Roles(ns).Create(ctx, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
			return err
		}
		if _, err := cs.RbacV1().RoleBindings(ns).Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name}, Subjects: []rbacv1.Subject{subj}}, metav1.CreateOptions{}); err != nil {
			return err
		}
	}
	user := subject
	var groups []string
	if kind == rbacv1.GroupKind {
		user, groups = "probe", []string{subject}
	}
	if kind == rbacv1.ServiceAccountKind {
		user = "system:serviceaccount:" + ns + ":" + subject
	}
	return c.WaitAllowed(ctx, user, groups, verbs[0], group, resources[0], ns)
}

// WaitAllowed polls SubjectAccessReview until the authorizer allows the
// request (RBAC changes reach the authorizer's cache asynchronously).
func (c *Cluster) WaitAllowed(ctx context.Context, user string, groups []string, verb, group, resource, ns string) error {
	cs, err := kubernetes.NewForConfig(c.Admin)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: user, Groups: groups,
			ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: ns, Verb: verb, Group: group, Resource: resource},
		}}, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		if r.Status.Allowed {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s still may not %s %s in %q after 10s: %s", user, verb, resource, ns, r.Status.Reason)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
