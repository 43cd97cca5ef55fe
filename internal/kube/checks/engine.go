// Package checks holds palisade's Kubernetes rules: each one is data (a
// finding.Rule) plus a pure function over a kube.Snapshot, so the same
// rule judges manifests, rendered charts and live clusters alike. One
// file per family: namespaces, images, pod security (the upstream Pod
// Security Admission evaluator plus the checks it leaves out), namespace
// labels and PodSecurityPolicies, secrets, network policies.
package checks

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/imageref"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/netpol"
)

// Check is one rule and the function that applies it to a snapshot.
type Check struct {
	Rule *finding.Rule
	Run  func(p *Pass)
}

// Options configure a run.
type Options struct {
	// PSSVersion is the Pod Security Standards version workloads are
	// judged at ("would this pass restricted at v1.N"); the zero value
	// means the latest.
	PSSVersion api.Version
	// PSSLevel is the level workloads should meet: restricted (default)
	// or baseline (restricted-only checks are then skipped).
	PSSLevel api.Level
	// Images is the trusted-image policy (shared with the Dockerfile
	// base-image allowlist); Official the Docker Official Images.
	Images   config.ImagePolicy
	Official imageref.OfficialSet
	// Enabled filters rules; nil runs every non-optional rule.
	Enabled func(*finding.Rule) bool
	// Upgrade configures the version and API checks (target version,
	// release table, today's date).
	Upgrade UpgradeOptions
}

// Pass is the state of one run of the checks over one snapshot. Shared
// work (the Pod Security evaluation, network-policy coverage, secret
// delivery) is computed once, on first use.
type Pass struct {
	Snap *kube.Snapshot
	Opts *Options
	rule *finding.Rule
	out  *[]finding.Finding

	shared *shared
}

type shared struct {
	workloadsOnce sync.Once
	workloads     []kube.Workload

	pssOnce sync.Once
	pss     []pssResult

	netOnce sync.Once
	net     *netpol.Engine

	imagesOnce sync.Once
	images     *imageref.Policy
	imagesErr  error

	rbacOnce sync.Once
	rbac     *rbacShared
}

// Run applies checks to a snapshot and returns the findings, sorted.
func Run(s *kube.Snapshot, checks []Check, opts Options) []finding.Finding {
	if opts.PSSLevel == "" {
		opts.PSSLevel = api.LevelRestricted
	}
	if opts.PSSVersion == (api.Version{}) {
		opts.PSSVersion = api.LatestVersion()
	}
	var out []finding.Finding
	sh := &shared{}
	for _, c := range checks {
		if opts.Enabled != nil && !opts.Enabled(c.Rule) {
			continue
		}
		if opts.Enabled == nil && c.Rule.Optional {
			continue
		}
		c.Run(&Pass{Snap: s, Opts: &opts, rule: c.Rule, out: &out, shared: sh})
	}
	finding.Sort(out)
	return out
}

// Workloads are the snapshot's pods and pod templates.
func (p *Pass) Workloads() []kube.Workload {
	p.shared.workloadsOnce.Do(func() { p.shared.workloads = p.Snap.Workloads() })
	return p.shared.workloads
}

// Report records a finding of the pass's rule on object o at field path.
func (p *Pass) Report(o *kube.Object, path kube.Path, format string, a ...any) {
	p.ReportRule(p.rule, o, path, format, a...)
}

// ReportRule records a finding of another rule of the same check (for
// checks that share one computation across several rules).
func (p *Pass) ReportRule(r *finding.Rule, o *kube.Object, path kube.Path, format string, a ...any) {
	if r != p.rule && p.Opts.Enabled != nil && !p.Opts.Enabled(r) {
		return
	}
	msg := format
	if len(a) > 0 {
		msg = fmt.Sprintf(format, a...)
	}
	f := r.New(msg)
	f.Target = o.Ref()
	f.Location = finding.Location{File: o.Source.File}
	if line := o.Line(path); line > 0 && f.Location.File != "" {
		f.Location.StartLine, f.Location.EndLine = line, line
	}
	if len(path) > 0 {
		f.Evidence = path.String()
	}
	*p.out = append(*p.out, f)
}

// ReportNamespace records a finding on a namespace, which may exist only
// as the namespace of other objects (then the finding names the first
// of them as location).
func (p *Pass) ReportNamespace(ns string, format string, a ...any) {
	o := p.namespaceObject(ns)
	p.Report(o, nil, format, a...)
}

func (p *Pass) namespaceObject(ns string) *kube.Object {
	if o := p.Snap.Get("", "Namespace", "", ns); o != nil {
		return o
	}
	// The namespace exists only as the namespace of other objects: the
	// finding names it but points at no file.
	o := &kube.Object{Meta: kubeMeta(ns), Source: kube.Source{Kind: p.Snap.Kind, Root: p.Snap.Name}}
	o.GVK.Kind = "Namespace"
	o.GVK.Version = "v1"
	return o
}

// Checks returns a new copy of every Kubernetes check, sorted by rule ID.
func Checks() []Check {
	var out []Check
	out = append(out, namespaceChecks...)
	out = append(out, imageChecks...)
	out = append(out, podSecurityChecks()...)
	out = append(out, workloadChecks...)
	out = append(out, labelChecks...)
	out = append(out, pspChecks...)
	out = append(out, secretChecks...)
	out = append(out, netpolChecks...)
	out = append(out, rbacChecks()...)
	out = append(out, identityChecks()...)
	out = append(out, upgradeChecks()...)
	out = append(out, requestedAPIChecks()...)
	slices.SortFunc(out, func(a, b Check) int { return strings.Compare(a.Rule.ID, b.Rule.ID) })
	return out
}

// Rules returns the rule metadata of Checks.
func Rules() []*finding.Rule {
	var out []*finding.Rule
	seen := map[string]bool{}
	for _, c := range Checks() {
		if !seen[c.Rule.ID] {
			seen[c.Rule.ID] = true
			out = append(out, c.Rule)
		}
	}
	for _, r := range extraRules() {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *finding.Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// extraRules are rules reported by checks of other rules; none yet.
func extraRules() []*finding.Rule { return nil }

func alias(tool string, ids ...string) []finding.Alias {
	out := make([]finding.Alias, len(ids))
	for i, id := range ids {
		out[i] = finding.Alias{Tool: tool, ID: id}
	}
	return out
}

func aliases(groups ...[]finding.Alias) []finding.Alias {
	var out []finding.Alias
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// quoteList renders names as "a", "b".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
