package checks

// PodSecurityPolicy objects (policy/v1beta1, extensions/v1beta1) were
// removed in Kubernetes 1.25. Old manifests still carry them; palisade
// reports each with the Pod Security Standards level it is equivalent
// to, found by building the most permissive pod the policy admits and
// judging that pod with the upstream evaluator: the level to put on the
// namespaces that relied on it.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
)

var PodSecurityPolicyFound = &finding.Rule{
	ID: "PAL-PSS-030", Control: control.PodSecurity, Severity: finding.Medium, Family: "psp",
	Title:       "PodSecurityPolicy (removed in Kubernetes 1.25)",
	Doc:         "PodSecurityPolicy was removed in Kubernetes 1.25: the object is refused (or ignored) and no longer protects anything. palisade builds the most permissive pod the policy admits and judges it with the Pod Security evaluator to name the equivalent Pod Security level, which the namespaces that relied on the policy should enforce instead.",
	Remediation: "Delete the PodSecurityPolicy and label the namespaces that used it with pod-security.kubernetes.io/enforce=<the level in the message>.",
}

// pspSpec holds the PodSecurityPolicy fields that map to Pod Security.
type pspSpec struct {
	Privileged               bool     `json:"privileged"`
	AllowPrivilegeEscalation *bool    `json:"allowPrivilegeEscalation"`
	AllowedCapabilities      []string `json:"allowedCapabilities"`
	DefaultAddCapabilities   []string `json:"defaultAddCapabilities"`
	RequiredDropCapabilities []string `json:"requiredDropCapabilities"`
	Volumes                  []string `json:"volumes"`
	HostNetwork              bool     `json:"hostNetwork"`
	HostPID                  bool     `json:"hostPID"`
	HostIPC                  bool     `json:"hostIPC"`
	HostPorts                []struct {
		Min int32 `json:"min"`
		Max int32 `json:"max"`
	} `json:"hostPorts"`
	RunAsUser struct {
		Rule   string `json:"rule"`
		Ranges []struct {
			Min int64 `json:"min"`
			Max int64 `json:"max"`
		} `json:"ranges"`
	} `json:"runAsUser"`
	SELinux struct {
		Rule           string                 `json:"rule"`
		SELinuxOptions *corev1.SELinuxOptions `json:"seLinuxOptions"`
	} `json:"seLinux"`
	AllowedUnsafeSysctls  []string `json:"allowedUnsafeSysctls"`
	AllowedProcMountTypes []string `json:"allowedProcMountTypes"`
}

const (
	seccompAllowedAnnotation  = "seccomp.security.alpha.kubernetes.io/allowedProfileNames"
	seccompDefaultAnnotation  = "seccomp.security.alpha.kubernetes.io/defaultProfileName"
	apparmorAllowedAnnotation = "apparmor.security.beta.kubernetes.io/allowedProfileNames"
)

// restrictedVolumeTypes are the volume types the restricted level allows.
var restrictedVolumeTypes = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image"}

// worstPod builds the most permissive pod a PodSecurityPolicy admits.
func worstPod(spec pspSpec, annotations map[string]string) *corev1.PodTemplateSpec {
	t := true
	sc := &corev1.SecurityContext{}
	c := corev1.Container{Name: "c", Image: "example", SecurityContext: sc}
	pod := &corev1.PodTemplateSpec{}
	pod.Spec.SecurityContext = &corev1.PodSecurityContext{}
	if spec.Privileged {
		sc.Privileged = &t
	}
	if spec.AllowPrivilegeEscalation == nil || *spec.AllowPrivilegeEscalation {
		sc.AllowPrivilegeEscalation = &t
	} else {
		f := false
		sc.AllowPrivilegeEscalation = &f
	}
	caps := &corev1.Capabilities{}
	for _, cp := range append(slices.Clone(spec.AllowedCapabilities), spec.DefaultAddCapabilities...) {
		if cp == "*" {
			cp = "SYS_ADMIN"
		}
		caps.Add = append(caps.Add, corev1.Capability(strings.TrimPrefix(cp, "CAP_")))
	}
	for _, cp := range spec.RequiredDropCapabilities {
		caps.Drop = append(caps.Drop, corev1.Capability(cp))
	}
	sc.Capabilities = caps
	for _, v := range spec.Volumes {
		switch {
		case v == "*" || v == "hostPath":
			pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: "host", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}})
		case !slices.Contains(restrictedVolumeTypes, v):
			pod.Spec.Volumes = append(pod.Spec.Volumes, corev1.Volume{Name: "nfs", VolumeSource: corev1.VolumeSource{NFS: &corev1.NFSVolumeSource{Server: "nfs", Path: "/"}}})
		}
	}
	pod.Spec.HostNetwork, pod.Spec.HostPID, pod.Spec.HostIPC = spec.HostNetwork, spec.HostPID, spec.HostIPC
	for _, r := range spec.HostPorts {
		port := max(r.Min, 1)
		c.Ports = append(c.Ports, corev1.ContainerPort{ContainerPort: port, HostPort: port})
	}
	switch spec.RunAsUser.Rule {
	case "MustRunAsNonRoot":
		sc.RunAsNonRoot = &t
	case "MustRunAs":
		nonRoot := len(spec.RunAsUser.Ranges) > 0
		var uid int64 = -1
		for _, r := range spec.RunAsUser.Ranges {
			if r.Min < 1 {
				nonRoot = false
			}
			if uid < 0 || r.Min < uid {
				uid = r.Min
			}
		}
		if nonRoot {
			sc.RunAsNonRoot = &t
		}
		if uid >= 0 {
			sc.RunAsUser = &uid
		}
	default: // RunAsAny
		var root int64
		sc.RunAsUser = &root
	}
	switch spec.SELinux.Rule {
	case "MustRunAs":
		sc.SELinuxOptions = spec.SELinux.SELinuxOptions
	default: // RunAsAny: any type, including spc_t (unconfined)
		sc.SELinuxOptions = &corev1.SELinuxOptions{Type: "spc_t"}
	}
	if len(spec.AllowedUnsafeSysctls) > 0 {
		name := spec.AllowedUnsafeSysctls[0]
		if strings.Contains(name, "*") {
			name = "kernel.msgmax"
		}
		pod.Spec.SecurityContext.Sysctls = []corev1.Sysctl{{Name: name, Value: "1"}}
	}
	if slices.Contains(spec.AllowedProcMountTypes, string(corev1.UnmaskedProcMount)) {
		pm := corev1.UnmaskedProcMount
		sc.ProcMount = &pm
	}
	if allowed, ok := annotations[seccompAllowedAnnotation]; ok {
		names := strings.Split(allowed, ",")
		switch {
		case slices.Contains(names, "*") || slices.Contains(names, "unconfined"):
			sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}
		case allRuntimeDefault(names) && allRuntimeDefault([]string{annotations[seccompDefaultAnnotation]}):
			sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
		}
	}
	if allowed, ok := annotations[apparmorAllowedAnnotation]; ok {
		names := strings.Split(allowed, ",")
		if slices.Contains(names, "*") || slices.Contains(names, "unconfined") {
			sc.AppArmorProfile = &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}
		}
	}
	pod.Spec.Containers = []corev1.Container{c}
	return pod
}

func allRuntimeDefault(names []string) bool {
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "runtime/default", "docker/default":
		default:
			return false
		}
	}
	return true
}

// PSPLevel returns the Pod Security level a PodSecurityPolicy is
// equivalent to, and the checks that keep it from the next level.
func PSPLevel(o *kube.Object) (api.Level, []Violation, error) {
	content, err := o.Content()
	if err != nil {
		return "", nil, err
	}
	var doc struct {
		Spec pspSpec `json:"spec"`
	}
	data, err := json.Marshal(content)
	if err != nil {
		return "", nil, err
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", nil, fmt.Errorf("reading the PodSecurityPolicy: %w", err)
	}
	pod := worstPod(doc.Spec, o.Meta.Annotations)
	latest := api.LatestVersion()
	b, err := EvaluatePod(api.LevelVersion{Level: api.LevelBaseline, Version: latest}, pod)
	if err != nil {
		return "", nil, err
	}
	if len(b) > 0 {
		return api.LevelPrivileged, b, nil
	}
	r, _ := EvaluatePod(api.LevelVersion{Level: api.LevelRestricted, Version: latest}, pod)
	if len(r) > 0 {
		return api.LevelBaseline, r, nil
	}
	return api.LevelRestricted, nil, nil
}

var pspChecks = []Check{{Rule: PodSecurityPolicyFound, Run: func(p *Pass) {
	var psps []*kube.Object
	psps = append(psps, p.Snap.OfKind("policy", "PodSecurityPolicy")...)
	psps = append(psps, p.Snap.OfKind("extensions", "PodSecurityPolicy")...)
	for _, o := range psps {
		level, vs, err := PSPLevel(o)
		if err != nil {
			p.Report(o, nil, "PodSecurityPolicy %s no longer exists in Kubernetes 1.25+, and its spec could not be read: %v", o.Name(), err)
			continue
		}
		msg := fmt.Sprintf("PodSecurityPolicy %s no longer exists in Kubernetes 1.25+; it is equivalent to the Pod Security level %q", o.Name(), level)
		if len(vs) > 0 {
			reasons := make([]string, len(vs))
			for i, v := range vs {
				reasons[i] = v.Reason
			}
			next := "baseline"
			if level == api.LevelBaseline {
				next = "restricted"
			}
			msg += fmt.Sprintf(" (not %s: it allows %s)", next, strings.Join(reasons, ", "))
		}
		p.Report(o, kube.Path{"spec"}, "%s: label the namespaces that used it pod-security.kubernetes.io/enforce=%s", msg, level)
	}
}}}
