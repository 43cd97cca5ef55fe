package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/kube/identity"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kube/rbac"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/scan"
)

// newCmdRBACGroups returns the command groups of this file: rbac,
// kubeconfig and upgrade.
func newCmdRBACGroups(ios *IO) []*cobra.Command {
	r := &cobra.Command{Use: "rbac", Short: "Answer RBAC questions: who can do what, and what a subject can reach"}
	r.AddCommand(newCmdRBACWhoCan(ios, nil), newCmdRBACCan(ios, nil))
	return []*cobra.Command{r, newCmdKubeconfig(ios), newCmdAPIServer(ios), newCmdUpgrade(ios)}
}

// RBACSource selects where roles and bindings are read: a cluster (as
// kubectl selects it) or manifests, charts and kustomizations under
// --file.
type RBACSource struct {
	Kubeconfig string
	Context    string
	File       string
	Timeout    time.Duration
}

func (f *RBACSource) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster configuration)")
	cmd.Flags().StringVar(&f.Context, "context", "", "kubeconfig context to use (default: the current context)")
	cmd.Flags().StringVar(&f.File, "file", "", "read manifests, charts or kustomizations under this path instead of a cluster")
	cmd.Flags().DurationVar(&f.Timeout, "timeout", 2*time.Minute, "give up reading the cluster after this long")
}

// rbacResources are what the RBAC commands read from a cluster: roles,
// bindings, service accounts, the metadata of Secrets (to find token
// Secrets) and workloads (to know which service accounts pods use).
func rbacResources() []load.Resource {
	var out []load.Resource
	for _, r := range load.DefaultResources() {
		switch r.GVR.Resource {
		case "namespaces", "serviceaccounts", "secrets", "pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers",
			"roles", "rolebindings", "clusterroles", "clusterrolebindings":
			out = append(out, r)
		}
	}
	return out
}

// model loads the snapshot and builds the RBAC model. Roles or bindings
// that could not be read make the answer wrong: that is an error.
func (f *RBACSource) model(ios *IO) (*rbac.Model, string, error) {
	if f.File != "" {
		snaps, err := load.Path(f.File, load.Options{})
		if err != nil && len(snaps) == 0 {
			return nil, "", usageErrorf("%v", err)
		}
		all := &kube.Snapshot{Name: f.File, Kind: kube.FromFile}
		for _, s := range snaps {
			all.Add(s.Objects...)
			for _, e := range s.Errors {
				fmt.Fprintf(ios.Err, "palisade: warning: %v\n", e)
			}
		}
		return rbac.FromSnapshot(all), f.File, nil
	}
	ctx, cancel := signalContext(f.Timeout)
	defer cancel()
	s, err := load.Cluster(ctx, load.ClusterOptions{Kubeconfig: f.Kubeconfig, Context: f.Context, Resources: rbacResources()})
	if err != nil {
		return nil, "", usageErrorf("%v", err)
	}
	for _, g := range s.Gaps {
		if g.Group == "rbac.authorization.k8s.io" {
			return nil, "", usageErrorf("cannot read %s %s: %s; the answer would be wrong (ask for list on roles, rolebindings, clusterroles and clusterrolebindings)", g.GroupResource(), nsText(g.Namespace), g.Reason)
		}
		fmt.Fprintf(ios.Err, "palisade: warning: cannot read %s %s (%s): escalations through it are not followed\n", g.GroupResource(), nsText(g.Namespace), g.Reason)
	}
	return rbac.FromSnapshot(s), s.Name, nil
}

func nsText(ns string) string {
	if ns == "" {
		return "in all namespaces"
	}
	return "in namespace " + ns
}

// RBACWhoCanOptions are the inputs of `palisade rbac who-can`.
type RBACWhoCanOptions struct {
	IO        *IO
	Verb      string
	Resource  string
	Name      string
	Namespace string
	Format    string
	RBACSource
}

func newCmdRBACWhoCan(ios *IO, runF func(*RBACWhoCanOptions) error) *cobra.Command {
	opts := &RBACWhoCanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "who-can VERB RESOURCE [NAME]",
		Short: "List the subjects whose bindings allow a request",
		Long: `who-can lists every user, group and service account whose bindings allow
VERB on RESOURCE (in namespace -n, or cluster-wide), with the binding,
role and rule that allow it, as the API server's RBAC authorizer decides:
aggregated ClusterRoles are resolved, "*" and "*/subresource" match, and
resourceNames apply when NAME is given. RESOURCE is a resource
("pods", "pods/exec", "deployments.apps") or a non-resource URL
("/metrics"). Members of the groups listed hold the right too; every user
is in system:authenticated, every service account in
system:serviceaccounts and system:serviceaccounts:NAMESPACE.`,
		Example: "  palisade rbac who-can create pods -n ci\n  palisade rbac who-can get secrets db-password -n prod\n  palisade rbac who-can get /metrics --file deploy/",
		Args:    argsUsage(cobra.RangeArgs(2, 3)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Verb, opts.Resource = args[0], args[1]
			if len(args) == 3 {
				opts.Name = args[2]
			}
			if runF != nil {
				return runF(opts)
			}
			return rbacWhoCanRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Namespace, "namespace", "n", "", "namespace of the request (default: cluster-wide)")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	opts.RBACSource.register(cmd)
	return cmd
}

func rbacWhoCanRun(opts *RBACWhoCanOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorf("unknown format %q: use text or json", opts.Format)
	}
	q, err := rbac.ParseRequest(opts.Verb, opts.Resource, opts.Namespace, opts.Name)
	if err != nil {
		return &UsageError{Err: err}
	}
	m, _, err := opts.model(opts.IO)
	if err != nil {
		return err
	}
	holders := m.WhoCan(q)
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, struct {
			Request rbac.Request  `json:"request"`
			Holders []rbac.Holder `json:"holders"`
		}{q, holders})
	}
	fmt.Fprintf(opts.IO.Out, "Who can %s:\n", q)
	tw := tabwriter.NewWriter(opts.IO.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SUBJECT\tVIA")
	for _, h := range holders {
		fmt.Fprintf(tw, "%s\t%s\n", h.Subject, h.Via)
	}
	return tw.Flush()
}

// RBACCanOptions are the inputs of `palisade rbac can`.
type RBACCanOptions struct {
	IO        *IO
	Subject   string
	Groups    []string
	Verb      string
	Resource  string
	Name      string
	Namespace string
	Format    string
	RBACSource
}

func newCmdRBACCan(ios *IO, runF func(*RBACCanOptions) error) *cobra.Command {
	opts := &RBACCanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "can SUBJECT [VERB RESOURCE [NAME]]",
		Short: "Show a subject's effective permissions and the strongest identity it can reach",
		Long: `can shows what SUBJECT may do: its identity (with the groups Kubernetes
adds), every rule its bindings give it by scope, its dangerous
capabilities, and the strongest identity it can reach by escalation
(running pods as other service accounts, reading or minting their
tokens, impersonation, bind and escalate, CSR approval), with the chain
of steps. With VERB RESOURCE it answers that one request, yes or no, with
the rule that allows it (exit 0 either way).

SUBJECT is "user:NAME" (or a bare name), "group:NAME", "sa:NAMESPACE/NAME"
or "system:serviceaccount:NAMESPACE:NAME". --group adds the groups a
user gets from its identity provider.`,
		Example: "  palisade rbac can user:dev\n  palisade rbac can sa:ci/deployer create pods -n prod\n  palisade rbac can alice --group devs --file deploy/",
		Args: argsUsage(func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 && len(args) != 3 && len(args) != 4 {
				return fmt.Errorf("accepts SUBJECT, or SUBJECT VERB RESOURCE [NAME]; received %d arg(s)", len(args))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Subject = args[0]
			if len(args) >= 3 {
				opts.Verb, opts.Resource = args[1], args[2]
			}
			if len(args) == 4 {
				opts.Name = args[3]
			}
			if runF != nil {
				return runF(opts)
			}
			return rbacCanRun(opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Groups, "group", nil, "groups the subject is in besides the implicit ones (repeat or separate with commas)")
	cmd.Flags().StringVarP(&opts.Namespace, "namespace", "n", "", "namespace of the request (with VERB RESOURCE)")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	opts.RBACSource.register(cmd)
	return cmd
}

// CanReport is what `rbac can` finds out about a subject.
type CanReport struct {
	Subject      rbac.Subject      `json:"subject"`
	Identity     rbac.Identity     `json:"identity"`
	Request      *rbac.Request     `json:"request,omitempty"`
	Allowed      *bool             `json:"allowed,omitempty"`
	Reason       string            `json:"reason,omitempty"`
	Permissions  []rbac.Grant      `json:"permissions"`
	Capabilities map[string]string `json:"capabilities,omitempty"`
	Power        rbac.Power        `json:"power"`
	Strongest    string            `json:"strongestReachable"`
	Chain        string            `json:"chain,omitempty"`
}

func rbacCanRun(opts *RBACCanOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorf("unknown format %q: use text or json", opts.Format)
	}
	subj, ok := rbac.ParseSubject(opts.Subject)
	if !ok {
		return usageErrorf("subject %q: use user:NAME, group:NAME or sa:NAMESPACE/NAME", opts.Subject)
	}
	var q *rbac.Request
	if opts.Verb != "" {
		r, err := rbac.ParseRequest(opts.Verb, opts.Resource, opts.Namespace, opts.Name)
		if err != nil {
			return &UsageError{Err: err}
		}
		q = &r
	}
	m, _, err := opts.model(opts.IO)
	if err != nil {
		return err
	}
	id := rbac.IdentityOf(subj, opts.Groups...)
	rep := CanReport{Subject: subj, Identity: id, Request: q, Permissions: m.Permissions(id), Capabilities: map[string]string{}}
	if q != nil {
		d := m.Authorize(id, *q)
		rep.Allowed, rep.Reason = &d.Allowed, d.Reason
	}
	caps := m.Capabilities(id).Masked()
	for scope, c := range caps {
		if scope == "" {
			scope = "*"
		}
		rep.Capabilities[scope] = c.String()
	}
	rep.Power = rbac.PowerOf(caps)
	g := m.NewGraph()
	var path *rbac.Path
	if len(opts.Groups) == 0 {
		path = g.Explore(subj)
	} else {
		path = g.ExploreIdentity(subj, id)
	}
	rep.Strongest = path.Strongest.String()
	if path.Escalates() {
		rep.Chain = path.Chain()
	}
	if opts.Format == "json" {
		return writeJSON(opts.IO.Out, rep)
	}
	return writeCanText(opts.IO.Out, rep)
}

func writeCanText(w io.Writer, rep CanReport) error {
	fmt.Fprintf(w, "Subject: %s (user %q, groups %s)\n", rep.Subject, rep.Identity.User, strings.Join(rep.Identity.Groups, ", "))
	if rep.Request != nil {
		answer := "no"
		if *rep.Allowed {
			answer = "yes"
		}
		fmt.Fprintf(w, "Can %s: %s (%s)\n", rep.Request, answer, rep.Reason)
		return nil
	}
	fmt.Fprintln(w, "\nPermissions:")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SCOPE\tRULE\tVIA")
	for _, g := range rep.Permissions {
		scope := g.Namespace
		if scope == "" {
			scope = "cluster-wide"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", scope, g.Rule, g.Via)
	}
	if len(rep.Permissions) == 0 {
		fmt.Fprintln(tw, "  (none)\t\t")
	}
	tw.Flush()
	if len(rep.Capabilities) > 0 {
		fmt.Fprintln(w, "\nDangerous capabilities:")
		var scopes []string
		for s := range rep.Capabilities {
			scopes = append(scopes, s)
		}
		slices.Sort(scopes)
		for _, s := range scopes {
			where := "in " + s
			if s == "*" {
				where = "cluster-wide"
			}
			fmt.Fprintf(w, "  %s: %s\n", where, rep.Capabilities[s])
		}
	}
	fmt.Fprintf(w, "\nStrongest identity reachable: %s\n", rep.Strongest)
	if rep.Chain != "" {
		fmt.Fprintf(w, "  %s\n", rep.Chain)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// newCmdKubeconfig is `palisade kubeconfig audit` and `palisade
// apiserver audit`'s parent groups.
func newCmdKubeconfig(ios *IO) *cobra.Command {
	k := &cobra.Command{Use: "kubeconfig", Short: "Audit kubeconfig files (the credentials people and tools hold)"}
	k.AddCommand(newCmdKubeconfigAudit(ios, nil))
	return k
}

// KubeconfigAuditOptions are the inputs of `palisade kubeconfig audit`.
type KubeconfigAuditOptions struct {
	IO    *IO
	Files []string
	ReportFlags
}

func newCmdKubeconfigAudit(ios *IO, runF func(*KubeconfigAuditOptions) error) *cobra.Command {
	opts := &KubeconfigAuditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "audit FILE...",
		Short: "Find static tokens, passwords, long-lived or system:masters client keys, skipped TLS verification and exec plugins",
		Long: `Audit reads each kubeconfig FILE and reports the credentials it holds
(static bearer tokens, passwords, client keys valid for more than a year
or already expired, client certificates in system:masters, identity
provider secrets cached by auth-provider), clusters reached without TLS
verification or over plain HTTP, exec plugins it runs, and files other
users can read. Secret values are never printed.`,
		Example: "  palisade kubeconfig audit ~/.kube/config\n  palisade kubeconfig audit /etc/kubernetes/admin.conf --format sarif -o kubeconfig.sarif",
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return kubeconfigAuditRun(opts)
		},
	}
	opts.ReportFlags.register(cmd)
	return cmd
}

// KindKubeconfig and KindAPIServer are the report target kinds of
// these commands.
const (
	KindKubeconfig = "kubeconfig"
	KindAPIServer  = "kube-apiserver-config"
)

func kubeconfigAuditRun(opts *KubeconfigAuditOptions) error {
	p, err := opts.prepare(opts.Files[0])
	if err != nil {
		return err
	}
	now := p.scanOpts.Now
	var results []scan.Result
	for _, file := range opts.Files {
		k, err := identity.LoadKubeconfig(file)
		if err != nil {
			results = append(results, scan.Result{Err: &report.Error{Target: file, Message: err.Error()}})
			continue
		}
		res := scan.Result{Target: report.Target{Name: file, Kind: KindKubeconfig, Controls: []control.ID{control.Identity}}}
		for _, prob := range identity.JudgeKubeconfig(k, now) {
			if !p.scanOpts.Policy.Enabled(prob.Rule) {
				continue
			}
			f := prob.Rule.New(prob.Message)
			f.Target = file
			f.Location = finding.Location{File: file, StartLine: prob.Line, EndLine: prob.Line}
			f.Evidence = prob.Where
			res.Findings = append(res.Findings, f)
		}
		results = append(results, res)
	}
	return opts.emit(opts.IO, p, scan.Assemble(results, p.scanOpts))
}

// APIServerAuditOptions are the inputs of `palisade apiserver audit`.
type APIServerAuditOptions struct {
	IO          *IO
	Files       []string
	AuthnConfig string
	ReportFlags
}

func newCmdAPIServer(ios *IO) *cobra.Command {
	a := &cobra.Command{Use: "apiserver", Short: "Audit the API server's authentication and authorization configuration"}
	opts := &APIServerAuditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "audit FILE...",
		Short: "Judge kube-apiserver flags from a static pod manifest or a flags file",
		Long: `Audit reads the kube-apiserver flags of each FILE (a static pod manifest
such as /etc/kubernetes/manifests/kube-apiserver.yaml, a flags file such
as /etc/default/kube-apiserver, or a k3s/RKE2 config.yaml) and the
--authentication-config and --authorization-config files it names, and
reports anonymous access, static token and password files, a missing
identity provider or client CA, AlwaysAllow or missing Node/RBAC
authorization (in --authorization-mode or the AuthorizationConfiguration's
chain), and service account token settings. The same rules judge kube-apiserver pods in
'manifests audit' and 'cluster audit'.`,
		Example: "  palisade apiserver audit /etc/kubernetes/manifests/kube-apiserver.yaml\n  palisade apiserver audit /etc/default/kube-apiserver --authentication-config /etc/kubernetes/authn.yaml",
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			return apiServerAuditRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.AuthnConfig, "authentication-config", "", "AuthenticationConfiguration file (default: the file --authentication-config names, when readable)")
	opts.ReportFlags.register(cmd)
	a.AddCommand(cmd)
	return a
}

func apiServerAuditRun(opts *APIServerAuditOptions) error {
	p, err := opts.prepare(opts.Files[0])
	if err != nil {
		return err
	}
	var results []scan.Result
	for _, file := range opts.Files {
		a, err := identity.LoadAPIServer(file, opts.AuthnConfig)
		if err != nil {
			results = append(results, scan.Result{Err: &report.Error{Target: file, Message: err.Error()}})
			continue
		}
		results = append(results, apiServerResults(a, file, file, p)...)
	}
	return opts.emit(opts.IO, p, scan.Assemble(results, p.scanOpts))
}

// apiServerResults judges one API server's identity configuration: its
// findings on target (located in file), and an error for each
// configuration file that could not be read.
func apiServerResults(a *identity.APIServer, target, file string, p *prepared) []scan.Result {
	res := scan.Result{Target: report.Target{Name: target, Kind: KindAPIServer, Controls: []control.ID{control.Identity}}}
	for _, prob := range identity.JudgeAPIServer(a) {
		if !p.scanOpts.Policy.Enabled(prob.Rule) {
			continue
		}
		f := prob.Rule.New(prob.Message)
		f.Target = target
		f.Location = finding.Location{File: file}
		f.Evidence = prob.Flag
		res.Findings = append(res.Findings, f)
	}
	out := []scan.Result{res}
	if a.AuthnError != "" {
		out = append(out, scan.Result{Err: &report.Error{Target: target, Message: "authentication config not judged: " + a.AuthnError}})
	}
	if a.AuthzError != "" {
		out = append(out, scan.Result{Err: &report.Error{Target: target, Message: "authorization config not judged: " + a.AuthzError}})
	}
	return out
}

func newCmdUpgrade(ios *IO) *cobra.Command {
	u := &cobra.Command{Use: "upgrade", Short: "Check a cluster or manifests for a Kubernetes upgrade"}
	u.AddCommand(newCmdUpgradeCheck(ios, nil))
	return u
}

// UpgradeCheckOptions are the inputs of `palisade upgrade check`.
type UpgradeCheckOptions struct {
	IO       *IO
	To       string
	Releases string
	RBACSource
	ReportFlags
}

func newCmdUpgradeCheck(ios *IO, runF func(*UpgradeCheckOptions) error) *cobra.Command {
	opts := &UpgradeCheckOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check --to v1.N",
		Short: "Readiness report for upgrading to a Kubernetes version",
		Long: `check judges whether the cluster (or the manifests under --file) is ready
for Kubernetes --to: objects whose apiVersion the target no longer serves
(from the lifecycle generated into k8s.io/api; in a cluster also the
deprecated APIs its API server has been asked for, from its
apiserver_requested_deprecated_apis metric, and the versions objects were
last applied with), workloads Pod Security would reject at the target in
namespaces that enforce "latest", kubelets the skew policy would leave
behind, and the minors the control plane must pass through. The target's
end-of-life date comes from palisade's release table (--releases FILE
replaces it with a newer one of the same format).`,
		Example: "  palisade upgrade check --to v1.38\n  palisade upgrade check --to 1.33 --file deploy/ --format json",
		Args:    argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return upgradeCheckRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "target Kubernetes version, v1.N (required)")
	cmd.Flags().StringVar(&opts.Releases, "releases", "", "release table file to use instead of the embedded one (same JSON format)")
	opts.RBACSource.register(cmd)
	opts.ReportFlags.register(cmd)
	return cmd
}

// KindUpgrade is the report target kind of `upgrade check`.
const KindUpgrade = "upgrade-readiness"

func upgradeCheckRun(opts *UpgradeCheckOptions) error {
	if opts.To == "" {
		return usageErrorf("--to is required (e.g. --to v1.38)")
	}
	target, err := upgrade.ParseVersion(opts.To)
	if err != nil {
		return usageErrorf("--to: %v", err)
	}
	target = upgrade.MinorOf(target.Major, target.Minor)
	table := upgrade.Embedded()
	if opts.Releases != "" {
		if table, err = upgrade.LoadTable(opts.Releases); err != nil {
			return usageErrorf("--releases: %v", err)
		}
	}
	where := opts.File
	if where == "" {
		where = "."
	}
	p, err := opts.prepare(where)
	if err != nil {
		return err
	}
	var snaps []*kube.Snapshot
	var results []scan.Result
	if opts.File != "" {
		snaps, err = load.Path(opts.File, load.Options{})
		if err != nil && len(snaps) == 0 {
			return usageErrorf("%v", err)
		}
	} else {
		ctx, cancel := signalContext(opts.Timeout)
		defer cancel()
		s, err := load.Cluster(ctx, load.ClusterOptions{Kubeconfig: opts.Kubeconfig, Context: opts.Context, DeprecatedAPIs: true})
		if err != nil {
			return usageErrorf("%v", err)
		}
		snaps = []*kube.Snapshot{s}
		for _, g := range s.Gaps {
			if g.Resource == load.MetricsPath {
				results = append(results, scan.Result{Err: &report.Error{Target: s.Name, Message: "not assessed: deprecated APIs requested from the API server: cannot get " + g.Resource + ": " + g.Reason}})
			}
		}
	}
	var list []checks.Check
	for _, c := range checks.Checks() {
		if strings.HasPrefix(c.Rule.ID, "PAL-UPG-") {
			list = append(list, c)
		}
	}
	co := checks.Options{Enabled: p.scanOpts.Policy.Enabled, Upgrade: checks.UpgradeOptions{Target: target, Releases: table, Now: p.scanOpts.Now}}
	var readiness []report.Summary
	for _, s := range snaps {
		fs := checks.Run(s, list, co)
		res := scan.Result{Target: report.Target{Name: s.Name, Kind: KindUpgrade, Controls: []control.ID{control.Upgrades}}, Findings: fs}
		sum := readinessSummary(s, target, table, p.scanOpts.Now, fs)
		res.Summary = &sum
		readiness = append(readiness, sum)
		results = append(results, res)
		for _, e := range s.Errors {
			results = append(results, scan.Result{Err: &report.Error{Target: e.Source.File, Message: e.Message}})
		}
	}
	rep := scan.Assemble(results, p.scanOpts)
	if err := opts.emit(opts.IO, p, rep); err != nil {
		return err
	}
	if p.format == report.Table {
		for _, s := range readiness {
			writeReadiness(opts.IO.Err, s)
		}
	}
	return nil
}

// readinessSummary states the upgrade's facts and verdict.
func readinessSummary(s *kube.Snapshot, target upgrade.Version, table *upgrade.Table, now time.Time, fs []finding.Finding) report.Summary {
	sum := report.Summary{Target: s.Name, Facts: map[string]string{}, Counts: map[string]map[string]int{"blockers": {}}}
	sum.Facts["target"] = target.String()
	cur, src := checks.ControlPlaneVersion(s)
	if !cur.IsZero() {
		sum.Facts["current"] = cur.String()
		sum.Facts["currentSource"] = src
		path := upgrade.UpgradePath(cur, target)
		var steps []string
		for _, v := range path {
			steps = append(steps, v.String())
		}
		switch {
		case cur.CompareMinor(target) > 0:
			sum.Facts["path"] = "downgrade: Kubernetes does not support downgrading a control plane"
		case len(steps) == 0:
			sum.Facts["path"] = "already at " + target.MinorString() + " (patch upgrade only)"
		default:
			sum.Facts["path"] = strings.Join(steps, " -> ") + fmt.Sprintf(" (%d minor upgrade(s), one at a time)", len(steps))
		}
	} else {
		sum.Facts["current"] = "unknown"
	}
	st := table.SupportOf(target, now)
	switch {
	case !st.Known:
		sum.Facts["targetSupport"] = "not in the release table (as of " + table.AsOf + "): pass a newer table with --releases"
	case st.EOL:
		sum.Facts["targetSupport"] = fmt.Sprintf("past end of life since %s: choose a supported target", st.Release.EOL)
	default:
		sum.Facts["targetSupport"] = fmt.Sprintf("supported until %s (%d days)", st.Release.EOL, st.DaysLeft)
	}
	blockers := 0
	for _, f := range fs {
		switch f.RuleID {
		case checks.UPGRemovedAPI.ID, checks.UPGUnservedAPI.ID:
			sum.Counts["blockers"]["removedAPIs"]++
		case checks.UPGTargetPodSecurity.ID:
			sum.Counts["blockers"]["podSecurity"]++
		case checks.UPGTargetKubeletSkew.ID, checks.UPGKubeletSkew.ID, checks.UPGControlPlaneSkew.ID:
			sum.Counts["blockers"]["versionSkew"]++
		case checks.UPGDeprecatedAPI.ID:
			sum.Counts["blockers"]["deprecatedAPIs (warning)"]++
			continue
		default:
			continue
		}
		blockers++
	}
	if blockers == 0 && (st.Known && !st.EOL) && !strings.HasPrefix(sum.Facts["path"], "downgrade") {
		sum.Facts["verdict"] = "ready"
	} else {
		sum.Facts["verdict"] = fmt.Sprintf("not ready: %d blocker(s)", blockers)
		if !st.Known || st.EOL {
			sum.Facts["verdict"] += "; target support unknown or ended"
		}
	}
	return sum
}

func writeReadiness(w io.Writer, s report.Summary) {
	fmt.Fprintf(w, "\nUpgrade readiness of %s: %s\n", s.Target, s.Facts["verdict"])
	fmt.Fprintf(w, "  current: %s", s.Facts["current"])
	if src := s.Facts["currentSource"]; src != "" {
		fmt.Fprintf(w, " (%s)", src)
	}
	fmt.Fprintf(w, "\n  target:  %s, %s\n", s.Facts["target"], s.Facts["targetSupport"])
	if p := s.Facts["path"]; p != "" {
		fmt.Fprintf(w, "  path:    %s\n", p)
	}
	var keys []string
	for k := range s.Counts["blockers"] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %d\n", k, s.Counts["blockers"][k])
	}
}
