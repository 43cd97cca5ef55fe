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

// KubeletSkew says why a kubelet's version breaks the skew policy
// against the API server, or "".
func KubeletSkew(apiserver, kubelet Version) string {
	behind := apiserver.MinorsBehind(kubelet)
	switch {
	case behind < 0:
		return fmt.Sprintf("kubelet %s is newer than the API server %s (kubelets must not be newer)", kubelet, apiserver)
	case behind > KubeletMaxBehind(apiserver):
		return fmt.Sprintf("kubelet %s is %d minor versions older than the API server %s (at most %d allowed)", kubelet, behind, apiserver, KubeletMaxBehind(apiserver))
	}
	return ""
}

// ControllerSkew says why kube-controller-manager, kube-scheduler or
// cloud-controller-manager breaks the skew policy (not newer than the
// API server, at most one minor older), or "".
func ControllerSkew(component string, apiserver, v Version) string {
	behind := apiserver.MinorsBehind(v)
	switch {
	case behind < 0:
		return fmt.Sprintf("%s %s is newer than the API server %s (it must not be newer)", component, v, apiserver)
	case behind > 1:
		return fmt.Sprintf("%s %s is %d minor versions older than the API server %s (at most 1 allowed)", component, v, behind, apiserver)
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
