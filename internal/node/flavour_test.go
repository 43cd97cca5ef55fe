package node

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree writes files (path → content) under a new temporary root.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func resultByID(r *Result, id string) CheckResult {
	for _, c := range r.Checks {
		if c.ID == id {
			return c
		}
	}
	return CheckResult{}
}

func TestFlavours(t *testing.T) {
	for _, tt := range []struct {
		name    string
		files   map[string]string
		flavour Flavour
		role    string
		// want maps check IDs to the expected status.
		want map[string]Status
	}{
		{
			name: "k3s server with passed-through flags",
			files: map[string]string{
				"proc/900/cmdline":                             "/usr/local/bin/k3s\x00server\x00--kube-apiserver-arg=profiling=false\x00",
				"etc/rancher/k3s/config.yaml":                  "kube-apiserver-arg:\n  - anonymous-auth=false\nkubelet-arg:\n  - read-only-port=0\n",
				"var/lib/rancher/k3s/agent/kubelet.kubeconfig": "x",
			},
			flavour: K3s, role: "control-plane,worker",
			want: map[string]Status{
				"PAL-NODE-115": Pass, // --profiling=false from the command line
				"PAL-NODE-101": Pass, // from config.yaml
				"PAL-NODE-130": Warn, // k3s's own default is not visible
				"PAL-NODE-001": NotApplicable,
				"PAL-NODE-405": Pass,
			},
		},
		{
			name: "MicroK8s argument files",
			files: map[string]string{
				"var/snap/microk8s/current/args/kube-apiserver":        "--anonymous-auth=false\n--profiling=false\n# comment\n--client-ca-file=${SNAP_DATA}/certs/ca.crt\n",
				"var/snap/microk8s/current/args/kubelet":               "--kubeconfig=${SNAP_DATA}/credentials/kubelet.config\n--read-only-port=0\n",
				"var/snap/microk8s/current/credentials/kubelet.config": "x",
			},
			flavour: MicroK8s, role: "control-plane,worker",
			want: map[string]Status{
				"PAL-NODE-115": Pass,
				"PAL-NODE-125": Pass,
				"PAL-NODE-001": Pass, // the args file is the "pod specification"
				"PAL-NODE-405": Pass,
				"PAL-NODE-504": Pass,
			},
		},
		{
			name: "EKS worker: managed control plane",
			files: map[string]string{
				"etc/eks/bootstrap.sh":                         "#!/bin/sh\n",
				"proc/77/cmdline":                              "/usr/bin/kubelet\x00--config=/etc/kubernetes/kubelet/kubelet-config.json\x00--kubeconfig=/var/lib/kubelet/kubeconfig\x00",
				"etc/kubernetes/kubelet/kubelet-config.json":   `{"kind":"KubeletConfiguration","authentication":{"anonymous":{"enabled":false},"x509":{"clientCAFile":"/etc/kubernetes/pki/ca.crt"}},"authorization":{"mode":"Webhook"},"readOnlyPort":0}`,
				"var/lib/kubelet/kubeconfig":                   "x",
				"etc/kubernetes/manifests/kube-apiserver.yaml": "spec:\n  containers:\n  - command: [kube-apiserver]\n",
			},
			flavour: EKS, role: "control-plane,worker",
			want: map[string]Status{
				"PAL-NODE-115": NotApplicable, // managed, even with a stray manifest
				"PAL-NODE-501": Pass,
				"PAL-NODE-409": Pass,
				"PAL-NODE-601": NotApplicable,
			},
		},
		{
			name:    "plain Linux host",
			files:   map[string]string{"etc/hostname": "box\n"},
			flavour: Generic, role: "none",
			want: map[string]Status{"PAL-NODE-501": NotApplicable, "PAL-NODE-101": NotApplicable},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, tt.files)
			res, _, err := Audit(Options{Root: root})
			if err != nil {
				t.Fatal(err)
			}
			if res.Flavour != tt.flavour || res.Role != tt.role {
				t.Errorf("flavour %s role %s, want %s %s", res.Flavour, res.Role, tt.flavour, tt.role)
			}
			for id, want := range tt.want {
				got := resultByID(res, id)
				if got.Status != want {
					t.Errorf("%s: %s (%s; %s), want %s", id, got.Status, got.Reason, strings.Join(got.Evidence, "; "), want)
				}
			}
		})
	}
}

func TestRootFSSymlinks(t *testing.T) {
	root := writeTree(t, map[string]string{"real/etc/kubernetes/admin.conf": "x"})
	if err := os.Symlink("/real/etc", filepath.Join(root, "etc")); err != nil {
		t.Fatal(err)
	}
	// An absolute link resolves inside the root, not on this machine.
	if err := os.Symlink("/etc/passwd", filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	fs := RootFS{Dir: root}
	if data, err := fs.ReadFile("/etc/kubernetes/admin.conf"); err != nil || string(data) != "x" {
		t.Fatalf("through an absolute link: %q %v", data, err)
	}
	if _, err := fs.ReadFile("/escape"); err == nil {
		t.Fatal("a link to /etc/passwd was followed outside the root")
	}
	big := filepath.Join(root, "big")
	if err := os.WriteFile(big, make([]byte, maxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile("/big"); err != errTooLarge {
		t.Fatalf("oversized file: %v", err)
	}
}

// TestRootFSProcRoot: in a snapshot (no live procfs) a /proc/PID/root
// link is an ordinary link and cannot lead out of the root.
func TestRootFSProcRoot(t *testing.T) {
	root := writeTree(t, map[string]string{"container/var/lib/kube-proxy/config.conf": "inside"})
	if err := os.MkdirAll(filepath.Join(root, "proc", "7"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("host"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "proc", "7", "root")); err != nil {
		t.Fatal(err)
	}
	if data, err := (RootFS{Dir: root}).ReadFile("/proc/7/root/secret"); err == nil {
		t.Fatalf("read %q outside the root through a fake /proc link", data)
	}
	if err := os.Remove(filepath.Join(root, "proc", "7", "root")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/container", filepath.Join(root, "proc", "7", "root")); err != nil {
		t.Fatal(err)
	}
	if data, err := (RootFS{Dir: root}).ReadFile("/proc/7/root/var/lib/kube-proxy/config.conf"); err != nil || string(data) != "inside" {
		t.Fatalf("got %q, %v", data, err)
	}
	if (RootFS{Dir: root}).liveProc() {
		t.Fatal("a directory taken for procfs")
	}
	if !(RootFS{Dir: "/"}).liveProc() {
		t.Fatal("this machine's /proc not recognised as procfs")
	}
}
