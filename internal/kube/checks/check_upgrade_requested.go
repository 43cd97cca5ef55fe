package checks

// Deprecated APIs clients still call: object lists cannot show them (a
// live API server converts every object to the version it is asked
// for), but the API server counts each deprecated API it serves in its
// apiserver_requested_deprecated_apis metric, which the cluster loader
// reads. Each one is judged at the same release as objects' versions.

import (
	"fmt"

	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

func requestedAPIChecks() []Check {
	return []Check{
		{Rule: UPGRemovedAPI, Run: func(p *Pass) { reportRequested(p, true) }},
		{Rule: UPGDeprecatedAPI, Run: func(p *Pass) { reportRequested(p, false) }},
	}
}

// reportRequested reports the requested deprecated APIs removed at the
// judged release (removed true) or only deprecated there.
func reportRequested(p *Pass, removed bool) {
	c := p.Snap.Cluster
	if c == nil || len(c.DeprecatedRequests) == 0 {
		return
	}
	target, why := apiTarget(p)
	o := clusterObject(p)
	for _, r := range c.DeprecatedRequests {
		gone := false
		when := "deprecated"
		if r.RemovedRelease != "" {
			when = "deprecated, removed in v" + r.RemovedRelease
			v, err := upgrade.ParseVersion(r.RemovedRelease)
			gone = err == nil && v.CompareMinor(target) <= 0
		}
		if gone != removed {
			continue
		}
		p.Report(o, nil, "%s", requestedMessage(r, when, target, why))
	}
}

func requestedMessage(r kube.DeprecatedRequest, when string, target upgrade.Version, why string) string {
	resource := r.Resource
	if r.Subresource != "" {
		resource += "/" + r.Subresource
	}
	return fmt.Sprintf("clients have requested %s %s (%s) since the API server that answered started (each API server counts its own requests): find them in the audit log (annotation k8s.io/deprecated) before upgrading to %s (%s)",
		r.GroupVersion(), resource, when, target, why)
}
