package node

import (
	"fmt"
	"slices"
	"strings"

	auditinternal "k8s.io/apiserver/pkg/apis/audit"
	"k8s.io/apiserver/pkg/audit/policy"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// An audit policy is judged by asking the API server's own policy
// evaluator (k8s.io/apiserver/pkg/audit/policy) which level it gives to
// representative requests, so rule order, wildcards, subresources,
// users, groups and omitted stages count exactly as in the API server.

// AuditProbe is one request put to an audit policy.
type AuditProbe struct {
	User        string   `json:"user"`
	Groups      []string `json:"groups,omitempty"`
	Verb        string   `json:"verb"`
	Group       string   `json:"group,omitempty"`
	Resource    string   `json:"resource"`
	Subresource string   `json:"subresource,omitempty"`
	Namespace   string   `json:"namespace,omitempty"`
}

func (p AuditProbe) String() string {
	res := p.Resource
	if p.Subresource != "" {
		res += "/" + p.Subresource
	}
	if p.Group != "" {
		res += "." + p.Group
	}
	return fmt.Sprintf("%s %s by %s", p.Verb, res, p.User)
}

func (p AuditProbe) attributes() authorizer.Attributes {
	return authorizer.AttributesRecord{
		User:            &user.DefaultInfo{Name: p.User, Groups: p.Groups},
		Verb:            p.Verb,
		Namespace:       p.Namespace,
		APIGroup:        p.Group,
		APIVersion:      "v1",
		Resource:        p.Resource,
		Subresource:     p.Subresource,
		ResourceRequest: true,
	}
}

// ProbeLevel is the level a policy gives one request.
type ProbeLevel struct {
	Probe AuditProbe `json:"request"`
	// Level is the effective level: None when the request is not logged,
	// including when every stage that would record it is omitted.
	Level string `json:"level"`
}

// auditRequirement is one property a good audit policy has.
type auditRequirement struct {
	rule   *finding.Rule
	probes []AuditProbe
	// ok says whether the effective level is acceptable for a probe.
	ok   func(p AuditProbe, level auditinternal.Level) bool
	want string
}

// The users requests are probed as: a person, a workload, a controller.
var auditUsers = []struct {
	name   string
	groups []string
}{
	{"alice@example.com", []string{"developers", "system:authenticated"}},
	{"system:serviceaccount:apps:builder", []string{"system:serviceaccounts", "system:serviceaccounts:apps", "system:authenticated"}},
	{"system:kube-controller-manager", []string{"system:authenticated"}},
}

func probes(verbs []string, group string, resources []string, namespace string) []AuditProbe {
	var out []AuditProbe
	for _, u := range auditUsers {
		for _, v := range verbs {
			for _, r := range resources {
				res, sub, _ := strings.Cut(r, "/")
				out = append(out, AuditProbe{User: u.name, Groups: u.groups, Verb: v, Group: group, Resource: res, Subresource: sub, Namespace: namespace})
			}
		}
	}
	return out
}

var (
	readWrite = []string{"get", "list", "watch", "create", "update", "patch", "delete"}
	writes    = []string{"create", "update", "patch", "delete"}
)

func below(max auditinternal.Level) func(AuditProbe, auditinternal.Level) bool {
	return func(_ AuditProbe, l auditinternal.Level) bool { return l.Less(max) }
}

func logged(_ AuditProbe, l auditinternal.Level) bool { return l != auditinternal.LevelNone }

func auditRule(id, title string, sev finding.Severity, doc, remediation string) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.Audit, Severity: sev, Family: "audit-policy", Title: title, Doc: doc, Remediation: remediation}
}

var auditRequirements = []auditRequirement{
	{
		rule: auditRule("PAL-AUD-101", "Audit policy does not log Secret contents", finding.High,
			"A policy that logs secrets at Request or RequestResponse copies every Secret's data into the audit log, which is usually kept longer and read by more people than etcd.",
			"Add a rule before any broader one: `- level: Metadata` with `resources: [{group: \"\", resources: [\"secrets\"]}]`."),
		probes: probes(readWrite, "", []string{"secrets"}, "default"),
		ok:     below(auditinternal.LevelRequest),
		want:   "at most Metadata",
	},
	{
		rule: auditRule("PAL-AUD-102", "Audit policy does not log ConfigMap contents", finding.Medium,
			"ConfigMaps often hold credentials in practice; logging their bodies copies them into the audit log.",
			"Log configmaps at Metadata: add them to the Metadata rule for secrets."),
		probes: probes(readWrite, "", []string{"configmaps"}, "default"),
		ok:     below(auditinternal.LevelRequest),
		want:   "at most Metadata",
	},
	{
		rule: auditRule("PAL-AUD-103", "Audit policy does not log bearer tokens", finding.High,
			"TokenReview requests carry the token being checked, and TokenRequest responses carry a fresh service-account token: logged at Request or RequestResponse, working credentials land in the log.",
			"Log tokenreviews (authentication.k8s.io) at Metadata and serviceaccounts/token at Metadata or Request."),
		probes: append(probes([]string{"create"}, "authentication.k8s.io", []string{"tokenreviews"}, ""), probes([]string{"create"}, "", []string{"serviceaccounts/token"}, "default")...),
		ok: func(p AuditProbe, l auditinternal.Level) bool {
			if p.Resource == "tokenreviews" {
				return l.Less(auditinternal.LevelRequest)
			}
			return l.Less(auditinternal.LevelRequestResponse)
		},
		want: "tokenreviews at most Metadata, serviceaccounts/token at most Request",
	},
	{
		rule: auditRule("PAL-AUD-104", "Audit policy records exec, attach and port-forward", finding.High,
			"kubectl exec, attach and port-forward give a shell or a tunnel into a pod; they are the first thing an investigation looks for.",
			"Add a rule `- level: Metadata` (or RequestResponse) for pods/exec, pods/attach and pods/portforward before any rule that drops pod requests."),
		probes: probes([]string{"create", "get"}, "", []string{"pods/exec", "pods/attach", "pods/portforward"}, "default"),
		ok:     logged,
		want:   "logged (Metadata or more)",
	},
	{
		rule: auditRule("PAL-AUD-105", "Audit policy records RBAC changes", finding.High,
			"Creating or changing a Role, ClusterRole or binding is how privileges are escalated; every change must be recorded.",
			"Add `- level: RequestResponse` with `verbs: [create, update, patch, delete, deletecollection]` and `resources: [{group: rbac.authorization.k8s.io}]`."),
		probes: probes(writes, "rbac.authorization.k8s.io", []string{"roles", "rolebindings", "clusterroles", "clusterrolebindings"}, ""),
		ok:     logged,
		want:   "logged (Metadata or more)",
	},
	{
		rule: auditRule("PAL-AUD-106", "Audit policy ends with a catch-all rule", finding.Medium,
			"Requests that match no rule are not logged at all. Without a final rule that matches everything, new resources (custom resources, new API groups) go unrecorded.",
			"End the policy with `- level: Metadata` (no selectors)."),
		probes: append(append(append(
			probes([]string{"create", "delete"}, "example.com", []string{"widgets"}, "default"),
			probes([]string{"delete"}, "", []string{"namespaces"}, "")...),
			probes([]string{"patch"}, "apps", []string{"deployments"}, "default")...),
			probes([]string{"update"}, "", []string{"nodes"}, "")...),
		ok:   logged,
		want: "logged (Metadata or more)",
	},
}

func init() {
	for _, r := range auditRequirements {
		extraRules = append(extraRules, r.rule)
	}
}

// effectiveLevel is the level a request is really recorded at: None when
// the stages that would record it (RequestReceived and ResponseComplete)
// are both omitted.
func effectiveLevel(cfg auditRequestConfig) auditinternal.Level {
	if slices.Contains(cfg.OmitStages, auditinternal.StageRequestReceived) && slices.Contains(cfg.OmitStages, auditinternal.StageResponseComplete) {
		return auditinternal.LevelNone
	}
	return cfg.Level
}

type auditRequestConfig struct {
	Level      auditinternal.Level
	OmitStages []auditinternal.Stage
}

// JudgeAuditPolicy parses an audit.k8s.io/v1 Policy and judges it against
// every requirement. It returns one result per requirement and the level
// of every probed request, or an error when the policy is invalid (the
// API server would refuse to start with it).
func JudgeAuditPolicy(path string, data []byte) ([]CheckResult, []ProbeLevel, error) {
	if len(data) > maxFileSize {
		return nil, nil, errTooLarge
	}
	pol, err := loadAuditPolicy(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not a valid audit policy (the API server would not start with it): %w", path, err)
	}
	eval := policy.NewPolicyRuleEvaluator(pol)
	var levels []ProbeLevel
	var results []CheckResult
	for _, req := range auditRequirements {
		// Failures are grouped by request: "get secrets → RequestResponse"
		// when every probed user gets the same level, else per user.
		var keys []string
		users := map[string][]string{}
		nbad := 0
		for _, p := range req.probes {
			cfg := eval.EvaluatePolicyRule(p.attributes())
			lvl := effectiveLevel(auditRequestConfig{Level: cfg.Level, OmitStages: cfg.OmitStages})
			levels = append(levels, ProbeLevel{Probe: p, Level: string(lvl)})
			if !req.ok(p, lvl) {
				nbad++
				q := p
				q.User = ""
				k := fmt.Sprintf("%s → %s", strings.TrimSuffix(q.String(), " by "), lvl)
				if _, seen := users[k]; !seen {
					keys = append(keys, k)
				}
				users[k] = append(users[k], p.User)
			}
		}
		var bad []string
		for _, k := range keys {
			if len(users[k]) == len(auditUsers) {
				bad = append(bad, k)
			} else {
				bad = append(bad, k+" (as "+strings.Join(users[k], ", ")+")")
			}
		}
		r := CheckResult{
			ID: req.rule.ID, Benchmark: "palisade", Section: "audit policy " + path,
			Title: req.rule.Title, Control: req.rule.Control, Severity: req.rule.Severity, Status: Pass,
			Evidence: []string{fmt.Sprintf("%d requests probed against %s", len(req.probes), path)},
		}
		if req.rule.ID == "PAL-AUD-106" {
			if d := catchAll(pol); d != "" {
				r.Evidence = append(r.Evidence, d)
			}
		}
		if len(bad) > 0 {
			r.Status = Fail
			shown := bad
			if len(shown) > maxOffenders {
				shown = append(slices.Clone(shown[:maxOffenders]), fmt.Sprintf("and %d more", len(bad)-maxOffenders))
			}
			r.Reason = fmt.Sprintf("%d of %d requests: %s; want %s", nbad, len(req.probes), strings.Join(shown, ", "), req.want)
			r.Evidence = append(r.Evidence, bad...)
		}
		results = append(results, r)
	}
	return results, levels, nil
}

// catchAll describes the policy's final catch-all rule, if it has one.
func catchAll(p *auditinternal.Policy) string {
	for i, r := range p.Rules {
		if len(r.Users) == 0 && len(r.UserGroups) == 0 && len(r.Verbs) == 0 && len(r.Resources) == 0 && len(r.Namespaces) == 0 && len(r.NonResourceURLs) == 0 {
			return fmt.Sprintf("rule %d of %d matches every request at level %s", i+1, len(p.Rules), r.Level)
		}
	}
	return "no rule matches every request"
}

// auditPolicyResults judges the API server's audit policy file, read by
// the collector, as part of a node audit.
func (f *Facts) auditPolicyResults() []CheckResult {
	var out []CheckResult
	na := func(reason string) {
		for _, req := range auditRequirements {
			out = append(out, CheckResult{ID: req.rule.ID, Benchmark: "palisade", Section: "audit policy", Title: req.rule.Title, Control: req.rule.Control, Severity: req.rule.Severity, Status: NotApplicable, Reason: reason})
		}
	}
	if reason := f.notApplicable("apiserver"); reason != "" {
		na(reason)
		return out
	}
	if f.AuditPolicy == nil {
		na("the API server has no --audit-policy-file (see PAL-AUD-005)")
		return out
	}
	if f.AuditPolicy.Err != "" {
		for _, req := range auditRequirements {
			out = append(out, CheckResult{ID: req.rule.ID, Benchmark: "palisade", Section: "audit policy", Title: req.rule.Title, Control: req.rule.Control, Severity: req.rule.Severity, Status: Warn, Reason: f.AuditPolicy.Path + ": " + f.AuditPolicy.Err})
		}
		return out
	}
	res, _, err := JudgeAuditPolicy(f.AuditPolicy.Path, []byte(f.AuditPolicy.Content))
	if err != nil {
		for _, req := range auditRequirements {
			out = append(out, CheckResult{ID: req.rule.ID, Benchmark: "palisade", Section: "audit policy", Title: req.rule.Title, Control: req.rule.Control, Severity: req.rule.Severity, Status: Fail, Reason: err.Error()})
		}
		return out
	}
	return res
}

// collectAuditPolicy reads the file named by the API server's
// --audit-policy-file, on the host or inside its container.
func (c *collector) collectAuditPolicy() {
	api := c.f.Components["apiserver"]
	if api == nil {
		return
	}
	p, ok := api.Flag("--audit-policy-file")
	if !ok || p == "" {
		return
	}
	rf := &RawFile{Path: p}
	data, err := c.fs.ReadFile(p)
	if err != nil && api.ProcRoot != "" {
		data, err = c.fs.ReadFile(api.ProcRoot + p)
	}
	if err != nil {
		rf.Err = "cannot be read: " + err.Error()
	} else {
		rf.Content = string(data)
	}
	c.f.AuditPolicy = rf
}

func loadAuditPolicy(data []byte) (*auditinternal.Policy, error) {
	return policy.LoadPolicyFromBytes(data)
}
