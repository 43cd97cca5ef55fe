package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/audit"
	"github.com/palisade-sec/palisade/internal/kube/checks"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/kube/netpol"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
	"github.com/palisade-sec/palisade/internal/scan"
)

// newCmdKube returns the Kubernetes command groups: cluster, manifests
// and netpol.
func newCmdKube(ios *IO) []*cobra.Command {
	cluster := &cobra.Command{Use: "cluster", Short: "Audit a live Kubernetes cluster"}
	cluster.AddCommand(newCmdClusterAudit(ios, nil))
	manifests := &cobra.Command{Use: "manifests", Short: "Audit Kubernetes manifests, Helm charts and Kustomize directories"}
	manifests.AddCommand(newCmdManifestsAudit(ios, nil))
	np := &cobra.Command{Use: "netpol", Short: "Explain network policies"}
	np.AddCommand(newCmdNetpolExplain(ios, nil))
	return []*cobra.Command{cluster, manifests, np}
}

// ClusterFlags select a cluster as kubectl does.
type ClusterFlags struct {
	Kubeconfig string
	Context    string
	Namespaces []string
}

func (f *ClusterFlags) register(cmd *cobra.Command, nsHelp string) {
	cmd.Flags().StringVar(&f.Kubeconfig, "kubeconfig", "", "kubeconfig file (default: KUBECONFIG, ~/.kube/config, or the in-cluster configuration)")
	cmd.Flags().StringVar(&f.Context, "context", "", "kubeconfig context to use (default: the current context)")
	cmd.Flags().StringSliceVarP(&f.Namespaces, "namespace", "n", nil, nsHelp)
}

// PSSFlags choose the Pod Security level and version workloads are judged at.
type PSSFlags struct {
	Version string
	Level   string
	// Releases replaces the embedded Kubernetes release table; UpgradeTo
	// names a planned upgrade the upgrade checks also judge.
	Releases  string
	UpgradeTo string
}

func (f *PSSFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.Version, "pss-version", "latest", "Pod Security Standards version to judge at: latest or v1.N (\"would this pass at v1.N\")")
	cmd.Flags().StringVar(&f.Level, "pss-level", "restricted", "Pod Security level workloads should meet: baseline or restricted")
	cmd.Flags().StringVar(&f.Releases, "releases", "", "Kubernetes release table (JSON) to use instead of the embedded one, for end-of-life and skew checks")
	cmd.Flags().StringVar(&f.UpgradeTo, "upgrade-to", "", "also judge readiness for an upgrade to this version, v1.N (see 'palisade upgrade check')")
}

func (f *PSSFlags) options() (checks.Options, error) {
	var o checks.Options
	v := strings.TrimSpace(f.Version)
	if v != "" && v != "latest" && !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if v == "" {
		v = "latest"
	}
	ver, err := api.ParseVersion(v)
	if err != nil {
		return o, usageErrorf("--pss-version %q: %v", f.Version, err)
	}
	o.PSSVersion = ver
	switch f.Level {
	case "baseline":
		o.PSSLevel = api.LevelBaseline
	case "restricted", "":
		o.PSSLevel = api.LevelRestricted
	default:
		return o, usageErrorf("--pss-level %q: use baseline or restricted", f.Level)
	}
	if f.Releases != "" {
		t, err := upgrade.LoadTable(f.Releases)
		if err != nil {
			return o, usageErrorf("--releases: %v", err)
		}
		o.Upgrade.Releases = t
	}
	if f.UpgradeTo != "" {
		t, err := upgrade.ParseVersion(f.UpgradeTo)
		if err != nil {
			return o, usageErrorf("--upgrade-to: %v", err)
		}
		o.Upgrade.Target = upgrade.MinorOf(t.Major, t.Minor)
	}
	return o, nil
}

// ClusterAuditOptions are the inputs of `palisade cluster audit`.
type ClusterAuditOptions struct {
	IO *IO
	ClusterFlags
	PSSFlags
	Timeout time.Duration
	ReportFlags
}

func newCmdClusterAudit(ios *IO, runF func(*ClusterAuditOptions) error) *cobra.Command {
	opts := &ClusterAuditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read a live cluster (read-only) and judge its workloads, namespaces, network policies and secrets",
		Long: `Audit reads the cluster selected by --kubeconfig and --context (or the
in-cluster configuration) with list requests only, in pages, and judges
namespaces, Pod Security, network policies (with the CNI that enforces
them), secrets management and image references.

With limited credentials it reads what it may: resources that cannot be
listed across all namespaces are read namespace by namespace, and
whatever is still forbidden is reported as "not assessed", with the
controls it leaves unjudged. Secret values are never read.`,
		Example: "  palisade cluster audit\n  palisade cluster audit --context prod -n team-a,team-b --format sarif -o audit.sarif\n  palisade cluster audit --pss-version v1.30 --pss-level baseline",
		Args:    argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return clusterAuditRun(opts)
		},
	}
	opts.ClusterFlags.register(cmd, "audit only these namespaces (repeat or separate with commas; default: all)")
	opts.PSSFlags.register(cmd)
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "give up reading the cluster after this long")
	opts.ReportFlags.register(cmd)
	return cmd
}

func clusterAuditRun(opts *ClusterAuditOptions) error {
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	co, err := opts.PSSFlags.options()
	if err != nil {
		return err
	}
	co.Images = p.scanOpts.Policy.Config().Images
	co.Enabled = p.scanOpts.Policy.Enabled
	ctx, cancel := signalContext(opts.Timeout)
	defer cancel()
	lo := load.ClusterOptions{Kubeconfig: opts.Kubeconfig, Context: opts.Context, Namespaces: opts.Namespaces, DeprecatedAPIs: true}
	if opts.IO.ErrTTY {
		lo.Progress = func(msg string) { fmt.Fprintf(opts.IO.Err, "\r\x1b[K%s", msg) }
	}
	res, err := audit.Cluster(ctx, lo, audit.Options{Checks: co})
	if opts.IO.ErrTTY {
		fmt.Fprint(opts.IO.Err, "\r\x1b[K")
	}
	if err != nil {
		return usageErrorf("%v", err)
	}
	rep := scan.Assemble(scan.KubeResults(res), p.scanOpts)
	if err := opts.emit(opts.IO, p, rep); err != nil {
		return err
	}
	return nil
}

func signalContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	if timeout <= 0 {
		return ctx, stop
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	return ctx, func() { cancel(); stop() }
}

// ManifestsAuditOptions are the inputs of `palisade manifests audit`.
type ManifestsAuditOptions struct {
	IO    *IO
	Paths []string
	Helm  load.HelmOptions
	PSSFlags
	ReportFlags
}

func newCmdManifestsAudit(ios *IO, runF func(*ManifestsAuditOptions) error) *cobra.Command {
	opts := &ManifestsAuditOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "audit PATH...",
		Short: "Judge manifests, Helm charts and Kustomize directories (- reads manifests from standard input)",
		Long: `Audit loads every PATH: a YAML or JSON manifest file (multi-document,
List kinds), a Helm chart (rendered with the Helm library, like helm
template), a Kustomize directory (built like kubectl kustomize), or a
directory holding any of these. The same checks as 'cluster audit' run
on the objects; pod templates of controllers are judged as pods.`,
		Example: "  palisade manifests audit deploy/\n  palisade manifests audit charts/web --values prod.yaml --set image.tag=1.2 --namespace web\n  helm template web charts/web | palisade manifests audit -",
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return manifestsAuditRun(opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Helm.ValueFiles, "values", nil, "Helm values files, merged in order (like helm --values)")
	cmd.Flags().StringArrayVar(&opts.Helm.Set, "set", nil, "Helm values on the command line (like helm --set)")
	cmd.Flags().StringArrayVar(&opts.Helm.SetString, "set-string", nil, "Helm string values (like helm --set-string)")
	cmd.Flags().StringVarP(&opts.Helm.Namespace, "namespace", "n", "", "Helm release namespace")
	cmd.Flags().StringVar(&opts.Helm.ReleaseName, "release-name", "", "Helm release name (default release-name)")
	cmd.Flags().StringVar(&opts.Helm.KubeVersion, "kube-version", "", "Kubernetes version charts are rendered for (default "+load.DefaultKubeVersion+")")
	opts.PSSFlags.register(cmd)
	opts.ReportFlags.register(cmd)
	return cmd
}

func manifestsAuditRun(opts *ManifestsAuditOptions) error {
	target := opts.Paths[0]
	if target == "-" {
		target = "."
	}
	p, err := opts.prepare(target)
	if err != nil {
		return err
	}
	co, err := opts.PSSFlags.options()
	if err != nil {
		return err
	}
	co.Images = p.scanOpts.Policy.Config().Images
	co.Enabled = p.scanOpts.Policy.Enabled
	ao := audit.Options{Checks: co, Load: load.Options{Helm: opts.Helm}}
	var results []scan.Result
	for _, path := range opts.Paths {
		if path == "-" {
			data, err := io.ReadAll(io.LimitReader(opts.IO.In, load.MaxFileSize+1))
			if err != nil {
				return usageErrorf("reading standard input: %w", err)
			}
			r := audit.Snapshot(load.Bytes("<stdin>", data), ao)
			results = append(results, scan.KubeResults(r)...)
			continue
		}
		r, err := audit.Path(path, ao)
		if err != nil && len(r.Targets) == 0 {
			return usageErrorf("%v", err)
		}
		if len(r.Targets) == 0 && len(r.Errors) == 0 {
			return usageErrorf("%s holds no Kubernetes manifests, Helm charts or kustomizations", path)
		}
		results = append(results, scan.KubeResults(r)...)
	}
	rep := scan.Assemble(results, p.scanOpts)
	if err := opts.emit(opts.IO, p, rep); err != nil {
		return err
	}
	return nil
}

// NetpolExplainOptions are the inputs of `palisade netpol explain`.
type NetpolExplainOptions struct {
	IO  *IO
	Pod string
	ClusterFlags
	File   string
	Format string
}

func newCmdNetpolExplain(ios *IO, runF func(*NetpolExplainOptions) error) *cobra.Command {
	opts := &NetpolExplainOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "explain POD",
		Short: "Show which network policies admit which traffic to and from a pod",
		Long: `Explain names the policies that select POD (a pod, or a workload whose
pods it stands for) for ingress and for egress, each of their rules with
the peers and ports it admits, and the rules of other pods' policies
that admit POD as a peer. It reads the cluster, or with --file the
manifests, charts or kustomizations under a path.`,
		Example: "  palisade netpol explain web -n shop\n  palisade netpol explain api -n shop --file deploy/",
		Args:    argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Pod = args[0]
			if runF != nil {
				return runF(opts)
			}
			return netpolExplainRun(opts)
		},
	}
	opts.ClusterFlags.register(cmd, "namespace of POD (default: the context's namespace, else default)")
	cmd.Flags().StringVar(&opts.File, "file", "", "read manifests, charts or kustomizations under this path instead of a cluster")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	return cmd
}

// explainResources are what explain reads from a cluster.
func explainResources() []load.Resource {
	var out []load.Resource
	for _, r := range load.DefaultResources() {
		switch r.GVR.Resource {
		case "namespaces", "pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "replicationcontrollers", "networkpolicies", "nodes":
			out = append(out, r)
		}
	}
	return out
}

func netpolExplainRun(opts *NetpolExplainOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorf("unknown format %q: use text or json", opts.Format)
	}
	if len(opts.Namespaces) > 1 {
		return usageErrorf("--namespace: give one namespace")
	}
	ns := ""
	if len(opts.Namespaces) == 1 {
		ns = opts.Namespaces[0]
	}
	var snaps []*kube.Snapshot
	if opts.File != "" {
		var err error
		if snaps, err = load.Path(opts.File, load.Options{Helm: load.HelmOptions{Namespace: ns}}); err != nil && len(snaps) == 0 {
			return usageErrorf("%v", err)
		}
		if ns == "" {
			ns = "default"
		}
	} else {
		cfgNS := ""
		if ns == "" {
			_, _, ctxNS, err := load.RESTConfig(opts.Kubeconfig, opts.Context)
			if err != nil {
				return usageErrorf("%v", err)
			}
			cfgNS = ctxNS
			if cfgNS == "" {
				cfgNS = "default"
			}
			ns = cfgNS
		}
		ctx, cancel := signalContext(2 * time.Minute)
		defer cancel()
		s, err := load.Cluster(ctx, load.ClusterOptions{Kubeconfig: opts.Kubeconfig, Context: opts.Context, Resources: explainResources()})
		if err != nil {
			return usageErrorf("%v", err)
		}
		if !s.Readable("networkpolicies.networking.k8s.io", ns) {
			return usageErrorf("cannot read the network policies of namespace %s: the explanation would be wrong", ns)
		}
		snaps = []*kube.Snapshot{s}
	}
	for _, s := range snaps {
		pod, name, ok := netpol.Find(s, ns, opts.Pod)
		if !ok {
			continue
		}
		e := netpol.New(s)
		x := e.Explain(pod, name)
		if opts.Format == "json" {
			enc := json.NewEncoder(opts.IO.Out)
			enc.SetIndent("", "  ")
			return enc.Encode(x)
		}
		var cnis []string
		for _, c := range netpol.DetectCNI(s) {
			cnis = append(cnis, fmt.Sprintf("%s (%s NetworkPolicy)", c.Name, c.Enforcement))
		}
		sort.Strings(cnis)
		return x.WriteText(opts.IO.Out, strings.Join(cnis, ", "))
	}
	return usageErrorf("no pod or workload %q in namespace %s", opts.Pod, ns)
}
