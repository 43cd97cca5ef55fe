package hostpath

import (
	"slices"
	"strings"
	"testing"
)

func TestEntriesSortedAndClean(t *testing.T) {
	es := Entries()
	if !slices.IsSortedFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) }) {
		t.Fatal("entries must be sorted by path (Lookup searches them)")
	}
	for i, e := range es {
		if e.Path != Clean(e.Path) || !strings.HasPrefix(e.Path, "/") {
			t.Errorf("entry %q is not clean and absolute", e.Path)
		}
		if e.Reason == "" {
			t.Errorf("entry %q has no reason", e.Path)
		}
		if i > 0 && es[i-1].Path == e.Path {
			t.Errorf("duplicate entry %q", e.Path)
		}
	}
}

func TestSensitive(t *testing.T) {
	tests := []struct {
		path  string
		match string // entry path, "" for not sensitive
	}{
		{"/", "/"},
		{"//", "/"},
		{"/proc", "/proc"},
		{"/proc/1", "/proc"},
		{"/proc/sys/kernel/", "/proc"},
		{"/sys/fs/cgroup", "/sys"},
		{"/dev", "/dev"},
		{"/dev/sda", "/dev"},
		{"/etc", "/etc"},
		{"/etc/shadow", "/etc"},
		{"/etc/kubernetes/pki", "/etc/kubernetes"},
		{"/etc/../etc/passwd", "/etc"},
		{"/var/run/docker.sock", "/var/run/docker.sock"},
		{"/run/docker.sock", "/run/docker.sock"},
		{"/run/containerd/containerd.sock", "/run/containerd"},
		{"/var/lib/kubelet/pods", "/var/lib/kubelet"},
		{"/var/lib/docker", "/var/lib/docker"},
		{"/var/lib/docker/", "/var/lib/docker"},
		{"/var/lib/containerd", "/var/lib/containerd"},
		{"/var/lib/etcd", "/var/lib/etcd"},
		{"/lib/modules", "/lib/modules"},
		{"/lib/modules/6.1.0/kernel", "/lib/modules"},
		{"/home", "/home"},
		{"/root/.ssh", "/root"},
		{"/boot", "/boot"},
		{"/var/run", "/var/run"},
		{"/run", "/run"},
		{"/usr", "/usr"},
		{"/usr/bin/env", "/usr/bin"},
		{"/var/log", "/var/log"},
		{"/var/log/pods", "/var/log/pods"},
		{"/opt/cni/bin", "/opt/cni"},
		// Ordinary data under non-subtree entries.
		{"/home/app/data", ""},
		{"/var/lib/mysql", ""},
		{"/var/lib/postgresql/data", ""},
		{"/var/log/nginx", ""},
		{"/var/run/mysqld", ""},
		{"/usr/share/nginx/html", ""},
		{"/data", ""},
		{"/tmp", ""},
		{"/procfs", ""},
		{"/etcd-data", ""},
		{"proc", ""},
		{"etc/shadow", ""},
		{"", ""},
	}
	for _, tt := range tests {
		e, ok := Lookup(tt.path)
		if got := map[bool]string{true: e.Path, false: ""}[ok]; got != tt.match {
			t.Errorf("Lookup(%q) = %q, want %q", tt.path, got, tt.match)
		}
		reason, ok2 := Sensitive(tt.path)
		if ok2 != ok || reason != e.Reason {
			t.Errorf("Sensitive(%q) disagrees with Lookup", tt.path)
		}
	}
}
