package checks

// The pod settings users expect beyond the Pod Security Standards:
// resource limits, a read-only root file system, no automatically
// mounted service-account token, ports bound on the node through the
// host network, and hostPath volumes of sensitive node paths (the same
// list as the Dockerfile sensitive-volume rule, internal/hostpath).

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/hostpath"
	"github.com/palisade-sec/palisade/internal/kube"
)

var MissingLimits = &finding.Rule{
	ID: "PAL-PSS-020", Control: control.PodSecurity, Severity: finding.Medium, Family: "resources",
	Title:       "Container without CPU or memory limit",
	Doc:         "A container without a memory limit can exhaust the node's memory and get other pods evicted; one without a CPU limit can starve its neighbours. Limits also bound what a compromised container can consume (cryptomining). A LimitRange with defaults in the namespace fills them in at admission, so a namespace with a LimitRange is not reported.",
	Remediation: "Set resources.limits.memory and resources.limits.cpu on every container, or give the namespace a LimitRange with default limits.",
	Aliases:     aliases(alias("kubescape", "C-0009"), alias("trivy", "KSV011", "KSV018"), alias("checkov", "CKV_K8S_11", "CKV_K8S_13")),
}

var WritableRootFS = &finding.Rule{
	ID: "PAL-PSS-021", Control: control.PodSecurity, Severity: finding.Low, Family: "filesystem",
	Title:       "Container root file system is writable",
	Doc:         "Without readOnlyRootFilesystem: true, an attacker who gets code execution can write tools and persistence into the container's file system. Writable paths the application needs belong on emptyDir volumes.",
	Remediation: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the application writes.",
	Aliases:     aliases(alias("kubescape", "C-0017"), alias("trivy", "KSV014"), alias("checkov", "CKV_K8S_22")),
}

var AutomountToken = &finding.Rule{
	ID: "PAL-PSS-022", Control: control.PodSecurity, Severity: finding.Low, Family: "service-account",
	Title:       "Service-account token mounted automatically",
	Doc:         "Unless automountServiceAccountToken is false (on the pod or its ServiceAccount), every container gets a token for the Kubernetes API. Most applications never call the API; a stolen token is then only an attacker's gain.",
	Remediation: "Set automountServiceAccountToken: false on the pod (or on its ServiceAccount), and mount a projected token only where the API is used.",
	Aliases:     aliases(alias("kubescape", "C-0034"), alias("checkov", "CKV_K8S_38")),
}

var HostNetworkPorts = &finding.Rule{
	ID: "PAL-PSS-023", Control: control.PodSecurity, Severity: finding.Medium, Family: "host-ports",
	Title:       "Container listens on the node's network",
	Doc:         "A pod with hostNetwork: true binds its container ports on the node's own addresses, as hostPort would, outside the reach of most NetworkPolicy implementations. Pod Security's host-ports check only sees hostPort fields; this rule names the ports exposed through the host network.",
	Remediation: "Drop hostNetwork and expose the ports with a Service; if the pod must use the host network, bind to 127.0.0.1 or firewall the ports on the node.",
}

var SensitiveHostPath = &finding.Rule{
	ID: "PAL-PSS-024", Control: control.PodSecurity, Severity: finding.Critical, Family: "host-path",
	Title:       "Pod mounts a sensitive host path",
	Doc:         "A hostPath volume of a sensitive node path (/, /etc, /proc, /var/lib/kubelet, the container runtime socket, ...) hands the pod the node: its credentials, its processes, or control of every container. The list is the one the Dockerfile sensitive-volume rule uses.",
	Remediation: "Remove the hostPath volume. Agents that need node access belong in a dedicated, reviewed namespace with a privileged Pod Security exemption, mounting the narrowest path read-only.",
	Aliases:     aliases(alias("kubescape", "C-0045")),
}

var workloadChecks = []Check{
	{Rule: MissingLimits, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			if hasLimitRange(p.Snap, w.Namespace()) {
				continue
			}
			var names []string
			var first kube.Path
			kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
				if strings.HasPrefix(path[0], "ephemeral") {
					return
				}
				var missing []string
				if _, ok := c.Resources.Limits[corev1.ResourceCPU]; !ok {
					missing = append(missing, "cpu")
				}
				if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
					missing = append(missing, "memory")
				}
				if len(missing) > 0 {
					names = append(names, fmt.Sprintf("%q (%s)", c.Name, strings.Join(missing, ", ")))
					if first == nil {
						first = path
					}
				}
			})
			if len(names) > 0 {
				p.Report(w.Object, w.SpecPath().Child(first...), "no resource limit%s on container%s %s", plural(len(names), "", "s"), plural(len(names), "", "s"), strings.Join(names, ", "))
			}
		}
	}},
	{Rule: WritableRootFS, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			var names []string
			var first kube.Path
			kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
				if strings.HasPrefix(path[0], "ephemeral") {
					return
				}
				if c.SecurityContext == nil || c.SecurityContext.ReadOnlyRootFilesystem == nil || !*c.SecurityContext.ReadOnlyRootFilesystem {
					names = append(names, c.Name)
					if first == nil {
						first = path
					}
				}
			})
			if len(names) > 0 {
				p.Report(w.Object, w.SpecPath().Child(first...), "container%s %s do%s not set securityContext.readOnlyRootFilesystem: true",
					plural(len(names), "", "s"), quoteList(names), plural(len(names), "es", ""))
			}
		}
	}},
	{Rule: AutomountToken, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			spec := w.Spec()
			if spec.AutomountServiceAccountToken != nil {
				if *spec.AutomountServiceAccountToken {
					p.Report(w.Object, w.SpecPath().Child("automountServiceAccountToken"), "automountServiceAccountToken is true: every container gets an API token")
				}
				continue
			}
			sa := spec.ServiceAccountName
			if sa == "" {
				sa = spec.DeprecatedServiceAccount
			}
			if sa == "" {
				sa = "default"
			}
			if o := p.Snap.Get("", "ServiceAccount", w.Namespace(), sa); o != nil {
				if s, ok := o.Typed.(*corev1.ServiceAccount); ok && s.AutomountServiceAccountToken != nil && !*s.AutomountServiceAccountToken {
					continue
				}
			}
			p.Report(w.Object, w.SpecPath(), "the token of service account %q is mounted automatically: set automountServiceAccountToken: false unless the pod calls the API", sa)
		}
	}},
	{Rule: HostNetworkPorts, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			if !w.Spec().HostNetwork {
				continue
			}
			var ports []string
			kube.Containers(w.Spec(), func(c *corev1.Container, _ kube.Path) {
				for _, port := range c.Ports {
					proto := port.Protocol
					if proto == "" {
						proto = corev1.ProtocolTCP
					}
					ports = append(ports, fmt.Sprintf("%s/%d (%s)", proto, port.ContainerPort, c.Name))
				}
			})
			if len(ports) > 0 {
				slices.Sort(ports)
				p.Report(w.Object, w.SpecPath().Child("hostNetwork"), "hostNetwork binds these ports on every node address: %s", strings.Join(ports, ", "))
			}
		}
	}},
	{Rule: SensitiveHostPath, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			for i, v := range w.Spec().Volumes {
				if v.HostPath == nil {
					continue
				}
				reason, ok := hostpath.Sensitive(v.HostPath.Path)
				if !ok {
					continue
				}
				mode := "writable"
				if readOnlyEverywhere(w.Spec(), v.Name) {
					mode = "read-only"
				}
				p.Report(w.Object, w.SpecPath().Index("volumes", i), "volume %q mounts host path %s (%s): %s", v.Name, v.HostPath.Path, mode, reason)
			}
		}
	}},
}

// readOnlyEverywhere reports whether every mount of a volume is read-only.
func readOnlyEverywhere(spec *corev1.PodSpec, volume string) bool {
	all := true
	kube.Containers(spec, func(c *corev1.Container, _ kube.Path) {
		for _, m := range c.VolumeMounts {
			if m.Name == volume && !m.ReadOnly {
				all = false
			}
		}
	})
	return all
}

// hasLimitRange reports whether a namespace has a LimitRange with
// default container limits.
func hasLimitRange(s *kube.Snapshot, ns string) bool {
	for _, o := range s.OfKind("", "LimitRange") {
		if o.Namespace() != ns {
			continue
		}
		lr, ok := o.Typed.(*corev1.LimitRange)
		if !ok {
			continue
		}
		for _, l := range lr.Spec.Limits {
			if l.Type == corev1.LimitTypeContainer && len(l.Default) > 0 {
				return true
			}
		}
	}
	return false
}
