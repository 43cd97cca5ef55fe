package node

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/hostpath"
)

// Containers on the node: where a Docker or containerd socket is
// reachable, palisade lists every container the runtime knows (running,
// created or stopped: a stopped container runs again on `docker start`
// or at boot) and judges how it was configured against section 5 of the
// CIS Docker Benchmark (and 4.1, running as root). Loading talks to the
// runtime (runtime_docker.go, runtime_containerd.go) and normalises each
// container into a Container; judging is a pure function over those.

// Container is one container as the runtime configured it, normalised
// across runtimes. Environment variables and labels other than the
// Kubernetes ones are never kept: they may hold secrets, and Facts are
// written out with --facts.
type Container struct {
	// Runtime is "docker" or "containerd".
	Runtime string `json:"runtime"`
	// Namespace is the containerd namespace ("k8s.io", "default").
	Namespace string `json:"namespace,omitempty"`
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Image     string `json:"image,omitempty"`
	// State is running, created, exited, paused or unknown.
	State string `json:"state"`
	// Pod is "namespace/name" and KubeContainer the container's name for
	// a container a kubelet created.
	Pod           string `json:"pod,omitempty"`
	KubeContainer string `json:"kubeContainer,omitempty"`
	// PodUID is the pod's metadata.uid (label io.kubernetes.pod.uid) and
	// SandboxID the ID of the pod's sandbox: the container's own
	// directories under /var/lib/kubelet/pods and the runtime's state
	// are named after them.
	PodUID    string `json:"podUID,omitempty"`
	SandboxID string `json:"sandboxID,omitempty"`

	Privileged bool `json:"privileged,omitempty"`
	// HostNamespaces are the namespaces shared with the host: pid, ipc,
	// network, uts, user.
	HostNamespaces []string         `json:"hostNamespaces,omitempty"`
	Mounts         []ContainerMount `json:"mounts,omitempty"`
	// AddedCaps are the capabilities beyond the runtime's default set,
	// without the CAP_ prefix; ["ALL"] for every one.
	AddedCaps []string `json:"addedCaps,omitempty"`
	// Seccomp is "unconfined", "default", or "profile" (a custom one).
	Seccomp string `json:"seccomp"`
	// AppArmor is the profile name, "unconfined", or "" for none.
	AppArmor string `json:"apparmor,omitempty"`
	// SELinux is the process label, "disabled" (label=disable), or "".
	SELinux         string `json:"selinux,omitempty"`
	NoNewPrivileges bool   `json:"noNewPrivileges,omitempty"`
	// User is the user the process starts as, as configured ("" is the
	// image default, root unless the image says otherwise).
	User       string `json:"user,omitempty"`
	RunsAsRoot bool   `json:"runsAsRoot,omitempty"`
	// UserNamespaced is true when container root is mapped to an
	// unprivileged host user (userns-remap, or a user namespace with
	// mappings in the spec).
	UserNamespaced bool  `json:"userNamespaced,omitempty"`
	ReadOnlyRootfs bool  `json:"readOnlyRootfs,omitempty"`
	MemoryLimit    int64 `json:"memoryLimit,omitempty"`
	CPUShares      int64 `json:"cpuShares,omitempty"`
	PidsLimit      int64 `json:"pidsLimit,omitempty"`
	// Devices are host device paths given to the container.
	Devices []string      `json:"devices,omitempty"`
	Ports   []PortBinding `json:"ports,omitempty"`
	// RestartPolicy and RestartMax: Docker's restart policy.
	RestartPolicy string `json:"restartPolicy,omitempty"`
	RestartMax    int    `json:"restartMax,omitempty"`
	// Healthcheck: whether a health check is configured (Docker).
	Healthcheck bool `json:"healthcheck,omitempty"`
	// NetworkMode is Docker's network mode (default, bridge, host, ...).
	NetworkMode string `json:"networkMode,omitempty"`
	// RootfsPropagation is the propagation of the container's root.
	RootfsPropagation string `json:"rootfsPropagation,omitempty"`
	// CgroupParent is Docker's --cgroup-parent ("" for the default).
	CgroupParent string `json:"cgroupParent,omitempty"`
	// Ulimits are Docker's per-container --ulimit overrides
	// ("nofile=1024:2048").
	Ulimits []string `json:"ulimits,omitempty"`
	// ImageID is the image the container was created from and
	// CurrentImageID the one its reference names now (Docker); they
	// differ when the tag moved on after the container was created.
	ImageID        string `json:"imageID,omitempty"`
	CurrentImageID string `json:"currentImageID,omitempty"`
	// Processes are the program names (base names only: command lines
	// can hold secrets) running in the container; ProcessesListed says
	// whether the runtime was asked (running containers only).
	Processes       []string `json:"processes,omitempty"`
	ProcessesListed bool     `json:"processesListed,omitempty"`
	// Execs are the exec sessions the runtime still knows (Docker keeps
	// them while the container runs).
	Execs []ContainerExec `json:"execs,omitempty"`
	// Unknown names the settings the runtime did not report (a CRI
	// runtime without verbose status); the rules that need them do not
	// apply to the container.
	Unknown []string `json:"unknown,omitempty"`

	execIDs []string // read by DockerContainers after the inspect
}

// ContainerExec is one exec session of a container (docker exec).
type ContainerExec struct {
	ID      string `json:"id"`
	Running bool   `json:"running,omitempty"`
	// Program is the base name of the command run.
	Program    string `json:"program,omitempty"`
	Privileged bool   `json:"privileged,omitempty"`
	// User is the --user given ("" runs as the container's user).
	User string `json:"user,omitempty"`
}

// ContainerMount is one mount of a container.
type ContainerMount struct {
	// Type is bind, volume, tmpfs, ...: only bind mounts show host paths.
	Type        string `json:"type"`
	Source      string `json:"source,omitempty"`
	Destination string `json:"destination"`
	ReadOnly    bool   `json:"readOnly,omitempty"`
	Propagation string `json:"propagation,omitempty"`
}

// PortBinding is a container port published on the host.
type PortBinding struct {
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      int    `json:"hostPort"`
	ContainerPort string `json:"containerPort"`
}

// RuntimeInfo says which container runtime was asked and what it said.
type RuntimeInfo struct {
	Name string `json:"name"`
	// Socket is the node path of the socket.
	Socket  string `json:"socket"`
	Version string `json:"version,omitempty"`
	// Containers is how many containers were judged.
	Containers int `json:"containers"`
	// Skipped says what was left out and why (containerd's "moby"
	// namespace when Docker answered, CRI sandboxes).
	Skipped []string `json:"skipped,omitempty"`
	// NotAsked says why a socket found in a copy of a node was not asked
	// (nothing listens on it); the container checks are then n/a.
	NotAsked string `json:"notAsked,omitempty"`
	Err      string `json:"error,omitempty"`
}

// Label names a container for people: the runtime, the Kubernetes pod
// and container when a kubelet made it, else the name and ID.
func (c *Container) Label() string {
	id := c.ID
	if len(id) > 12 && isHex(id) {
		id = id[:12]
	}
	var b strings.Builder
	b.WriteString(c.Runtime)
	if c.Namespace != "" {
		b.WriteString(" " + c.Namespace + "/")
	} else {
		b.WriteString(" ")
	}
	switch {
	case c.Pod != "":
		fmt.Fprintf(&b, "%s (pod %s, container %s)", id, c.Pod, c.KubeContainer)
	case c.Name != "" && c.Name != c.ID:
		fmt.Fprintf(&b, "%s (%s)", c.Name, id)
	default:
		b.WriteString(id)
	}
	return b.String()
}

// shortID shortens an image ID ("sha256:" and 12 hex digits).
func shortID(id string) string {
	algo, hex, ok := strings.Cut(id, ":")
	if !ok {
		algo, hex = "", id
	}
	if len(hex) > 12 {
		hex = hex[:12]
	}
	if algo == "" {
		return hex
	}
	return algo + ":" + hex
}

// execLabel names an exec session: its program and short ID.
func execLabel(e ContainerExec) string {
	id := e.ID
	if len(id) > 12 {
		id = id[:12]
	}
	if e.Program == "" {
		return id
	}
	return e.Program + " (" + id + ")"
}

func isHex(s string) bool {
	return strings.Trim(s, "0123456789abcdef") == ""
}

// hostMAC is the host's mandatory access control as the container
// checks need it.
type hostMAC struct {
	apparmor, selinux bool
	source            string
}

// containerCheck is one rule judged on every container.
type containerCheck struct {
	rule *finding.Rule
	// manual checks report warn rather than fail: the benchmark scores
	// them as manual, a person decides.
	manual bool
	// report checks only list what a person must confirm (CIS scores
	// them manual and gives no pass criterion): a container's problem is
	// a note, and the result is manual rather than warn.
	report bool
	// needs are the settings the judgement reads: a container whose
	// runtime did not report one of them (Container.Unknown) is n/a.
	needs []string
	// judge returns what is wrong ("" when the container complies), or
	// na (why the check does not apply to this container).
	judge func(c *Container, h hostMAC) (problem, na string)
}

// The settings a container check needs (see containerCheck.needs).
const (
	needPrivileged  = "privileged"
	needCaps        = "capabilities"
	needSeccomp     = "seccomp"
	needAppArmor    = "apparmor"
	needSELinux     = "selinux"
	needNNP         = "noNewPrivileges"
	needUser        = "user"
	needReadOnly    = "readOnlyRootfs"
	needMemory      = "memory"
	needCPU         = "cpu"
	needPids        = "pids"
	needDevices     = "devices"
	needNamespaces  = "namespaces"
	needMounts      = "mounts"
	needPropagation = "propagation"
)

// judgeContainer runs one check on one container, n/a when the runtime did
// not report what the check needs.
func (cc *containerCheck) judgeContainer(c *Container, h hostMAC) (problem, na string) {
	var missing []string
	for _, n := range cc.needs {
		if slices.Contains(c.Unknown, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return "", c.Runtime + " does not report " + strings.Join(missing, ", ") + " in its container status"
	}
	return cc.judge(c, h)
}

func rtRule(id, ref, title string, sev finding.Severity, doc, remediation string) *finding.Rule {
	r := &finding.Rule{ID: id, Control: control.CISRuntime, Severity: sev, Family: "containers", Title: title, Doc: doc, Remediation: remediation}
	if ref != "" {
		r.Doc += fmt.Sprintf("\n\nBenchmark: CIS Docker Benchmark v1.6.0, recommendation %s.", ref)
		r.Aliases = []finding.Alias{{Tool: "docker-bench", ID: ref}}
	}
	return r
}

// defaultCaps is the capability set Docker and containerd give a
// container by default; adding any other one is what 5.4 is about.
var defaultCaps = []string{"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

// runtimeSocketNames are the API sockets of container runtimes, found
// by name wherever a daemon was told to put them.
var runtimeSocketNames = []string{"docker.sock", "containerd.sock", "containerd.sock.ttrpc", "crio.sock", "podman.sock", "dockershim.sock", "cri-dockerd.sock"}

// runtimeSocketDirs hold a runtime socket: mounting one of them mounts
// the socket. Their subdirectories do not: they are the runtime's
// per-pod state (containerd's sandboxes/ID/shm, bind-mounted at /dev/shm
// into every pod).
var runtimeSocketDirs = []string{"/run", "/var/run", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/run/podman", "/var/run/podman", "/run/k3s/containerd", "/var/snap/microk8s/common/run"}

// isRuntimeSocket reports whether a host path is a container runtime's
// API socket or the directory holding it.
func isRuntimeSocket(p string) bool {
	p = hostpath.Clean(p)
	if slices.Contains(runtimeSocketNames, path.Base(p)) || slices.Contains(runtimeSocketDirs, p) {
		return true
	}
	// Rootless Podman: /run/user/UID/podman holds podman.sock.
	if rest, ok := strings.CutPrefix(p, "/run/user/"); ok {
		_, sub, _ := strings.Cut(rest, "/")
		return sub == "podman"
	}
	return false
}

// runtimeInternal reports whether a bind-mount source is the runtime's or
// the kubelet's plumbing for this very container rather than a host path
// someone chose: its pod's directory under /var/lib/kubelet/pods
// (volumes, /etc/hosts, the termination log), its sandbox's files in
// containerd's or CRI-O's state (hostname, resolv.conf, shm) and its
// own, or its sandbox's, Docker container directory (cri-dockerd). The
// same directories of another pod or container are not exempt.
func runtimeInternal(c *Container, src string) bool {
	src = hostpath.Clean(src)
	var own []string
	if pathComponent(c.PodUID) {
		own = append(own, "/var/lib/kubelet/pods/"+c.PodUID)
	}
	for _, id := range []string{c.ID, c.SandboxID} {
		if pathComponent(id) {
			own = append(own, "/var/lib/docker/containers/"+id, "/var/lib/containers/storage/overlay-containers/"+id)
		}
	}
	for _, d := range own {
		if src == d || strings.HasPrefix(src, d+"/") {
			return true
		}
	}
	return pathComponent(c.SandboxID) && containerdSandboxDir(src) == c.SandboxID
}

// containerdSandboxDir returns the sandbox ID of a path inside
// containerd's CRI state (<root or state>/io.containerd.grpc.v1.cri/
// sandboxes/ID/..., also under k3s's and RKE2's directories), else "".
func containerdSandboxDir(p string) string {
	parts := strings.Split(p, "/")
	for i := 0; i+2 < len(parts); i++ {
		if strings.HasPrefix(parts[i], "io.containerd.") && parts[i+1] == "sandboxes" {
			return parts[i+2]
		}
	}
	return ""
}

// pathComponent reports whether an ID read from the runtime can name a
// directory: one component, not "." or "..".
func pathComponent(id string) bool {
	return id != "" && id != "." && id != ".." && !strings.Contains(id, "/")
}

// setKubePod reads the labels a kubelet gives the containers it creates
// (through the CRI, or cri-dockerd's Docker labels).
func (c *Container) setKubePod(labels map[string]string) {
	if name := labels["io.kubernetes.pod.name"]; name != "" {
		c.Pod = labels["io.kubernetes.pod.namespace"] + "/" + name
		c.KubeContainer = labels["io.kubernetes.container.name"]
	}
	c.PodUID = labels["io.kubernetes.pod.uid"]
	if id := labels["io.kubernetes.sandbox.id"]; id != "" {
		c.SandboxID = id
	}
}

func hasHostNS(c *Container, ns string) bool { return slices.Contains(c.HostNamespaces, ns) }

// dockerAPI reports whether the container was read through the Docker
// API (Docker, or Podman's compatible service).
func dockerAPI(c *Container) bool { return c.Runtime == "docker" || c.Runtime == "podman" }

// naCNIPorts is why the published-port rules do not apply outside Docker.
const naCNIPorts = "published ports are set by the CNI, not in the container spec"

func dockerOnly(c *Container) string {
	if !dockerAPI(c) {
		return "a Docker setting; " + c.Runtime + " has no equivalent"
	}
	return ""
}

// isRootExecUser reports whether an exec's --user explicitly names root
// ("" runs as the container's own user, which PAL-RT-401 judges).
func isRootExecUser(u string) bool {
	return strings.TrimSpace(u) != "" && isRootUser(u)
}

// The container rules, in benchmark order.
var containerChecks = []containerCheck{
	{rule: rtRule("PAL-RT-401", "4.1", "Containers do not run as root", finding.Medium,
		"A process running as root in a container is root on the host once it escapes, and owns every file of the host it can reach through a mount. The user is the one the container was started with, or the image's USER.",
		"Set USER in the image (or --user / runAsUser) to an unprivileged UID, or remap container root with userns-remap or user namespaces."),
		needs: []string{needUser},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !c.RunsAsRoot {
				return "", ""
			}
			if c.UserNamespaced {
				return "", ""
			}
			if c.User == "" {
				return "runs as root (no user set)", ""
			}
			return fmt.Sprintf("runs as root (user %q)", c.User), ""
		}},
	{rule: rtRule("PAL-RT-502", "5.2", "Containers run under an AppArmor profile", finding.Medium,
		"On a host with AppArmor, a container without a profile (or with unconfined) loses the mount, ptrace and /proc write restrictions that stop common escapes.",
		"Remove --security-opt apparmor=unconfined and let the runtime apply its default profile (docker-default, cri-containerd.apparmor.d), or give a custom one."),
		needs: []string{needAppArmor, needPrivileged},
		judge: func(c *Container, h hostMAC) (string, string) {
			if !h.apparmor {
				return "", "AppArmor is not enabled on the host (" + h.source + ")"
			}
			if c.Privileged {
				return "privileged, so AppArmor is unconfined", ""
			}
			if c.AppArmor == "" || c.AppArmor == "unconfined" {
				return "no AppArmor profile (" + cmp.Or(c.AppArmor, "none") + ")", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-503", "5.3", "Containers keep their SELinux labels", finding.Medium,
		"On a host enforcing SELinux, a container started with label=disable (or privileged) runs as an unconfined domain and can touch any host file a mount exposes.",
		"Remove --security-opt label=disable (and --privileged); give a specific type with label=type:... if the default is too strict."),
		needs: []string{needSELinux, needPrivileged},
		judge: func(c *Container, h hostMAC) (string, string) {
			if !h.selinux {
				return "", "SELinux is not enabled on the host (" + h.source + ")"
			}
			if c.Privileged || c.SELinux == "disabled" {
				return "SELinux labelling disabled", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-504", "5.4", "Containers get no capabilities beyond the default set", finding.High,
		"Capabilities such as SYS_ADMIN, SYS_PTRACE, SYS_MODULE, NET_ADMIN or DAC_READ_SEARCH each give a container a path to the host kernel or other containers' data.",
		"Remove --cap-add (or capabilities.add) and drop what is not needed (--cap-drop ALL, then add back only what the process uses)."),
		needs: []string{needCaps, needPrivileged},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.Privileged {
				return "", "" // PAL-RT-505 reports privileged containers
			}
			if len(c.AddedCaps) == 0 {
				return "", ""
			}
			return "adds " + strings.Join(c.AddedCaps, ", "), ""
		}},
	{rule: rtRule("PAL-RT-505", "5.5", "Containers are not privileged", finding.Critical,
		"A privileged container has every capability, every host device, a writable /sys and no seccomp, AppArmor or SELinux confinement: it is root on the host.",
		"Remove --privileged (privileged: true); add only the capability or device the workload needs."),
		needs: []string{needPrivileged},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.Privileged {
				return "privileged", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-506", "5.6", "Containers do not mount sensitive host directories", finding.High,
		"A bind mount of /, /etc, /proc, /sys, /dev, /boot, /usr, /var/lib/kubelet and the like exposes host credentials, kernel settings or other workloads' data; writable, it lets the container change the host. Runtime sockets are reported by PAL-RT-532.",
		"Remove the bind mount, or mount only the specific non-sensitive sub-directory the workload needs, read-only."),
		needs: []string{needMounts},
		judge: func(c *Container, _ hostMAC) (string, string) {
			var bad []string
			for _, m := range c.Mounts {
				src := hostpath.Clean(m.Source)
				if m.Type != "bind" || src == "" || runtimeInternal(c, src) || isRuntimeSocket(src) && src != "/run" && src != "/var/run" {
					continue
				}
				if reason, ok := hostpath.Sensitive(m.Source); ok {
					rw := "read-write"
					if m.ReadOnly {
						rw = "read-only"
					}
					bad = append(bad, fmt.Sprintf("%s at %s (%s: %s)", m.Source, m.Destination, rw, reason))
				}
			}
			return strings.Join(bad, "; "), ""
		}},
	{rule: rtRule("PAL-RT-507", "5.7", "Containers do not run an SSH server", finding.Medium,
		"An SSH server in a container is one more service to patch and one more set of credentials to manage, and it lets people change a container behind the back of its image; docker exec (kubectl exec) reaches a container without it. Judged on running containers, from the program names of their processes (the runtime's process list: Docker's top, containerd's task PIDs and /proc/PID/cmdline under the node root).",
		"Remove sshd from the image; use docker exec or kubectl exec (and debug containers) to get into a container."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			switch {
			case c.State != "running":
				return "", "processes are listed for running containers only"
			case !c.ProcessesListed:
				return "", "the processes of some running containers could not be listed"
			case slices.Contains(c.Processes, "sshd"):
				return "runs sshd", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-508", "5.8", "Containers do not publish privileged host ports", finding.Low,
		"Publishing a port below 1024 on the host needs the daemon to bind a privileged port for the container; it is rarely needed and hides which service owns the port.",
		"Publish on a port of 1024 or above (and map it with a load balancer if clients need 80/443)."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !dockerAPI(c) {
				return "", naCNIPorts
			}
			var bad []string
			for _, p := range c.Ports {
				if p.HostPort > 0 && p.HostPort < 1024 {
					bad = append(bad, fmt.Sprintf("host port %d → %s", p.HostPort, p.ContainerPort))
				}
			}
			return strings.Join(bad, ", "), ""
		}},
	{rule: rtRule("PAL-RT-509", "5.9", "Only needed ports are published", finding.Info,
		"Every published port is reachable from outside the host. The benchmark scores this manual: only a person knows which ports a container needs, so palisade lists each container's published ports for review (manual result) and passes when none publishes any. Containers on the host network open ports without publishing them (PAL-RT-510); ports of Kubernetes pods are the CNI's hostPort mappings, not in the container spec.",
		"Remove the -p/--publish options a container does not need; publish a port only on the interface that should serve it."),
		report: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !dockerAPI(c) {
				return "", naCNIPorts
			}
			var ports []string
			for _, p := range c.Ports {
				ports = append(ports, fmt.Sprintf("%s:%d → %s", cmp.Or(p.HostIP, "0.0.0.0"), p.HostPort, p.ContainerPort))
			}
			if len(ports) == 0 {
				return "", ""
			}
			return "publishes " + strings.Join(ports, ", "), ""
		}},
	{rule: rtRule("PAL-RT-510", "5.10", "Containers do not share the host's network namespace", finding.High,
		"A container on the host network sees every host interface, can bind any host port and reach services that listen on localhost only (the kubelet's read-only port, etcd, metadata proxies).",
		"Remove --net=host (hostNetwork: true) and publish the ports the container serves."),
		needs: []string{needNamespaces},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if hasHostNS(c, "network") {
				return "shares the host network namespace", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-511", "5.11", "Containers have a memory limit", finding.Low,
		"Without a memory limit one container can exhaust the host's memory and get other workloads, or the runtime, killed.",
		"Set a memory limit (--memory, resources.limits.memory)."),
		needs: []string{needMemory},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.MemoryLimit <= 0 {
				return "no memory limit", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-512", "5.12", "Containers have a CPU share set", finding.Info,
		"Without CPU shares every container gets the default weight, so a busy one starves the rest.",
		"Set --cpu-shares (resources.requests.cpu) to reflect the container's priority."),
		needs: []string{needCPU},
		judge: func(c *Container, _ hostMAC) (string, string) {
			switch {
			case c.CPUShares == 0, c.CPUShares == 1024 && dockerAPI(c):
				return "no CPU shares set", ""
			case c.CPUShares <= 2 && c.Pod != "":
				// The kubelet gives a container without a CPU request the
				// minimum weight, 2.
				return "no CPU request (CPU shares 2)", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-513", "5.13", "Containers have a read-only root file system", finding.Low,
		"A writable root file system lets an intruder drop tools and change the application's own files; a read-only one with explicit writable volumes keeps the image as built.",
		"Run with --read-only (readOnlyRootFilesystem: true) and mount writable volumes or tmpfs only where the application writes."),
		needs: []string{needReadOnly},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !c.ReadOnlyRootfs {
				return "root file system is writable", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-514", "5.14", "Published ports are bound to a specific host interface", finding.Low,
		"A port published on 0.0.0.0 (the default) is reachable on every host interface, public ones included.",
		"Publish on the interface that should serve it: -p 10.0.0.5:8080:8080."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !dockerAPI(c) {
				return "", naCNIPorts
			}
			var bad []string
			for _, p := range c.Ports {
				if p.HostIP == "" || p.HostIP == "0.0.0.0" || p.HostIP == "::" {
					bad = append(bad, fmt.Sprintf("%s on all interfaces (host port %d)", p.ContainerPort, p.HostPort))
				}
			}
			return strings.Join(bad, ", "), ""
		}},
	{rule: rtRule("PAL-RT-515", "5.15", "Container restart policy is on-failure with at most 5 retries", finding.Info,
		"always or unless-stopped restart a crashing or compromised container forever; on-failure with a small retry count makes a failure visible.",
		"Use --restart on-failure:5 (an orchestrator's own restart handling is the alternative)."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", na
			}
			switch c.RestartPolicy {
			case "always", "unless-stopped":
				return "restart policy " + c.RestartPolicy, ""
			case "on-failure":
				if c.RestartMax == 0 || c.RestartMax > 5 {
					return fmt.Sprintf("restart policy on-failure with %d retries", c.RestartMax), ""
				}
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-516", "5.16", "Containers do not share the host's process namespace", finding.High,
		"With the host PID namespace a container sees every host process, their command lines and environments, and with ptrace rights can enter them.",
		"Remove --pid=host (hostPID: true)."),
		needs: []string{needNamespaces},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if hasHostNS(c, "pid") {
				return "shares the host PID namespace", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-517", "5.17", "Containers do not share the host's IPC namespace", finding.High,
		"With the host IPC namespace a container reads and writes host shared memory segments and message queues.",
		"Remove --ipc=host (hostIPC: true)."),
		needs: []string{needNamespaces},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if hasHostNS(c, "ipc") {
				return "shares the host IPC namespace", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-518", "5.18", "Host devices are not exposed to containers", finding.Medium,
		"A host device node in a container (a disk, /dev/mem, a GPU) gives raw access that bypasses the file system's and kernel's controls.",
		"Remove --device unless the workload needs it, and then give only that device, with the least permissions (r, w or m)."),
		needs:  []string{needDevices, needPrivileged},
		manual: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.Privileged || len(c.Devices) == 0 {
				return "", ""
			}
			d := c.Devices
			more := ""
			if len(d) > 5 {
				d, more = d[:5], fmt.Sprintf(" and %d more", len(c.Devices)-5)
			}
			return "host devices " + strings.Join(d, ", ") + more, ""
		}},
	{rule: rtRule("PAL-RT-519", "5.19", "Default ulimits are overridden only where needed", finding.Info,
		"The daemon's default ulimits (default-ulimits, PAL-RT-108) apply to every container; a container started with --ulimit replaces them, which may lift a limit that kept it from exhausting file handles or processes. The benchmark scores this manual: the overrides are listed for review.",
		"Remove --ulimit unless the container needs it; set the common limits once with default-ulimits in daemon.json."),
		manual: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", na
			}
			if len(c.Ulimits) == 0 {
				return "", ""
			}
			return "overrides the default ulimits: " + strings.Join(c.Ulimits, ", "), ""
		}},
	{rule: rtRule("PAL-RT-520", "5.20", "Mount propagation is not shared", finding.Medium,
		"A shared (or rshared) mount propagates mounts made inside the container back to the host, and the host's into the container.",
		"Use the default private propagation; rslave if the container must see host mounts appear."),
		needs: []string{needMounts, needPropagation},
		judge: func(c *Container, _ hostMAC) (string, string) {
			var bad []string
			if c.RootfsPropagation == "shared" || c.RootfsPropagation == "rshared" {
				bad = append(bad, "root file system propagation "+c.RootfsPropagation)
			}
			for _, m := range c.Mounts {
				if m.Propagation == "shared" || m.Propagation == "rshared" {
					bad = append(bad, fmt.Sprintf("%s at %s is %s", m.Source, m.Destination, m.Propagation))
				}
			}
			return strings.Join(bad, "; "), ""
		}},
	{rule: rtRule("PAL-RT-521", "5.21", "Containers do not share the host's UTS namespace", finding.Medium,
		"With the host UTS namespace a container can change the host's hostname and domain name.",
		"Remove --uts=host."),
		needs: []string{needNamespaces},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if hasHostNS(c, "uts") {
				return "shares the host UTS namespace", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-522", "5.22", "Containers run with a seccomp profile", finding.High,
		"Without seccomp every system call reaches the kernel, including those behind most container escapes (keyctl, unshare, mount, bpf, userfaultfd).",
		"Remove --security-opt seccomp=unconfined; in Kubernetes set seccompProfile: RuntimeDefault (or the kubelet's seccompDefault: true). With ctr, pass --seccomp."),
		needs: []string{needSeccomp, needPrivileged},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.Privileged {
				return "", "" // PAL-RT-505 reports privileged containers
			}
			if c.Seccomp == "unconfined" || c.Seccomp == "" {
				return "no seccomp profile", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-523", "5.23", "docker exec is not used with --privileged", finding.High,
		"A privileged exec session gets every capability and no confinement inside a container that was started without them: a way around the container's own restrictions. Docker remembers a container's exec sessions while it runs (ExecIDs); those it still knows are judged, so a clean result covers only the exec sessions since the container last started.",
		"Do not pass --privileged to docker exec; restart the container to clear the record of past sessions once the cause is fixed."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !dockerAPI(c) {
				return "", c.Runtime + " keeps no record of exec sessions palisade can read"
			}
			var bad []string
			for _, e := range c.Execs {
				if e.Privileged {
					bad = append(bad, "privileged exec "+execLabel(e))
				}
			}
			return strings.Join(bad, ", "), ""
		}},
	{rule: rtRule("PAL-RT-524", "5.24", "docker exec is not used with --user=root", finding.Medium,
		"An exec session as root in a container that runs as an unprivileged user undoes the image's USER: the session can change the application's files and use every capability the container has. Exec sessions Docker still knows (since the container last started) are judged.",
		"Do not pass --user root (or 0) to docker exec; exec as the container's own user."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !dockerAPI(c) {
				return "", c.Runtime + " keeps no record of exec sessions palisade can read"
			}
			var bad []string
			for _, e := range c.Execs {
				if isRootExecUser(e.User) {
					bad = append(bad, fmt.Sprintf("exec %s as user %q", execLabel(e), e.User))
				}
			}
			return strings.Join(bad, ", "), ""
		}},
	{rule: rtRule("PAL-RT-525", "5.25", "Containers run in the default cgroup", finding.Low,
		"A container started with --cgroup-parent runs under another cgroup than the daemon's, whose limits and accounting may differ from those the administrator set for containers. The benchmark asks that such usage be confirmed (manual): containers with a cgroup parent are listed with it.",
		"Remove --cgroup-parent unless the container must run under that cgroup; document the ones that must."),
		manual: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", "the cgroup of " + c.Runtime + " containers is chosen by the runtime or the kubelet"
			}
			if c.CgroupParent != "" {
				return "cgroup parent " + c.CgroupParent, ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-526", "5.26", "Containers cannot gain new privileges", finding.Medium,
		"Without no-new-privileges a process in the container can gain privileges through set-user-ID programs or file capabilities.",
		"Run with --security-opt no-new-privileges (allowPrivilegeEscalation: false), or set no-new-privileges in daemon.json."),
		needs: []string{needNNP},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if !c.NoNewPrivileges {
				return "can gain new privileges (no-new-privileges not set)", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-527", "5.27", "Containers have a health check", finding.Info,
		"Without a health check Docker cannot tell a hung container from a healthy one.",
		"Add HEALTHCHECK to the image or --health-cmd when running it."),
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", "health checks of " + c.Runtime + " containers are the orchestrator's probes"
			}
			if !c.Healthcheck {
				return "no health check", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-528", "5.28", "Containers run the current image of their tag", finding.Low,
		"The benchmark asks that Docker commands use the latest version of an image rather than a cached one (manual). What a node shows is the result: a container created before its tag was pulled again still runs the old image, with the vulnerabilities the new one fixed. Containers whose reference (Config.Image) now names another image than the one they run are listed; references by digest or image ID are pinned and pass.",
		"Re-create the container from the current image (docker compose up, or docker rm and docker run again); pin images by digest so what runs is what was scanned."),
		manual: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", "a Docker check: the " + c.Runtime + " container record does not keep the image digest it was created from"
			}
			switch {
			case c.ImageID == "":
				return "", "the runtime did not report the image the container runs"
			case c.CurrentImageID == "":
				return "", "the image reference no longer names an image on the node"
			case c.CurrentImageID != c.ImageID:
				return fmt.Sprintf("runs %s, but %s now names %s", shortID(c.ImageID), c.Image, shortID(c.CurrentImageID)), ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-529", "5.29", "Containers have a PIDs limit", finding.Low,
		"Without a PIDs limit a fork bomb in one container exhausts the host's process table.",
		"Set --pids-limit (the kubelet's podPidsLimit for Kubernetes)."),
		needs: []string{needPids},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if c.Pod != "" {
				return "", "the kubelet limits PIDs per pod (podPidsLimit), not per container"
			}
			if c.PidsLimit <= 0 {
				return "no PIDs limit", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-530", "5.30", "Containers do not use Docker's default bridge", finding.Info,
		"Every container on docker0 reaches every other one's ports (unless icc is off); user-defined networks isolate groups of containers.",
		"Create user-defined networks (docker network create) and attach containers to them."),
		manual: true,
		judge: func(c *Container, _ hostMAC) (string, string) {
			if na := dockerOnly(c); na != "" {
				return "", na
			}
			if c.NetworkMode == "default" || c.NetworkMode == "bridge" {
				return "on the default bridge (docker0)", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-531", "5.31", "Containers do not share the host's user namespace", finding.Medium,
		"With userns-remap on, --userns=host turns the protection off for the container: its root is the host's root.",
		"Remove --userns=host."),
		needs: []string{needNamespaces},
		judge: func(c *Container, _ hostMAC) (string, string) {
			if hasHostNS(c, "user") {
				return "shares the host user namespace (--userns=host)", ""
			}
			return "", ""
		}},
	{rule: rtRule("PAL-RT-532", "5.32", "Container runtime sockets are not mounted in containers", finding.Critical,
		"A container with the Docker, containerd, CRI-O or Podman socket can start a privileged container with the host's root mounted: it is root on the host, and controls every other container.",
		"Remove the socket mount. Tools that need the runtime API should get a narrow proxy or run on the host."),
		needs: []string{needMounts},
		judge: func(c *Container, _ hostMAC) (string, string) {
			var bad []string
			for _, m := range c.Mounts {
				if m.Type == "bind" && isRuntimeSocket(m.Source) {
					bad = append(bad, fmt.Sprintf("%s at %s", m.Source, m.Destination))
				}
			}
			return strings.Join(bad, "; "), ""
		}},
}

func init() {
	for _, cc := range containerChecks {
		if len(cc.rule.Aliases) > 0 {
			kind := "automated"
			if cc.manual || cc.report {
				kind = "manual"
			}
			cc.rule.Doc = strings.TrimSuffix(cc.rule.Doc, ".") + " (" + kind + "; every container rule is numbered as in v1.6.0)."
		}
		extraRules = append(extraRules, cc.rule)
	}
}

// ContainerFinding is one problem with one container.
type ContainerFinding struct {
	Rule      *finding.Rule
	Container *Container
	Message   string
	// Manual marks a finding of a manual recommendation (reported as warn).
	Manual bool
}

// JudgeContainers judges every container (pure): one finding per rule a
// container breaks.
func JudgeContainers(f *Facts) []ContainerFinding {
	h := f.hostMAC()
	var out []ContainerFinding
	for i := range f.Containers {
		c := &f.Containers[i]
		for _, cc := range containerChecks {
			if cc.report {
				continue // a list for review, not a problem
			}
			if problem, na := cc.judgeContainer(c, h); problem != "" && na == "" {
				out = append(out, ContainerFinding{Rule: cc.rule, Container: c, Message: problem, Manual: cc.manual})
			}
		}
	}
	return out
}

// hostMAC reads the host's AppArmor/SELinux state from the facts.
func (f *Facts) hostMAC() hostMAC {
	s, ok := f.Extra["mac.state"]
	if !ok {
		return hostMAC{source: "not collected"}
	}
	return hostMAC{
		apparmor: s.Value == "apparmor",
		selinux:  strings.HasPrefix(s.Value, "selinux"),
		source:   s.Source,
	}
}

// maxListed bounds how many containers one result names in its reason.
const maxListed = 5

// containerResults turns the container judgement into one check result
// per rule for the node audit.
func (f *Facts) containerResults() []CheckResult {
	h := f.hostMAC()
	var out []CheckResult
	reached, failed, notAsked := 0, []string{}, []string{}
	for _, rt := range f.Runtimes {
		switch {
		case rt.NotAsked != "":
			notAsked = append(notAsked, fmt.Sprintf("%s: %s", rt.Name, rt.NotAsked))
		case rt.Err == "":
			reached++
		default:
			failed = append(failed, fmt.Sprintf("%s at %s: %s", rt.Name, rt.Socket, rt.Err))
		}
	}
	for _, cc := range containerChecks {
		r := cc.rule
		cr := CheckResult{ID: r.ID, Benchmark: "cis-docker-1.6", Section: "5 Container runtime", Title: r.Title, Control: r.Control, Severity: r.Severity}
		if len(r.Aliases) > 0 {
			cr.Ref = r.Aliases[0].ID
		}
		switch {
		case len(f.Runtimes) == 0:
			cr.Status, cr.Reason = NotApplicable, "no Docker, Podman, containerd or CRI-O socket on this node"
			out = append(out, cr)
			continue
		case reached == 0 && len(failed) == 0:
			cr.Status, cr.Reason = NotApplicable, strings.Join(notAsked, "; ")
			out = append(out, cr)
			continue
		case reached == 0:
			cr.Status, cr.Reason = Warn, "containers could not be listed: "+strings.Join(failed, "; ")
			out = append(out, cr)
			continue
		case len(f.Containers) == 0:
			cr.Status, cr.Reason = NotApplicable, "the container runtime has no containers"
			cr.Evidence = f.runtimeEvidence()
			out = append(out, cr)
			continue
		}
		var bad, nas []string
		judged := 0
		for i := range f.Containers {
			c := &f.Containers[i]
			problem, na := cc.judgeContainer(c, h)
			if na != "" {
				if !slices.Contains(nas, na) {
					nas = append(nas, na)
				}
				continue
			}
			judged++
			if problem != "" {
				bad = append(bad, fmt.Sprintf("%s [%s, %s]: %s", c.Label(), cmp.Or(c.Image, "no image"), c.State, problem))
			}
		}
		switch {
		case judged == 0:
			cr.Status, cr.Reason = NotApplicable, "does not apply: "+strings.Join(nas, "; ")
		case len(bad) == 0:
			cr.Status = Pass
			cr.Evidence = []string{fmt.Sprintf("%d container(s) judged", judged)}
		case cc.report:
			cr.Status = Manual
			cr.Evidence = bad
			cr.Reason = fmt.Sprintf("manual recommendation, confirm each is needed: %d of %d container(s) publish ports", len(bad), judged)
		default:
			cr.Status = Fail
			if cc.manual {
				cr.Status = Warn
			}
			cr.Evidence = bad
			listed := bad
			more := ""
			if len(listed) > maxListed {
				listed, more = listed[:maxListed], fmt.Sprintf("; and %d more", len(bad)-maxListed)
			}
			cr.Reason = fmt.Sprintf("%d of %d container(s): %s%s", len(bad), judged, strings.Join(listed, "; "), more)
			if cc.manual {
				cr.Reason = "manual recommendation, check it: " + cr.Reason
			}
		}
		if len(failed) > 0 && cr.Status == Pass {
			cr.Status, cr.Reason = Warn, "some runtimes could not be listed: "+strings.Join(failed, "; ")
		}
		out = append(out, cr)
	}
	return out
}

func (f *Facts) runtimeEvidence() []string {
	var out []string
	for _, rt := range f.Runtimes {
		out = append(out, fmt.Sprintf("%s %s at %s: %s container(s)", rt.Name, rt.Version, rt.Socket, strconv.Itoa(rt.Containers)))
	}
	return out
}

// normCap spells a capability without the CAP_ prefix, upper case.
func normCap(s string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "CAP_")
}

// addedCaps returns the capabilities of caps beyond the default set,
// sorted and without duplicates.
func addedCaps(caps []string) []string {
	var out []string
	for _, c := range caps {
		c = normCap(c)
		if c == "" || slices.Contains(defaultCaps, c) || slices.Contains(out, c) {
			continue
		}
		out = append(out, c)
	}
	slices.Sort(out)
	if slices.Contains(out, "ALL") {
		return []string{"ALL"}
	}
	return out
}
