package node

import (
	"strings"
	"testing"
)

// TestIPv6State reads whether a node runs IPv6 from node roots.
func TestIPv6State(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"running kernel with IPv6", map[string]string{"/proc/sys/net/ipv4/ip_forward": "0\n", "/proc/sys/net/ipv6/conf/all/disable_ipv6": "0\n"}, "enabled"},
		{"running kernel without IPv6", map[string]string{"/proc/sys/net/ipv4/ip_forward": "0\n"}, "disabled"},
		{"IPv6 turned off on every interface", map[string]string{"/proc/sys/net/ipv6/conf/all/disable_ipv6": "1\n"}, "disabled"},
		{"snapshot that persists disable_ipv6", map[string]string{"/etc/sysctl.d/10-ipv6.conf": "net.ipv6.conf.all.disable_ipv6 = 1\n"}, "disabled"},
		{"snapshot without a word on IPv6", map[string]string{"/etc/hostname": "n\n"}, "enabled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFiles(t, root, tt.files)
			c := &collector{fs: RootFS{Dir: root}, f: &Facts{Sysctls: map[string]Setting{}, Extra: map[string]Setting{}}}
			s, ok := c.ipv6State("state")
			if !ok || s.Value != tt.want || s.Source == "" {
				t.Errorf("%+v, want %s", s, tt.want)
			}
		})
	}
}

// TestIPv6Checks judges the IPv6 sysctl checks on facts: forwarding is
// not judged where a kubelet runs, and nothing applies without IPv6.
func TestIPv6Checks(t *testing.T) {
	var checks []*Check
	for _, c := range Checks() {
		if c.ID == "PAL-OS-015" || c.ID == "PAL-OS-016" || c.ID == "PAL-OS-017" {
			checks = append(checks, c)
		}
	}
	if len(checks) != 3 {
		t.Fatalf("%d IPv6 checks embedded, want 3", len(checks))
	}
	hardened := map[string]string{
		"net.ipv6.conf.all.forwarding": "0", "net.ipv6.conf.default.forwarding": "0",
		"net.ipv6.conf.all.accept_ra": "0", "net.ipv6.conf.default.accept_ra": "0",
		"net.ipv6.conf.all.accept_redirects": "0", "net.ipv6.conf.default.accept_redirects": "0",
	}
	defaults := map[string]string{
		"net.ipv6.conf.all.forwarding": "1", "net.ipv6.conf.default.forwarding": "1",
		"net.ipv6.conf.all.accept_ra": "1", "net.ipv6.conf.default.accept_ra": "1",
		"net.ipv6.conf.all.accept_redirects": "1", "net.ipv6.conf.default.accept_redirects": "1",
	}
	tests := []struct {
		name           string
		ipv6, kubelet  string
		sysctls        map[string]string
		fwd, ra, redir Status
	}{
		{"hardened host", "enabled", "false", hardened, Pass, Pass, Pass},
		{"forwarding host", "enabled", "false", defaults, Fail, Fail, Fail},
		{"Kubernetes node (dual-stack forwards)", "enabled", "true", defaults, NotApplicable, Fail, Fail},
		{"no IPv6", "disabled", "false", nil, NotApplicable, NotApplicable, NotApplicable},
		{"no IPv6 on a Kubernetes node", "disabled", "true", nil, NotApplicable, NotApplicable, NotApplicable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Facts{Sysctls: map[string]Setting{}, Extra: map[string]Setting{
				"ipv6.state":      {Value: tt.ipv6, Source: "test"},
				"present.kubelet": {Value: tt.kubelet, Source: "test"},
			}}
			for k, v := range tt.sysctls {
				f.Sysctls[k] = Setting{Value: v, Source: "/proc/sys/" + strings.ReplaceAll(k, ".", "/")}
			}
			got := map[string]CheckResult{}
			for _, r := range Evaluate(checks, f) {
				got[r.ID] = r
			}
			for id, want := range map[string]Status{"PAL-OS-015": tt.fwd, "PAL-OS-016": tt.ra, "PAL-OS-017": tt.redir} {
				if got[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Reason, want)
				}
			}
			if tt.ra == Fail && !strings.Contains(got["PAL-OS-016"].Reason, "net.ipv6.conf.all.accept_ra") {
				t.Errorf("PAL-OS-016 reason %q does not name the sysctl", got["PAL-OS-016"].Reason)
			}
		})
	}
}
