// Package hostpath knows which file-system paths of a node are sensitive:
// mounting them into a container (a Kubernetes hostPath volume, a
// `docker run -v` bind mount, or a Dockerfile VOLUME that invites one)
// exposes the host's processes, kernel, devices, credentials or container
// runtime. The Dockerfile VOLUME rule and the Kubernetes hostPath checks
// share this one list so that they agree.
package hostpath

import (
	"path"
	"slices"
	"strings"
)

// Entry is one sensitive path.
type Entry struct {
	// Path is absolute and clean.
	Path string
	// Reason says what a container gains by having it mounted.
	Reason string
	// Subtree marks entries whose every sub-path is sensitive too
	// (/proc/1, /etc/shadow). Entries without it only match exactly:
	// /home is every user's home, but /home/app/data is ordinary data.
	Subtree bool
}

// entries is the list, sorted by path for Lookup. The more specific entry
// wins, so /etc/kubernetes gives its own reason rather than that of /etc.
var entries = sortEntries([]Entry{
	{"/", "the host's whole root file system", false},
	{"/bin", "host binaries: writing there replaces programs the host runs as root", true},
	{"/boot", "the host's kernel images and boot loader configuration", true},
	{"/dev", "host device nodes: raw access to disks, memory and hardware", true},
	{"/etc", "host configuration, including credentials (/etc/shadow), sudoers, SSH host keys and cron jobs", true},
	{"/etc/cni", "CNI network configuration of the node", true},
	{"/etc/kubernetes", "control-plane and kubelet configuration: certificates, keys and kubeconfigs with cluster-admin rights", true},
	{"/home", "the home directories of the host's users (SSH keys, shell histories, credentials)", false},
	{"/lib", "host shared libraries: writing there injects code into every host process", true},
	{"/lib/modules", "the host's kernel modules: loading or replacing one runs code in the kernel", true},
	{"/lib64", "host shared libraries: writing there injects code into every host process", true},
	{"/opt/cni", "CNI plugin binaries, which the container runtime executes as root on the host", true},
	{"/proc", "the host's processes and kernel settings (/proc/sys, /proc/sysrq-trigger, other processes' memory and environment)", true},
	{"/root", "the home directory of the host's root user (SSH keys, credentials, shell history)", true},
	{"/run", "runtime state and sockets of host services, including the container runtime", false},
	{"/run/containerd", "the containerd socket and state: full control of every container on the node", true},
	{"/run/crio", "the CRI-O socket: full control of every container on the node", true},
	{"/run/dbus", "the system D-Bus socket: control of systemd and host services", true},
	{"/run/docker.sock", "the Docker socket: full control of the Docker daemon, hence root on the host", true},
	{"/run/podman", "the Podman socket: full control of the host's containers", true},
	{"/run/systemd", "systemd's private sockets and state: control of host services", true},
	{"/sbin", "host system binaries: writing there replaces programs the host runs as root", true},
	{"/sys", "kernel, device and cgroup interfaces of the host", true},
	{"/usr", "the host's installed software", false},
	{"/usr/bin", "host binaries: writing there replaces programs the host runs", true},
	{"/usr/lib", "host libraries and systemd units", true},
	{"/usr/lib64", "host shared libraries", true},
	{"/usr/libexec", "host helper programs", true},
	{"/usr/local/bin", "locally installed host binaries (often kubelet, kubectl, container runtimes)", true},
	{"/usr/sbin", "host system binaries: writing there replaces programs the host runs as root", true},
	{"/var", "the host's variable data: logs, container storage, kubelet state", false},
	{"/var/lib", "state of every host service, including the container runtime and the kubelet", false},
	{"/var/lib/cni", "CNI plugin state of the node", true},
	{"/var/lib/containerd", "containerd's image and container storage: read or alter every container's files", true},
	{"/var/lib/containers", "Podman/CRI-O image and container storage: read or alter every container's files", true},
	{"/var/lib/docker", "Docker's image, container and volume storage: read or alter every container's files", true},
	{"/var/lib/etcd", "etcd's data: every Kubernetes object, including all Secrets", true},
	{"/var/lib/kubelet", "the kubelet's state: every pod's volumes, Secrets and service-account tokens on the node, and its credentials", true},
	{"/var/lib/rancher", "k3s/RKE2 state: cluster data, tokens and certificates", true},
	{"/var/log", "the host's logs", false},
	{"/var/log/containers", "container log links: the kubelet follows symlinks here when serving logs, so write access lets a pod read any host file", true},
	{"/var/log/pods", "pod logs: the kubelet follows symlinks here when serving logs, so write access lets a pod read any host file", true},
	{"/var/run", "runtime state and sockets of host services, including the container runtime (a link to /run)", false},
	{"/var/run/containerd", "the containerd socket and state: full control of every container on the node", true},
	{"/var/run/crio", "the CRI-O socket: full control of every container on the node", true},
	{"/var/run/cri-dockerd.sock", "the cri-dockerd socket: full control of the node's containers", true},
	{"/var/run/dbus", "the system D-Bus socket: control of systemd and host services", true},
	{"/var/run/docker.sock", "the Docker socket: full control of the Docker daemon, hence root on the host", true},
	{"/var/run/podman", "the Podman socket: full control of the host's containers", true},
})

func sortEntries(es []Entry) []Entry {
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Path, b.Path) })
	return es
}

// Entries returns a copy of the list, sorted by path.
func Entries() []Entry { return slices.Clone(entries) }

// Clean makes p absolute-looking and clean for matching: it resolves "."
// and "..", removes duplicate and trailing slashes. Relative paths stay
// relative ("" for empty input).
func Clean(p string) string {
	p = strings.TrimSpace(p)
	if p == "" {
		return ""
	}
	return path.Clean(p)
}

// Lookup returns the most specific entry that covers p: an exact match,
// or the nearest ancestor whose Subtree is set. Relative paths never
// match: a hostPath must be absolute, and a relative VOLUME depends on
// WORKDIR.
func Lookup(p string) (Entry, bool) {
	c := Clean(p)
	if !strings.HasPrefix(c, "/") {
		return Entry{}, false
	}
	for cur := c; ; cur = path.Dir(cur) {
		if i, ok := slices.BinarySearchFunc(entries, cur, func(e Entry, t string) int { return strings.Compare(e.Path, t) }); ok {
			e := entries[i]
			if cur == c || e.Subtree {
				return e, true
			}
		}
		if cur == "/" {
			return Entry{}, false
		}
	}
}

// Sensitive reports whether p is a sensitive host path, and why.
func Sensitive(p string) (reason string, ok bool) {
	e, ok := Lookup(p)
	if !ok {
		return "", false
	}
	return e.Reason, true
}
