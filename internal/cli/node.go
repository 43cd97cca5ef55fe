package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube/identity"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/node"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/scan"
)

// nodeCommands are the host-side commands: node, audit-policy, certs.
func nodeCommands(ios *IO) []*cobra.Command {
	return []*cobra.Command{newCmdNode(ios), newCmdAuditPolicy(ios), newCmdCerts(ios, nil)}
}

func newCmdNode(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Audit a node: CIS Kubernetes, runtime, OS hardening, minimal OS",
	}
	cmd.AddCommand(newCmdNodeAudit(ios, nil), newCmdNodeManifests(ios), newCmdNodeMerge(ios, nil))
	return cmd
}

// NodeManifestsOptions are the inputs of `palisade node manifests`.
type NodeManifestsOptions struct {
	IO        *IO
	Image     string
	Namespace string
	Job       string
	Args      []string
	// RBAC prints the rights --all-nodes needs instead, for RBACGroup.
	RBAC      bool
	RBACGroup string
}

func newCmdNodeManifests(ios *IO) *cobra.Command {
	opts := &NodeManifestsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "manifests",
		Short: "Print the manifests that audit every node of a cluster (DaemonSet, or a Job for one node)",
		Long: `Manifests prints a namespace and a DaemonSet that run palisade node audit
on every node, with the host's file system mounted read-only. Apply it,
collect the logs of the "audit" init containers, and merge them with
palisade node merge; the comments in the output give the commands.
--job NODE prints a Job for one node instead; --rbac the rights
palisade node audit --all-nodes needs, which does all of this itself.`,
		Example: `  palisade node manifests --image registry.example.com/palisade:v1 | kubectl apply -f -`,
		Args:    argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			mo := node.ManifestOptions{Image: opts.Image, Namespace: opts.Namespace, Args: opts.Args}
			var out string
			var err error
			switch {
			case opts.RBAC:
				out, err = node.RunnerRBACManifest(mo, opts.RBACGroup)
			case opts.Job != "":
				out, err = node.JobManifest(mo, opts.Job)
			default:
				out, err = node.DaemonSetManifest(mo)
			}
			if err != nil {
				return &UsageError{Err: err}
			}
			_, err = fmt.Fprint(opts.IO.Out, out)
			return err
		},
	}
	cmd.Flags().StringVar(&opts.Image, "image", "", "palisade image to run (default ghcr.io/palisade-sec/palisade:latest)")
	cmd.Flags().StringVar(&opts.Namespace, "namespace", "", "namespace to run in (default palisade)")
	cmd.Flags().StringVar(&opts.Job, "job", "", "print a Job that audits this node instead of the DaemonSet")
	cmd.Flags().StringArrayVar(&opts.Args, "arg", nil, "extra argument for palisade node audit (repeatable), e.g. --arg=--k8s-version=1.33")
	cmd.Flags().BoolVar(&opts.RBAC, "rbac", false, "print the namespace, roles and bindings that let a group run node audit --all-nodes instead")
	cmd.Flags().StringVar(&opts.RBACGroup, "rbac-group", "", "with --rbac: the group to grant them to (default palisade-node-auditors)")
	return cmd
}

// NodeMergeOptions are the inputs of `palisade node merge`.
type NodeMergeOptions struct {
	IO    *IO
	Files []string
	ReportFlags
}

func newCmdNodeMerge(ios *IO, runF func(*NodeMergeOptions) error) *cobra.Command {
	opts := &NodeMergeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "merge FILE...",
		Short: "Merge per-node results (node audit --results) into one report",
		Long: `Merge reads node results written by palisade node audit --results: JSON
files, a JSON array, or concatenated pod logs (- reads standard input).
It builds one report with a target per node, and prints on standard
error which checks fail on which nodes.`,
		Example: `  kubectl -n palisade logs -l app.kubernetes.io/name=palisade-node-audit -c audit --tail=-1 | palisade node merge - --format sarif`,
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return nodeMergeRun(opts)
		},
	}
	opts.ReportFlags.register(cmd)
	return cmd
}

func nodeMergeRun(opts *NodeMergeOptions) error {
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	var all []*node.Result
	for _, f := range opts.Files {
		var r io.Reader
		if f == "-" {
			r = opts.IO.In
		} else {
			file, err := os.Open(f)
			if err != nil {
				return usageErrorf("reading %s: %w", f, err)
			}
			defer file.Close()
			r = file
		}
		rs, err := node.DecodeResults(r)
		if err != nil {
			return usageErrorf("%s: %w", f, err)
		}
		all = append(all, rs...)
	}
	return opts.emit(opts.IO, p, mergedReport(opts.IO, all, nil, p))
}

// mergedReport merges node results into one report with a target per
// node, prints each node's summary and the checks failing across nodes
// on standard error, and adds problems (nodes without a result) as
// error entries.
func mergedReport(ios *IO, all []*node.Result, problems []string, p *prepared) *report.Report {
	nodes, sums := node.Merge(all)
	var results []scan.Result
	for _, n := range nodes {
		fmt.Fprintln(ios.Err, n.Summary())
		target := "node " + n.Node
		results = append(results, scan.Result{
			Target:   report.Target{Name: target, Kind: "node", Controls: n.Assessed()},
			Findings: n.Findings(p.scanOpts.Registry.Get),
		})
		for _, e := range n.Errors {
			results = append(results, scan.Result{Err: &report.Error{Target: target, Message: e}})
		}
	}
	for _, pr := range problems {
		target, _, _ := strings.Cut(pr, ":")
		results = append(results, scan.Result{Err: &report.Error{Target: target, Message: pr}})
	}
	for _, s := range sums {
		if len(s.Failing) > 0 {
			fmt.Fprintf(ios.Err, "%s fails or warns on %d of %d nodes: %s\n", s.ID, len(s.Failing), len(nodes), strings.Join(s.Failing, ", "))
		}
	}
	return scan.Assemble(results, p.scanOpts)
}

// NodeAuditOptions are the inputs of `palisade node audit`.
type NodeAuditOptions struct {
	IO         *IO
	Root       string
	K8sVersion string
	Flavour    string
	NoProc     bool
	Controls   []string
	// Container runtime sockets (paths on this machine) and scope.
	DockerSocket, ContainerdSocket, CRISocket string
	NoContainers, RunningOnly                 bool
	// Results writes every check's verdict (pass, n/a and manual
	// included) as JSON: the per-node file that `node merge` combines.
	Results string
	// FramedResults marks the lines of --results=- for a pod's log
	// (node.WriteFramedResult), the summary going before them to
	// standard output: the audit pods' setting.
	FramedResults bool
	// Facts writes the collected facts as JSON, for support and replay.
	Facts string
	// AllNodes runs the audit on every node of the cluster as a
	// DaemonSet and merges the results.
	AllNodes   bool
	Kubeconfig string
	Context    string
	Namespace  string
	Image      string
	Timeout    time.Duration
	Keep       bool
	ReportFlags
}

func newCmdNodeAudit(ios *IO, runF func(*NodeAuditOptions) error) *cobra.Command {
	opts := &NodeAuditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit this node, or a node file system mounted at --root",
		Long: `Audit judges the node against the CIS Kubernetes Benchmark (the version
picked from the node's Kubernetes version), its audit logging flags,
and the host checks. It detects which components run (processes in
/proc, static pod manifests, systemd units) and the distribution
(kubeadm, k3s, RKE2, MicroK8s, EKS, GKE, AKS), and reads each setting
the way the component does: kubelet flags over its configuration file
over the defaults. On an EKS, GKE or AKS node (detected, or --flavour)
the worker checks are numbered and judged as the CIS Amazon EKS, GKE or
AKS Benchmark states them; the others are not applicable there.

Where a Docker or containerd socket answers, every container it knows
(running, created or stopped) is judged against section 5 of the CIS
Docker Benchmark: privileged, host namespaces, sensitive mounts, the
runtime socket mounted, added capabilities, seccomp, AppArmor, SELinux,
root user, limits. Nothing is changed on the runtime. In a pod, set
PALISADE_POD_UID to the pod's metadata.uid (the downward API, as the
--all-nodes pods do): the containers of that pod alone are then left
out, whatever other pods are named.

Checks about a component that does not run on the node, or about a
managed control plane, are not applicable rather than failed. Failed
checks are findings; warned checks (manual recommendations that look
wrong, or facts that could not be read) are info findings. A summary
with every count goes to standard error; --results writes every check.

--all-nodes audits every node of the cluster instead: it creates a
DaemonSet (the one node manifests prints, in --namespace, created if
missing), waits until each node's audit has run, reads the results from
the pods' logs, merges them into one report with a target per node, and
deletes what it created, also on Ctrl-C or --timeout. It needs the rights
in deploy/node-audit/runner-rbac.yaml (node manifests --rbac) and nodes
that can pull --image.`,
		Example: `  palisade node audit
  palisade node audit --root /host --format json --results node.json
  palisade node audit --root ./snapshot --k8s-version 1.33 --fail-on high
  palisade node audit --all-nodes --kubeconfig ~/.kube/prod --image registry.example.com/palisade:v1`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return nodeAuditRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Root, "root", "/", "directory where the node's root file system is (a mount or a copy)")
	cmd.Flags().StringVar(&opts.K8sVersion, "k8s-version", "", "Kubernetes version of the node (default: detected from static pod images or the kubelet package)")
	cmd.Flags().StringVar(&opts.Flavour, "flavour", "", "distribution: kubeadm, k3s, rke2, microk8s, eks, gke, aks, generic (default: detected)")
	cmd.Flags().BoolVar(&opts.NoProc, "no-proc", false, "ignore /proc under the root: judge the node from its files only")
	cmd.Flags().StringSliceVar(&opts.Controls, "controls", nil, "only run the checks of these controls (e.g. cluster.cis,cluster.audit)")
	cmd.Flags().StringVar(&opts.DockerSocket, "docker-socket", "", "Docker socket to ask for containers (default: the node's /run/docker.sock, or dockerd's --host)")
	cmd.Flags().StringVar(&opts.ContainerdSocket, "containerd-socket", "", "containerd socket to ask for containers (default: the node's, from containerd's config or the distribution's path)")
	cmd.Flags().StringVar(&opts.CRISocket, "cri-socket", "", "CRI socket to ask for containers, e.g. CRI-O's (default: /var/run/crio/crio.sock on the node)")
	cmd.Flags().BoolVar(&opts.NoContainers, "no-containers", false, "do not ask the container runtimes for their containers")
	cmd.Flags().BoolVar(&opts.RunningOnly, "running-containers-only", false, "judge running containers only (default: created and stopped ones too, which run again on start or at boot)")
	cmd.Flags().StringVar(&opts.Results, "results", "", "write every check's result as JSON to this file (- for standard output)")
	cmd.Flags().BoolVar(&opts.FramedResults, "results-framed", false, "with --results=-: mark the result's lines for a pod's log, where standard error mixes in (the audit pods use it)")
	_ = cmd.Flags().MarkHidden("results-framed")
	cmd.Flags().StringVar(&opts.Facts, "facts", "", "write the facts read from the node as JSON to this file")
	cmd.Flags().BoolVar(&opts.AllNodes, "all-nodes", false, "audit every node of the cluster: run a DaemonSet (node manifests), collect each node's result, merge them, delete what was created")
	cmd.Flags().StringVar(&opts.Kubeconfig, "kubeconfig", "", "with --all-nodes: kubeconfig file (default: KUBECONFIG, ~/.kube/config, or in-cluster)")
	cmd.Flags().StringVar(&opts.Context, "context", "", "with --all-nodes: kubeconfig context to use")
	cmd.Flags().StringVar(&opts.Namespace, "namespace", "palisade", "with --all-nodes: namespace to run the audit pods in (created, then deleted, if missing)")
	cmd.Flags().StringVar(&opts.Image, "image", "", "with --all-nodes: palisade image the pods run (default ghcr.io/palisade-sec/palisade:latest)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "with --all-nodes: how long to wait for every node's audit")
	cmd.Flags().BoolVar(&opts.Keep, "keep", false, "with --all-nodes: leave the DaemonSet in place (to debug a node whose audit did not run)")
	opts.ReportFlags.register(cmd)
	return cmd
}

func (o *NodeAuditOptions) nodeOptions() (node.Options, error) {
	no := node.Options{
		Root: o.Root,
		Collect: node.CollectOptions{
			KubernetesVersion:     o.K8sVersion,
			NoProc:                o.NoProc,
			NoContainers:          o.NoContainers,
			DockerSocket:          o.DockerSocket,
			ContainerdSocket:      o.ContainerdSocket,
			CRISocket:             o.CRISocket,
			RunningContainersOnly: o.RunningOnly,
			SelfPodUID:            os.Getenv("PALISADE_POD_UID"),
		},
	}
	if o.Flavour != "" {
		fl := node.Flavour(strings.ToLower(o.Flavour))
		found := false
		for _, f := range node.Flavours {
			found = found || f == fl
		}
		if !found {
			return no, usageErrorf("--flavour: unknown distribution %q: use one of kubeadm, k3s, rke2, microk8s, eks, gke, aks, generic", o.Flavour)
		}
		no.Collect.Flavour = fl
	}
	for _, c := range o.Controls {
		id := control.ID(strings.TrimSpace(c))
		if err := control.Validate(id); err != nil {
			return no, usageErrorf("--controls: %w (palisade controls lists them)", err)
		}
		no.Controls = append(no.Controls, id)
	}
	return no, nil
}

func nodeAuditRun(opts *NodeAuditOptions) error {
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	if opts.AllNodes {
		return nodeAuditAllRun(opts, p)
	}
	no, err := opts.nodeOptions()
	if err != nil {
		return err
	}
	res, facts, err := node.Audit(no)
	if err != nil {
		return &UsageError{Err: err}
	}
	if opts.FramedResults {
		if opts.Results != "-" {
			return usageErrorf("--results-framed needs --results=-")
		}
		// One stream, in order: nothing of ours lands inside the frame.
		fmt.Fprintln(opts.IO.Out, res.Summary())
		if err := node.WriteFramedResult(opts.IO.Out, res); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(opts.IO.Err, res.Summary())
		if opts.Results != "" {
			if err := writeJSONFile(opts.IO, opts.Results, res); err != nil {
				return err
			}
		}
	}
	if opts.Facts != "" {
		if err := writeJSONFile(opts.IO, opts.Facts, facts); err != nil {
			return err
		}
	}
	if opts.Results == "-" {
		// The results took standard output: the report must not mix in.
		if opts.Output == "" {
			return nil
		}
	}
	return opts.emit(opts.IO, p, nodeReport(res, p, apiServerIdentity(facts, no, p)...))
}

// apiServerIdentity judges the identity configuration of the
// kube-apiserver found on the node (anonymous access, identity provider,
// authorization chain, service account tokens), with the configuration
// files its flags name read from the node: the checks 'apiserver audit'
// runs on files.
func apiServerIdentity(facts *node.Facts, no node.Options, p *prepared) []scan.Result {
	c := facts.Components["apiserver"]
	if c == nil || facts.Flavour.Managed() || (len(no.Controls) > 0 && !slices.Contains(no.Controls, control.Identity)) {
		return nil
	}
	a := identity.FromNode(c, node.RootFS{Dir: facts.Root})
	target := a.Source + " on node " + cmp.Or(facts.Hostname, facts.Root)
	return apiServerResults(a, target, c.ManifestFile, p)
}

// podArgs are the node audit flags the pods get with --all-nodes.
func (o *NodeAuditOptions) podArgs() []string {
	var args []string
	if o.K8sVersion != "" {
		args = append(args, "--k8s-version="+o.K8sVersion)
	}
	if o.Flavour != "" {
		args = append(args, "--flavour="+o.Flavour)
	}
	if len(o.Controls) > 0 {
		args = append(args, "--controls="+strings.Join(o.Controls, ","))
	}
	if o.NoContainers {
		args = append(args, "--no-containers")
	}
	if o.RunningOnly {
		args = append(args, "--running-containers-only")
	}
	return args
}

// nodeAuditAllRun audits every node of a cluster through a DaemonSet.
func nodeAuditAllRun(opts *NodeAuditOptions, p *prepared) error {
	switch {
	case opts.Root != "/" && opts.Root != "":
		return usageErrorf("--all-nodes audits the nodes' own roots: drop --root")
	case opts.Facts != "" || opts.NoProc || opts.DockerSocket != "" || opts.ContainerdSocket != "" || opts.CRISocket != "":
		return usageErrorf("--facts, --no-proc, --docker-socket, --containerd-socket and --cri-socket apply to one node, not --all-nodes")
	case opts.Timeout <= 0:
		return usageErrorf("--timeout must be positive")
	}
	if _, err := opts.nodeOptions(); err != nil {
		return err
	}
	cfg, name, _, err := load.RESTConfig(opts.Kubeconfig, opts.Context)
	if err != nil {
		return usageErrorf("%w", err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return usageErrorf("connecting to %s: %w", name, err)
	}
	ctx, stop := signalContext(0)
	defer stop()
	progress := func(msg string) {}
	if opts.IO.ErrTTY {
		progress = func(msg string) { fmt.Fprintln(opts.IO.Err, msg) }
	}
	run, runErr := node.AuditAllNodes(ctx, client, node.AllNodesOptions{
		Manifest: node.ManifestOptions{Image: opts.Image, Namespace: opts.Namespace, Args: opts.podArgs()},
		Timeout:  opts.Timeout,
		Progress: progress,
		Keep:     opts.Keep,
	})
	if run == nil {
		return usageErrorf("auditing the nodes of %s: %w", name, runErr)
	}
	for _, c := range run.Cleanup {
		if strings.HasPrefix(c, "could not") || strings.HasPrefix(c, "kept") {
			fmt.Fprintln(opts.IO.Err, c)
		}
	}
	if len(run.Results) == 0 {
		if runErr == nil {
			runErr = fmt.Errorf("no node returned a result: %s", strings.Join(run.Problems, "; "))
		}
		return usageErrorf("auditing the nodes of %s: %w", name, runErr)
	}
	if runErr != nil {
		fmt.Fprintln(opts.IO.Err, runErr)
	}
	if opts.Results != "" {
		nodes, _ := node.Merge(run.Results)
		if err := writeJSONFile(opts.IO, opts.Results, nodes); err != nil {
			return err
		}
		if opts.Results == "-" && opts.Output == "" {
			if len(run.Problems) > 0 {
				return usageErrorf("the audit is incomplete: %d of %d node(s) have no result", len(run.Problems), run.Nodes)
			}
			return nil
		}
	}
	err = opts.emit(opts.IO, p, mergedReport(opts.IO, run.Results, run.Problems, p))
	var fe *FindingsError
	if err != nil && !errors.As(err, &fe) {
		return err
	}
	if len(run.Problems) > 0 {
		return usageErrorf("the audit is incomplete: %d of %d node(s) have no result (see the report's errors)", len(run.Problems), run.Nodes)
	}
	return err
}

// nodeReport folds a node result into the report model: failed and
// warned checks become findings, facts that could not be read become
// error entries, and the controls judged on the node are its target's.
func nodeReport(res *node.Result, p *prepared, extra ...scan.Result) *report.Report {
	target := "node " + res.Node
	r := scan.Result{
		Target:   report.Target{Name: target, Kind: "node", Controls: res.Assessed()},
		Findings: res.Findings(p.scanOpts.Registry.Get),
	}
	results := []scan.Result{r}
	for _, e := range res.Errors {
		results = append(results, scan.Result{Err: &report.Error{Target: target, Message: e}})
	}
	return scan.Assemble(append(results, extra...), p.scanOpts)
}

// writeJSONFile writes v as indented JSON to path, or standard output for "-".
func writeJSONFile(ios *IO, path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	data = append(data, '\n')
	if path == "-" {
		_, err := ios.Out.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return usageErrorf("cannot write %s: %w", path, err)
	}
	return nil
}

func newCmdAuditPolicy(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit-policy",
		Short: "Check Kubernetes audit policies",
	}
	cmd.AddCommand(newCmdAuditPolicyCheck(ios, nil))
	return cmd
}

// AuditPolicyCheckOptions are the inputs of `palisade audit-policy check`.
type AuditPolicyCheckOptions struct {
	IO   *IO
	File string
	// Levels prints the level the policy gives each probed request
	// instead of the report.
	Levels bool
	ReportFlags
}

func newCmdAuditPolicyCheck(ios *IO, runF func(*AuditPolicyCheckOptions) error) *cobra.Command {
	opts := &AuditPolicyCheckOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Judge an audit.k8s.io/v1 Policy file (- reads standard input)",
		Long: `Check asks the API server's own policy evaluator which level the policy
gives to representative requests (by a person, a service account and a
controller) and judges the answers: Secret, ConfigMap and token payloads
must not be logged at Request or RequestResponse; exec, attach,
port-forward and RBAC changes must be logged; requests no rule matches
must not be dropped. --levels prints every request with its level.`,
		Example: "  palisade audit-policy check /etc/kubernetes/audit-policy.yaml\n  palisade audit-policy check policy.yaml --levels",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return auditPolicyCheckRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Levels, "levels", false, "print the effective level of every probed request instead of the report")
	opts.ReportFlags.register(cmd)
	return cmd
}

func auditPolicyCheckRun(opts *AuditPolicyCheckOptions) error {
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	name := opts.File
	var data []byte
	if name == "-" {
		name = "<stdin>"
		data, err = io.ReadAll(io.LimitReader(opts.IO.In, 8<<20+1))
	} else {
		data, err = readLimited(name, 8<<20)
	}
	if err != nil {
		return usageErrorf("reading %s: %w", name, err)
	}
	results, levels, err := node.JudgeAuditPolicy(name, data)
	if err != nil {
		return &UsageError{Err: err}
	}
	if opts.Levels {
		tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "REQUEST\tUSER\tLEVEL")
		for _, l := range levels {
			q := l.Probe
			user := q.User
			q.User = ""
			fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.TrimSuffix(q.String(), " by "), user, l.Level)
		}
		return tw.Flush()
	}
	reg := p.scanOpts.Registry
	var fs []finding.Finding
	failed := 0
	for _, r := range results {
		if r.Status != node.Fail {
			continue
		}
		failed++
		rule, _ := reg.Get(r.ID)
		f := rule.New(r.Reason)
		f.Target = name
		f.Location.File = name
		f.Evidence = strings.Join(r.Evidence, "; ")
		fs = append(fs, f)
	}
	fmt.Fprintf(opts.IO.Err, "audit policy %s: %d of %d requirements failed\n", name, failed, len(results))
	rep := scan.Assemble([]scan.Result{{
		Target:   report.Target{Name: name, Kind: "audit-policy", Controls: []control.ID{control.Audit}},
		Findings: fs,
	}}, p.scanOpts)
	return opts.emit(opts.IO, p, rep)
}

// readLimited reads a file, refusing ones larger than limit.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MiB: not a policy file", limit>>20)
	}
	return data, nil
}

// CertsOptions are the inputs of `palisade certs`.
type CertsOptions struct {
	IO       *IO
	Root     string
	Paths    []string
	WarnDays int
	FailDays int
	// Results writes the certificate list as JSON.
	Results string
	// Cluster reads the TLS Secrets of the cluster (implied by
	// Kubeconfig or Context) instead of the node's files.
	Cluster    bool
	Kubeconfig string
	Context    string
	Namespaces []string
	ReportFlags
}

func (o *CertsOptions) clusterMode() bool {
	return o.Cluster || o.Kubeconfig != "" || o.Context != ""
}

// clusterFacts reads the certificates of the cluster's TLS Secrets.
func (o *CertsOptions) clusterFacts() (*node.Facts, string, error) {
	cfg, name, _, err := load.RESTConfig(o.Kubeconfig, o.Context)
	if err != nil {
		return nil, "", usageErrorf("%w", err)
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, "", usageErrorf("connecting to the cluster: %w", err)
	}
	ctx, stop := signalContext(5 * time.Minute)
	defer stop()
	certs, errs, err := node.ClusterCerts(ctx, client, node.ClusterCertOptions{Namespaces: o.Namespaces})
	if err != nil {
		return nil, "", usageErrorf("reading TLS Secrets of %s: %w", name, err)
	}
	return &node.Facts{Certs: certs, Errors: errs}, "cluster " + name, nil
}

func newCmdCerts(ios *IO, runF func(*CertsOptions) error) *cobra.Command {
	opts := &CertsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "certs [PATH...]",
		Short: "List a node's (or a cluster's TLS Secrets') certificates by expiry and judge them",
		Long: `Certs reads the certificates of the node's PKI directories
(/etc/kubernetes/pki, /var/lib/kubelet/pki, the k3s, RKE2 and MicroK8s
TLS directories) and kubeconfigs (embedded or referenced client
certificates and cluster CAs), or those under the PATHs given (node
paths under --root). Keys are never read. It lists them soonest expiry
first and judges expiry against --warn-days and --fail-days, key
algorithm and size, signature hash, CA constraints, the names serving
certificates must cover, and a self-signed kubelet serving certificate
that is never rotated.

With --cluster (or --kubeconfig/--context) it reads the cluster's TLS
Secrets instead, read-only: kubernetes.io/tls Secrets and tls.crt in
Secrets of other types (with ca.crt beside it), and checks each covers
the hosts of the Ingresses that serve it. It needs list on secrets (and
on ingresses for the host check); -n limits it to some namespaces.`,
		Example: `  palisade certs
  palisade certs /etc/kubernetes/pki --fail-days 60
  palisade certs --root /mnt/node --format json
  palisade certs --kubeconfig ~/.kube/prod --warn-days 30 --fail-days 7`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return certsRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Root, "root", "/", "directory where the node's root file system is")
	cmd.Flags().IntVar(&opts.WarnDays, "warn-days", 90, "warn about certificates expiring within this many days")
	cmd.Flags().IntVar(&opts.FailDays, "fail-days", 30, "fail on certificates expiring within this many days")
	cmd.Flags().StringVar(&opts.Results, "results", "", "write the certificate list as JSON to this file (- for standard output)")
	cmd.Flags().BoolVar(&opts.Cluster, "cluster", false, "read the TLS Secrets of the cluster (KUBECONFIG, ~/.kube/config or in-cluster) instead of the node's files")
	cmd.Flags().StringVar(&opts.Kubeconfig, "kubeconfig", "", "read the TLS Secrets of the cluster of this kubeconfig (implies --cluster)")
	cmd.Flags().StringVar(&opts.Context, "context", "", "kubeconfig context to use (implies --cluster)")
	cmd.Flags().StringSliceVarP(&opts.Namespaces, "namespace", "n", nil, "with --cluster: only these namespaces (default: all)")
	opts.ReportFlags.register(cmd)
	return cmd
}

func certsRun(opts *CertsOptions) error {
	if opts.FailDays < 0 || opts.WarnDays < opts.FailDays {
		return usageErrorf("--warn-days (%d) must be at least --fail-days (%d), and both positive", opts.WarnDays, opts.FailDays)
	}
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	paths := make([]string, len(opts.Paths))
	for i, path := range opts.Paths {
		if !filepath.IsAbs(path) && (opts.Root == "/" || opts.Root == "") {
			abs, err := filepath.Abs(path)
			if err != nil {
				return usageErrorf("%s: %w", path, err)
			}
			path = abs
		}
		paths[i] = filepath.ToSlash(path)
	}
	var facts *node.Facts
	var target string
	if opts.clusterMode() {
		facts, target, err = opts.clusterFacts()
		if err != nil {
			return err
		}
		if len(paths) > 0 {
			nf, err := node.Collect(opts.Root, nil, node.CollectOptions{CertPaths: paths, NoContainers: true})
			if err != nil {
				return &UsageError{Err: err}
			}
			facts.Certs = append(facts.Certs, nf.Certs...)
			facts.Errors = append(facts.Errors, nf.Errors...)
		}
	} else {
		facts, err = node.Collect(opts.Root, nil, node.CollectOptions{CertPaths: paths, NoContainers: true})
		if err != nil {
			return &UsageError{Err: err}
		}
		target = "node " + cmp.Or(facts.Hostname, opts.Root)
	}
	now := p.scanOpts.Now
	co := node.CertOptions{Now: now, WarnDays: opts.WarnDays, FailDays: opts.FailDays}
	judged := node.JudgeCerts(facts, co)
	certs := slices.Clone(facts.Certs)
	node.SortCerts(certs)
	if opts.Results != "" {
		if err := writeJSONFile(opts.IO, opts.Results, certs); err != nil {
			return err
		}
	}
	format, _ := report.ParseFormat(opts.Format)
	if format == report.Table && opts.Output == "" && opts.Results != "-" {
		tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "EXPIRES\tDAYS\tSTATUS\tSUBJECT\tKEY\tSOURCE")
		for _, c := range certs {
			days := c.DaysLeft(now)
			status := "ok"
			switch {
			case days < 0 || !now.Before(c.NotAfter):
				status = "expired"
			case days < opts.FailDays:
				status = "fail"
			case days < opts.WarnDays:
				status = "warn"
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s %d\t%s\n", c.NotAfter.Format("2006-01-02"), days, status, c.Subject, c.KeyAlgorithm, c.KeyBits, c.Source)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.Out)
	}
	reg := p.scanOpts.Registry
	var fs []finding.Finding
	for _, j := range judged {
		rule, _ := reg.Get(j.Rule.ID)
		f := rule.New(j.Message)
		f.Target = target
		if !strings.HasPrefix(j.Cert.Source, "kubeconfig ") && !strings.HasPrefix(j.Cert.Source, "secret ") {
			f.Location.File = j.Cert.Source
		}
		f.Evidence = fmt.Sprintf("%s, issued by %s, valid %s to %s, %s %d-bit key, %s", j.Cert.Source, j.Cert.Issuer, j.Cert.NotBefore.Format("2006-01-02"), j.Cert.NotAfter.Format("2006-01-02"), j.Cert.KeyAlgorithm, j.Cert.KeyBits, j.Cert.SignatureAlgo)
		fs = append(fs, f)
	}
	results := []scan.Result{{
		Target:   report.Target{Name: target, Kind: "certificates", Controls: []control.ID{control.Certificates}},
		Findings: fs,
	}}
	for _, e := range facts.Errors {
		results = append(results, scan.Result{Err: &report.Error{Target: target, Message: e}})
	}
	fmt.Fprintf(opts.IO.Err, "%d certificate(s) read, %d finding(s)\n", len(certs), len(fs))
	if opts.Results == "-" && opts.Output == "" {
		return nil
	}
	return opts.emit(opts.IO, p, scan.Assemble(results, p.scanOpts))
}
