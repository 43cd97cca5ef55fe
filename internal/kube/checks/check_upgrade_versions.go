package checks

// Kubernetes upgrades: the control plane's version against the
// supported releases (internal/kube/upgrade's table of minor versions
// with release and end-of-life dates), the newest patch known for its
// minor, and the version skew policy between API servers, controllers,
// schedulers and kubelets. The control plane's version is the live
// cluster's, or, in manifests, the image tag of a kube-apiserver static
// pod or a kubeadm ClusterConfiguration's kubernetesVersion. With a
// target version (`palisade upgrade check --to`), kubelets the upgrade
// would leave out of policy and workloads Pod Security would reject at
// the target are reported too.

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

// UpgradeOptions configure the upgrade checks.
type UpgradeOptions struct {
	// Target is the version an upgrade is planned to; zero when none.
	Target upgrade.Version
	// Releases is the release table; nil uses the embedded one.
	Releases *upgrade.Table
	// Now is today; zero uses the clock.
	Now time.Time
}

func (o *UpgradeOptions) table() *upgrade.Table {
	if o.Releases == nil {
		o.Releases = upgrade.Embedded()
	}
	return o.Releases
}

func (o *UpgradeOptions) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

func upgRule(id string, sev finding.Severity, family, title, doc, fix string, al ...[]finding.Alias) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.Upgrades, Severity: sev, Family: family, Title: title, Doc: doc, Remediation: fix, Aliases: aliases(al...)}
}

var (
	UPGEndOfLife = upgRule("PAL-UPG-001", finding.High, "supported-versions", "Kubernetes version past end of life",
		"Each Kubernetes minor gets patches for about fourteen months; after its end-of-life date security fixes stop. The version is compared with palisade's table of releases (refresh it with --releases FILE).",
		"Upgrade the control plane, one minor at a time, to a supported release, then the nodes.")
	UPGNearEOL = upgRule("PAL-UPG-002", finding.Medium, "supported-versions", "Kubernetes version close to end of life",
		"The release is in maintenance mode or reaches end of life within 90 days: plan the upgrade now, as it needs a test cycle and proceeds one minor at a time.",
		"Schedule the upgrade to the next minor before the end-of-life date.")
	UPGBehindPatch = upgRule("PAL-UPG-003", finding.Low, "supported-versions", "Kubernetes patch release behind",
		"A newer patch of the same minor exists: patch releases carry security and bug fixes only and are safe to apply.",
		"Upgrade to the newest patch of the minor.")
	UPGKubeletSkew = upgRule("PAL-UPG-004", finding.High, "version-skew", "Kubelet version outside the skew policy",
		"Kubelets must not be newer than the API server and may be at most three minor versions older (two before Kubernetes 1.28); outside that window the kubelet and API server are not tested together and features or security fixes misbehave.",
		"Upgrade (or drain and replace) the nodes to a version within the policy.")
	UPGControlPlaneSkew = upgRule("PAL-UPG-005", finding.Medium, "version-skew", "Control plane components outside the skew policy",
		"kube-controller-manager, kube-scheduler and cloud-controller-manager must not be newer than the API server and at most one minor older; API servers of one cluster at most one minor apart.",
		"Finish the control plane upgrade so that all components run the same minor.")
	UPGTargetKubeletSkew = upgRule("PAL-UPG-006", finding.High, "upgrade-readiness", "Kubelet would fall outside the skew policy after the upgrade",
		"After the control plane moves to the target version, kubelets older than the policy allows are unsupported: upgrade them before (or while) moving the control plane.",
		"Upgrade the nodes first, to at least the oldest minor the target's skew policy allows.")
	UPGTargetPodSecurity = upgRule("PAL-UPG-007", finding.Medium, "upgrade-readiness", "Workload would be rejected by Pod Security after the upgrade",
		"A namespace enforcing a Pod Security level at version latest (or without a pinned version) applies the target release's checks after the upgrade; a workload that passes today but fails at the target can no longer create pods.",
		"Fix the workload, or pin pod-security.kubernetes.io/enforce-version to the current version until it is fixed.")
)

// controlPlaneVersion returns the version of the control plane and where
// it comes from.
func controlPlaneVersion(p *Pass) (upgrade.Version, string) {
	if c := p.Snap.Cluster; c != nil {
		if v, err := upgrade.ParseVersion(c.Version); err == nil {
			return v, "the API server reports " + c.Version
		}
		if c.Major == 1 && c.Minor > 0 {
			// A build without version stamping reports only major and
			// minor correctly.
			return upgrade.MinorOf(c.Major, c.Minor), fmt.Sprintf("the API server reports %d.%d (git version %q)", c.Major, c.Minor, c.Version)
		}
	}
	for _, cv := range componentVersions(p) {
		if cv.name == "kube-apiserver" {
			return cv.v, cv.obj.Ref() + " runs " + cv.image
		}
	}
	for _, o := range p.Snap.OfKind("kubeadm.k8s.io", "ClusterConfiguration") {
		if s, ok := o.Raw["kubernetesVersion"].(string); ok {
			if v, err := upgrade.ParseVersion(s); err == nil {
				return v, o.Ref() + " sets kubernetesVersion " + s
			}
		}
	}
	return upgrade.Version{}, ""
}

type componentVersion struct {
	name  string
	v     upgrade.Version
	image string
	obj   *kube.Object
	path  kube.Path
}

var controlComponents = []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "cloud-controller-manager", "kube-proxy"}

// componentVersions reads the versions of control-plane components from
// the image tags of their pods (static or mirror pods, DaemonSets).
func componentVersions(p *Pass) []componentVersion {
	var out []componentVersion
	for _, w := range p.Workloads() {
		kube.Containers(w.Spec(), func(c *corev1.Container, cp kube.Path) {
			name := path.Base(imageName(c.Image))
			if !slices.Contains(controlComponents, name) {
				return
			}
			tag := strings.TrimPrefix(c.Image, imageName(c.Image))
			tag = strings.TrimPrefix(tag, ":")
			tag, _, _ = strings.Cut(tag, "@")
			v, err := upgrade.ParseVersion(tag)
			if err != nil {
				return
			}
			out = append(out, componentVersion{name: name, v: v, image: c.Image, obj: w.Object, path: w.SpecPath().Child(cp...).Child("image")})
		})
	}
	return out
}

// clusterObject stands for the whole cluster (or manifest set) in
// findings about its version.
func clusterObject(p *Pass) *kube.Object {
	o := &kube.Object{Source: kube.Source{Kind: p.Snap.Kind, Root: p.Snap.Name}}
	o.GVK.Kind = "Cluster"
	o.Meta.Name = p.Snap.Name
	return o
}

// versionObject is where a finding about the control plane version is
// reported: the object the version came from, or the cluster.
func versionObject(p *Pass) (*kube.Object, kube.Path) {
	if p.Snap.Cluster == nil {
		for _, cv := range componentVersions(p) {
			if cv.name == "kube-apiserver" {
				return cv.obj, cv.path
			}
		}
		for _, o := range p.Snap.OfKind("kubeadm.k8s.io", "ClusterConfiguration") {
			return o, kube.Path{"kubernetesVersion"}
		}
	}
	return clusterObject(p), nil
}

// apiServerRange is the range of the control plane's API server
// versions: the one that answered (or the first found) and every
// kube-apiserver pod or manifest of the snapshot.
func apiServerRange(p *Pass) (upgrade.APIServers, bool) {
	var r upgrade.APIServers
	if cp, _ := controlPlaneVersion(p); !cp.IsZero() {
		r.Include(cp)
	}
	for _, c := range componentVersions(p) {
		if c.name == "kube-apiserver" {
			r.Include(c.v)
		}
	}
	return r, !r.Oldest.IsZero()
}

func supportedList(t *upgrade.Table, now time.Time) string {
	var s []string
	for _, r := range t.Supported(now) {
		s = append(s, r.Minor)
	}
	if len(s) == 0 {
		return "none in the table (as of " + t.AsOf + ")"
	}
	return strings.Join(s, ", ")
}

func versionChecks() []Check {
	return []Check{
		{Rule: UPGEndOfLife, Run: func(p *Pass) {
			v, src := controlPlaneVersion(p)
			if v.IsZero() {
				return
			}
			t, now := p.Opts.Upgrade.table(), p.Opts.Upgrade.now()
			s := t.SupportOf(v, now)
			if !s.EOL {
				return
			}
			o, path := versionObject(p)
			if !s.Known {
				p.Report(o, path, "Kubernetes %s (%s) is older than every release palisade knows (from %s): long past end of life; supported: %s", v, src, t.Releases[0].Minor, supportedList(t, now))
				return
			}
			p.Report(o, path, "Kubernetes %s (%s) reached end of life on %s, %d days ago; supported: %s", v, src, s.Release.EOL, -s.DaysLeft, supportedList(t, now))
		}},
		{Rule: UPGNearEOL, Run: func(p *Pass) {
			v, src := controlPlaneVersion(p)
			if v.IsZero() {
				return
			}
			t, now := p.Opts.Upgrade.table(), p.Opts.Upgrade.now()
			s := t.SupportOf(v, now)
			if !s.Known || s.EOL || (s.DaysLeft > 90 && !s.Maintenance) {
				return
			}
			o, path := versionObject(p)
			mode := ""
			if s.Maintenance {
				mode = " (in maintenance mode: critical fixes only)"
			}
			p.Report(o, path, "Kubernetes %s (%s) reaches end of life on %s, in %d days%s", v, src, s.Release.EOL, s.DaysLeft, mode)
		}},
		{Rule: UPGBehindPatch, Run: func(p *Pass) {
			v, src := controlPlaneVersion(p)
			if v.IsZero() {
				return
			}
			s := p.Opts.Upgrade.table().SupportOf(v, p.Opts.Upgrade.now())
			if s.BehindPatch.IsZero() || s.EOL {
				return
			}
			o, path := versionObject(p)
			p.Report(o, path, "Kubernetes %s (%s) is behind: %s or later is available", v, src, s.BehindPatch)
		}},
		{Rule: UPGKubeletSkew, Run: func(p *Pass) {
			apis, ok := apiServerRange(p)
			if !ok {
				return
			}
			for _, n := range nodes(p) {
				if msg := upgrade.NodeSkew("kubelet", apis, n.v); msg != "" {
					p.Report(n.obj, kube.Path{"status", "nodeInfo", "kubeletVersion"}, "node %s: %s", n.obj.Meta.Name, msg)
				}
			}
		}},
		{Rule: UPGControlPlaneSkew, Run: func(p *Pass) {
			cp, ok := apiServerRange(p)
			if !ok {
				return
			}
			var apis []upgrade.Version
			var first *componentVersion
			comps := componentVersions(p)
			for i, c := range comps {
				switch c.name {
				case "kube-apiserver":
					apis = append(apis, c.v)
					if first == nil {
						first = &comps[i]
					}
				case "kube-proxy":
					if msg := upgrade.NodeSkew(c.name, cp, c.v); msg != "" {
						p.Report(c.obj, c.path, "%s", msg)
					}
				default:
					if msg := upgrade.ControllerSkew(c.name, cp, c.v); msg != "" {
						p.Report(c.obj, c.path, "%s", msg)
					}
				}
			}
			if msg := upgrade.APIServerSkew(apis); msg != "" && first != nil {
				p.Report(first.obj, first.path, "%s", msg)
			}
		}},
		{Rule: UPGTargetKubeletSkew, Run: func(p *Pass) {
			target := p.Opts.Upgrade.Target
			if target.IsZero() {
				return
			}
			for _, n := range nodes(p) {
				if msg := upgrade.NodeSkew("kubelet", upgrade.SingleAPIServer(target), n.v); msg != "" && target.MinorsBehind(n.v) > 0 {
					p.Report(n.obj, kube.Path{"status", "nodeInfo", "kubeletVersion"}, "after upgrading to %s, node %s: %s", target, n.obj.Meta.Name, msg)
				}
			}
		}},
		{Rule: UPGTargetPodSecurity, Run: func(p *Pass) {
			target := p.Opts.Upgrade.Target
			if target.IsZero() {
				return
			}
			cur, _ := controlPlaneVersion(p)
			tv := api.MajorMinorVersion(target.Major, target.Minor)
			for _, w := range p.Workloads() {
				level, pinned := enforcedLevel(p.Snap, w.Namespace())
				if level == "" || level == api.LevelPrivileged || pinned {
					continue
				}
				after, err := EvaluatePod(api.LevelVersion{Level: level, Version: tv}, w.Template)
				if err != nil || len(after) == 0 {
					continue
				}
				if !cur.IsZero() {
					before, _ := EvaluatePod(api.LevelVersion{Level: level, Version: api.MajorMinorVersion(cur.Major, cur.Minor)}, w.Template)
					if len(before) >= len(after) {
						continue // fails today already: the pod-security rules report it
					}
				}
				var why []string
				for _, v := range after {
					why = append(why, v.String())
				}
				p.Report(w.Object, w.SpecPath(), "namespace %s enforces %q at latest: at %s this %s fails: %s", w.Namespace(), level, target, workloadName(w), strings.Join(why, "; "))
			}
		}},
	}
}

// enforcedLevel is a namespace's enforced Pod Security level and
// whether its version is pinned (not latest).
func enforcedLevel(s *kube.Snapshot, ns string) (api.Level, bool) {
	n := s.NamespaceObject(ns)
	if n == nil {
		return "", false
	}
	level := api.Level(n.Labels[api.EnforceLevelLabel])
	v := n.Labels[api.EnforceVersionLabel]
	return level, v != "" && v != "latest"
}

type nodeVersion struct {
	obj *kube.Object
	v   upgrade.Version
}

func nodes(p *Pass) []nodeVersion {
	var out []nodeVersion
	for _, o := range p.Snap.OfKind("", "Node") {
		n, ok := o.Typed.(*corev1.Node)
		if !ok || n.Status.NodeInfo.KubeletVersion == "" {
			continue
		}
		v, err := upgrade.ParseVersion(n.Status.NodeInfo.KubeletVersion)
		if err != nil {
			continue
		}
		out = append(out, nodeVersion{obj: o, v: v})
	}
	return out
}

// ControlPlaneVersion returns the version of a snapshot's control plane
// and where it was read (the live API server, a kube-apiserver static
// pod's image, a kubeadm ClusterConfiguration); zero when unknown.
func ControlPlaneVersion(s *kube.Snapshot) (upgrade.Version, string) {
	return controlPlaneVersion(&Pass{Snap: s, Opts: &Options{}, shared: &shared{}})
}
