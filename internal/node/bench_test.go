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
