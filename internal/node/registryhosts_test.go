package node

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRegistryHostProblems(t *testing.T) {
	tests := []struct {
		name, toml string
		want       []string
		wantErr    string
	}{
		{"https server and mirror", "server = \"https://registry-1.docker.io\"\n[host.\"https://mirror.local\"]\n  capabilities = [\"pull\"]\n", nil, ""},
		{"skip_verify on the server", "server = \"https://registry.local:5000\"\nskip_verify = true\n", []string{"skip_verify = true for https://registry.local:5000"}, ""},
		{"plain HTTP mirror and skip_verify host, in file order",
			"server = \"https://docker.io\"\n[host.\"http://mirror.corp:5000\"]\n  capabilities = [\"pull\"]\n[host.\"https://cache.corp\"]\n  skip_verify = true\n",
			[]string{"plain HTTP endpoint http://mirror.corp:5000", "skip_verify = true for https://cache.corp"}, ""},
		{"loopback mirrors may be plain HTTP", "[host.\"http://localhost:5000\"]\n[host.\"http://127.0.0.1:5001\"]\n[host.\"http://[::1]:5002\"]\n", nil, ""},
		{"plain HTTP server", "server = \"HTTP://registry.corp\"\n", []string{"plain HTTP endpoint HTTP://registry.corp"}, ""},
		{"no scheme is https", "[host.\"registry.corp:5000\"]\n", nil, ""},
		{"skip_verify false", "[host.\"https://r\"]\nskip_verify = false\n", nil, ""},
		{"skip_verify as a string", "skip_verify = \"true\"\n", nil, "skip_verify of server is not a boolean"},
		{"host not a table", "host = 1\n", nil, "host is not a table"},
		{"server not a string", "server = 5\n", nil, "server is not a string"},
		{"not TOML", "server = \n", nil, "does not parse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RegistryHostProblems([]byte(tt.toml))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// writeFiles writes node files under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRegistryHostsCheck judges PAL-RT-307 on node roots: the default
// config_path and one set in config.toml (two directories).
func TestRegistryHostsCheck(t *testing.T) {
	var checks []*Check
	for _, c := range Checks() {
		if c.ID == "PAL-RT-307" {
			checks = append(checks, c)
		}
	}
	if len(checks) != 1 {
		t.Fatal("PAL-RT-307 is not embedded")
	}
	unit := "[Service]\nExecStart=/usr/bin/containerd\n"
	tests := []struct {
		name     string
		files    map[string]string
		status   Status
		evidence []string
	}{
		{"default path, secure", map[string]string{
			"/etc/containerd/config.toml":                  "version = 2\n",
			"/etc/containerd/certs.d/docker.io/hosts.toml": "server = \"https://registry-1.docker.io\"\n",
		}, Pass, []string{"1 hosts.toml file(s) under /etc/containerd/certs.d"}},
		{"default path, insecure", map[string]string{
			"/etc/containerd/config.toml":                           "version = 2\n",
			"/etc/containerd/certs.d/docker.io/hosts.toml":          "[host.\"http://mirror.corp\"]\n",
			"/etc/containerd/certs.d/registry.corp:5000/hosts.toml": "skip_verify = true\nserver = \"https://registry.corp:5000\"\n",
			"/etc/containerd/certs.d/_default/hosts.toml":           "[host.\"http://localhost:5000\"]\n",
		}, Fail, []string{"/etc/containerd/certs.d/docker.io/hosts.toml: plain HTTP endpoint http://mirror.corp", "/etc/containerd/certs.d/registry.corp:5000/hosts.toml: skip_verify = true for https://registry.corp:5000"}},
		{"config_path of config version 3, two directories", map[string]string{
			"/etc/containerd/config.toml":          "version = 3\n[plugins.\"io.containerd.cri.v1.images\".registry]\n  config_path = \"/etc/registries:/opt/registries\"\n",
			"/etc/registries/a/hosts.toml":         "server = \"https://a\"\n",
			"/opt/registries/b/hosts.toml":         "server = \"http://b.corp\"\n",
			"/etc/containerd/certs.d/c/hosts.toml": "server = \"http://ignored\"\n",
		}, Fail, []string{"/opt/registries/b/hosts.toml: plain HTTP endpoint http://b.corp", "config_path /etc/registries:/opt/registries in /etc/containerd/config.toml"}},
		{"hosts.toml that does not parse", map[string]string{
			"/etc/containerd/config.toml":          "version = 2\n",
			"/etc/containerd/certs.d/x/hosts.toml": "server = [\n",
		}, Fail, []string{"/etc/containerd/certs.d/x/hosts.toml: hosts.toml does not parse"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tt.files["/etc/systemd/system/containerd.service"] = unit
			writeFiles(t, root, tt.files)
			res, _, err := Audit(Options{Root: root, Checks: checks, Collect: CollectOptions{NoProc: true, NoCerts: true}})
			if err != nil {
				t.Fatal(err)
			}
			r := resultByID(res, "PAL-RT-307")
			all := r.Reason + "\n" + strings.Join(r.Evidence, "\n")
			if r.Status != tt.status {
				t.Fatalf("%s %q %v, want %s", r.Status, r.Reason, r.Evidence, tt.status)
			}
			for _, e := range tt.evidence {
				if !strings.Contains(all, e) {
					t.Errorf("result %q does not name %q", all, e)
				}
			}
			if tt.status == Fail && strings.Contains(all, "ignored") {
				t.Errorf("the default directory was read although config_path is set: %q", all)
			}
		})
	}
}

func FuzzParseRegistryHosts(f *testing.F) {
	f.Add([]byte("server = \"https://registry-1.docker.io\"\nskip_verify = true\n[host.\"http://mirror:5000\"]\n  capabilities = [\"pull\", \"resolve\"]\n  ca = \"/etc/ca.pem\"\n"))
	f.Add([]byte("[host.\"http://[::1]:5000\"]\n[host.\"https://a\".header]\nx = [\"y\"]\n"))
	f.Add([]byte("host = []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		eps, err := ParseRegistryHosts(data)
		problems, err2 := RegistryHostProblems(data)
		if (err == nil) != (err2 == nil) {
			t.Fatalf("parse error %v, problems error %v", err, err2)
		}
		if err == nil && len(problems) > 2*len(eps) {
			t.Fatalf("%d problems for %d endpoints", len(problems), len(eps))
		}
	})
}

// TestRegistryMirrorsCheck judges PAL-RT-304 (mirrors in config.toml)
// the way PAL-RT-307 judges hosts.toml: loopback mirrors may be plain
// HTTP.
func TestRegistryMirrorsCheck(t *testing.T) {
	var checks []*Check
	for _, c := range Checks() {
		if c.ID == "PAL-RT-304" {
			checks = append(checks, c)
		}
	}
	if len(checks) != 1 {
		t.Fatal("PAL-RT-304 is not embedded")
	}
	mirrors := func(plugin, endpoints string) string {
		return "[plugins.\"" + plugin + "\".registry.mirrors.\"docker.io\"]\n  endpoint = [" + endpoints + "]\n"
	}
	tests := []struct {
		name, config string
		status       Status
		names        string
	}{
		{"https mirror", "version = 2\n" + mirrors("io.containerd.grpc.v1.cri", `"https://mirror.corp"`), Pass, ""},
		{"loopback mirrors", "version = 2\n" + mirrors("io.containerd.grpc.v1.cri", `"http://localhost:5000", "http://127.0.0.1:5001", "http://[::1]:5002", "https://registry-1.docker.io"`), Pass, ""},
		{"plain HTTP mirror", "version = 2\n" + mirrors("io.containerd.grpc.v1.cri", `"http://localhost:5000", "http://mirror.corp:5000"`), Fail, "http://mirror.corp:5000"},
		{"plain HTTP mirror, config version 3", "version = 3\n" + mirrors("io.containerd.cri.v1.images", `"HTTP://mirror.corp"`), Fail, "HTTP://mirror.corp"},
		{"no mirrors", "version = 2\n", Pass, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, map[string]string{
				"/etc/containerd/config.toml":            tt.config,
				"/etc/systemd/system/containerd.service": "[Service]\nExecStart=/usr/bin/containerd\n",
			})
			res, _, err := Audit(Options{Root: root, Checks: checks, Collect: CollectOptions{NoProc: true, NoCerts: true}})
			if err != nil {
				t.Fatal(err)
			}
			r := resultByID(res, "PAL-RT-304")
			all := r.Reason + "\n" + strings.Join(r.Evidence, "\n")
			if r.Status != tt.status || tt.names != "" && !strings.Contains(r.Reason, tt.names) || strings.Contains(all, "localhost") && r.Status == Fail {
				t.Errorf("%s %q %v, want %s naming %q (and no loopback mirror)", r.Status, r.Reason, r.Evidence, tt.status, tt.names)
			}
		})
	}
}
