package node

import (
	"testing"

	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// BenchmarkAuditControlPlane is a full audit (collect and judge every
// embedded check) of the failing kubeadm control-plane fixture. Target:
// under 1 s per audit.
func BenchmarkAuditControlPlane(b *testing.B) {
	root := buildFixture(b, nodetest.ControlPlane, nodetest.Failing)
	checks := Checks()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Audit(Options{Root: root, Checks: checks}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJudge is the pure part alone: evaluating every check over
// facts already collected.
func BenchmarkJudge(b *testing.B) {
	root := buildFixture(b, nodetest.ControlPlane, nodetest.Failing)
	checks := Checks()
	facts, err := Collect(root, checks, CollectOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Judge(facts, checks, JudgeOptions{})
	}
}

// BenchmarkJudgeAuditPolicy judges the good audit policy: 120 requests
// through the API server's policy evaluator.
func BenchmarkJudgeAuditPolicy(b *testing.B) {
	data := []byte(nodetest.GoodAuditPolicy)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := JudgeAuditPolicy("p", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJudgeContainers judges 1000 containers (the recorded Docker
// and containerd ones, repeated) against every container rule.
func BenchmarkJudgeContainers(b *testing.B) {
	daemon, err := ParseDockerInfo(readRecorded(b, "docker-info.json"))
	if err != nil {
		b.Fatal(err)
	}
	var base []Container
	for _, n := range []string{"docker-privileged.json", "docker-hardened.json", "docker-ports.json"} {
		c, err := ParseDockerContainer(readRecorded(b, n), daemon)
		if err != nil {
			b.Fatal(err)
		}
		base = append(base, c)
	}
	for _, n := range []string{"containerd-privileged.json", "containerd-hardened.json", "containerd-caps.json"} {
		c, err := ParseContainerdSpec(ContainerdContainer{Namespace: "k8s.io", ID: n, State: "running", Spec: readRecorded(b, n)})
		if err != nil {
			b.Fatal(err)
		}
		base = append(base, c)
	}
	f := &Facts{Runtimes: []RuntimeInfo{{Name: "docker"}, {Name: "containerd"}}, Extra: map[string]Setting{"mac.state": {Value: "apparmor"}}}
	for i := range 1000 {
		f.Containers = append(f.Containers, base[i%len(base)])
	}
	b.ReportAllocs()
	for b.Loop() {
		f.containerResults()
	}
}
