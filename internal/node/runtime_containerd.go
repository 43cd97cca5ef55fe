package node

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	containersapi "github.com/containerd/containerd/api/services/containers/v1"
	namespacesapi "github.com/containerd/containerd/api/services/namespaces/v1"
	tasksapi "github.com/containerd/containerd/api/services/tasks/v1"
	versionapi "github.com/containerd/containerd/api/services/version/v1"
	taskapi "github.com/containerd/containerd/api/types/task"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Reading containers from containerd's gRPC API (the containers, tasks,
// namespaces and version services) over its unix socket: every namespace
// is listed, each container's OCI runtime spec is read back, and the
// tasks say which ones run and with which processes. Nothing is changed.

// ociSpec is the part of an OCI runtime spec palisade reads.
type ociSpec struct {
	Annotations map[string]string `json:"annotations"`
	Process     *struct {
		User struct {
			UID uint32 `json:"uid"`
		} `json:"user"`
		Capabilities *struct {
			Bounding []string `json:"bounding"`
		} `json:"capabilities"`
		NoNewPrivileges bool   `json:"noNewPrivileges"`
		ApparmorProfile string `json:"apparmorProfile"`
		SelinuxLabel    string `json:"selinuxLabel"`
	} `json:"process"`
	Root *struct {
		Readonly bool `json:"readonly"`
	} `json:"root"`
	Mounts []struct {
		Destination string   `json:"destination"`
		Type        string   `json:"type"`
		Source      string   `json:"source"`
		Options     []string `json:"options"`
	} `json:"mounts"`
	Linux *struct {
		UIDMappings []struct {
			ContainerID uint32 `json:"containerID"`
			HostID      uint32 `json:"hostID"`
			Size        uint32 `json:"size"`
		} `json:"uidMappings"`
		Namespaces []struct {
			Type string `json:"type"`
			Path string `json:"path"`
		} `json:"namespaces"`
		Devices []struct {
			Path string `json:"path"`
		} `json:"devices"`
		Resources *struct {
			Memory *struct {
				Limit *int64 `json:"limit"`
			} `json:"memory"`
			CPU *struct {
				Shares *uint64 `json:"shares"`
			} `json:"cpu"`
			Pids *struct {
				Limit int64 `json:"limit"`
			} `json:"pids"`
			Devices []struct {
				Allow  bool   `json:"allow"`
				Type   string `json:"type"`
				Access string `json:"access"`
				Major  *int64 `json:"major"`
				Minor  *int64 `json:"minor"`
			} `json:"devices"`
		} `json:"resources"`
		Seccomp           *json.RawMessage `json:"seccomp"`
		RootfsPropagation string           `json:"rootfsPropagation"`
		MaskedPaths       []string         `json:"maskedPaths"`
		ReadonlyPaths     []string         `json:"readonlyPaths"`
	} `json:"linux"`
}

// ContainerdContainer describes one containerd container for
// ParseContainerdSpec: its identity and its OCI runtime spec (JSON).
type ContainerdContainer struct {
	Namespace string
	ID        string
	Image     string
	Labels    map[string]string
	// State is running, created (no task), exited, paused or unknown.
	State string
	Spec  []byte
}

// hostNSTypes are the OCI namespace types checked, with the name the
// rules use.
var hostNSTypes = []struct{ oci, name string }{{"pid", "pid"}, {"ipc", "ipc"}, {"network", "network"}, {"uts", "uts"}}

// ParseContainerdSpec turns a containerd container and its OCI runtime
// spec into a Container. A namespace the spec does not create is the
// host's, as is one joined at /proc/1/ns; privileged is recognised by
// what it does (CAP_SYS_ADMIN with no masked or read-only paths and
// every device allowed), since an OCI spec has no such flag.
func ParseContainerdSpec(in ContainerdContainer) (Container, error) {
	var s ociSpec
	if err := json.Unmarshal(in.Spec, &s); err != nil {
		return Container{}, fmt.Errorf("container %s/%s: the OCI spec does not parse: %w", in.Namespace, in.ID, err)
	}
	if s.Process == nil || s.Linux == nil {
		return Container{}, fmt.Errorf("container %s/%s: not a Linux OCI spec (no process or linux section)", in.Namespace, in.ID)
	}
	c := Container{
		Runtime:   "containerd",
		Namespace: in.Namespace,
		ID:        in.ID,
		Image:     in.Image,
		State:     in.State,
		Seccomp:   "unconfined",
	}
	if c.State == "" {
		c.State = "unknown"
	}
	c.setKubePod(in.Labels)
	// The CRI runtimes name the pod sandbox in the spec: containerd, then
	// CRI-O.
	c.SandboxID = cmp.Or(s.Annotations["io.kubernetes.cri.sandbox-id"], s.Annotations["io.kubernetes.cri-o.SandboxID"], c.SandboxID)
	p, l := s.Process, s.Linux
	for _, t := range hostNSTypes {
		i := slices.IndexFunc(l.Namespaces, func(n struct {
			Type string `json:"type"`
			Path string `json:"path"`
		}) bool {
			return n.Type == t.oci
		})
		if i < 0 || strings.HasPrefix(l.Namespaces[i].Path, "/proc/1/ns/") {
			c.HostNamespaces = append(c.HostNamespaces, t.name)
		}
	}
	var bounding []string
	if p.Capabilities != nil {
		bounding = p.Capabilities.Bounding
	}
	allDevices := false
	if r := l.Resources; r != nil {
		if r.Memory != nil && r.Memory.Limit != nil {
			c.MemoryLimit = *r.Memory.Limit
		}
		if r.CPU != nil && r.CPU.Shares != nil {
			c.CPUShares = int64(min(*r.CPU.Shares, 1<<62))
		}
		if r.Pids != nil {
			c.PidsLimit = r.Pids.Limit
		}
		for _, d := range r.Devices {
			if d.Allow && (d.Type == "" || d.Type == "a") && d.Major == nil && d.Minor == nil && allAccess(d.Access) {
				allDevices = true
			}
		}
	}
	hasSysAdmin := slices.ContainsFunc(bounding, func(s string) bool { return normCap(s) == "SYS_ADMIN" })
	c.Privileged = hasSysAdmin && len(l.MaskedPaths) == 0 && len(l.ReadonlyPaths) == 0 && allDevices
	c.AddedCaps = addedCaps(bounding)
	if c.Privileged {
		c.AddedCaps = []string{"ALL"}
	}
	if l.Seccomp != nil && string(*l.Seccomp) != "null" {
		c.Seccomp = "profile"
	}
	c.AppArmor = p.ApparmorProfile
	c.SELinux = p.SelinuxLabel
	c.NoNewPrivileges = p.NoNewPrivileges
	// user.username is for Windows only: on Linux the uid is the user.
	c.User = fmt.Sprint(p.User.UID)
	c.RunsAsRoot = p.User.UID == 0
	for _, m := range l.UIDMappings {
		if m.ContainerID == 0 && m.Size > 0 && m.HostID != 0 {
			c.UserNamespaced = true
		}
	}
	if s.Root != nil {
		c.ReadOnlyRootfs = s.Root.Readonly
	}
	c.RootfsPropagation = l.RootfsPropagation
	for _, d := range l.Devices {
		c.Devices = append(c.Devices, d.Path)
	}
	for _, m := range s.Mounts {
		cm := ContainerMount{Type: m.Type, Source: m.Source, Destination: m.Destination}
		for _, o := range m.Options {
			switch o {
			case "bind", "rbind":
				cm.Type = "bind"
			case "ro":
				cm.ReadOnly = true
			case "shared", "rshared", "slave", "rslave", "private", "rprivate":
				cm.Propagation = o
			}
		}
		c.Mounts = append(c.Mounts, cm)
	}
	return c, nil
}

// allAccess reports whether a device cgroup access string ("rwm", "mrw")
// grants read, write and mknod.
func allAccess(access string) bool {
	return strings.Contains(access, "r") && strings.Contains(access, "w") && strings.Contains(access, "m")
}

// taskState names a containerd task status.
func taskState(s taskapi.Status) string {
	switch s {
	case taskapi.Status_RUNNING:
		return "running"
	case taskapi.Status_CREATED:
		return "created"
	case taskapi.Status_STOPPED:
		return "exited"
	case taskapi.Status_PAUSED, taskapi.Status_PAUSING:
		return "paused"
	}
	return "unknown"
}

// ContainerdOptions tune ContainerdContainers.
type ContainerdOptions struct {
	// SkipNamespaces are left out (Docker's "moby" when Docker answered).
	SkipNamespaces []string
	// Cmdline reads /proc/PID/cmdline of a host PID (under the node
	// root); nil leaves the processes of running containers unlisted.
	Cmdline func(pid uint32) ([]byte, error)
	// limit bounds the containers judged (maxContainers when 0).
	limit int
}

// maxPids bounds how many processes of one container are read.
const maxPids = 1000

// containerdProcesses lists the program names of a running task's
// processes: its PIDs from the tasks service, each one's argv[0] from
// /proc. A process that exited meanwhile is skipped.
func containerdProcesses(ctx context.Context, tc tasksapi.TasksClient, id string, cmdline func(uint32) ([]byte, error)) ([]string, error) {
	resp, err := tc.ListPids(ctx, &tasksapi.ListPidsRequest{ContainerID: id})
	if err != nil {
		return nil, fmt.Errorf("listing the task's processes: %w", grpcErr(err))
	}
	pids := make([]uint32, 0, len(resp.GetProcesses()))
	for _, p := range resp.GetProcesses() {
		pids = append(pids, p.GetPid())
	}
	return programsOf(pids, cmdline), nil
}

// programsOf lists, sorted and without repeats, the program names of up
// to maxPids processes; a process that exited meanwhile is skipped.
func programsOf(pids []uint32, cmdline func(uint32) ([]byte, error)) []string {
	var out []string
	for _, p := range pids[:min(len(pids), maxPids)] {
		data, err := cmdline(p)
		if err != nil {
			continue
		}
		if name := cmdlineProgram(data); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// dialUnix opens a gRPC connection to a runtime's unix socket (a path on
// this machine), the way containerd's own client does.
func dialUnix(socket string) (*grpc.ClientConn, error) {
	return grpc.NewClient("unix://"+socket,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
		grpc.WithAuthority("localhost"),
	)
}

// cmdlineProgram is the program name of a /proc/PID/cmdline: the base
// name of argv[0] (a process that renamed itself, like sshd's
// "sshd: /usr/sbin/sshd -D [listener]", has it all in argv[0]).
func cmdlineProgram(data []byte) string {
	arg0, _, _ := strings.Cut(string(data), "\x00")
	return programName(arg0)
}

// ContainerdContainers lists every container in every namespace of the
// containerd at socket (a path on this machine). CRI sandbox (pause)
// containers are left out: their pod's containers carry the same
// settings. It returns the containers, the daemon's version, what was
// skipped, per-container errors, and an error when containerd cannot be
// asked at all.
func ContainerdContainers(ctx context.Context, socket string, o ContainerdOptions) ([]Container, string, []string, []string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	conn, err := dialUnix(socket)
	if err != nil {
		return nil, "", nil, nil, fmt.Errorf("connecting to containerd: %w", err)
	}
	defer conn.Close()
	v, err := versionapi.NewVersionClient(conn).Version(ctx, &emptypb.Empty{})
	if err != nil {
		return nil, "", nil, nil, fmt.Errorf("asking containerd its version: %w", grpcErr(err))
	}
	nss, err := namespacesapi.NewNamespacesClient(conn).List(ctx, &namespacesapi.ListNamespacesRequest{})
	if err != nil {
		return nil, v.Version, nil, nil, fmt.Errorf("listing containerd namespaces: %w", grpcErr(err))
	}
	var out []Container
	var skipped, errs []string
	cc, tc := containersapi.NewContainersClient(conn), tasksapi.NewTasksClient(conn)
	limit := cmp.Or(o.limit, maxContainers)
	full := false
	for _, ns := range nss.GetNamespaces() {
		if full {
			break
		}
		name := ns.GetName()
		if slices.Contains(o.SkipNamespaces, name) {
			skipped = append(skipped, fmt.Sprintf("namespace %s (its containers are judged through Docker)", name))
			continue
		}
		nctx := metadata.AppendToOutgoingContext(ctx, "containerd-namespace", name)
		list, err := cc.List(nctx, &containersapi.ListContainersRequest{})
		if err != nil {
			errs = append(errs, fmt.Sprintf("containerd namespace %s: listing containers: %v", name, grpcErr(err)))
			continue
		}
		states := map[string]string{}
		if tasks, err := tc.List(nctx, &tasksapi.ListTasksRequest{}); err == nil {
			for _, t := range tasks.GetTasks() {
				// containerd 1.x leaves ContainerID empty: a task's ID is
				// its container's.
				states[cmp.Or(t.GetContainerID(), t.GetID())] = taskState(t.GetStatus())
			}
		} else {
			errs = append(errs, fmt.Sprintf("containerd namespace %s: listing tasks: %v", name, grpcErr(err)))
		}
		sandboxes := 0
		for _, k := range list.GetContainers() {
			if k.GetLabels()["io.cri-containerd.kind"] == "sandbox" {
				sandboxes++
				continue
			}
			if len(out) >= limit {
				errs = append(errs, fmt.Sprintf("containerd: only the first %d containers judged", limit))
				full = true
				break
			}
			state, ok := states[k.GetID()]
			if !ok {
				state = "created"
			}
			if k.GetSpec() == nil {
				errs = append(errs, fmt.Sprintf("containerd container %s/%s has no spec", name, k.GetID()))
				continue
			}
			c, err := ParseContainerdSpec(ContainerdContainer{Namespace: name, ID: k.GetID(), Image: k.GetImage(), Labels: k.GetLabels(), State: state, Spec: k.GetSpec().GetValue()})
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			if state == "running" && o.Cmdline != nil {
				c.Processes, err = containerdProcesses(nctx, tc, k.GetID(), o.Cmdline)
				if err != nil {
					errs = append(errs, fmt.Sprintf("containerd container %s/%s: %v", name, k.GetID(), err))
				} else {
					c.ProcessesListed = true
				}
			}
			out = append(out, c)
		}
		if sandboxes > 0 {
			skipped = append(skipped, fmt.Sprintf("%d pod sandbox container(s) in namespace %s (their pods' containers are judged)", sandboxes, name))
		}
	}
	return out, v.Version, skipped, errs, nil
}

// grpcErr shortens gRPC's "rpc error: code = X desc = Y" to its message.
func grpcErr(err error) error {
	s := err.Error()
	if _, desc, ok := strings.Cut(s, "desc = "); ok {
		return errors.New(desc)
	}
	return err
}
