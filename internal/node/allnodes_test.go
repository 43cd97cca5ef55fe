package node

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	batchv1 "k8s.io/api/batch/v1"
	sigsyaml "sigs.k8s.io/yaml"

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
	if mount["readOnly"] != true || mount["recursiveReadOnly"] != "IfPossible" || mount["mountPath"] != "/host" {
		t.Errorf("host mount %v", mount)
	}
	sc := init["securityContext"].(map[string]any)
	if sc["privileged"] != false || sc["readOnlyRootFilesystem"] != true {
		t.Errorf("security context %v", sc)
	}
	env := init["env"].([]any)[0].(map[string]any)
	if env["name"] != "PALISADE_POD_UID" || dig(env, "valueFrom", "fieldRef", "fieldPath") != "metadata.uid" {
		t.Errorf("env %v", env)
	}
	if !slices.Contains(init["args"].([]any), "--results-framed") {
		t.Errorf("args %v: the result must be framed in the log", init["args"])
	}
	if tol := spec["tolerations"].([]any)[0].(map[string]any); tol["operator"] != "Exists" {
		t.Errorf("tolerations %v", tol)
	}
	// The Job runs the same container on the same kind of pod.
	jdocs := decodeYAMLDocs(t, job)
	jspec := dig(jdocs[0], "spec", "template", "spec").(map[string]any)
	if jspec["nodeName"] != "NODE_NAME" || jspec["restartPolicy"] != "Never" {
		t.Errorf("job pod spec: %v", jspec)
	}
	if jaudit := jspec["containers"].([]any)[0]; !reflect.DeepEqual(jaudit, init) {
		t.Errorf("the Job's audit container differs from the DaemonSet's:\n%v\n%v", jaudit, init)
	}
	for _, k := range []string{"hostPID", "hostNetwork", "automountServiceAccountToken", "enableServiceLinks", "tolerations", "volumes"} {
		if !reflect.DeepEqual(jspec[k], spec[k]) {
			t.Errorf("the Job's %s %v differs from the DaemonSet's %v", k, jspec[k], spec[k])
		}
	}
	if _, err := decodeJob(job); err != nil {
		t.Errorf("the Job does not decode: %v", err)
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

// decodeJob decodes the Job manifest strictly, as the API server would.
func decodeJob(text string) (*batchv1.Job, error) {
	job := &batchv1.Job{}
	return job, sigsyaml.UnmarshalStrict([]byte(text), job)
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

// TestDecodeResultsInterleaved: a pod's log interleaves the audit's
// standard error with its standard output line by line, in no fixed
// order (seen with a real kubelet and containerd,
// TestAuditAllNodesLive): the framed result is read whatever lands
// between its lines, also with kubectl logs --prefix and several pods'
// logs one after another.
func TestDecodeResultsInterleaved(t *testing.T) {
	res, _, err := Audit(Options{Root: buildFixture(t, nodetest.Worker, nodetest.Compliant), Certs: CertOptions{Now: nodetest.Now}})
	if err != nil {
		t.Fatal(err)
	}
	var framed bytes.Buffer
	if err := WriteFramedResult(&framed, res); err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(framed.String(), "\n")
	if len(lines) < 100 {
		t.Fatalf("a result of %d lines", len(lines))
	}
	var other bytes.Buffer
	if err := WriteFramedResult(&other, res); err != nil {
		t.Fatal(err)
	}
	// Standard error that looks like JSON, or like a frame line.
	stderr := res.Summary() + "\nnote: Kubernetes version unknown\n{\n  \"node\": \"evil\",\n}\npalisade-node-result is not a token\n"
	same := func(g *Result) bool {
		return g.Node == res.Node && slices.EqualFunc(g.Checks, res.Checks, func(a, b CheckResult) bool {
			return a.ID == b.ID && a.Status == b.Status && slices.Equal(a.Evidence, b.Evidence)
		})
	}
	for i := 0; i <= len(lines); i += 7 {
		log := strings.Join(lines[:i], "") + stderr + strings.Join(lines[i:], "") + other.String()
		for _, prefix := range []string{"", "[pod/palisade-node-audit-x/audit] "} {
			in := log
			if prefix != "" {
				in = prefix + strings.ReplaceAll(strings.TrimSuffix(log, "\n"), "\n", "\n"+prefix) + "\n"
			}
			got, err := DecodeResults(strings.NewReader(in))
			if err != nil || len(got) != 2 {
				t.Fatalf("stderr after line %d, prefix %q: %d result(s), %v", i, prefix, len(got), err)
			}
			for _, g := range got {
				if !same(g) {
					t.Fatalf("stderr after line %d, prefix %q: result differs", i, prefix)
				}
			}
		}
	}
	// A log cut short, at either end, or a frame line damaged.
	for name, bad := range map[string]string{
		"no end":      strings.Join(lines[:len(lines)-2], ""),
		"no begin":    strings.Join(lines[1:], ""),
		"no tail":     strings.Join(lines[len(lines)/2:], ""),
		"bad line":    strings.Join(lines[:5], "") + "palisade-node-result " + strings.Fields(lines[0])[2] + " }}}\n" + strings.Join(lines[5:], ""),
		"twice begun": lines[0] + framed.String(),
		"bad token":   "palisade-node-result begin x\n" + framed.String(),
	} {
		if _, err := DecodeResults(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDecodeResultsHostile: input built to make a decoder backtrack is
// read in one pass (go test -timeout bounds it).
func TestDecodeResultsHostile(t *testing.T) {
	const size = 1 << 20
	for name, unit := range map[string]string{
		"open braces":      "{\n",
		"braces and noise": "{\"node\": \"a\",\nnoise\n",
		"open arrays":      "{\"a\":[\n",
		"frames begun":     "palisade-node-result begin 0123456789abcdef\n{\n",
		"frame lines":      "palisade-node-result 0123456789abcdef {\n",
		"non-JSON":         "x\n",
	} {
		data := strings.Repeat(unit, size/len(unit))
		if _, err := DecodeResults(strings.NewReader(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// One framed result whose lines are 1 MiB of open braces.
	data := "palisade-node-result begin 0123456789abcdef\n" + strings.Repeat("palisade-node-result 0123456789abcdef {\n", size/40) + "palisade-node-result end 0123456789abcdef\n"
	if _, err := DecodeResults(strings.NewReader(data)); err == nil {
		t.Error("a frame of open braces accepted")
	}
}

func FuzzDecodeResults(f *testing.F) {
	f.Add([]byte("{\n  \"node\": \"a\",\nsummary line\n  \"checks\": []\n}\n"))
	f.Add([]byte(`{"node":"a","checks":[{"id":"PAL-NODE-001","status":"pass"}]}` + "\nnoise\n{\"node\":\"b\",\"checks\":[]}"))
	f.Add([]byte(`[{"node":"a","checks":[]}]`))
	f.Add([]byte("summary\npalisade-node-result begin 0123456789abcdef\npalisade-node-result 0123456789abcdef {\"node\": \"a\",\nnoise\npalisade-node-result 0123456789abcdef \"checks\": []}\npalisade-node-result end 0123456789abcdef\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if rs, err := DecodeResults(bytes.NewReader(data)); err == nil {
			Merge(rs)
		}
	})
}
