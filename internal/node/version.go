package node

import (
	"fmt"
	"regexp"
	"strings"
)

// Benchmark is the CIS Kubernetes Benchmark version a node is judged on.
type Benchmark struct {
	// ID is the check sets' benchmark name, "cis-1.12".
	ID string `json:"id"`
	// Variant is the managed benchmark ("cis-eks-1.8.0") the worker checks
	// are judged on instead, on an EKS, GKE or AKS node.
	Variant string `json:"variant,omitempty"`
	// Note explains the choice when the version is not one the benchmark
	// was written for.
	Note string `json:"note,omitempty"`
}

// benchmarks maps benchmark IDs to the Kubernetes minors they cover.
var benchmarks = []struct {
	id       string
	min, max int // Kubernetes 1.<min> to 1.<max>
}{
	{"cis-1.12", 32, 34},
}

// SelectBenchmark picks the CIS Kubernetes Benchmark for a Kubernetes
// version ("1.33.2", "v1.35.0+k3s1", or "" when unknown).
func SelectBenchmark(version string) Benchmark {
	latest := benchmarks[len(benchmarks)-1]
	parts := versionParts(version)
	if len(parts) < 2 || parts[0] != 1 {
		return Benchmark{ID: latest.id, Note: fmt.Sprintf("Kubernetes version unknown: using %s (Kubernetes 1.%d-1.%d); give --k8s-version to be sure", latest.id, latest.min, latest.max)}
	}
	minor := parts[1]
	for _, b := range benchmarks {
		if minor >= b.min && minor <= b.max {
			return Benchmark{ID: b.id}
		}
	}
	if minor > latest.max {
		return Benchmark{ID: latest.id, Note: fmt.Sprintf("no CIS benchmark covers Kubernetes 1.%d yet: using the latest, %s (written for 1.%d-1.%d)", minor, latest.id, latest.min, latest.max)}
	}
	first := benchmarks[0]
	return Benchmark{ID: first.id, Note: fmt.Sprintf("Kubernetes 1.%d is older than %s covers (1.%d-1.%d) and out of upstream support: judged against %s", minor, first.id, first.min, first.max, first.id)}
}

var imageVersion = regexp.MustCompile(`:v?(1\.\d+\.\d+[0-9A-Za-z.+_-]*)`)

// detectVersion finds the node's Kubernetes version: --k8s-version, the
// image tag of a control-plane static pod, else the kubelet's package.
func (c *collector) detectVersion() {
	if c.opts.KubernetesVersion != "" {
		c.f.KubernetesVersion, c.f.VersionSource = strings.TrimPrefix(c.opts.KubernetesVersion, "v"), "set by --k8s-version"
		return
	}
	for _, n := range []string{"apiserver", "controller-manager", "scheduler", "proxy"} {
		if comp := c.f.Components[n]; comp != nil && comp.Image != "" {
			if m := imageVersion.FindStringSubmatch(comp.Image); m != nil {
				c.f.KubernetesVersion, c.f.VersionSource = m[1], "image "+comp.Image
				return
			}
		}
	}
	if data, err := c.fs.ReadFile("/var/lib/dpkg/status"); err == nil {
		for _, p := range parseDpkgStatus(data) {
			if p.Name == "kubelet" && p.Installed {
				c.f.KubernetesVersion, c.f.VersionSource = p.Version, "dpkg package kubelet"
				if i := strings.IndexByte(p.Version, '-'); i > 0 {
					c.f.KubernetesVersion = p.Version[:i]
				}
				return
			}
		}
	}
}

// dpkgPackage is one stanza of /var/lib/dpkg/status.
type dpkgPackage struct {
	Name, Version, Arch string
	Installed           bool
}

// parseDpkgStatus reads dpkg's status database.
func parseDpkgStatus(data []byte) []dpkgPackage {
	var out []dpkgPackage
	var cur dpkgPackage
	flush := func() {
		if cur.Name != "" {
			out = append(out, cur)
		}
		cur = dpkgPackage{}
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "Package":
			cur.Name = v
		case "Version":
			cur.Version = v
		case "Architecture":
			cur.Arch = v
		case "Status":
			cur.Installed = strings.HasSuffix(v, " installed")
		}
	}
	flush()
	return out
}
