package node

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/palisade-sec/palisade/internal/finding"
)

func TestSectionsValid(t *testing.T) {
	secs := Sections()
	if len(secs) == 0 {
		t.Fatal("no embedded check sections")
	}
	reg, err := finding.NewRegistry(Rules()...)
	if err != nil {
		t.Fatalf("node rules do not form a valid registry: %v", err)
	}
	refs := map[string]string{}
	for _, c := range Checks() {
		if _, ok := reg.Get(c.ID); !ok {
			t.Errorf("%s missing from the registry", c.ID)
		}
		if c.Ref != "" {
			key := c.Section.Benchmark + " " + c.Ref
			if other, dup := refs[key]; dup {
				t.Errorf("%s and %s both claim %s", other, c.ID, key)
			}
			refs[key] = c.ID
		}
	}
	// Every automated CIS 1.12 recommendation of sections 1, 2 and 4 is
	// implemented (the benchmark's numbering, from its table of contents).
	want := []string{}
	for i := 1; i <= 21; i++ {
		want = append(want, "1.1."+itoa(i))
	}
	for i := 1; i <= 30; i++ {
		want = append(want, "1.2."+itoa(i))
	}
	for i := 1; i <= 7; i++ {
		want = append(want, "1.3."+itoa(i), "2."+itoa(i))
	}
	want = append(want, "1.4.1", "1.4.2", "4.3.1")
	for i := 1; i <= 10; i++ {
		want = append(want, "4.1."+itoa(i))
	}
	for i := 1; i <= 14; i++ {
		want = append(want, "4.2."+itoa(i))
	}
	for _, ref := range want {
		if _, ok := refs["cis-1.12 "+ref]; !ok {
			t.Errorf("CIS 1.12 recommendation %s has no check", ref)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestParseSectionErrors(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"bad id", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\nchecks:\n- id: PAL-X-1\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n", "not of the form"},
		{"unknown op", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\ncomponent: kubelet\nchecks:\n- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n  test: {flag: --x, op: frob}\n", "unknown op"},
		{"two facts", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\ncomponent: kubelet\nchecks:\n- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n  test: {flag: --x, file: /y, op: set}\n", "exactly one fact"},
		{"unknown control", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.nope\n", "unknown control"},
		{"unknown field", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\nbogus: 1\n", "bogus"},
		{"bad mode", "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\nchecks:\n- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n  test: {file: /x, op: mode, value: \"999\"}\n", "octal"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSection("t.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadSectionsDuplicate(t *testing.T) {
	sec := "benchmark: x\nsection: s\nname: n\ncontrol: cluster.cis\nchecks:\n- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: low\n"
	fsys := fstest.MapFS{"c/a.yaml": {Data: []byte(sec)}, "c/b.yaml": {Data: []byte(sec)}}
	if _, err := LoadSections(fsys, "c"); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Fatalf("got %v", err)
	}
}

func TestParseArgs(t *testing.T) {
	got := parseArgs([]string{"server", "--a=1", "--b", "two", "--c", "--d=x=y", "-c", "/etc/c.toml", "-config-file=/e", "--a=3", `--q="quoted"`})
	want := map[string][]string{"--a": {"1", "3"}, "--b": {"two"}, "--c": {"true"}, "--d": {"x=y"}, "-c": {"/etc/c.toml"}, "--config-file": {"/e"}, "--q": {"quoted"}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("%s: got %v want %v", k, got[k], v)
		}
	}
}

func TestCompare(t *testing.T) {
	for _, tt := range []struct {
		op, got, want string
		wants         []string
		ok            bool
	}{
		{"eq", "False", "false", nil, true},
		{"eq", "0", "0.0", nil, true},
		{"eq", "4h0m0s", "4h", nil, true},
		{"eq", "Node", "node", nil, false},
		{"neq", "0s", "0", nil, false},
		{"neq", "5m", "0", nil, true},
		{"has", "Node,RBAC", "RBAC", nil, true},
		{"has", "Node, RBAC", "RBAC", nil, true},
		{"has", "NodeRBAC", "RBAC", nil, false},
		{"not-has", "AlwaysAdmit", "AlwaysAdmit", nil, false},
		{"gte", "30", "30", nil, true},
		{"gte", "29", "30", nil, false},
		{"lte", "1h", "2h", nil, true},
		{"in", "127.0.0.1", "", []string{"127.0.0.1", "::1"}, true},
		{"in", "0.0.0.0", "", []string{"127.0.0.1", "::1"}, false},
		{"subset", "a,b", "", []string{"a", "b", "c"}, true},
		{"subset", "a,d", "", []string{"a", "b", "c"}, false},
		{"subset", "", "", []string{"a"}, false},
		{"regex", "127.0.0.1:10249", `^127\.`, nil, true},
		{"not-regex", "x", `^x$`, nil, false},
		{"version-gte", "v1.33.2", "1.32", nil, true},
		{"version-gte", "1.31.9+k3s1", "1.32", nil, false},
	} {
		ok, err := compare(tt.op, tt.got, tt.want, tt.wants)
		if err != nil || ok != tt.ok {
			t.Errorf("%s(%q, %q, %v) = %v, %v; want %v", tt.op, tt.got, tt.want, tt.wants, ok, err, tt.ok)
		}
	}
	if _, err := compare("gte", "abc", "1", nil); err == nil {
		t.Error("gte on a non-number must fail")
	}
}

func TestModeAtMost(t *testing.T) {
	for _, tt := range []struct {
		mode, max uint32
		ok        bool
	}{{0o600, 0o600, true}, {0o400, 0o600, true}, {0o640, 0o644, true}, {0o660, 0o600, false}, {0o4755, 0o755, false}, {0o700, 0o600, false}} {
		if got := modeAtMost(tt.mode, tt.max); got != tt.ok {
			t.Errorf("modeAtMost(%o, %o) = %v", tt.mode, tt.max, got)
		}
	}
}

func TestLookupKeyAndStringify(t *testing.T) {
	data, err := ParseConfig("toml", []byte("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n[features]\nlist = [1, 2]\n"))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := lookupKey(data, `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup`)
	if !ok || stringify(v) != "true" {
		t.Fatalf("got %v %v", v, ok)
	}
	if v, ok := lookupKey(data, "features.list"); !ok || stringify(v) != "1,2" {
		t.Fatalf("list: %v", v)
	}
	y, _ := ParseConfig("yaml", []byte("featureGates:\n  B: false\n  A: true\nproviders:\n- aescbc: {keys: [{secret: s}]}\n"))
	if v, _ := lookupKey(y, "featureGates"); stringify(v) != "A=true,B=false" {
		t.Fatalf("map: %q", stringify(v))
	}
	if v, _ := lookupKey(y, "providers.0.@keys"); stringify(v) != "aescbc" {
		t.Fatalf("@keys: %q", stringify(v))
	}
	if _, ok := lookupKey(y, "providers.9"); ok {
		t.Fatal("index out of range must not be found")
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, f := range []string{"json", "yaml", "toml"} {
		if _, err := ParseConfig(f, []byte("{[}: :")); err == nil {
			t.Errorf("%s: malformed input accepted", f)
		}
	}
	if _, err := ParseConfig("json", []byte(`{"a":1} {"b":2}`)); err == nil {
		t.Error("trailing JSON accepted")
	}
	if _, err := ParseConfig("ini", nil); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestParseSSHD(t *testing.T) {
	m := parseSSHD([]byte("# c\nPermitRootLogin no\npermitrootlogin yes\nPasswordAuthentication=no\nMatch User bob\n  X11Forwarding yes\n"))
	if m["permitrootlogin"] != "no" || m["passwordauthentication"] != "no" {
		t.Fatalf("got %v", m)
	}
	if _, ok := m["x11forwarding"]; ok {
		t.Fatal("a Match block set a global value")
	}
}

func TestParseUnitAndExpand(t *testing.T) {
	s := map[string][]string{}
	parseUnit([]byte("[Service]\nExecStart=/bin/a\nEnvironment=\"A=--x=1 --y\" B=2\n"), s)
	parseUnit([]byte("[Service]\nExecStart=\nExecStart=/usr/bin/kubelet $A \\\n  ${B} --z\n"), s)
	if got := s["Service.ExecStart"]; len(got) != 1 || got[0] != "/usr/bin/kubelet $A  ${B} --z" {
		t.Fatalf("ExecStart %q", got)
	}
	env := map[string]string{"A": "--x=1 --y", "B": "2"}
	if got := expandVars("pre${B}post $A", env); got != "pre2post --x=1 --y" {
		t.Fatalf("expand %q", got)
	}
	if got := shellWords(`a "b c" 'd e' f\ g`); !slices.Equal(got, []string{"a", "b c", "d e", "f g"}) {
		t.Fatalf("words %q", got)
	}
}

func TestParseManifest(t *testing.T) {
	argv, img, env, err := ParseManifest([]byte("spec:\n  containers:\n  - command: [sh, -c, 'exec etcd --name=a --data-dir=/d']\n    image: registry.k8s.io/etcd:3.5\n    env: [{name: ETCD_X, value: y}]\n"))
	if err != nil || !slices.Equal(argv, []string{"etcd", "--name=a", "--data-dir=/d"}) || img != "registry.k8s.io/etcd:3.5" || env["ETCD_X"] != "y" {
		t.Fatalf("got %q %q %v %v", argv, img, env, err)
	}
	if _, _, _, err := ParseManifest([]byte("kind: ConfigMap\n")); err == nil {
		t.Fatal("a manifest without containers was accepted")
	}
}

func TestSelectBenchmark(t *testing.T) {
	for _, tt := range []struct{ v, id, note string }{
		{"1.33.2", "cis-1.12", ""},
		{"v1.32.0", "cis-1.12", ""},
		{"1.36.1", "cis-1.12", "no CIS benchmark covers Kubernetes 1.36"},
		{"1.29.3", "cis-1.12", "older"},
		{"", "cis-1.12", "unknown"},
	} {
		b := SelectBenchmark(tt.v)
		if b.ID != tt.id || (tt.note == "") != (b.Note == "") || !strings.Contains(b.Note, tt.note) {
			t.Errorf("%q: got %+v", tt.v, b)
		}
	}
}

func TestParseDpkgStatus(t *testing.T) {
	pk := parseDpkgStatus([]byte("Package: a\nStatus: install ok installed\nVersion: 1\nDescription: x\n more\n\nPackage: b\nStatus: deinstall ok config-files\nVersion: 2\n"))
	if len(pk) != 2 || !pk[0].Installed || pk[1].Installed || pk[0].Version != "1" {
		t.Fatalf("got %+v", pk)
	}
}

// evalFacts evaluates one check over hand-made facts.
func evalOne(t *testing.T, yaml string, f *Facts) CheckResult {
	t.Helper()
	s, err := ParseSection("t.yaml", []byte("benchmark: cis-1.12\nsection: t\nname: t\ncontrol: cluster.cis\nchecks:\n"+yaml))
	if err != nil {
		t.Fatal(err)
	}
	return Evaluate(s.Checks, f)[0]
}

func TestEvaluateApplicability(t *testing.T) {
	check := "- id: PAL-NODE-999\n  component: apiserver\n  title: t\n  doc: d\n  remediation: r\n  severity: high\n  test: {flag: --profiling, default: \"true\", op: eq, value: \"false\"}\n"
	empty := &Facts{Flavour: Kubeadm, Components: map[string]*Component{}}
	if r := evalOne(t, check, empty); r.Status != NotApplicable || !strings.Contains(r.Reason, "does not run") {
		t.Errorf("absent component: %+v", r)
	}
	managed := &Facts{Flavour: EKS, Components: map[string]*Component{"apiserver": {Name: "apiserver", Flags: map[string][]string{}}}}
	if r := evalOne(t, check, managed); r.Status != NotApplicable || !strings.Contains(r.Reason, "managed") {
		t.Errorf("managed: %+v", r)
	}
	embedded := &Facts{Flavour: K3s, Components: map[string]*Component{"apiserver": {Name: "apiserver", Embedded: true, Flags: map[string][]string{}}}}
	if r := evalOne(t, check, embedded); r.Status != Warn || !strings.Contains(r.Reason, "embedded") {
		t.Errorf("embedded default: %+v", r)
	}
	embedded.Components["apiserver"].Flags["--profiling"] = []string{"false"}
	if r := evalOne(t, check, embedded); r.Status != Pass {
		t.Errorf("embedded explicit: %+v", r)
	}
	manual := strings.Replace(check, "severity: high", "severity: high\n  manual: true", 1)
	plain := &Facts{Flavour: Kubeadm, Components: map[string]*Component{"apiserver": {Name: "apiserver", Flags: map[string][]string{}}}}
	if r := evalOne(t, manual, plain); r.Status != Warn {
		t.Errorf("manual failing: %+v", r)
	}
	if r := evalOne(t, check, plain); r.Status != Fail || !strings.Contains(r.Reason, `"true" (default); want false`) {
		t.Errorf("default failing: %+v", r)
	}
	noTest := "- id: PAL-NODE-999\n  title: t\n  doc: d\n  remediation: r\n  severity: info\n"
	if r := evalOne(t, noTest, plain); r.Status != Manual {
		t.Errorf("no test: %+v", r)
	}
}

func TestEvaluateKubeletMerge(t *testing.T) {
	check := "- id: PAL-NODE-999\n  component: kubelet\n  title: t\n  doc: d\n  remediation: r\n  severity: high\n  test: {flag: --anonymous-auth, config: authentication.anonymous.enabled, default: \"true\", configDefault: \"false\", op: eq, value: \"false\"}\n"
	cfg := &Doc{Path: "/var/lib/kubelet/config.yaml", Exists: true, Data: map[string]any{}}
	k := &Component{Name: "kubelet", Flags: map[string][]string{}, Source: "unit kubelet.service"}
	f := &Facts{Flavour: Kubeadm, Components: map[string]*Component{"kubelet": k}}
	if r := evalOne(t, check, f); r.Status != Fail {
		t.Errorf("no config, flag default true: %+v", r)
	}
	k.Config = cfg
	if r := evalOne(t, check, f); r.Status != Pass || !strings.Contains(r.Evidence[0], "default with a config file") {
		t.Errorf("config default false: %+v", r)
	}
	cfg.Data = map[string]any{"authentication": map[string]any{"anonymous": map[string]any{"enabled": true}}}
	if r := evalOne(t, check, f); r.Status != Fail {
		t.Errorf("config true: %+v", r)
	}
	k.Flags["--anonymous-auth"] = []string{"false"}
	if r := evalOne(t, check, f); r.Status != Pass || !strings.Contains(r.Evidence[0], "flag") {
		t.Errorf("flag overrides config: %+v", r)
	}
}

func TestRedaction(t *testing.T) {
	for k, want := range map[string]bool{
		"token": true, "agent-token": true, "secret": true, "password": true, "registryPassword": true,
		"auth": true, "identitytoken": true, "--token": true, "client-key-data": true,
		"tokenFile": false, "token-auth-file": false, "authentication": false, "authorization": false,
		"oauth": false, "keys": false, "--anonymous-auth": false, "--use-service-account-credentials": false, "client-cert-auth": false, "--kubelet-client-key": false, "clientCAFile": false,
	} {
		if got := isSecretKey(k); got != want {
			t.Errorf("isSecretKey(%q) = %v", k, got)
		}
	}
	v := redactSecrets(map[string]any{
		"resources": []any{map[string]any{"providers": []any{map[string]any{"aescbc": map[string]any{"keys": []any{map[string]any{"name": "k1", "secret": "c2VjcmV0"}}}}}}},
		"token":     "K10abc::server:xyz",
		"auth":      map[string]any{"username": "u", "password": "p"},
	})
	s := stringify(v)
	if strings.Contains(s, "c2VjcmV0") || strings.Contains(s, "K10abc") || strings.Contains(s, "password=p") || !strings.Contains(s, "username=u") {
		t.Errorf("not redacted: %s", s)
	}
	if got := redactArgs([]string{"server", "--token=abc", "--password", "pw", "--token-auth-file=/x"}); !slices.Equal(got, []string{"server", "--token=REDACTED", "--password", "REDACTED", "--token-auth-file=/x"}) {
		t.Errorf("args %q", got)
	}
}
