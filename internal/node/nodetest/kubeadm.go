// Package nodetest builds realistic node file systems for tests and
// benchmarks: a kubeadm control-plane node and a worker node, each in a
// compliant and a known-failures variant, with static pod manifests,
// kubelet configuration, systemd units, kube-proxy running as a process,
// and a PKI generated with crypto/x509. File modes and owners are set as
// a real node has them (owners need root to set; see RequireRoot).
package nodetest

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Variant selects a fixture's configuration.
type Variant int

const (
	// Compliant follows every automated CIS recommendation.
	Compliant Variant = iota
	// Failing is kubeadm's defaults plus known misconfigurations.
	Failing
)

func (v Variant) String() string {
	if v == Compliant {
		return "compliant"
	}
	return "failing"
}

// Alice is the unprivileged user that owns files it should not own in the
// failing fixtures.
const Alice = 1000

// builder writes files under a root directory.
type builder struct {
	root string
	err  error
}

func (b *builder) path(p string) string { return filepath.Join(b.root, filepath.FromSlash(p)) }

func (b *builder) dir(p string, mode os.FileMode) {
	if b.err != nil {
		return
	}
	if err := os.MkdirAll(b.path(p), 0o755); err != nil {
		b.err = err
		return
	}
	b.err = os.Chmod(b.path(p), goMode(mode))
}

func (b *builder) file(p string, mode os.FileMode, content string) {
	b.bytes(p, mode, []byte(content))
}

func (b *builder) bytes(p string, mode os.FileMode, content []byte) {
	if b.err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(b.path(p)), 0o755); err != nil {
		b.err = err
		return
	}
	if err := os.WriteFile(b.path(p), content, mode.Perm()); err != nil {
		b.err = err
		return
	}
	b.err = os.Chmod(b.path(p), goMode(mode))
}

// goMode turns Unix set-ID and sticky bits written in octal (0o4755)
// into Go's mode bits, which os.Chmod understands.
func goMode(m os.FileMode) os.FileMode {
	out := m.Perm() | m&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)
	if m&0o4000 != 0 {
		out |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		out |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		out |= os.ModeSticky
	}
	return out
}

func (b *builder) symlink(target, p string) {
	if b.err != nil {
		return
	}
	if err := os.MkdirAll(filepath.Dir(b.path(p)), 0o755); err != nil {
		b.err = err
		return
	}
	b.err = os.Symlink(target, b.path(p))
}

func (b *builder) chown(p string, uid, gid int) {
	if b.err != nil {
		return
	}
	if err := os.Lchown(b.path(p), uid, gid); err != nil {
		b.err = fmt.Errorf("setting owners needs root (run the tests as root, as CI does): %w", err)
	}
}

// RequireRoot fails (or, with -short, skips) a test that builds fixtures
// with files owned by other users.
func RequireRoot(t interface {
	Helper()
	Skip(...any)
	Fatal(...any)
}, short bool) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if short {
		t.Skip("node fixtures set file owners: needs root")
	}
	t.Fatal("node fixtures set file owners: run the tests as root (CI does) or pass -short")
}

func (b *builder) base(hostname string) {
	b.file("/etc/hostname", 0o644, hostname+"\n")
	b.file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n")
	b.file("/etc/group", 0o644, "root:x:0:\ndaemon:x:1:\nalice:x:1000:\n")
	b.file("/etc/os-release", 0o644, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n")
}

// pki is a kubeadm PKI.
type pki struct {
	ca, etcdCA, frontProxyCA                *keyPair
	apiserver, kubeletClient, etcdClient    *keyPair
	frontProxyClient, etcdServer, etcdPeer  *keyPair
	etcdHealth, sa                          *keyPair
	admin, superAdmin, cm, sched, kubeletCl *keyPair
	kubeletServing                          *keyPair
}

func newPKI(host string, v Variant) (*pki, error) {
	var p pki
	var err error
	must := func(k *keyPair, e error) *keyPair {
		if err == nil {
			err = e
		}
		return k
	}
	caBits := 0
	p.ca = must(issue(certSpec{CN: "kubernetes", CA: true, Days: 3650, RSABits: caBits}))
	if err != nil {
		return nil, err
	}
	p.etcdCA = must(issue(certSpec{CN: "etcd-ca", CA: true, Days: 3650}))
	p.frontProxyCA = must(issue(certSpec{CN: "front-proxy-ca", CA: true, Days: 3650}))
	apiserverSpec := certSpec{CN: "kube-apiserver", Server: true, Parent: p.ca,
		DNS: []string{host, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		IPs: []string{"10.96.0.1", "10.0.0.10"}}
	if v == Failing {
		// A weak key, soon to expire, and the advertise address missing.
		apiserverSpec.RSABits = 1024
		apiserverSpec.NotAfter = Now.Add(10 * 24 * 3600e9)
		apiserverSpec.IPs = []string{"10.96.0.1"}
	}
	p.apiserver = must(issue(apiserverSpec))
	p.kubeletClient = must(issue(certSpec{CN: "kube-apiserver-kubelet-client", Org: []string{"kubeadm:cluster-admins"}, Client: true, Parent: p.ca}))
	p.etcdClient = must(issue(certSpec{CN: "kube-apiserver-etcd-client", Client: true, Parent: p.etcdCA}))
	p.frontProxyClient = must(issue(certSpec{CN: "front-proxy-client", Client: true, Parent: p.frontProxyCA}))
	p.etcdServer = must(issue(certSpec{CN: host, Server: true, Client: true, Parent: p.etcdCA, DNS: []string{host, "localhost"}, IPs: []string{"10.0.0.10", "127.0.0.1", "::1"}}))
	p.etcdPeer = must(issue(certSpec{CN: host, Server: true, Client: true, Parent: p.etcdCA, DNS: []string{host, "localhost"}, IPs: []string{"10.0.0.10", "127.0.0.1", "::1"}}))
	p.etcdHealth = must(issue(certSpec{CN: "kube-etcd-healthcheck-client", Client: true, Parent: p.etcdCA}))
	p.sa = must(issue(certSpec{CN: "sa", RSABits: 2048, Parent: p.ca}))
	p.admin = must(issue(certSpec{CN: "kubernetes-admin", Org: []string{"kubeadm:cluster-admins"}, Client: true, Parent: p.ca}))
	p.superAdmin = must(issue(certSpec{CN: "kubernetes-super-admin", Org: []string{"system:masters"}, Client: true, Parent: p.ca}))
	p.cm = must(issue(certSpec{CN: "system:kube-controller-manager", Client: true, Parent: p.ca}))
	p.sched = must(issue(certSpec{CN: "system:kube-scheduler", Client: true, Parent: p.ca}))
	kubeletClient := certSpec{CN: "system:node:" + host, Org: []string{"system:nodes"}, Client: true, Parent: p.ca}
	if v == Failing {
		kubeletClient.Expired = true
	}
	p.kubeletCl = must(issue(kubeletClient))
	// The kubelet's serving certificate: signed by the cluster CA through
	// serverTLSBootstrap when compliant; self-signed (kubelet's own,
	// never rotated) when failing.
	serving := certSpec{CN: host, Server: true, Parent: p.ca, DNS: []string{host}, IPs: []string{"10.0.0.10"}}
	if v == Failing {
		serving = certSpec{CN: host + "@1700000000", Server: true, CA: false, DNS: []string{host}, Days: 365}
	}
	p.kubeletServing = must(issue(serving))
	return &p, err
}

func (b *builder) writePKI(p *pki, v Variant) {
	pair := func(name string, k *keyPair) {
		b.bytes("/etc/kubernetes/pki/"+name+".crt", 0o644, k.CertPEM)
		b.bytes("/etc/kubernetes/pki/"+name+".key", 0o600, k.KeyPEM)
	}
	b.dir("/etc/kubernetes/pki", 0o755)
	b.dir("/etc/kubernetes/pki/etcd", 0o755)
	pair("ca", p.ca)
	pair("apiserver", p.apiserver)
	pair("apiserver-kubelet-client", p.kubeletClient)
	pair("apiserver-etcd-client", p.etcdClient)
	pair("front-proxy-ca", p.frontProxyCA)
	pair("front-proxy-client", p.frontProxyClient)
	pair("etcd/ca", p.etcdCA)
	pair("etcd/server", p.etcdServer)
	pair("etcd/peer", p.etcdPeer)
	pair("etcd/healthcheck-client", p.etcdHealth)
	b.bytes("/etc/kubernetes/pki/sa.key", 0o600, p.sa.KeyPEM)
	pub, err := p.sa.publicKeyPEM()
	if err != nil && b.err == nil {
		b.err = err
	}
	b.bytes("/etc/kubernetes/pki/sa.pub", 0o644, pub)
	if v == Failing {
		b.bytes("/etc/kubernetes/pki/sa.key", 0o644, p.sa.KeyPEM)
		b.chown("/etc/kubernetes/pki/front-proxy-client.key", Alice, Alice)
	}
}

// kubeconfig renders a kubeconfig with embedded client credentials.
func kubeconfig(user string, ca, client *keyPair, server string) string {
	enc := base64.StdEncoding.EncodeToString
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: %s
    server: %s
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: %s
  name: %s@kubernetes
current-context: %s@kubernetes
users:
- name: %s
  user:
    client-certificate-data: %s
    client-key-data: %s
`, enc(ca.CertPEM), server, user, user, user, user, enc(client.CertPEM), enc(client.KeyPEM))
}

// staticPod renders a kubeadm static pod manifest.
func staticPod(name, image string, command []string, hostPaths ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: v1
kind: Pod
metadata:
  labels:
    component: %s
    tier: control-plane
  name: %s
  namespace: kube-system
spec:
  containers:
  - command:
`, name, name)
	for _, c := range command {
		fmt.Fprintf(&b, "    - %s\n", c)
	}
	fmt.Fprintf(&b, "    image: %s\n    name: %s\n    volumeMounts:\n", image, name)
	for i, hp := range hostPaths {
		fmt.Fprintf(&b, "    - mountPath: %s\n      name: vol%d\n      readOnly: true\n", hp, i)
	}
	b.WriteString("  hostNetwork: true\n  priorityClassName: system-node-critical\n  volumes:\n")
	for i, hp := range hostPaths {
		fmt.Fprintf(&b, "  - hostPath:\n      path: %s\n      type: DirectoryOrCreate\n    name: vol%d\n", hp, i)
	}
	return b.String()
}

// Version is the Kubernetes version of the fixtures.
const Version = "v1.33.2"

func (b *builder) controlPlane(p *pki, v Variant, host string) {
	apiserver := []string{
		"kube-apiserver",
		"--advertise-address=10.0.0.10",
		"--allow-privileged=true",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt",
		"--enable-bootstrap-token-auth=true",
		"--etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt",
		"--etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt",
		"--etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key",
		"--etcd-servers=https://127.0.0.1:2379",
		"--kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt",
		"--kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key",
		"--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
		"--proxy-client-cert-file=/etc/kubernetes/pki/front-proxy-client.crt",
		"--proxy-client-key-file=/etc/kubernetes/pki/front-proxy-client.key",
		"--requestheader-allowed-names=front-proxy-client",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
		"--requestheader-extra-headers-prefix=X-Remote-Extra-",
		"--requestheader-group-headers=X-Remote-Group",
		"--requestheader-username-headers=X-Remote-User",
		"--secure-port=6443",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=/etc/kubernetes/pki/sa.pub",
		"--service-account-signing-key-file=/etc/kubernetes/pki/sa.key",
		"--service-cluster-ip-range=10.96.0.0/12",
		"--tls-cert-file=/etc/kubernetes/pki/apiserver.crt",
		"--tls-private-key-file=/etc/kubernetes/pki/apiserver.key",
	}
	cm := []string{
		"kube-controller-manager",
		"--allocate-node-cidrs=true",
		"--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--bind-address=127.0.0.1",
		"--client-ca-file=/etc/kubernetes/pki/ca.crt",
		"--cluster-cidr=10.244.0.0/16",
		"--cluster-name=kubernetes",
		"--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt",
		"--cluster-signing-key-file=/etc/kubernetes/pki/ca.key",
		"--controllers=*,bootstrapsigner,tokencleaner",
		"--kubeconfig=/etc/kubernetes/controller-manager.conf",
		"--leader-elect=true",
		"--requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt",
		"--root-ca-file=/etc/kubernetes/pki/ca.crt",
		"--service-account-private-key-file=/etc/kubernetes/pki/sa.key",
		"--service-cluster-ip-range=10.96.0.0/12",
		"--use-service-account-credentials=true",
	}
	sched := []string{
		"kube-scheduler",
		"--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--bind-address=127.0.0.1",
		"--kubeconfig=/etc/kubernetes/scheduler.conf",
		"--leader-elect=true",
	}
	etcd := []string{
		"etcd",
		"--advertise-client-urls=https://10.0.0.10:2379",
		"--cert-file=/etc/kubernetes/pki/etcd/server.crt",
		"--client-cert-auth=true",
		"--data-dir=/var/lib/etcd",
		"--experimental-initial-corrupt-check=true",
		"--initial-advertise-peer-urls=https://10.0.0.10:2380",
		"--initial-cluster=" + host + "=https://10.0.0.10:2380",
		"--key-file=/etc/kubernetes/pki/etcd/server.key",
		"--listen-client-urls=https://127.0.0.1:2379,https://10.0.0.10:2379",
		"--listen-peer-urls=https://10.0.0.10:2380",
		"--name=" + host,
		"--peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt",
		"--peer-client-cert-auth=true",
		"--peer-key-file=/etc/kubernetes/pki/etcd/peer.key",
		"--peer-trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
		"--snapshot-count=10000",
		"--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
	}
	if v == Compliant {
		apiserver = append(apiserver,
			"--anonymous-auth=false",
			"--authorization-mode=Node,RBAC",
			"--enable-admission-plugins=NodeRestriction,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs",
			"--admission-control-config-file=/etc/kubernetes/admission.yaml",
			"--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt",
			"--profiling=false",
			"--audit-log-path=/var/log/kubernetes/audit/audit.log",
			"--audit-log-maxage=30",
			"--audit-log-maxbackup=10",
			"--audit-log-maxsize=100",
			"--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
			"--encryption-provider-config=/etc/kubernetes/encryption-config.yaml",
			"--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
			"--service-account-extend-token-expiration=false",
			"--request-timeout=300s",
		)
		cm = append(cm, "--profiling=false", "--terminated-pod-gc-threshold=10")
		sched = append(sched, "--profiling=false")
	} else {
		apiserver = append(apiserver,
			"--authorization-mode=RBAC",
			"--enable-admission-plugins=AlwaysAdmit",
			"--token-auth-file=/etc/kubernetes/tokens.csv",
			"--audit-log-path=/var/log/kubernetes/audit/audit.log",
			"--audit-log-maxage=7",
			"--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
			"--encryption-provider-config=/etc/kubernetes/encryption-config.yaml",
		)
		// Drop --bind-address: the default is every interface.
		cm = remove(cm, "--bind-address=127.0.0.1")
		cm = append(cm, "--feature-gates=RotateKubeletServerCertificate=false")
		etcd = remove(etcd, "--peer-client-cert-auth=true")
		etcd = remove(etcd, "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt")
		etcd = append(etcd, "--auto-tls=true", "--trusted-ca-file=/etc/kubernetes/pki/ca.crt")
	}
	img := func(n string) string { return "registry.k8s.io/" + n + ":" + Version }
	manifestMode := os.FileMode(0o600)
	b.dir("/etc/kubernetes/manifests", 0o755)
	b.file("/etc/kubernetes/manifests/kube-apiserver.yaml", manifestMode, staticPod("kube-apiserver", img("kube-apiserver"), apiserver, "/etc/kubernetes/pki", "/var/log/kubernetes/audit"))
	b.file("/etc/kubernetes/manifests/kube-controller-manager.yaml", manifestMode, staticPod("kube-controller-manager", img("kube-controller-manager"), cm, "/etc/kubernetes/pki"))
	b.file("/etc/kubernetes/manifests/kube-scheduler.yaml", manifestMode, staticPod("kube-scheduler", img("kube-scheduler"), sched))
	b.file("/etc/kubernetes/manifests/etcd.yaml", manifestMode, staticPod("etcd", "registry.k8s.io/etcd:3.5.21-0", etcd, "/var/lib/etcd", "/etc/kubernetes/pki/etcd"))
	server := "https://10.0.0.10:6443"
	b.file("/etc/kubernetes/admin.conf", 0o600, kubeconfig("kubernetes-admin", p.ca, p.admin, server))
	b.file("/etc/kubernetes/super-admin.conf", 0o600, kubeconfig("kubernetes-super-admin", p.ca, p.superAdmin, server))
	b.file("/etc/kubernetes/controller-manager.conf", 0o600, kubeconfig("system:kube-controller-manager", p.ca, p.cm, server))
	b.file("/etc/kubernetes/scheduler.conf", 0o600, kubeconfig("system:kube-scheduler", p.ca, p.sched, server))
	b.dir("/var/lib/etcd", 0o700)
	b.dir("/var/lib/etcd/member", 0o700)
	b.dir("/var/log/kubernetes/audit", 0o700)
	b.file("/etc/kubernetes/admission.yaml", 0o600, "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: EventRateLimit\n  path: /etc/kubernetes/eventratelimit.yaml\n")
	if v == Compliant {
		b.file("/etc/kubernetes/audit-policy.yaml", 0o600, GoodAuditPolicy)
		b.file("/etc/kubernetes/encryption-config.yaml", 0o600, "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: key1\n        secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==\n  - identity: {}\n")
	} else {
		b.file("/etc/kubernetes/audit-policy.yaml", 0o644, BadAuditPolicy)
		b.file("/etc/kubernetes/encryption-config.yaml", 0o600, "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n  - aescbc:\n      keys:\n      - name: key1\n        secret: c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Cg==\n")
		b.file("/etc/kubernetes/tokens.csv", 0o600, "s3cr3t-token,admin,1,system:masters\n")
		b.file("/etc/kubernetes/manifests/kube-apiserver.yaml", 0o644, staticPod("kube-apiserver", img("kube-apiserver"), apiserver, "/etc/kubernetes/pki"))
		b.chown("/etc/kubernetes/manifests/kube-scheduler.yaml", Alice, Alice)
		b.file("/etc/kubernetes/admin.conf", 0o644, kubeconfig("kubernetes-admin", p.ca, p.admin, server))
		b.chown("/etc/kubernetes/super-admin.conf", Alice, 0)
		b.dir("/var/lib/etcd", 0o755)
	}
}

func remove(list []string, s string) []string {
	out := list[:0:0]
	for _, e := range list {
		if e != s {
			out = append(out, e)
		}
	}
	return out
}

// kubelet writes the kubelet as kubeadm installs it: the Debian package's
// unit, kubeadm's drop-in and flags file, the configuration file, the
// kubeconfig and the serving certificate.
func (b *builder) kubelet(p *pki, v Variant, host string) {
	unitMode := os.FileMode(0o600)
	if v == Failing {
		unitMode = 0o644
	}
	b.file("/usr/lib/systemd/system/kubelet.service", unitMode, `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`)
	b.file("/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", unitMode, `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`)
	b.symlink("/usr/lib/systemd/system/kubelet.service", "/etc/systemd/system/multi-user.target.wants/kubelet.service")
	b.file("/var/lib/kubelet/kubeadm-flags.env", 0o644, `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"`+"\n")
	b.file("/etc/kubernetes/kubelet.conf", 0o600, kubeconfig("system:node:"+host, p.ca, p.kubeletCl, "https://10.0.0.10:6443"))
	b.bytes("/var/lib/kubelet/pki/kubelet-client-current.pem", 0o600, append(append([]byte{}, p.kubeletCl.CertPEM...), p.kubeletCl.KeyPEM...))
	if v == Compliant {
		b.bytes("/var/lib/kubelet/pki/kubelet-server-current.pem", 0o600, append(append([]byte{}, p.kubeletServing.CertPEM...), p.kubeletServing.KeyPEM...))
	} else {
		b.bytes("/var/lib/kubelet/pki/kubelet.crt", 0o644, p.kubeletServing.CertPEM)
		b.bytes("/var/lib/kubelet/pki/kubelet.key", 0o600, p.kubeletServing.KeyPEM)
	}
	b.dir("/etc/cni/net.d", 0o755)
	cniMode := os.FileMode(0o600)
	if v == Failing {
		cniMode = 0o644
	}
	b.file("/etc/cni/net.d/10-calico.conflist", cniMode, `{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico","datastore_type":"kubernetes"},{"type":"portmap","capabilities":{"portMappings":true}}]}`+"\n")
	if v == Compliant {
		b.file("/var/lib/kubelet/config.yaml", 0o600, `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
eventRecordQPS: 5
makeIPTablesUtilChains: true
podPidsLimit: 4096
readOnlyPort: 0
rotateCertificates: true
seccompDefault: true
serverTLSBootstrap: true
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 5m0s
tlsCipherSuites:
- TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
- TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
- TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
`)
	} else {
		// kubeadm's defaults, a hole opened in the configuration file, and
		// flags in /etc/default/kubelet that override the file.
		b.file("/var/lib/kubelet/config.yaml", 0o644, `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: AlwaysAllow
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
featureGates:
  RotateKubeletServerCertificate: false
`)
		b.file("/etc/default/kubelet", 0o644, `KUBELET_EXTRA_ARGS="--anonymous-auth=true --read-only-port=10255 --hostname-override=node-a"`+"\n")
		b.chown("/etc/kubernetes/kubelet.conf", Alice, Alice)
	}
}

// kubeProxy simulates kube-proxy running as kubeadm's DaemonSet: a
// process in /proc whose configuration is inside its container.
func (b *builder) kubeProxy(p *pki, v Variant, host string) {
	const pid = "4242"
	args := []string{"/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=" + host}
	b.file("/proc/"+pid+"/cmdline", 0o444, strings.Join(args, "\x00")+"\x00")
	metrics := "127.0.0.1:10249"
	if v == Failing {
		metrics = "0.0.0.0:10249"
	}
	croot := "/proc/" + pid + "/root"
	b.file(croot+"/var/lib/kube-proxy/config.conf", 0o644, fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
clusterCIDR: 10.244.0.0/16
metricsBindAddress: %s
mode: iptables
`, metrics))
	b.bytes(croot+"/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", 0o644, p.ca.CertPEM)
	kcMode := os.FileMode(0o600)
	if v == Failing {
		kcMode = 0o644
	}
	b.file(croot+"/var/lib/kube-proxy/kubeconfig.conf", kcMode, `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://10.0.0.10:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
`)
	// Kernel parameters as a kubeadm node has them.
	b.file("/proc/sys/net/ipv4/ip_forward", 0o644, "1\n")
	b.file("/proc/sys/net/bridge/bridge-nf-call-iptables", 0o644, "1\n")
	b.file("/proc/modules", 0o444, "br_netfilter 32768 0 - Live 0x0000000000000000\noverlay 151552 10 - Live 0x0000000000000000\n")
}

// ControlPlane builds a kubeadm control-plane node (which also runs a
// kubelet and kube-proxy) under root.
func ControlPlane(root string, v Variant) error {
	const host = "cp-1"
	b := &builder{root: root}
	p, err := newPKI(host, v)
	if err != nil {
		return err
	}
	b.base(host)
	b.writePKI(p, v)
	b.controlPlane(p, v, host)
	b.kubelet(p, v, host)
	b.kubeProxy(p, v, host)
	b.containerd(v)
	b.hostOS(v, true)
	return b.err
}

// Worker builds a kubeadm worker node under root: the kubelet, its
// configuration, the cluster CA, and kube-proxy.
func Worker(root string, v Variant) error {
	const host = "worker-1"
	b := &builder{root: root}
	p, err := newPKI(host, v)
	if err != nil {
		return err
	}
	b.base(host)
	b.dir("/etc/kubernetes/pki", 0o755)
	b.bytes("/etc/kubernetes/pki/ca.crt", 0o644, p.ca.CertPEM)
	if v == Failing {
		b.bytes("/etc/kubernetes/pki/ca.crt", 0o666, p.ca.CertPEM)
	}
	b.dir("/etc/kubernetes/manifests", 0o755)
	b.kubelet(p, v, host)
	b.kubeProxy(p, v, host)
	b.containerd(v)
	b.hostOS(v, true)
	// A worker has the kubelet's package installed.
	b.file("/var/lib/dpkg/status", 0o644, "Package: kubelet\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.33.2-1.1\n\n")
	return b.err
}
