// Package node audits a Kubernetes node (or any Linux host) against the
// CIS Kubernetes Benchmark, CIS Docker/containerd host configuration, OS
// hardening and minimal-OS checks, plus its audit policy and certificates.
//
// Checks are declarative data embedded in the binary (checks/*.yaml, one
// file per benchmark section). Collect reads the facts they need from a
// node's root directory (processes under /proc, static pod manifests,
// systemd units, configuration files, file modes, sysctls, modules);
// Evaluate judges the checks over those facts as a pure function. Every
// check is a finding.Rule; every failed or warned check a finding.
package node

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// Options configure Audit.
type Options struct {
	// Root is where the node's / is: "/" on the node itself, a mounted
	// snapshot or a test fixture otherwise.
	Root    string
	Collect CollectOptions
	// Checks replaces the embedded checks (tests pass their own).
	Checks []*Check
	// Controls, if set, limits the checks to these controls.
	Controls []control.ID
	// Certs sets the certificate expiry thresholds and the time to judge
	// expiry at.
	Certs CertOptions
}

// JudgeOptions tune Judge.
type JudgeOptions struct {
	// Controls, if set, limits the results to these controls.
	Controls []control.ID
	Certs    CertOptions
}

func (o JudgeOptions) wants(c control.ID) bool {
	return len(o.Controls) == 0 || slices.Contains(o.Controls, c)
}

// Result is the audit of one node: every check's verdict with the facts
// that decided it, and how the node was understood.
type Result struct {
	Node              string         `json:"node"`
	Root              string         `json:"root"`
	Role              string         `json:"role"`
	Flavour           Flavour        `json:"flavour"`
	FlavourEvidence   string         `json:"flavourEvidence,omitempty"`
	KubernetesVersion string         `json:"kubernetesVersion,omitempty"`
	VersionSource     string         `json:"versionSource,omitempty"`
	Benchmark         Benchmark      `json:"benchmark"`
	Components        []ComponentAt  `json:"components"`
	Checks            []CheckResult  `json:"checks"`
	Counts            map[Status]int `json:"counts"`
	// Errors are facts that could not be read.
	Errors []string `json:"errors,omitempty"`
}

// ComponentAt says where a component's settings were read from.
type ComponentAt struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Config string `json:"config,omitempty"`
}

// Audit collects a node's facts and judges them.
func Audit(opts Options) (*Result, *Facts, error) {
	checks := opts.Checks
	if checks == nil {
		checks = Checks()
	}
	checks = filterControls(checks, opts.Controls)
	root := cmp.Or(opts.Root, "/")
	co := opts.Collect
	if len(opts.Controls) > 0 && !slices.Contains(opts.Controls, control.Certificates) {
		co.NoCerts = true
	}
	if len(opts.Controls) > 0 && !slices.Contains(opts.Controls, control.CISRuntime) {
		co.NoContainers = true
	}
	facts, err := Collect(root, checks, co)
	if err != nil {
		return nil, nil, err
	}
	return Judge(facts, checks, JudgeOptions{Controls: opts.Controls, Certs: opts.Certs}), facts, nil
}

func filterControls(checks []*Check, controls []control.ID) []*Check {
	if len(controls) == 0 {
		return checks
	}
	var out []*Check
	for _, c := range checks {
		if slices.Contains(controls, c.control) {
			out = append(out, c)
		}
	}
	return out
}

// isKubernetesCIS reports whether a benchmark name is a CIS Kubernetes
// Benchmark version, of which only the selected one runs.
func isKubernetesCIS(b string) bool { return strings.HasPrefix(b, "cis-1.") }

// Judge evaluates checks over facts: the benchmark version is picked from
// the node's Kubernetes version and only that version's CIS Kubernetes
// checks run, with every other check set. A pure function.
func Judge(f *Facts, checks []*Check, o JudgeOptions) *Result {
	bench := SelectBenchmark(f.KubernetesVersion)
	bench.Variant = ManagedBenchmark(f.Flavour)
	if f.Role() == "none" {
		bench.Note = "" // no Kubernetes component here: the version does not matter
	}
	var run []*Check
	for _, c := range checks {
		if isKubernetesCIS(c.Section.Benchmark) && c.Section.Benchmark != bench.ID {
			continue
		}
		run = append(run, c)
	}
	r := &Result{
		Node:              cmp.Or(f.Hostname, f.Root),
		Root:              f.Root,
		Role:              f.Role(),
		Flavour:           f.Flavour,
		FlavourEvidence:   f.FlavourEvidence,
		KubernetesVersion: f.KubernetesVersion,
		VersionSource:     f.VersionSource,
		Benchmark:         bench,
		Checks:            Evaluate(run, f),
		Counts:            map[Status]int{},
		Errors:            slices.Clone(f.Errors),
	}
	if o.wants(control.Audit) {
		r.Checks = append(r.Checks, f.auditPolicyResults()...)
	}
	if o.wants(control.Certificates) {
		r.Checks = append(r.Checks, f.certResults(o.Certs)...)
	}
	if o.wants(control.CISRuntime) {
		r.Checks = append(r.Checks, f.containerResults()...)
	}
	for _, n := range f.ComponentNames() {
		c := f.Components[n]
		at := ComponentAt{Name: n, Source: c.Source}
		if c.Config != nil && c.Config.Exists {
			at.Config = c.Config.Path
		}
		r.Components = append(r.Components, at)
	}
	for _, cr := range r.Checks {
		r.Counts[cr.Status]++
	}
	return r
}

// Summary is one line for people: the node, how it was understood, and
// the counts.
func (r *Result) Summary() string {
	var parts []string
	for _, s := range Statuses {
		parts = append(parts, fmt.Sprintf("%d %s", r.Counts[s], s))
	}
	version := cmp.Or(r.KubernetesVersion, "version unknown")
	bench := r.Benchmark.ID
	if r.Benchmark.Variant != "" {
		bench = r.Benchmark.Variant + " over " + bench
	}
	s := fmt.Sprintf("node %s (%s, %s, Kubernetes %s, %s): %s", r.Node, r.Role, r.Flavour, version, bench, strings.Join(parts, ", "))
	if r.Benchmark.Note != "" {
		s += "\nnote: " + r.Benchmark.Note
	}
	return s
}

// Assessed lists the controls on which at least one check was judged
// (pass, fail or warn), sorted.
func (r *Result) Assessed() []control.ID {
	var out []control.ID
	for _, c := range r.Checks {
		if (c.Status == Pass || c.Status == Fail || c.Status == Warn) && !slices.Contains(out, c.Control) {
			out = append(out, c.Control)
		}
	}
	slices.Sort(out)
	return out
}

// Findings turns failed checks into findings at the rule's severity and
// warned checks into info findings: a warn needs a person's eye but does
// not fail the control.
func (r *Result) Findings(reg func(id string) (*finding.Rule, bool)) []finding.Finding {
	var out []finding.Finding
	for _, c := range r.Checks {
		if c.Status != Fail && c.Status != Warn {
			continue
		}
		rule, ok := reg(c.ID)
		if !ok {
			rule = &finding.Rule{ID: c.ID, Control: c.Control, Severity: c.Severity, Title: c.Title}
		}
		f := rule.New(c.Reason)
		f.Title = cmp.Or(c.Title, f.Title) // a managed benchmark words some checks its own way
		if c.Status == Warn {
			f.Severity = finding.Info
			if !strings.HasPrefix(f.Message, "manual") {
				f.Message = "warn: " + f.Message
			}
		}
		f.Target = "node " + r.Node
		f.Evidence = strings.Join(c.Evidence, "; ")
		f.Location.File = evidenceFile(c.Evidence)
		out = append(out, f)
	}
	return out
}

// evidenceFile picks the file a finding points at from its evidence: the
// first absolute path mentioned.
func evidenceFile(ev []string) string {
	for _, e := range ev {
		for w := range strings.FieldsSeq(e) {
			w = strings.Trim(w, "(),;\"")
			if strings.HasPrefix(w, "/") && !strings.HasPrefix(w, "/proc/") && path.Clean(w) == w {
				return w
			}
		}
	}
	return ""
}

// Rules returns a rule for every embedded check, plus the audit-policy and
// certificate rules, for the one registry of palisade rules.
func Rules() []*finding.Rule {
	var out []*finding.Rule
	for _, c := range Checks() {
		out = append(out, c.Rule())
	}
	out = append(out, extraRules...)
	return out
}

// extraRules are rules implemented in Go rather than as check data.
var extraRules []*finding.Rule

// Rule is the check's rule metadata.
func (c *Check) Rule() *finding.Rule {
	s := c.Section
	doc := strings.TrimSpace(c.Doc)
	if c.Ref != "" {
		kind := "automated"
		if c.Manual || c.Test == nil {
			kind = "manual"
		}
		doc += fmt.Sprintf("\n\nBenchmark: %s, recommendation %s (%s).", benchmarkName(s.Benchmark), c.Ref, kind)
	}
	doc += c.variantDoc()
	r := &finding.Rule{
		ID:          c.ID,
		Control:     c.control,
		Severity:    c.severity,
		Family:      family(s),
		Title:       c.Title,
		Doc:         doc,
		Remediation: strings.TrimSpace(c.Remediation),
	}
	if c.Ref != "" && s.AliasTool != "" {
		r.Aliases = []finding.Alias{{Tool: s.AliasTool, ID: c.Ref}}
	}
	r.Aliases = append(r.Aliases, c.variantAliases()...)
	return r
}

func family(s *Section) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("(", "", ")", "", "/", " ").Replace(s.Name)), "-"))
}

// benchmarkName spells a benchmark ID for people.
func benchmarkName(id string) string {
	switch {
	case strings.HasPrefix(id, "cis-docker-"):
		return "CIS Docker Benchmark " + strings.TrimPrefix(id, "cis-docker-")
	case strings.HasPrefix(id, "cis-1."):
		return "CIS Kubernetes Benchmark " + strings.TrimPrefix(id, "cis-")
	}
	return id
}
