package netpol

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/kube"
)

// Enforcement says whether a CNI enforces NetworkPolicy.
type Enforcement string

const (
	Enforces       Enforcement = "enforces"
	DoesNotEnforce Enforcement = "does not enforce"
	// Depends: enforcement is optional and its setting was not found.
	Depends Enforcement = "depends on its configuration"
)

// CNI is a network plugin found in a snapshot.
type CNI struct {
	Name        string      `json:"name"`
	Enforcement Enforcement `json:"enforcement"`
	// Evidence is the object that revealed it, Note the reason for the
	// enforcement verdict.
	Evidence string `json:"evidence"`
	Note     string `json:"note,omitempty"`
	object   *kube.Object
}

// Object is the object that revealed the CNI.
func (c CNI) Object() *kube.Object { return c.object }

// cniSignature recognises one CNI from a workload's name and images.
type cniSignature struct {
	name    string
	names   []string // workload names (DaemonSet/Deployment)
	images  []string // image repository substrings
	judge   func(w kube.Workload) (Enforcement, string)
	enforce Enforcement
	note    string
}

var cniSignatures = []cniSignature{
	{name: "Calico", names: []string{"calico-node"}, images: []string{"calico/node", "calico-node"}, enforce: Enforces, note: "Felix enforces NetworkPolicy"},
	{name: "Canal", names: []string{"canal"}, enforce: Enforces, note: "Flannel networking with Calico policy enforcement"},
	{name: "Cilium", names: []string{"cilium", "anetd"}, images: []string{"cilium/cilium", "/cilium:", "gke.gcr.io/cilium"}, judge: judgeCilium},
	{name: "Antrea", names: []string{"antrea-agent"}, images: []string{"antrea/antrea-agent", "antrea-ubuntu", "antrea/antrea"}, enforce: Enforces, note: "antrea-agent enforces NetworkPolicy"},
	{name: "Weave Net", names: []string{"weave-net"}, images: []string{"weaveworks/weave-npc", "weaveworks/weave-kube"}, judge: judgeWeave},
	{name: "kube-router", names: []string{"kube-router"}, images: []string{"cloudnativelabs/kube-router"}, judge: judgeKubeRouter},
	{name: "kindnet", names: []string{"kindnet"}, images: []string{"kindnetd"}, judge: judgeKindnet},
	{name: "Flannel", names: []string{"kube-flannel-ds", "kube-flannel", "flannel"}, images: []string{"flannel/flannel", "flannel-io/flannel", "coreos/flannel"}, enforce: DoesNotEnforce, note: "Flannel only provides networking; NetworkPolicies do nothing unless a policy engine (Calico as Canal, kube-router) runs alongside"},
	{name: "AWS VPC CNI", names: []string{"aws-node"}, images: []string{"amazon-k8s-cni", "amazon/aws-network-policy-agent"}, judge: judgeAWS},
	{name: "Azure NPM", names: []string{"azure-npm"}, images: []string{"azure-npm"}, enforce: Enforces, note: "Azure Network Policy Manager enforces NetworkPolicy"},
	{name: "Azure CNI", names: []string{"azure-cns", "azure-cni"}, images: []string{"azure-cns", "azure-cni"}, enforce: DoesNotEnforce, note: "Azure CNI alone does not enforce NetworkPolicy: enable Azure NPM, Calico or Cilium"},
	{name: "OVN-Kubernetes", names: []string{"ovnkube-node"}, images: []string{"ovn-kubernetes", "ovn-daemonset"}, enforce: Enforces, note: "OVN-Kubernetes enforces NetworkPolicy"},
	{name: "Kube-OVN", names: []string{"kube-ovn-cni"}, images: []string{"kubeovn/kube-ovn"}, enforce: Enforces, note: "Kube-OVN enforces NetworkPolicy"},
	{name: "kube-network-policies", names: []string{"kube-network-policies"}, images: []string{"kube-network-policies"}, enforce: Enforces, note: "sig-network's kube-network-policies enforces NetworkPolicy"},
	{name: "Romana", names: []string{"romana-agent"}, enforce: Enforces},
	{name: "Multus", names: []string{"kube-multus-ds", "multus"}, images: []string{"multus-cni"}, enforce: Depends, note: "Multus delegates to other plugins; enforcement depends on the primary network plugin"},
}

// DetectCNI finds network plugins among the snapshot's DaemonSets and
// Deployments (by name and image) and Node annotations, and says
// whether each enforces NetworkPolicy. Sorted by name.
func DetectCNI(s *kube.Snapshot) []CNI {
	found := map[string]CNI{}
	add := func(c CNI) {
		if old, ok := found[c.Name]; ok && old.Enforcement == Enforces {
			return
		}
		found[c.Name] = c
	}
	for _, w := range s.Workloads() {
		kind := w.Object.Kind()
		if kind != "DaemonSet" && kind != "Deployment" {
			continue
		}
		name := w.Object.Meta.Name
		images := workloadImages(w)
		for _, sig := range cniSignatures {
			if !matchesSignature(sig, name, images) {
				continue
			}
			c := CNI{Name: sig.name, Enforcement: sig.enforce, Note: sig.note, Evidence: w.Object.Ref(), object: w.Object}
			if sig.judge != nil {
				c.Enforcement, c.Note = sig.judge(w)
			}
			add(c)
		}
	}
	// Flannel running next to a policy engine is fine.
	if f, ok := found["Flannel"]; ok {
		for _, other := range []string{"Calico", "Canal", "kube-router", "Cilium", "Antrea"} {
			if o, ok := found[other]; ok && o.Enforcement == Enforces {
				f.Enforcement = Enforces
				f.Note = "Flannel networking, with NetworkPolicy enforced by " + other
				found["Flannel"] = f
			}
		}
	}
	if len(found) == 0 {
		for _, o := range s.OfKind("", "Node") {
			for k := range o.Meta.Annotations {
				switch {
				case strings.HasPrefix(k, "projectcalico.org/"):
					add(CNI{Name: "Calico", Enforcement: Enforces, Evidence: o.Ref() + " annotation " + k, Note: "Felix enforces NetworkPolicy", object: o})
				case strings.HasPrefix(k, "io.cilium"), strings.HasPrefix(k, "network.cilium.io/"):
					add(CNI{Name: "Cilium", Enforcement: Enforces, Evidence: o.Ref() + " annotation " + k, Note: "Cilium enforces NetworkPolicy unless policy enforcement is disabled", object: o})
				case strings.HasPrefix(k, "flannel.alpha.coreos.com/"):
					add(CNI{Name: "Flannel", Enforcement: DoesNotEnforce, Evidence: o.Ref() + " annotation " + k, Note: "Flannel only provides networking; NetworkPolicies do nothing without a policy engine", object: o})
				}
			}
		}
	}
	out := make([]CNI, 0, len(found))
	for _, c := range found {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func matchesSignature(sig cniSignature, name string, images []string) bool {
	for _, n := range sig.names {
		if name == n {
			return true
		}
	}
	for _, img := range images {
		for _, sub := range sig.images {
			if strings.Contains(img, sub) {
				return true
			}
		}
	}
	return false
}

func workloadImages(w kube.Workload) []string {
	var out []string
	kube.Containers(w.Spec(), func(c *corev1.Container, _ kube.Path) { out = append(out, c.Image) })
	return out
}

// containerSettings returns args and env of every container, to look for
// a setting by name.
func containerSettings(w kube.Workload) (args []string, env map[string]string) {
	env = map[string]string{}
	kube.Containers(w.Spec(), func(c *corev1.Container, _ kube.Path) {
		args = append(args, c.Command...)
		args = append(args, c.Args...)
		for _, e := range c.Env {
			env[e.Name] = e.Value
		}
	})
	return args, env
}

func flagValue(args []string, name string) (string, bool) {
	for i, a := range args {
		a = strings.TrimLeft(a, "-")
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v, true
		}
		if a == name && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			return args[i+1], true
		}
		if a == name {
			return "true", true
		}
	}
	return "", false
}

func judgeCilium(w kube.Workload) (Enforcement, string) {
	args, env := containerSettings(w)
	if v, ok := flagValue(args, "enable-policy"); ok && v == "never" {
		return DoesNotEnforce, "Cilium runs with --enable-policy=never"
	}
	if env["CILIUM_ENABLE_POLICY"] == "never" {
		return DoesNotEnforce, "Cilium runs with CILIUM_ENABLE_POLICY=never"
	}
	return Enforces, "Cilium enforces NetworkPolicy"
}

func judgeWeave(w kube.Workload) (Enforcement, string) {
	for _, img := range workloadImages(w) {
		if strings.Contains(img, "weave-npc") {
			return Enforces, "the weave-npc container enforces NetworkPolicy"
		}
	}
	return DoesNotEnforce, "Weave Net without its weave-npc container does not enforce NetworkPolicy"
}

func judgeKubeRouter(w kube.Workload) (Enforcement, string) {
	args, _ := containerSettings(w)
	if v, ok := flagValue(args, "run-firewall"); ok && v == "false" {
		return DoesNotEnforce, "kube-router runs with --run-firewall=false"
	}
	return Enforces, "kube-router's firewall enforces NetworkPolicy"
}

// kindnetPolicySince is the first kindnetd image (tags are
// vYYYYMMDD-hash) that ships network policy enforcement (kind v0.24).
const kindnetPolicySince = 20240813

var kindnetTag = regexp.MustCompile(`kindnetd:v(\d{8})`)

func judgeKindnet(w kube.Workload) (Enforcement, string) {
	for _, img := range workloadImages(w) {
		if m := kindnetTag.FindStringSubmatch(img); m != nil {
			d, _ := strconv.Atoi(m[1])
			if d >= kindnetPolicySince {
				return Enforces, "kindnetd " + m[1] + " enforces NetworkPolicy (kind v0.24 and later)"
			}
			return DoesNotEnforce, "kindnetd " + m[1] + " predates NetworkPolicy support (kind v0.24): upgrade kind or install a policy engine"
		}
	}
	return Depends, "kindnetd enforces NetworkPolicy from kind v0.24 on; its version was not found"
}

func judgeAWS(w kube.Workload) (Enforcement, string) {
	args, env := containerSettings(w)
	if v, ok := flagValue(args, "enable-network-policy"); ok {
		if v == "true" {
			return Enforces, "the AWS network policy agent runs with --enable-network-policy=true"
		}
		return DoesNotEnforce, "the AWS VPC CNI runs with --enable-network-policy=" + v
	}
	if env["ENABLE_NETWORK_POLICY"] == "true" || env["NETWORK_POLICY_ENFORCING_MODE"] != "" {
		return Enforces, "the AWS VPC CNI has network policy enabled"
	}
	return DoesNotEnforce, "the AWS VPC CNI enforces NetworkPolicy only with its network policy agent enabled (enableNetworkPolicy in the add-on configuration)"
}
