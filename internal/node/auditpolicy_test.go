package node

import (
	"io"
	"strings"
	"testing"

	"k8s.io/klog/v2"

	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

func TestJudgeAuditPolicy(t *testing.T) {
	const head = "apiVersion: audit.k8s.io/v1\nkind: Policy\n"
	for _, tt := range []struct {
		name   string
		policy string
		// fail lists the requirements that must fail; the rest must pass.
		fail []string
	}{
		{"good", nodetest.GoodAuditPolicy, nil},
		{"bad", nodetest.BadAuditPolicy, []string{"PAL-AUD-101", "PAL-AUD-102", "PAL-AUD-103", "PAL-AUD-104", "PAL-AUD-105", "PAL-AUD-106"}},
		{"catch-all RequestResponse logs everything", head + "rules:\n- level: RequestResponse\n", []string{"PAL-AUD-101", "PAL-AUD-102", "PAL-AUD-103"}},
		{"catch-all Metadata", head + "rules:\n- level: Metadata\n", nil},
		{"catch-all None", head + "rules:\n- level: None\n", []string{"PAL-AUD-104", "PAL-AUD-105", "PAL-AUD-106"}},
		{"secrets narrowed for one user only", head + "rules:\n- level: Metadata\n  users: [alice@example.com]\n  resources: [{group: \"\", resources: [secrets]}]\n- level: Request\n", []string{"PAL-AUD-101", "PAL-AUD-102", "PAL-AUD-103"}},
		{"omitting every recording stage drops exec", head + "rules:\n- level: Metadata\n  resources: [{group: \"\", resources: [\"pods/*\"]}]\n  omitStages: [RequestReceived, ResponseComplete]\n- level: Metadata\n", []string{"PAL-AUD-104"}},
		{"rule order: a broad None first wins", head + "rules:\n- level: None\n  resources: [{group: rbac.authorization.k8s.io}]\n- level: Metadata\n", []string{"PAL-AUD-105"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, levels, err := JudgeAuditPolicy("policy.yaml", []byte(tt.policy))
			if err != nil {
				t.Fatal(err)
			}
			if len(levels) == 0 {
				t.Fatal("no probe levels")
			}
			for _, r := range res {
				wantFail := false
				for _, id := range tt.fail {
					wantFail = wantFail || id == r.ID
				}
				if (r.Status == Fail) != wantFail {
					t.Errorf("%s: %s (%s), want fail=%v", r.ID, r.Status, r.Reason, wantFail)
				}
			}
		})
	}
}

func TestJudgeAuditPolicyInvalid(t *testing.T) {
	for _, tt := range []struct{ name, policy, want string }{
		{"not yaml", "{{{", "not a valid audit policy"},
		{"wrong kind", "apiVersion: v1\nkind: ConfigMap\n", "not a valid audit policy"},
		{"no rules", "apiVersion: audit.k8s.io/v1\nkind: Policy\n", "0 rules"},
		{"bad level", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n", "not a valid audit policy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := JudgeAuditPolicy("p.yaml", []byte(tt.policy))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzJudgeAuditPolicy(f *testing.F) {
	// The policy loader warns through klog on every lenient decode; in a
	// fuzz worker that output only slows things down.
	klog.LogToStderr(false)
	klog.SetOutput(io.Discard)
	f.Add([]byte(nodetest.GoodAuditPolicy))
	f.Add([]byte(nodetest.BadAuditPolicy))
	f.Add([]byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  omitStages: [RequestReceived]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, _, err := JudgeAuditPolicy("fuzz.yaml", data)
		if err == nil && len(res) != len(auditRequirements) {
			t.Fatalf("%d results", len(res))
		}
	})
}
