package node

import (
	"slices"
	"strings"
)

// Flavour is a Kubernetes distribution, detected from the node's layout.
// It decides where component files live and whether the control plane is
// managed by a cloud provider (and so not judged on the node).
type Flavour string

const (
	Kubeadm  Flavour = "kubeadm"
	K3s      Flavour = "k3s"
	RKE2     Flavour = "rke2"
	MicroK8s Flavour = "microk8s"
	EKS      Flavour = "eks"
	GKE      Flavour = "gke"
	AKS      Flavour = "aks"
	Generic  Flavour = "generic"
)

// Flavours lists every flavour palisade knows, for --flavour.
var Flavours = []Flavour{Kubeadm, K3s, RKE2, MicroK8s, EKS, GKE, AKS, Generic}

// Managed reports whether the flavour's control plane is run by a cloud
// provider: control-plane checks are then not applicable on its nodes.
func (f Flavour) Managed() bool { return f == EKS || f == GKE || f == AKS }

// flavourSigns are paths whose presence identifies a flavour, checked in
// order; the first flavour with a sign wins. Processes are checked
// before these (see detectFlavour).
var flavourSigns = []struct {
	flavour Flavour
	paths   []string
}{
	{K3s, []string{"/etc/rancher/k3s/config.yaml", "/var/lib/rancher/k3s/agent", "/etc/systemd/system/k3s.service", "/etc/systemd/system/k3s-agent.service"}},
	{RKE2, []string{"/etc/rancher/rke2/config.yaml", "/var/lib/rancher/rke2/agent", "/usr/local/lib/systemd/system/rke2-server.service", "/usr/local/lib/systemd/system/rke2-agent.service", "/usr/lib/systemd/system/rke2-server.service", "/usr/lib/systemd/system/rke2-agent.service"}},
	{MicroK8s, []string{"/var/snap/microk8s/current/args", "/snap/microk8s/current"}},
	{EKS, []string{"/etc/eks", "/etc/kubernetes/kubelet/kubelet-config.json"}},
	{GKE, []string{"/home/kubernetes/kubelet-config.yaml", "/home/kubernetes/bin/kubelet"}},
	{AKS, []string{"/etc/kubernetes/azure.json", "/etc/default/kubeletconfig.json"}},
	{Kubeadm, []string{"/etc/kubernetes/manifests/kube-apiserver.yaml", "/var/lib/kubelet/kubeadm-flags.env", "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf", "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf", "/lib/systemd/system/kubelet.service.d/10-kubeadm.conf"}},
}

// componentSpec says how to find one component and read its settings.
type componentSpec struct {
	Name string
	// Binaries are executable base names that run it.
	Binaries []string
	// Manifests are static pod file names (in the manifest directories).
	Manifests []string
	// Units are systemd units that start it (read when no process runs).
	Units []string
	// ConfigFlags name the flag pointing at its configuration file.
	ConfigFlags []string
	// ConfigDirFlag names the flag of a drop-in directory merged over the
	// configuration file (the kubelet's --config-dir).
	ConfigDirFlag string
	// DefaultConfig is read when no flag names a configuration file.
	DefaultConfig []string
	ConfigFormat  string
	// K3sArg is the k3s/RKE2 option that passes flags to it.
	K3sArg string
	// MicroK8sArgs is the MicroK8s argument file name.
	MicroK8sArgs string
	ControlPlane bool
}

var componentSpecs = []componentSpec{
	{Name: "apiserver", Binaries: []string{"kube-apiserver", "apiserver"}, Manifests: []string{"kube-apiserver.yaml", "kube-apiserver.json", "kube-apiserver.manifest"}, Units: []string{"kube-apiserver.service"}, K3sArg: "kube-apiserver-arg", MicroK8sArgs: "kube-apiserver", ControlPlane: true},
	{Name: "controller-manager", Binaries: []string{"kube-controller-manager", "controller-manager"}, Manifests: []string{"kube-controller-manager.yaml", "kube-controller-manager.json", "kube-controller-manager.manifest"}, Units: []string{"kube-controller-manager.service"}, K3sArg: "kube-controller-manager-arg", MicroK8sArgs: "kube-controller-manager", ControlPlane: true},
	{Name: "scheduler", Binaries: []string{"kube-scheduler", "scheduler"}, Manifests: []string{"kube-scheduler.yaml", "kube-scheduler.json", "kube-scheduler.manifest"}, Units: []string{"kube-scheduler.service"}, ConfigFlags: []string{"--config"}, ConfigFormat: "yaml", K3sArg: "kube-scheduler-arg", MicroK8sArgs: "kube-scheduler", ControlPlane: true},
	{Name: "etcd", Binaries: []string{"etcd"}, Manifests: []string{"etcd.yaml", "etcd.json", "etcd.manifest"}, Units: []string{"etcd.service"}, ConfigFlags: []string{"--config-file"}, ConfigFormat: "yaml", K3sArg: "etcd-arg", MicroK8sArgs: "etcd", ControlPlane: true},
	{Name: "kubelet", Binaries: []string{"kubelet"}, Units: []string{"kubelet.service", "snap.kubelet.daemon.service"}, ConfigFlags: []string{"--config"}, ConfigDirFlag: "--config-dir", ConfigFormat: "yaml", K3sArg: "kubelet-arg", MicroK8sArgs: "kubelet"},
	{Name: "proxy", Binaries: []string{"kube-proxy", "proxy"}, Manifests: []string{"kube-proxy.yaml", "kube-proxy.manifest"}, Units: []string{"kube-proxy.service"}, ConfigFlags: []string{"--config"}, ConfigFormat: "yaml", K3sArg: "kube-proxy-arg", MicroK8sArgs: "kube-proxy"},
	{Name: "dockerd", Binaries: []string{"dockerd"}, Units: []string{"docker.service"}, ConfigFlags: []string{"--config-file"}, DefaultConfig: []string{"/etc/docker/daemon.json"}, ConfigFormat: "json"},
	{Name: "containerd", Binaries: []string{"containerd"}, Units: []string{"containerd.service"}, ConfigFlags: []string{"--config", "-c"}, DefaultConfig: []string{"/etc/containerd/config.toml"}, ConfigFormat: "toml"},
}

func specFor(name string) *componentSpec {
	for i := range componentSpecs {
		if componentSpecs[i].Name == name {
			return &componentSpecs[i]
		}
	}
	return nil
}

func knownComponent(name string) bool { return specFor(name) != nil }

// manifestDirs are the static pod directories, per flavour first.
var manifestDirs = []string{
	"/etc/kubernetes/manifests",
	"/var/lib/rancher/rke2/agent/pod-manifests",
	"/etc/kubernetes/static-pod-manifests",
}

// variable is a named file location ($kubelet.kubeconfig) resolved per
// node: from a component setting when the component names it, else from
// the flavour's usual paths.
type variable struct {
	// component, flag, config: the setting that names the path.
	component, flag, config string
	// manifest: the component's static pod file or argument file.
	manifest string
	// unit: every file of the component's systemd unit.
	unit string
	// paths are the usual locations per flavour; Generic applies to all.
	paths map[Flavour][]string
	// all: judge every existing candidate (admin.conf and
	// super-admin.conf), not only the first.
	all bool
}

var variables = map[string]variable{
	"apiserver.manifest":          {manifest: "apiserver"},
	"controller-manager.manifest": {manifest: "controller-manager"},
	"scheduler.manifest":          {manifest: "scheduler"},
	"etcd.manifest":               {manifest: "etcd"},
	"controller-manager.kubeconfig": {component: "controller-manager", flag: "--kubeconfig", paths: map[Flavour][]string{
		Generic: {"/etc/kubernetes/controller-manager.conf"},
		RKE2:    {"/var/lib/rancher/rke2/server/cred/controller.kubeconfig"},
		K3s:     {"/var/lib/rancher/k3s/server/cred/controller.kubeconfig"},
	}},
	"scheduler.kubeconfig": {component: "scheduler", flag: "--kubeconfig", config: "clientConnection.kubeconfig", paths: map[Flavour][]string{
		Generic: {"/etc/kubernetes/scheduler.conf"},
		RKE2:    {"/var/lib/rancher/rke2/server/cred/scheduler.kubeconfig"},
		K3s:     {"/var/lib/rancher/k3s/server/cred/scheduler.kubeconfig"},
	}},
	"admin.kubeconfig": {all: true, paths: map[Flavour][]string{
		Generic:  {"/etc/kubernetes/admin.conf", "/etc/kubernetes/super-admin.conf"},
		RKE2:     {"/etc/rancher/rke2/rke2.yaml"},
		K3s:      {"/etc/rancher/k3s/k3s.yaml"},
		MicroK8s: {"/var/snap/microk8s/current/credentials/client.config"},
	}},
	"etcd.datadir": {component: "etcd", flag: "--data-dir", config: "data-dir", paths: map[Flavour][]string{
		Generic: {"/var/lib/etcd"},
		RKE2:    {"/var/lib/rancher/rke2/server/db/etcd"},
		K3s:     {"/var/lib/rancher/k3s/server/db/etcd"},
	}},
	"pki.dir": {paths: map[Flavour][]string{
		Generic:  {"/etc/kubernetes/pki"},
		RKE2:     {"/var/lib/rancher/rke2/server/tls"},
		K3s:      {"/var/lib/rancher/k3s/server/tls"},
		MicroK8s: {"/var/snap/microk8s/current/certs"},
	}},
	"kubelet.service":             {unit: "kubelet", all: true},
	"apiserver.authz-config":      {component: "apiserver", flag: "--authorization-config"},
	"apiserver.encryption-config": {component: "apiserver", flag: "--encryption-provider-config"},
	"apiserver.audit-policy":      {component: "apiserver", flag: "--audit-policy-file"},
	"kubelet.kubeconfig": {component: "kubelet", flag: "--kubeconfig", paths: map[Flavour][]string{
		Generic:  {"/etc/kubernetes/kubelet.conf", "/var/lib/kubelet/kubeconfig"},
		RKE2:     {"/var/lib/rancher/rke2/agent/kubelet.kubeconfig"},
		K3s:      {"/var/lib/rancher/k3s/agent/kubelet.kubeconfig"},
		MicroK8s: {"/var/snap/microk8s/current/credentials/kubelet.config"},
	}},
	"kubelet.config": {component: "kubelet", flag: "--config", paths: map[Flavour][]string{
		Kubeadm: {"/var/lib/kubelet/config.yaml"},
		EKS:     {"/etc/kubernetes/kubelet/kubelet-config.json", "/etc/kubernetes/kubelet/config.json"},
		GKE:     {"/home/kubernetes/kubelet-config.yaml"},
		AKS:     {"/etc/default/kubeletconfig.json"},
	}},
	"kubelet.cafile": {component: "kubelet", flag: "--client-ca-file", config: "authentication.x509.clientCAFile", paths: map[Flavour][]string{
		Kubeadm: {"/etc/kubernetes/pki/ca.crt"},
	}},
	"proxy.kubeconfig": {component: "proxy", flag: "--kubeconfig", config: "clientConnection.kubeconfig", paths: map[Flavour][]string{
		Kubeadm: {"/var/lib/kube-proxy/kubeconfig.conf"},
		EKS:     {"/var/lib/kube-proxy/kubeconfig"},
		GKE:     {"/var/lib/kube-proxy/kubeconfig"},
		AKS:     {"/var/lib/kubelet/kubeconfig"},
		RKE2:    {"/var/lib/rancher/rke2/agent/kubeproxy.kubeconfig"},
		K3s:     {"/var/lib/rancher/k3s/agent/kubeproxy.kubeconfig"},
	}},
	// azure.json holds the AKS node's cloud credentials.
	"aks.azure-json": {paths: map[Flavour][]string{AKS: {"/etc/kubernetes/azure.json"}}},
	"kubelet.cni":    {paths: map[Flavour][]string{Generic: {"/etc/cni/net.d"}}},
	"dockerd.config": {component: "dockerd", flag: "--config-file", paths: map[Flavour][]string{
		Generic: {"/etc/docker/daemon.json"},
	}},
	"containerd.config": {component: "containerd", flag: "--config", paths: map[Flavour][]string{
		Generic: {"/etc/containerd/config.toml"},
	}},
	"docker.service":     {unit: "dockerd", all: true},
	"dockerd.tlscacert":  {component: "dockerd", flag: "--tlscacert", config: "tlscacert"},
	"dockerd.tlscert":    {component: "dockerd", flag: "--tlscert", config: "tlscert"},
	"dockerd.tlskey":     {component: "dockerd", flag: "--tlskey", config: "tlskey"},
	"docker.socket-unit": {paths: map[Flavour][]string{Generic: {"/etc/systemd/system/docker.socket", "/usr/lib/systemd/system/docker.socket", "/lib/systemd/system/docker.socket"}}},
	"docker.sock":        {component: "dockerd", flag: "--host", config: "hosts", paths: map[Flavour][]string{Generic: {"/run/docker.sock", "/var/run/docker.sock"}}},
	"containerd.sock":    {component: "containerd", config: "grpc.address", paths: map[Flavour][]string{Generic: {"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock"}}},
	"containerd.service": {unit: "containerd", all: true},
}

// candidatePaths lists the node paths a variable may mean on this node,
// best first, without touching the file system: the collector stats them
// all and the evaluator takes the first that exists.
func (f *Facts) candidatePaths(name string) []string {
	v, ok := variables[name]
	if !ok {
		return nil
	}
	var out []string
	add := func(p string) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if v.manifest != "" {
		if c := f.Components[v.manifest]; c != nil {
			add(c.ManifestFile)
		}
	}
	if v.unit != "" {
		for _, u := range f.unitsOf(specFor(v.unit)) {
			for _, file := range u.Files {
				add(file)
			}
		}
	}
	if v.component != "" {
		if c := f.Components[v.component]; c != nil {
			if val, _, ok := f.settingValue(c, v.flag, v.config, "", nil); ok && val != "" {
				for _, p := range splitList(val) {
					p = strings.TrimPrefix(p, "unix://")
					if !strings.HasPrefix(p, "/") {
						continue // tcp://, fd://: not a file
					}
					add(p)
					if c.ProcRoot != "" {
						add(c.ProcRoot + p)
					}
				}
			}
		}
	}
	for _, p := range v.paths[f.Flavour] {
		add(p)
	}
	for _, p := range v.paths[Generic] {
		add(p)
	}
	return out
}

// unitsOf returns the loaded systemd units of a component's spec.
func (f *Facts) unitsOf(spec *componentSpec) []*Unit {
	if spec == nil {
		return nil
	}
	var out []*Unit
	for _, name := range spec.Units {
		if u := f.Units[name]; u != nil && len(u.Files) > 0 {
			out = append(out, u)
		}
	}
	return out
}
