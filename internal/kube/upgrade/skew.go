package upgrade

import "fmt"

// KubeletMaxBehind is how many minors a kubelet (and kube-proxy) may be
// older than the oldest kube-apiserver: three since Kubernetes 1.28, two
// before.
func KubeletMaxBehind(apiserver Version) int {
	if apiserver.CompareMinor(MinorOf(1, 28)) >= 0 {
		return 3
	}
	return 2
}

// APIServers is the range of kube-apiserver versions of a control
// plane (one version, or several during an upgrade of an HA control
// plane): the skew policy holds other components to the oldest (they
// must not be newer) and to the newest (they may lag it only so far).
type APIServers struct{ Oldest, Newest Version }

// SingleAPIServer is the range of one version.
func SingleAPIServer(v Version) APIServers { return APIServers{v, v} }

// Include widens the range to a version.
func (a *APIServers) Include(v Version) {
	if a.Oldest.IsZero() || v.CompareMinor(a.Oldest) < 0 {
		a.Oldest = v
	}
	if a.Newest.IsZero() || v.CompareMinor(a.Newest) > 0 {
		a.Newest = v
	}
}

func (a APIServers) describe(which string) string {
	if a.Oldest.CompareMinor(a.Newest) == 0 {
		return "the API server " + a.Newest.String()
	}
	if which == "oldest" {
		return "the oldest API server " + a.Oldest.String()
	}
	return "the newest API server " + a.Newest.String()
}

// NodeSkew says why a kubelet or kube-proxy breaks the skew policy, or
// "": it must not be newer than the oldest API server, nor more minors
// behind the newest than KubeletMaxBehind allows.
func NodeSkew(component string, apis APIServers, v Version) string {
	max := KubeletMaxBehind(apis.Oldest)
	switch behind := apis.Newest.MinorsBehind(v); {
	case apis.Oldest.MinorsBehind(v) < 0:
		return fmt.Sprintf("%s %s is newer than %s (it must not be newer than any API server)", component, v, apis.describe("oldest"))
	case behind > max:
		return fmt.Sprintf("%s %s is %d minor versions older than %s (at most %d allowed)", component, v, behind, apis.describe("newest"), max)
	}
	return ""
}

// ControllerSkew says why kube-controller-manager, kube-scheduler or
// cloud-controller-manager breaks the skew policy (not newer than the
// oldest API server, at most one minor older than the newest), or "".
func ControllerSkew(component string, apis APIServers, v Version) string {
	switch behind := apis.Newest.MinorsBehind(v); {
	case apis.Oldest.MinorsBehind(v) < 0:
		return fmt.Sprintf("%s %s is newer than %s (it must not be newer)", component, v, apis.describe("oldest"))
	case behind > 1:
		return fmt.Sprintf("%s %s is %d minor versions older than %s (at most 1 allowed)", component, v, behind, apis.describe("newest"))
	}
	return ""
}

// APIServerSkew says why API servers of one cluster are too far apart
// (at most one minor between the newest and the oldest), or "".
func APIServerSkew(versions []Version) string {
	if len(versions) < 2 {
		return ""
	}
	lo, hi := versions[0], versions[0]
	for _, v := range versions[1:] {
		if v.CompareMinor(lo) < 0 {
			lo = v
		}
		if v.CompareMinor(hi) > 0 {
			hi = v
		}
	}
	if hi.MinorsBehind(lo) > 1 {
		return fmt.Sprintf("API servers run %s and %s: more than one minor version apart", lo, hi)
	}
	return ""
}

// UpgradePath lists the minors the control plane passes through from
// one version to another: Kubernetes upgrades one minor at a time.
func UpgradePath(from, to Version) []Version {
	var out []Version
	for m := from.Minor + 1; m <= to.Minor && from.Major == to.Major; m++ {
		out = append(out, MinorOf(from.Major, m))
	}
	return out
}
