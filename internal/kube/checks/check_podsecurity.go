package checks

// Pod Security Standards, judged by the upstream evaluator
// (k8s.io/pod-security-admission policy.NewEvaluator with its default
// checks), at the level and version the user asks for (--pss-level,
// --pss-version). Each upstream check is one palisade rule, so findings
// can be ignored per check and carry the other tools' IDs; the message
// names the level, the version and the offending containers exactly as
// Pod Security Admission would.

import (
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
)

// pssRule describes the palisade rule of one upstream check.
type pssRule struct {
	ids  []policy.CheckID
	rule *finding.Rule
}

func pss(id string, sev finding.Severity, level api.Level, title, doc, fix string, checkIDs []policy.CheckID, al ...[]finding.Alias) pssRule {
	return pssRule{ids: checkIDs, rule: &finding.Rule{
		ID: id, Control: control.PodSecurity, Severity: sev, Family: "pss-" + string(level),
		Title: title, Doc: doc + " Judged by the upstream Pod Security Admission evaluator (check " + joinIDs(checkIDs) + ", level " + string(level) + ").",
		Remediation: fix, Aliases: aliases(al...),
	}}
}

func joinIDs(ids []policy.CheckID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

var pssRules = []pssRule{
	pss("PAL-PSS-001", finding.Critical, api.LevelBaseline, "Privileged container",
		"A privileged container has every capability and all host devices: it is root on the node.",
		"Remove securityContext.privileged, or set it to false; grant only the capabilities the process needs.",
		[]policy.CheckID{"privileged"}, alias("kubescape", "C-0057"), alias("trivy", "KSV017"), alias("checkov", "CKV_K8S_16")),
	pss("PAL-PSS-002", finding.High, api.LevelBaseline, "Pod shares a host namespace",
		"hostNetwork, hostPID or hostIPC give the pod the node's network stack, processes or shared memory.",
		"Remove hostNetwork, hostPID and hostIPC from the pod spec.",
		[]policy.CheckID{"hostNamespaces"}, alias("kubescape", "C-0038", "C-0041"), alias("trivy", "KSV008", "KSV009", "KSV010"), alias("checkov", "CKV_K8S_17", "CKV_K8S_18", "CKV_K8S_19")),
	pss("PAL-PSS-003", finding.High, api.LevelBaseline, "Pod mounts a hostPath volume",
		"A hostPath volume exposes the node's file system to the pod; a writable one lets it change the node.",
		"Use a persistentVolumeClaim, configMap, secret, emptyDir or a CSI volume instead of hostPath.",
		[]policy.CheckID{"hostPathVolumes"}, alias("kubescape", "C-0048"), alias("trivy", "KSV023")),
	pss("PAL-PSS-004", finding.Medium, api.LevelBaseline, "Container binds a host port",
		"hostPort publishes the container on every address of the node, bypassing Services and most network policies.",
		"Remove hostPort and expose the port with a Service.",
		[]policy.CheckID{"hostPorts"}, alias("kubescape", "C-0044"), alias("trivy", "KSV024")),
	pss("PAL-PSS-005", finding.Medium, api.LevelBaseline, "Probe or lifecycle handler targets another host",
		"A probe or lifecycle hook with a host field makes the kubelet connect to an arbitrary address on the pod's behalf.",
		"Remove the host field from probes and lifecycle handlers.",
		[]policy.CheckID{"hostProbesAndHostLifecycle"}),
	pss("PAL-PSS-006", finding.Medium, api.LevelBaseline, "AppArmor profile overridden",
		"Only the runtime default or a localhost AppArmor profile is allowed; unconfined disables AppArmor.",
		"Remove the unconfined AppArmor profile (securityContext.appArmorProfile or the container.apparmor.security.beta.kubernetes.io annotation).",
		[]policy.CheckID{"appArmorProfile"}, alias("trivy", "KSV002")),
	pss("PAL-PSS-007", finding.High, api.LevelBaseline, "Container adds a non-default capability",
		"Capabilities beyond the runtime's default set (SYS_ADMIN, NET_ADMIN, ...) widen what a compromised process can do to the node.",
		"Remove the capabilities from securityContext.capabilities.add.",
		[]policy.CheckID{"capabilities_baseline"}, alias("kubescape", "C-0046"), alias("trivy", "KSV022")),
	pss("PAL-PSS-008", finding.Medium, api.LevelBaseline, "Container unmasks /proc",
		"procMount Unmasked exposes the host's /proc paths that the runtime normally masks.",
		"Remove securityContext.procMount or set it to Default.",
		[]policy.CheckID{"procMount", "procMount_restricted"}, alias("trivy", "KSV027")),
	pss("PAL-PSS-009", finding.Medium, api.LevelBaseline, "Seccomp explicitly unconfined",
		"A seccomp profile of Unconfined turns off system-call filtering.",
		"Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost).",
		[]policy.CheckID{"seccompProfile_baseline"}, alias("trivy", "KSV104")),
	pss("PAL-PSS-010", finding.Medium, api.LevelBaseline, "Custom SELinux options",
		"Setting an SELinux type other than the container types, or a user or role, can escape the container's SELinux confinement.",
		"Remove securityContext.seLinuxOptions.type, user and role.",
		[]policy.CheckID{"seLinuxOptions"}, alias("trivy", "KSV025")),
	pss("PAL-PSS-011", finding.Medium, api.LevelBaseline, "Unsafe sysctl",
		"Only namespaced, safe sysctls are allowed; others change kernel settings of the node.",
		"Remove the sysctl from securityContext.sysctls.",
		[]policy.CheckID{"sysctls"}, alias("trivy", "KSV026")),
	pss("PAL-PSS-012", finding.High, api.LevelBaseline, "Windows HostProcess container",
		"A Windows HostProcess container runs directly on the host with the node's privileges.",
		"Remove windowsOptions.hostProcess.",
		[]policy.CheckID{"windowsHostProcess"}, alias("trivy", "KSV103")),
	pss("PAL-PSS-013", finding.Medium, api.LevelRestricted, "Privilege escalation allowed",
		"Without allowPrivilegeEscalation: false, a process can gain privileges through setuid binaries or file capabilities.",
		"Set securityContext.allowPrivilegeEscalation: false on every container.",
		[]policy.CheckID{"allowPrivilegeEscalation"}, alias("kubescape", "C-0016"), alias("trivy", "KSV001"), alias("checkov", "CKV_K8S_20")),
	pss("PAL-PSS-014", finding.Low, api.LevelRestricted, "Capabilities not dropped",
		"The restricted level requires dropping ALL capabilities and adding back at most NET_BIND_SERVICE.",
		"Set securityContext.capabilities.drop: [\"ALL\"] and add only NET_BIND_SERVICE when needed.",
		[]policy.CheckID{"capabilities_restricted"}, alias("trivy", "KSV003", "KSV106"), alias("checkov", "CKV_K8S_28", "CKV_K8S_37")),
	pss("PAL-PSS-015", finding.Medium, api.LevelRestricted, "Volume type not allowed at restricted",
		"The restricted level allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret and image volumes.",
		"Replace the volume with one of the allowed types.",
		[]policy.CheckID{"restrictedVolumes"}, alias("trivy", "KSV028")),
	pss("PAL-PSS-016", finding.Medium, api.LevelRestricted, "Container may run as root",
		"Without runAsNonRoot: true, a container whose image does not set a non-root user runs as root.",
		"Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
		[]policy.CheckID{"runAsNonRoot"}, alias("kubescape", "C-0013"), alias("trivy", "KSV012"), alias("checkov", "CKV_K8S_23")),
	pss("PAL-PSS-017", finding.Medium, api.LevelRestricted, "Container runs as UID 0",
		"runAsUser: 0 runs the process as root.",
		"Set runAsUser to a non-zero UID.",
		[]policy.CheckID{"runAsUser"}, alias("trivy", "KSV105")),
	pss("PAL-PSS-018", finding.Low, api.LevelRestricted, "Seccomp profile not set",
		"The restricted level requires a RuntimeDefault or Localhost seccomp profile on the pod or every container.",
		"Set securityContext.seccompProfile.type: RuntimeDefault at pod level.",
		[]policy.CheckID{"seccompProfile_restricted"}, alias("trivy", "KSV030"), alias("checkov", "CKV_K8S_31")),
	pss("PAL-PSS-019", finding.Medium, api.LevelBaseline, "Fails another Pod Security Standards check",
		"A check of the Pod Security Standards that palisade does not map to a rule of its own failed (a check added by a newer Kubernetes).",
		"Follow the message, which is the evaluator's own reason.",
		nil),
}

var pssRuleByID = func() map[policy.CheckID]*finding.Rule {
	m := map[policy.CheckID]*finding.Rule{}
	for _, r := range pssRules {
		for _, id := range r.ids {
			m[id] = r.rule
		}
	}
	return m
}()

// otherPSS is the rule of checks without a mapping.
var otherPSS = pssRules[len(pssRules)-1].rule

// tagSep separates the check ID that the wrapped checks put in front of
// their reason, so results can be attributed to checks.
const tagSep = "\x00"

var (
	evalOnce  sync.Once
	evaluator policy.Evaluator
	evalErr   error
	// checkLevels maps each upstream check to its level.
	checkLevels = map[policy.CheckID]api.Level{}
)

// Evaluator returns the upstream Pod Security evaluator over the default
// checks, each wrapped to tag its failures with its check ID.
func Evaluator() (policy.Evaluator, error) {
	evalOnce.Do(func() {
		checks := policy.DefaultChecks()
		for i := range checks {
			c := &checks[i]
			checkLevels[c.ID] = c.Level
			id := c.ID
			for j := range c.Versions {
				fn := c.Versions[j].CheckPod
				c.Versions[j].CheckPod = func(m *metav1.ObjectMeta, s *corev1.PodSpec) policy.CheckResult {
					r := fn(m, s)
					if !r.Allowed {
						r.ForbiddenReason = string(id) + tagSep + r.ForbiddenReason
					}
					return r
				}
			}
		}
		evaluator, evalErr = policy.NewEvaluator(checks, nil)
	})
	return evaluator, evalErr
}

// Violation is one failed Pod Security check.
type Violation struct {
	Check  policy.CheckID
	Level  api.Level
	Reason string
	Detail string
}

func (v Violation) String() string {
	if v.Detail == "" {
		return v.Reason
	}
	return v.Reason + " (" + v.Detail + ")"
}

// EvaluatePod returns the checks a pod fails at a level and version.
func EvaluatePod(lv api.LevelVersion, tpl *corev1.PodTemplateSpec) ([]Violation, error) {
	ev, err := Evaluator()
	if err != nil {
		return nil, err
	}
	var out []Violation
	for _, r := range ev.EvaluatePod(lv, &tpl.ObjectMeta, &tpl.Spec) {
		if r.Allowed {
			continue
		}
		id, reason, ok := strings.Cut(r.ForbiddenReason, tagSep)
		if !ok {
			id, reason = "", r.ForbiddenReason
		}
		cid := policy.CheckID(id)
		out = append(out, Violation{Check: cid, Level: checkLevels[cid], Reason: reason, Detail: r.ForbiddenDetail})
	}
	return out, nil
}

// pssResult is one workload's Pod Security verdict.
type pssResult struct {
	w kube.Workload
	// baseline are the failures at baseline; restricted those of the
	// restricted-level checks at restricted.
	baseline, restricted []Violation
	err                  error
}

// PSS evaluates every workload once at baseline and restricted.
func (p *Pass) PSS() []pssResult {
	p.shared.pssOnce.Do(func() {
		for _, w := range p.Workloads() {
			r := pssResult{w: w}
			b, err := EvaluatePod(api.LevelVersion{Level: api.LevelBaseline, Version: p.Opts.PSSVersion}, w.Template)
			if err != nil {
				r.err = err
			}
			r.baseline = b
			rs, _ := EvaluatePod(api.LevelVersion{Level: api.LevelRestricted, Version: p.Opts.PSSVersion}, w.Template)
			for _, v := range rs {
				if v.Level == api.LevelRestricted {
					r.restricted = append(r.restricted, v)
				}
			}
			p.shared.pss = append(p.shared.pss, r)
		}
	})
	return p.shared.pss
}

// podSecurityChecks makes one check per rule: each reports the failures
// of its upstream checks.
func podSecurityChecks() []Check {
	var out []Check
	for _, pr := range pssRules {
		rule := pr.rule
		level := api.LevelBaseline
		if strings.HasSuffix(rule.Family, string(api.LevelRestricted)) {
			level = api.LevelRestricted
		}
		out = append(out, Check{Rule: rule, Run: func(p *Pass) {
			if level == api.LevelRestricted && p.Opts.PSSLevel == api.LevelBaseline {
				return
			}
			for _, r := range p.PSS() {
				vs := r.baseline
				if level == api.LevelRestricted {
					vs = r.restricted
				}
				for _, v := range vs {
					got, ok := pssRuleByID[v.Check]
					if !ok {
						got = otherPSS
					}
					if got != rule {
						continue
					}
					p.Report(r.w.Object, r.w.SpecPath(), "%s fails Pod Security Standard %q at %s: %s",
						workloadName(r.w), string(level), versionString(p.Opts.PSSVersion), v)
				}
			}
		}})
	}
	return out
}

func versionString(v api.Version) string {
	if v.Latest() {
		return "latest"
	}
	return v.String()
}

// workloadName is "pod template of Deployment web" or "Pod web".
func workloadName(w kube.Workload) string {
	if w.Object.Kind() == "Pod" {
		return "pod"
	}
	return "pod template"
}
