package node

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// nodeFile is one file of a managed worker fixture, with the mode and
// owner the provider's image gives it (or a mistake made on purpose).
type nodeFile struct {
	mode     os.FileMode
	uid, gid int
	content  string
}

// writeNode writes files under a fresh root with their modes and owners,
// and the account files that name those owners.
func writeNode(t *testing.T, files map[string]nodeFile) string {
	t.Helper()
	nodetest.RequireRoot(t, testing.Short())
	root := t.TempDir()
	files["etc/passwd"] = nodeFile{mode: 0o644, content: "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n"}
	files["etc/group"] = nodeFile{mode: 0o644, content: "root:x:0:\nalice:x:1000:\n"}
	for p, f := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(f.content), f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(full, f.mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(full, f.uid, f.gid); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// cmdline is a /proc/PID/cmdline: arguments separated by NUL bytes.
func cmdline(args ...string) nodeFile {
	return nodeFile{mode: 0o444, content: strings.Join(args, "\x00") + "\x00"}
}

const fakeKubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n"

// eksWorker is an Amazon Linux EKS node: its kubelet reads
// /etc/kubernetes/kubelet/kubelet-config.json, which (like the kubeconfig)
// is 644, as EKS's benchmark allows and upstream's does not; streaming
// connections never time out, which EKS scores as automated.
func eksWorker() map[string]nodeFile {
	return map[string]nodeFile{
		"etc/hostname":         {mode: 0o644, content: "ip-10-0-1-23.ec2.internal\n"},
		"etc/eks/bootstrap.sh": {mode: 0o755, content: "#!/usr/bin/env bash\n"},
		"proc/2101/cmdline": cmdline("/usr/bin/kubelet",
			"--config", "/etc/kubernetes/kubelet/kubelet-config.json",
			"--kubeconfig", "/var/lib/kubelet/kubeconfig",
			"--container-runtime-endpoint", "unix:///run/containerd/containerd.sock",
			"--image-credential-provider-config", "/etc/eks/image-credential-provider/config.json",
			"--node-ip=10.0.1.23", "--v=2"),
		"etc/kubernetes/kubelet/kubelet-config.json": {mode: 0o644, content: `{
  "kind": "KubeletConfiguration",
  "apiVersion": "kubelet.config.k8s.io/v1beta1",
  "address": "0.0.0.0",
  "authentication": {
    "anonymous": {"enabled": false},
    "webhook": {"cacheTTL": "2m0s", "enabled": true},
    "x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}
  },
  "authorization": {"mode": "Webhook"},
  "clusterDomain": "cluster.local",
  "streamingConnectionIdleTimeout": "0",
  "readOnlyPort": 0,
  "eventRecordQPS": 5,
  "protectKernelDefaults": true,
  "serverTLSBootstrap": true,
  "rotateCertificates": true,
  "featureGates": {"RotateKubeletServerCertificate": true}
}
`},
		"var/lib/kubelet/kubeconfig": {mode: 0o644, content: fakeKubeconfig},
	}
}

// gkeWorker is a Container-Optimized OS node: the kubelet configuration
// is /home/kubernetes/kubelet-config.yaml, kube-proxy is a static pod. Its
// configuration file is 644, which GKE's manual 3.1.3 flags, and the
// read-only port is open, which GKE scores as automated.
func gkeWorker() map[string]nodeFile {
	return map[string]nodeFile{
		"etc/hostname": {mode: 0o644, content: "gke-prod-pool-1-5e572947-r2hg\n"},
		"proc/1342/cmdline": cmdline("/home/kubernetes/bin/kubelet",
			"--v=2", "--cloud-provider=external",
			"--experimental-mounter-path=/home/kubernetes/containerized_mounter/mounter",
			"--cert-dir=/var/lib/kubelet/pki/",
			"--kubeconfig=/var/lib/kubelet/kubeconfig",
			"--max-pods=110",
			"--config=/home/kubernetes/kubelet-config.yaml"),
		"etc/kubernetes/manifests/kube-proxy.manifest": {mode: 0o644, content: `apiVersion: v1
kind: Pod
metadata:
  name: kube-proxy
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: kube-proxy
    image: gke.gcr.io/kube-proxy-amd64:v1.33.4-gke.1036000
    command:
    - /bin/sh
    - -c
    - exec kube-proxy --master=https://10.128.0.2 --kubeconfig=/var/lib/kube-proxy/kubeconfig --cluster-cidr=10.4.0.0/14 --oom-score-adj=-998 --v=2
`},
		"home/kubernetes/kubelet-config.yaml": {mode: 0o644, content: `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/srv/kubernetes/pki/ca-certificates.crt
authorization:
  mode: Webhook
readOnlyPort: 10255
eventRecordQPS: 5
featureGates:
  RotateKubeletServerCertificate: true
rotateCertificates: true
serverTLSBootstrap: true
`},
		"var/lib/kubelet/kubeconfig":    {mode: 0o644, content: fakeKubeconfig},
		"var/lib/kube-proxy/kubeconfig": {mode: 0o644, content: fakeKubeconfig},
	}
}

// aksWorker is an Ubuntu AKS node: flags and /etc/default/kubeletconfig.json,
// the cloud credentials in /etc/kubernetes/azure.json, here handed to an
// ordinary user by mistake.
func aksWorker() map[string]nodeFile {
	return map[string]nodeFile{
		"etc/hostname": {mode: 0o644, content: "aks-nodepool1-12345678-vmss000000\n"},
		"proc/1877/cmdline": cmdline("/usr/local/bin/kubelet",
			"--enable-server", "--node-labels=kubernetes.azure.com/role=agent",
			"--v=2", "--kubeconfig", "/var/lib/kubelet/kubeconfig",
			"--bootstrap-kubeconfig", "/var/lib/kubelet/bootstrap-kubeconfig",
			"--config", "/etc/default/kubeletconfig.json",
			"--rotate-certificates=true"),
		"etc/default/kubeletconfig.json": {mode: 0o644, content: `{
  "kind": "KubeletConfiguration",
  "apiVersion": "kubelet.config.k8s.io/v1beta1",
  "staticPodPath": "/etc/kubernetes/manifests",
  "address": "0.0.0.0",
  "tlsCertFile": "/etc/kubernetes/certs/kubeletserver.crt",
  "tlsPrivateKeyFile": "/etc/kubernetes/certs/kubeletserver.key",
  "authentication": {
    "x509": {"clientCAFile": "/etc/kubernetes/certs/ca.crt"},
    "webhook": {"enabled": true},
    "anonymous": {"enabled": false}
  },
  "authorization": {"mode": "Webhook"},
  "eventRecordQPS": 0,
  "streamingConnectionIdleTimeout": "4h0m0s",
  "featureGates": {"RotateKubeletServerCertificate": true},
  "readOnlyPort": 0
}
`},
		"var/lib/kubelet/kubeconfig": {mode: 0o600, content: fakeKubeconfig},
		"etc/kubernetes/azure.json":  {mode: 0o600, uid: nodetest.Alice, gid: nodetest.Alice, content: `{"cloud": "AzurePublicCloud", "aadClientId": "msi", "aadClientSecret": "msi"}` + "\n"},
	}
}

var managedFixtures = []struct {
	name    string
	files   func() map[string]nodeFile
	flavour Flavour
}{
	{"eks-worker", eksWorker, EKS},
	{"gke-worker", gkeWorker, GKE},
	{"aks-worker", aksWorker, AKS},
}

// auditCIS audits a root on the CIS Kubernetes control only, so that the
// goldens hold the benchmark results and nothing else.
func auditCIS(t *testing.T, root string, fl Flavour) *Result {
	t.Helper()
	res, _, err := Audit(Options{
		Root:     root,
		Controls: []control.ID{control.CIS},
		Collect:  CollectOptions{KubernetesVersion: "1.33.4", Flavour: fl, NoContainers: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestManagedGoldens(t *testing.T) {
	for _, fx := range managedFixtures {
		t.Run(fx.name, func(t *testing.T) {
			res := auditCIS(t, writeNode(t, fx.files()), "")
			if res.Flavour != fx.flavour {
				t.Fatalf("detected %s (%s), want %s", res.Flavour, res.FlavourEvidence, fx.flavour)
			}
			if want := ManagedBenchmark(fx.flavour); res.Benchmark.Variant != want || !strings.Contains(res.Summary(), want+" over cis-1.12") {
				t.Errorf("benchmark %+v, summary %q: want variant %s", res.Benchmark, res.Summary(), want)
			}
			golden(t, "managed-"+fx.name+".txt", "variant: "+res.Benchmark.Variant+"\n"+renderResult(res))
		})
	}
}

// TestManagedExpectations pins, on the same node files, what changes when
// the node is judged as a managed one rather than with the upstream
// benchmark (--flavour kubeadm): numbers, expectations, scoring, absence.
func TestManagedExpectations(t *testing.T) {
	type want struct {
		status         Status
		bench, ref     string
		reasonContains string
	}
	for _, tt := range []struct {
		name    string
		files   func() map[string]nodeFile
		flavour Flavour
		id      string
		want    want
	}{
		{"EKS accepts a 644 kubeconfig", eksWorker, EKS, "PAL-NODE-405", want{Pass, "cis-eks-1.8.0", "3.1.1", ""}},
		{"upstream wants 600", eksWorker, Kubeadm, "PAL-NODE-405", want{Fail, "cis-1.12", "4.1.5", "want 600 or stricter"}},
		{"EKS accepts a 644 configuration file", eksWorker, EKS, "PAL-NODE-409", want{Pass, "cis-eks-1.8.0", "3.1.3", ""}},
		{"EKS scores the streaming timeout as automated", eksWorker, EKS, "PAL-NODE-505", want{Fail, "cis-eks-1.8.0", "3.2.5", "want anything but 0"}},
		{"upstream scores it as manual", eksWorker, Kubeadm, "PAL-NODE-505", want{Warn, "cis-1.12", "4.2.5", "manual recommendation"}},
		{"EKS has no kube-proxy checks", eksWorker, EKS, "PAL-NODE-601", want{NotApplicable, "cis-1.12", "4.3.1", "not part of CIS Amazon EKS Benchmark 1.8.0"}},
		{"EKS has no unit file checks", eksWorker, EKS, "PAL-NODE-401", want{NotApplicable, "cis-1.12", "4.1.1", "not part of CIS Amazon EKS Benchmark 1.8.0"}},
		{"EKS control plane is not part and is managed", eksWorker, EKS, "PAL-NODE-101", want{NotApplicable, "cis-1.12", "1.2.1", "not part of CIS Amazon EKS Benchmark 1.8.0; the control plane is managed"}},
		{"GKE wants 600 for the configuration file, manual", gkeWorker, GKE, "PAL-NODE-409", want{Warn, "cis-gke-1.6.0", "3.1.3", "want 600 or stricter"}},
		{"GKE accepts a 644 kube-proxy kubeconfig", gkeWorker, GKE, "PAL-NODE-403", want{Pass, "cis-gke-1.6.0", "3.1.1", ""}},
		{"GKE has no kubelet kubeconfig check", gkeWorker, GKE, "PAL-NODE-405", want{NotApplicable, "cis-1.12", "4.1.5", "not part of CIS GKE Benchmark 1.6.0"}},
		{"GKE scores the read-only port as automated", gkeWorker, GKE, "PAL-NODE-504", want{Fail, "cis-gke-1.6.0", "3.2.4", "want 0"}},
		{"AKS judges azure.json", aksWorker, AKS, "PAL-NODE-422", want{Fail, "cis-aks-1.8.0", "3.1.4", "want root:root"}},
		{"AKS has no kubelet configuration file check", aksWorker, AKS, "PAL-NODE-409", want{NotApplicable, "cis-1.12", "4.1.9", "not part of CIS AKS Benchmark 1.8.0"}},
		{"azure.json is not judged upstream", aksWorker, Kubeadm, "PAL-NODE-422", want{}},
		{"azure.json is not judged on EKS", eksWorker, EKS, "PAL-NODE-421", want{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := auditCIS(t, writeNode(t, tt.files()), tt.flavour)
			got := resultByID(res, tt.id)
			if got.Status != tt.want.status || got.Benchmark != tt.want.bench || got.Ref != tt.want.ref || !strings.Contains(got.Reason, tt.want.reasonContains) {
				t.Errorf("%s: %s %s %s (%s), want %+v", tt.id, got.Status, got.Benchmark, got.Ref, got.Reason, tt.want)
			}
		})
	}
}

// TestManagedFindings: a failed variant check is a finding with the
// variant's title, and its rule answers to the variant's number.
func TestManagedFindings(t *testing.T) {
	files := eksWorker()
	kc := files["var/lib/kubelet/kubeconfig"]
	kc.mode = 0o664
	files["var/lib/kubelet/kubeconfig"] = kc
	res := auditCIS(t, writeNode(t, files), "")
	reg, err := finding.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	var got *finding.Finding
	for _, f := range res.Findings(reg.Get) {
		if f.RuleID == "PAL-NODE-405" {
			got = &f
		}
	}
	if got == nil {
		t.Fatalf("no finding for PAL-NODE-405: %+v", resultByID(res, "PAL-NODE-405"))
	}
	if got.Title != "Kubelet kubeconfig is mode 644 or stricter" || !strings.Contains(got.Message, "mode 664; want 644 or stricter") {
		t.Errorf("finding %q: %q", got.Title, got.Message)
	}
	if rs := reg.Resolve("cis-eks:3.1.1"); len(rs) != 1 || rs[0].ID != got.RuleID {
		t.Errorf("cis-eks:3.1.1 resolves to %v", rs)
	}
}

// TestManagedRefsComplete: every recommendation of the worker sections of
// each managed benchmark (as kube-bench numbers them) has exactly one
// check, and every variant number is an alias of its rule.
func TestManagedRefsComplete(t *testing.T) {
	reg, err := finding.NewRegistry(Rules()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, fl := range managedFlavours {
		claimed := map[string]string{}
		for _, c := range Checks() {
			v := c.Variants[fl]
			if v == nil {
				continue
			}
			if other, dup := claimed[v.Ref]; dup {
				t.Errorf("%s %s claimed by %s and %s", fl, v.Ref, other, c.ID)
			}
			claimed[v.Ref] = c.ID
			alias := managedBenchmarks[fl].AliasTool + ":" + v.Ref
			if rs := reg.Resolve(alias); len(rs) != 1 || rs[0].ID != c.ID {
				t.Errorf("%s resolves to %v, want %s", alias, rs, c.ID)
			}
		}
		var want []string
		for i := 1; i <= 4; i++ {
			want = append(want, fmt.Sprintf("3.1.%d", i))
		}
		for i := 1; i <= 9; i++ {
			want = append(want, fmt.Sprintf("3.2.%d", i))
		}
		got := slices.Sorted(maps.Keys(claimed))
		if !slices.Equal(got, want) {
			t.Errorf("%s: recommendations %v, want %v", fl, got, want)
		}
	}
}

func TestManagedRuleDoc(t *testing.T) {
	var rule *finding.Rule
	for _, r := range Rules() {
		if r.ID == "PAL-NODE-405" {
			rule = r
		}
	}
	if rule == nil {
		t.Fatal("PAL-NODE-405 missing")
	}
	for _, want := range []string{"CIS Amazon EKS Benchmark 1.8.0: 3.1.1 (automated, wants 644)", "not part of CIS GKE Benchmark 1.6.0"} {
		if !strings.Contains(rule.Doc, want) {
			t.Errorf("doc lacks %q:\n%s", want, rule.Doc)
		}
	}
}

func TestParseSectionVariantErrors(t *testing.T) {
	const head = "benchmark: cis-1.12\nsection: \"4.2\"\nname: n\ncontrol: cluster.cis\ncomponent: kubelet\n"
	const check = "checks:\n- id: PAL-NODE-999\n  ref: \"4.2.99\"\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n"
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown flavour", head + "variants: {ocp: {section: \"3\"}}\n", `variant "ocp": no managed benchmark`},
		{"section number missing", head + "variants: {eks: {name: x}}\n", "needs a section number"},
		{"null section variant", head + "variants: {eks: ~}\n", "needs a section number"},
		{"not a CIS Kubernetes section", "benchmark: cis-docker-1.6\nsection: \"2\"\nname: n\ncontrol: cluster.cis\nvariants: {eks: {section: \"3\"}}\n", "only CIS Kubernetes sections"},
		{"undeclared check variant", head + check + "  variants: {gke: {ref: \"3.2.1\"}}\n", `variant "gke" is not declared`},
		{"ref missing", head + "variants: {eks: {section: \"3.2\"}}\n" + check + "  variants: {eks: {manual: true}}\n", "needs a ref"},
		{"value on a compound test", head + "variants: {eks: {section: \"3.2\"}}\n" + check + "  test: {all: [{flag: --a, op: set}]}\n  variants: {eks: {ref: \"3.2.1\", value: \"1\"}}\n", "single-leaf test"},
		{"bad mode value", head + "variants: {eks: {section: \"3.2\"}}\n" + check + "  test: {file: /x, op: mode, value: \"600\"}\n  variants: {eks: {ref: \"3.2.1\", value: \"9\"}}\n", "octal"},
		{"unknown variant field", head + "variants: {eks: {section: \"3.2\"}}\n" + check + "  variants: {eks: {ref: \"3.2.1\", wants: x}}\n", "wants"},
		{"no ref and no variant", head + "variants: {eks: {section: \"3.2\"}}\nchecks:\n- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n", "needs a ref"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSection("t.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// FuzzParseSectionVariants: whatever a check file says about variants, it
// parses to an error or to checks that can be viewed under every flavour.
func FuzzParseSectionVariants(f *testing.F) {
	for _, name := range []string{"cis-4.1-worker-files.yaml", "cis-4.2-kubelet.yaml"} {
		data, err := checkFiles.ReadFile("checks/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("benchmark: cis-1.12\nsection: s\nname: n\ncontrol: cluster.cis\ncomponent: kubelet\nvariants: {aks: {section: \"3.1\"}}\nchecks:\n- id: PAL-NODE-999\n  variants: {aks: {ref: \"3.1.3\", value: \"644\"}}\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n  test: {file: /x, op: mode, value: \"600\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSection("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, c := range s.Checks {
			c.Rule()
			for _, fl := range Flavours {
				view, _ := c.asJudgedOn(fl)
				if view != nil && view.Section == nil {
					t.Fatalf("%s under %s has no section", c.ID, fl)
				}
			}
		}
	})
}
