package node

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/palisade-sec/palisade/internal/node/nodetest"
)

// TestDeployManifests keeps deploy/node-audit/ in step with the generator
// (go test -update rewrites it) and checks what the manifests promise:
// read-only host mount, no privileged mode, tolerations for every taint.
func TestDeployManifests(t *testing.T) {
	ds, err := DaemonSetManifest(ManifestOptions{})
	if err != nil {
		t.Fatal(err)
	}
	job, err := JobManifest(ManifestOptions{}, "NODE_NAME")
	if err != nil {
		t.Fatal(err)
	}
	rbac, err := RunnerRBACManifest(ManifestOptions{}, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"daemonset.yaml": ds, "job.yaml": job, "runner-rbac.yaml": rbac} {
		path := filepath.Join("..", "..", "deploy", "node-audit", name)
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil || string(want) != got {
			t.Errorf("%s is stale or missing: run go test ./internal/node -run TestDeployManifests -update", path)
		}
	}
	docs := decodeYAMLDocs(t, ds)
	if len(docs) != 2 || docs[0]["kind"] != "Namespace" || docs[1]["kind"] != "DaemonSet" {
		t.Fatalf("kinds: %v", docs)
	}
	spec := dig(docs[1], "spec", "template", "spec").(map[string]any)
	if spec["hostPID"] != true {
		t.Error("hostPID must be on to see the node's processes")
	}
	if spec["hostNetwork"] != true {
		t.Error("hostNetwork must be on: /proc/sys/net shows the reader's network namespace")
	}
	init := spec["initContainers"].([]any)[0].(map[string]any)
	mount := init["volumeMounts"].([]any)[0].(map[string]any)
	if mount["readOnly"] != true || mount["mountPath"] != "/host" {
		t.Errorf("host mount %v", mount)
	}
	sc := init["securityContext"].(map[string]any)
	if sc["privileged"] != false || sc["readOnlyRootFilesystem"] != true {
		t.Errorf("security context %v", sc)
	}
	if tol := spec["tolerations"].([]any)[0].(map[string]any); tol["operator"] != "Exists" {
		t.Errorf("tolerations %v", tol)
	}
	jdocs := decodeYAMLDocs(t, job)
	if dig(jdocs[0], "spec", "template", "spec", "nodeName") != "NODE_NAME" {
		t.Errorf("job nodeName: %v", jdocs[0])
	}
	custom, _ := DaemonSetManifest(ManifestOptions{Image: "reg.example/p:v1", Namespace: "sec", Args: []string{"--k8s-version=1.33"}})
	if !strings.Contains(custom, "image: reg.example/p:v1") || !strings.Contains(custom, "namespace: sec") || !strings.Contains(custom, "- --k8s-version=1.33") {
		t.Errorf("options not applied:\n%s", custom)
	}
	// Arguments YAML would misread are quoted; names and images are
	// refused when they are not what they claim.
	quoted, _ := DaemonSetManifest(ManifestOptions{Args: []string{"--controls=cluster.cis,infra.cis-runtime", "--flavour: k3s", "x\n- --evil"}})
	if !strings.Contains(quoted, "- --controls=cluster.cis,infra.cis-runtime\n") || !strings.Contains(quoted, `- "--flavour: k3s"`) || !strings.Contains(quoted, `- "x\n- --evil"`) {
		t.Errorf("arguments not quoted:\n%s", quoted)
	}
	if _, _, err := manifestObjects(ManifestOptions{Args: []string{"--flavour: k3s", "x\n- --evil"}}.withDefaults()); err != nil {
		t.Errorf("quoted arguments do not decode: %v", err)
	}
	for _, bad := range []ManifestOptions{{Namespace: "Bad_NS"}, {Name: "x.y"}, {Image: "img\nkind: Pod"}} {
		if _, err := DaemonSetManifest(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
	if _, err := RunnerRBACManifest(ManifestOptions{}, "evil\nkind: x"); err == nil {
		t.Error("a group name with a newline was accepted")
	}
	if _, err := JobManifest(ManifestOptions{}, "bad name"); err == nil {
		t.Error("a node name with a space was accepted")
	}
}

func decodeYAMLDocs(t *testing.T, s string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(s))
	var out []map[string]any
	for {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			break
		}
		out = append(out, m)
	}
	return out
}

func dig(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func TestDecodeAndMerge(t *testing.T) {
	var results []*Result
	for _, fx := range fixtures[:4] {
		root := buildFixture(t, fx.build, fx.v)
		res, _, err := Audit(Options{Root: root, Certs: CertOptions{Now: nodetest.Now}})
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, res)
	}
	// Pod logs: a prefix line, each result, and one node twice.
	var logs bytes.Buffer
	logs.WriteString("node cp-1 (control-plane...): summary line\n")
	for _, r := range append(results, results[0]) {
		data, _ := json.MarshalIndent(r, "", "  ")
		logs.Write(data)
		logs.WriteString("\n")
	}
	got, err := DecodeResults(&logs)
	if err != nil || len(got) != 5 {
		t.Fatalf("decoded %d, %v", len(got), err)
	}
	nodes, sums := Merge(got)
	// The compliant and failing fixtures share host names: two nodes.
	if len(nodes) != 2 || nodes[0].Node != "cp-1" || nodes[1].Node != "worker-1" {
		t.Fatalf("nodes %v", len(nodes))
	}
	var s501 *CheckSummary
	for i := range sums {
		if sums[i].ID == "PAL-NODE-501" {
			s501 = &sums[i]
		}
	}
	if s501 == nil || s501.Counts[Fail]+s501.Counts[Pass] != 2 {
		t.Fatalf("summary %+v", s501)
	}
	array, _ := json.Marshal(results[:2])
	if got, err := DecodeResults(bytes.NewReader(array)); err != nil || len(got) != 2 {
		t.Fatalf("array: %d %v", len(got), err)
	}
	for _, bad := range []string{"", "not json at all\n", "[1, 2]", `{"node": ""}`} {
		if _, err := DecodeResults(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestDecodeResultsInterleaved: the summary the audit writes to standard
// error can land anywhere in the pod's log, inside the JSON too (seen
// with a real kubelet and containerd, TestAuditAllNodesLive).
func TestDecodeResultsInterleaved(t *testing.T) {
	res, _, err := Audit(Options{Root: buildFixture(t, nodetest.Worker, nodetest.Compliant), Certs: CertOptions{Now: nodetest.Now}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) < 100 {
		t.Fatalf("a result of %d lines", len(lines))
	}
	stderr := res.Summary() + "\nnote: Kubernetes version unknown\n"
	for i := 1; i < len(lines); i += 7 {
		log := strings.Join(lines[:i], "") + stderr + strings.Join(lines[i:], "") + "\n" + string(data)
		got, err := DecodeResults(strings.NewReader(log))
		if err != nil || len(got) != 2 {
			t.Fatalf("summary after line %d: %d result(s), %v", i, len(got), err)
		}
		for _, g := range got {
			if g.Node != res.Node || len(g.Checks) != len(res.Checks) || !slices.EqualFunc(g.Checks, res.Checks, func(a, b CheckResult) bool {
				return a.ID == b.ID && a.Status == b.Status && slices.Equal(a.Evidence, b.Evidence)
			}) {
				t.Fatalf("summary after line %d: result differs", i)
			}
		}
	}
}

func FuzzDecodeResults(f *testing.F) {
	f.Add([]byte("{\n  \"node\": \"a\",\nsummary line\n  \"checks\": []\n}\n"))
	f.Add([]byte(`{"node":"a","checks":[{"id":"PAL-NODE-001","status":"pass"}]}` + "\nnoise\n{\"node\":\"b\",\"checks\":[]}"))
	f.Add([]byte(`[{"node":"a","checks":[]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if rs, err := DecodeResults(bytes.NewReader(data)); err == nil {
			Merge(rs)
		}
	})
}
