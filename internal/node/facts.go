package node

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Facts is everything the checks read about one node, loaded once by
// Collect. Evaluating checks over Facts is a pure function, and Facts
// serialise to JSON, so a node's facts can be saved and judged elsewhere.
type Facts struct {
	// Root is the directory the node's file system was read from.
	Root string `json:"root"`
	// Hostname is the node's name as read from /etc/hostname.
	Hostname string `json:"hostname,omitempty"`
	// Flavour is the detected distribution (kubeadm, k3s, rke2, ...).
	Flavour Flavour `json:"flavour"`
	// FlavourEvidence says what the flavour was detected from.
	FlavourEvidence string `json:"flavourEvidence,omitempty"`
	// KubernetesVersion is "1.33.2" or empty when unknown.
	KubernetesVersion string `json:"kubernetesVersion,omitempty"`
	// VersionSource says where KubernetesVersion was found.
	VersionSource string `json:"versionSource,omitempty"`
	// Components are the Kubernetes and runtime components found on the
	// node, keyed by Component.Name.
	Components map[string]*Component `json:"components"`
	// Files holds the stat of every path a check refers to, also for
	// paths that do not exist.
	Files map[string]*FileInfo `json:"files"`
	// Trees holds the files below each directory a check walks.
	Trees map[string][]*FileInfo `json:"trees,omitempty"`
	// Docs are parsed configuration files (YAML, JSON, TOML, sshd).
	Docs map[string]*Doc `json:"docs,omitempty"`
	// Sysctls are kernel parameters: the running value from /proc/sys
	// when available, else the value persisted in sysctl.d.
	Sysctls map[string]Setting `json:"sysctls,omitempty"`
	// Modules says, per kernel module a check asks about, whether it is
	// loaded and whether it is disabled in modprobe.d.
	Modules map[string]Module `json:"modules,omitempty"`
	// Units are systemd units a check or a component refers to.
	Units map[string]*Unit `json:"units,omitempty"`
	// Extra carries facts gathered by dedicated collectors (mounts,
	// packages, SUID files, ...), keyed by fact name.
	Extra map[string]Setting `json:"extra,omitempty"`
	// Certs are the certificates found in PKI directories and
	// kubeconfigs (never their keys).
	Certs []CertInfo `json:"certs,omitempty"`
	// Runtimes are the container runtimes asked for their containers.
	Runtimes []RuntimeInfo `json:"runtimes,omitempty"`
	// Containers are the containers they reported, normalised.
	Containers []Container `json:"containers,omitempty"`
	// AuditPolicy is the file named by the API server's
	// --audit-policy-file, when it has one.
	AuditPolicy *RawFile `json:"auditPolicy,omitempty"`
	// Errors are facts that could not be read; the checks needing them
	// report warn, never pass.
	Errors []string `json:"errors,omitempty"`
}

// RawFile is a file kept whole, for judges that parse it themselves.
type RawFile struct {
	Path    string `json:"path"`
	Content string `json:"content,omitempty"`
	Err     string `json:"error,omitempty"`
}

// Setting is one scalar fact with where it came from.
type Setting struct {
	Value  string `json:"value"`
	Source string `json:"source"`
}

// Module is the state of one kernel module.
type Module struct {
	Loaded bool `json:"loaded"`
	// Disabled is the modprobe.d line that keeps it from loading
	// ("install cramfs /bin/false", "blacklist cramfs"), if any.
	Disabled string `json:"disabled,omitempty"`
}

// FileInfo is the stat of one node path.
type FileInfo struct {
	Path   string      `json:"path"`
	Exists bool        `json:"exists"`
	Dir    bool        `json:"dir,omitempty"`
	Mode   fs.FileMode `json:"mode,omitempty"`
	UID    int         `json:"uid"`
	GID    int         `json:"gid"`
	User   string      `json:"user,omitempty"`
	Group  string      `json:"group,omitempty"`
	Err    string      `json:"error,omitempty"`
}

// Owner renders "user:group", numeric where the name is unknown.
func (f *FileInfo) Owner() string {
	u, g := f.User, f.Group
	if u == "" {
		u = fmt.Sprint(f.UID)
	}
	if g == "" {
		g = fmt.Sprint(f.GID)
	}
	return u + ":" + g
}

// Perm renders the permission bits in octal, like stat -c %a.
func (f *FileInfo) Perm() string {
	return fmt.Sprintf("%o", unixMode(f.Mode))
}

// unixMode returns the permission bits as the kernel numbers them,
// including set-user-ID (4000), set-group-ID (2000) and sticky (1000).
func unixMode(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}

// Doc is a parsed configuration file.
type Doc struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Exists bool   `json:"exists"`
	Data   any    `json:"data,omitempty"`
	Err    string `json:"error,omitempty"`
}

// Unit is a systemd unit with its drop-ins merged.
type Unit struct {
	Name string `json:"name"`
	// Files are the unit file and its drop-ins, in the order systemd
	// applies them.
	Files []string `json:"files"`
	// Settings maps "Section.Key" to the values in order of appearance;
	// an empty value resets the list, as systemd does.
	Settings map[string][]string `json:"settings"`
	Enabled  bool                `json:"enabled"`
}

// Component is one Kubernetes or container-runtime component as found on
// the node: a running process, a static pod manifest, a systemd unit or a
// distribution's argument files.
type Component struct {
	Name string `json:"name"`
	// Running is true when a process was found in /proc.
	Running bool `json:"running"`
	// Source says where the flags were read from.
	Source string `json:"source"`
	// Binary is the executable that was matched.
	Binary string   `json:"binary,omitempty"`
	Args   []string `json:"args"`
	// Flags maps "--name" to every value given, in order.
	Flags map[string][]string `json:"flags"`
	Env   map[string]string   `json:"env,omitempty"`
	// ProcRoot is "/proc/<pid>/root" for a running process: the
	// component's own view of the file system, used for paths that are
	// not on the host.
	ProcRoot string `json:"procRoot,omitempty"`
	// Embedded is set when the component runs inside another binary
	// (k3s, MicroK8s kubelite) whose own defaults palisade cannot see.
	Embedded bool `json:"embedded,omitempty"`
	// Config is the component's configuration file, if it uses one.
	Config *Doc `json:"config,omitempty"`
	// ManifestFile is the static pod manifest or argument file that
	// configures the component, if any.
	ManifestFile string `json:"manifestFile,omitempty"`
	// Image is the container image of a static pod, if any.
	Image string `json:"image,omitempty"`
}

// Flag returns the last value of a flag (the one that wins) and whether
// it was given.
func (c *Component) Flag(name string) (string, bool) {
	v, ok := c.Flags[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// Role is what a node does, derived from its components.
func (f *Facts) Role() string {
	var roles []string
	if f.has("apiserver") || f.has("controller-manager") || f.has("scheduler") {
		roles = append(roles, "control-plane")
	}
	if f.has("etcd") {
		roles = append(roles, "etcd")
	}
	if f.has("kubelet") {
		roles = append(roles, "worker")
	}
	if len(roles) == 0 {
		return "none"
	}
	return strings.Join(roles, ",")
}

func (f *Facts) has(name string) bool {
	_, ok := f.Components[name]
	return ok
}

// ComponentNames lists the components found, sorted.
func (f *Facts) ComponentNames() []string {
	var out []string
	for n := range f.Components {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
