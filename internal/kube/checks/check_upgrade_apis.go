package checks

// Deprecated and removed APIs: each object's apiVersion and kind judged
// against the lifecycle k8s.io/api generates for every beta and alpha
// type (deprecated in, removed in, replaced by), at the version an
// upgrade targets (--to), else the cluster's version, else the newest
// release palisade knows. A live cluster converts objects to the version
// it is asked for, so for live objects the version they were last
// applied with (kubectl's last-applied-configuration annotation) is
// judged; check_upgrade_requested.go judges the API server's
// apiserver_requested_deprecated_apis metric.

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

var (
	UPGRemovedAPI = upgRule("PAL-UPG-008", finding.High, "deprecated-apis", "Object uses an API version removed at the target release",
		"The API server of the target release (or of the cluster) no longer serves this apiVersion: applying the manifest fails, and tools that still use it break on upgrade. The removal release and the replacement come from the lifecycle generated into k8s.io/api.",
		"Migrate the manifest to the replacement apiVersion (kubectl convert, or edit the fields that changed) before upgrading.")
	UPGDeprecatedAPI = upgRule("PAL-UPG-009", finding.Medium, "deprecated-apis", "Object uses a deprecated API version",
		"The apiVersion is deprecated and will be removed in the release named: the manifest works today but blocks that upgrade.",
		"Migrate the manifest to the replacement apiVersion.")
	UPGUnservedAPI = upgRule("PAL-UPG-010", finding.High, "deprecated-apis", "Object uses an API version no supported release serves",
		"The apiVersion belongs to a built-in API group but neither palisade's Kubernetes libraries nor their history since v1.19 define it (it was removed long ago, like batch/v2alpha1 CronJob): no supported cluster accepts it. Versions the history knows are judged by their removal release instead (PAL-UPG-008).",
		"Use the group's current version of the kind (named in the message), or replace the kind.")
)

// apiTarget is the release APIs are judged at, and how it was chosen.
func apiTarget(p *Pass) (upgrade.Version, string) {
	if t := p.Opts.Upgrade.Target; !t.IsZero() {
		return t, "the upgrade target"
	}
	if v, _ := controlPlaneVersion(p); !v.IsZero() {
		return upgrade.MinorOf(v.Major, v.Minor), "the cluster's version"
	}
	n := p.Opts.Upgrade.table().Newest().Version()
	return n, "the newest release"
}

// judgedGVK is the API version an object is judged at: as written, or
// for a live object the one it was last applied with.
func judgedGVK(o *kube.Object) (schema.GroupVersionKind, string) {
	if o.Source.Kind != kube.FromCluster {
		return o.GVK, ""
	}
	la := o.Meta.Annotations["kubectl.kubernetes.io/last-applied-configuration"]
	if la == "" || len(la) > 1<<20 {
		return schema.GroupVersionKind{}, ""
	}
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if json.Unmarshal([]byte(la), &tm) != nil || tm.APIVersion == "" {
		return schema.GroupVersionKind{}, ""
	}
	return schema.FromAPIVersionAndKind(tm.APIVersion, tm.Kind), " (last applied with kubectl)"
}

func apiName(gvk schema.GroupVersionKind) string {
	return gvk.GroupVersion().String() + " " + gvk.Kind
}

func apiChecks() []Check {
	each := func(p *Pass, fn func(o *kube.Object, gvk schema.GroupVersionKind, how string, l upgrade.Lifecycle)) {
		for _, o := range p.Snap.Objects {
			gvk, how := judgedGVK(o)
			if gvk.Kind == "" {
				continue
			}
			fn(o, gvk, how, upgrade.LifecycleOf(gvk))
		}
	}
	return []Check{
		{Rule: UPGRemovedAPI, Run: func(p *Pass) {
			target, why := apiTarget(p)
			each(p, func(o *kube.Object, gvk schema.GroupVersionKind, how string, l upgrade.Lifecycle) {
				if l.Removed.IsZero() || l.Removed.CompareMinor(target) > 0 {
					return
				}
				p.Report(o, kube.Path{"apiVersion"}, "%s%s is removed in %s (at or before %s, %s)%s", apiName(gvk), how, l.Removed, target, why, replacementText(l))
			})
		}},
		{Rule: UPGDeprecatedAPI, Run: func(p *Pass) {
			target, _ := apiTarget(p)
			each(p, func(o *kube.Object, gvk schema.GroupVersionKind, how string, l upgrade.Lifecycle) {
				if l.Deprecated.IsZero() || l.Deprecated.CompareMinor(target) > 0 || (!l.Removed.IsZero() && l.Removed.CompareMinor(target) <= 0) {
					return
				}
				removal := ""
				if !l.Removed.IsZero() {
					removal = ", removed in " + l.Removed.String()
				}
				p.Report(o, kube.Path{"apiVersion"}, "%s%s is deprecated since %s%s%s", apiName(gvk), how, l.Deprecated, removal, replacementText(l))
			})
		}},
		{Rule: UPGUnservedAPI, Run: func(p *Pass) {
			each(p, func(o *kube.Object, gvk schema.GroupVersionKind, how string, l upgrade.Lifecycle) {
				// With a removal release (from the history of older
				// k8s.io/api releases), PAL-UPG-008 and -009 judge it.
				if !l.Unserved || !l.Removed.IsZero() {
					return
				}
				p.Report(o, kube.Path{"apiVersion"}, "%s%s is not served by any Kubernetes release palisade knows (through %s)%s", apiName(gvk), how, p.Opts.Upgrade.table().Newest().Version(), replacementText(l))
			})
		}},
	}
}

func replacementText(l upgrade.Lifecycle) string {
	if l.Replacement.Kind == "" {
		return ""
	}
	return "; use " + apiName(l.Replacement)
}

func upgradeChecks() []Check {
	return append(versionChecks(), apiChecks()...)
}
