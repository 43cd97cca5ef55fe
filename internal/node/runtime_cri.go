package node

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Reading containers through the Kubernetes Container Runtime Interface
// (runtime.v1 RuntimeService over gRPC) of CRI-O's crio.sock; containerd
// serves the same API. Version, ListContainers, ContainerStatus with
// verbose info and PodSandboxStatus are called. Nothing is changed.
//
// The verbose info of containerd and CRI-O holds the container's OCI
// runtime spec ("runtimeSpec"), which is read like containerd's own. A
// runtime that gives no spec is judged from the CRI status alone: its
// mounts, resources, user and the pod's namespaces; the settings the
// status lacks are recorded as unknown and the rules needing them are
// n/a for the container.

// criUnknown are the settings a CRI status without an OCI spec does not
// say.
var criUnknown = []string{needPrivileged, needCaps, needSeccomp, needAppArmor, needSELinux, needNNP, needReadOnly, needPids, needDevices, needPropagation}

// CRIInfo is the part of a verbose ContainerStatus's info["info"] palisade
// reads (containerd and CRI-O both write these keys).
type CRIInfo struct {
	Pid         uint32          `json:"pid"`
	RuntimeSpec json.RawMessage `json:"runtimeSpec"`
}

// CRIContainer is what ParseCRIContainer judges: the container's status,
// its verbose info and its pod sandbox's status (for the namespaces).
type CRIContainer struct {
	Runtime string
	Status  *runtimeapi.ContainerStatus
	// Info is info["info"] of the verbose status, JSON ("" if none).
	Info    string
	Sandbox *runtimeapi.PodSandboxStatus
	// SandboxID is the container's pod sandbox as ListContainers names it.
	SandboxID string
}

// ParseCRIContainer turns a CRI container status into a Container: from
// the OCI spec in the verbose info when there is one, else from the
// status fields, with what they lack marked unknown.
func ParseCRIContainer(in CRIContainer) (Container, uint32, error) {
	st := in.Status
	if st == nil || st.GetId() == "" {
		return Container{}, 0, errors.New("CRI container status without an ID")
	}
	var info CRIInfo
	if in.Info != "" {
		if err := json.Unmarshal([]byte(in.Info), &info); err != nil {
			return Container{}, 0, fmt.Errorf("container %s: the verbose info does not parse: %w", st.GetId(), err)
		}
	}
	state := criState(st.GetState())
	var c Container
	if len(info.RuntimeSpec) > 0 && string(info.RuntimeSpec) != "null" {
		var err error
		c, err = ParseContainerdSpec(ContainerdContainer{ID: st.GetId(), Image: st.GetImage().GetImage(), Labels: st.GetLabels(), State: state, Spec: info.RuntimeSpec})
		if err != nil {
			return Container{}, 0, err
		}
	} else {
		c = criStatusContainer(st, in.Sandbox)
		c.State = state
	}
	c.Runtime = in.Runtime
	c.Namespace = ""
	// The pod's namespaces are the CRI's word: a container joins the
	// sandbox's by path, which its spec alone does not tell from the host's.
	if ns := in.Sandbox.GetLinux().GetNamespaces().GetOptions(); ns != nil {
		for _, m := range []struct {
			mode runtimeapi.NamespaceMode
			name string
		}{{ns.GetPid(), "pid"}, {ns.GetIpc(), "ipc"}, {ns.GetNetwork(), "network"}} {
			if m.mode == runtimeapi.NamespaceMode_NODE && !slices.Contains(c.HostNamespaces, m.name) {
				c.HostNamespaces = append(c.HostNamespaces, m.name)
			}
		}
	}
	md := in.Sandbox.GetMetadata()
	if c.Pod == "" && md.GetName() != "" {
		c.Pod = md.GetNamespace() + "/" + md.GetName()
	}
	c.PodUID = cmp.Or(c.PodUID, md.GetUid())
	// The CRI's own word on the sandbox over the spec's annotations.
	c.SandboxID = cmp.Or(in.SandboxID, in.Sandbox.GetId(), c.SandboxID)
	if c.Pod != "" && c.KubeContainer == "" {
		c.KubeContainer = st.GetMetadata().GetName()
	}
	c.Name = st.GetMetadata().GetName()
	return c, info.Pid, nil
}

// criStatusContainer reads what a CRI status says without an OCI spec.
func criStatusContainer(st *runtimeapi.ContainerStatus, sb *runtimeapi.PodSandboxStatus) Container {
	c := Container{ID: st.GetId(), Image: st.GetImage().GetImage(), Unknown: slices.Clone(criUnknown)}
	if sb.GetLinux().GetNamespaces().GetOptions() == nil {
		c.Unknown = append(c.Unknown, needNamespaces) // else ParseCRIContainer reads them
	}
	if r := st.GetResources().GetLinux(); r != nil {
		c.MemoryLimit, c.CPUShares = r.GetMemoryLimitInBytes(), r.GetCpuShares()
	} else {
		c.Unknown = append(c.Unknown, needMemory, needCPU)
	}
	if u := st.GetUser().GetLinux(); u != nil {
		c.User = strconv.FormatInt(u.GetUid(), 10)
		c.RunsAsRoot = u.GetUid() == 0
	} else {
		c.Unknown = append(c.Unknown, needUser)
	}
	c.setKubePod(st.GetLabels())
	for _, m := range st.GetMounts() {
		cm := ContainerMount{Type: "bind", Source: m.GetHostPath(), Destination: m.GetContainerPath(), ReadOnly: m.GetReadonly()}
		switch m.GetPropagation() {
		case runtimeapi.MountPropagation_PROPAGATION_HOST_TO_CONTAINER:
			cm.Propagation = "rslave"
		case runtimeapi.MountPropagation_PROPAGATION_BIDIRECTIONAL:
			cm.Propagation = "rshared"
		}
		c.Mounts = append(c.Mounts, cm)
	}
	return c
}

// criState names a CRI container state.
func criState(s runtimeapi.ContainerState) string {
	switch s {
	case runtimeapi.ContainerState_CONTAINER_RUNNING:
		return "running"
	case runtimeapi.ContainerState_CONTAINER_CREATED:
		return "created"
	case runtimeapi.ContainerState_CONTAINER_EXITED:
		return "exited"
	}
	return "unknown"
}

// CRIOptions tune CRIContainers.
type CRIOptions struct {
	// Runtime labels the containers ("cri-o").
	Runtime string
	// Processes lists the program names of the processes of the
	// container whose init process is pid (from the node's /proc); nil
	// leaves them unlisted.
	Processes func(pid uint32) ([]string, error)
}

// CRIContainers lists every container (sandboxes are not containers in
// the CRI) of the CRI runtime at socket (a path on this machine) and reads
// each one's verbose status. It returns the containers, the runtime's
// name and version, per-container errors, and an error when the runtime
// cannot be asked at all.
func CRIContainers(ctx context.Context, socket string, o CRIOptions) ([]Container, string, []string, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	conn, err := dialUnix(socket)
	if err != nil {
		return nil, "", nil, fmt.Errorf("connecting to the CRI runtime: %w", err)
	}
	defer conn.Close()
	rs := runtimeapi.NewRuntimeServiceClient(conn)
	v, err := rs.Version(ctx, &runtimeapi.VersionRequest{})
	if err != nil {
		return nil, "", nil, fmt.Errorf("asking the CRI runtime its version: %w", grpcErr(err))
	}
	version := v.GetRuntimeName() + " " + v.GetRuntimeVersion()
	list, err := rs.ListContainers(ctx, &runtimeapi.ListContainersRequest{})
	if err != nil {
		return nil, version, nil, fmt.Errorf("listing CRI containers: %w", grpcErr(err))
	}
	var out []Container
	var errs []string
	sandboxes := map[string]*runtimeapi.PodSandboxStatus{}
	for i, k := range list.GetContainers() {
		if i >= maxContainers {
			errs = append(errs, fmt.Sprintf("%s: only the first %d of %d containers judged", o.Runtime, maxContainers, len(list.GetContainers())))
			break
		}
		st, err := rs.ContainerStatus(ctx, &runtimeapi.ContainerStatusRequest{ContainerId: k.GetId(), Verbose: true})
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s container %s: %v", o.Runtime, k.GetId(), grpcErr(err)))
			continue
		}
		sbID := k.GetPodSandboxId()
		sb, seen := sandboxes[sbID]
		if !seen && sbID != "" {
			if resp, err := rs.PodSandboxStatus(ctx, &runtimeapi.PodSandboxStatusRequest{PodSandboxId: sbID}); err == nil {
				sb = resp.GetStatus()
			} else {
				errs = append(errs, fmt.Sprintf("%s pod sandbox %s: %v", o.Runtime, sbID, grpcErr(err)))
			}
			sandboxes[sbID] = sb
		}
		c, pid, err := ParseCRIContainer(CRIContainer{Runtime: o.Runtime, Status: st.GetStatus(), Info: st.GetInfo()["info"], Sandbox: sb, SandboxID: sbID})
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s container %s: %v", o.Runtime, k.GetId(), err))
			continue
		}
		if c.State == "running" && pid > 0 && o.Processes != nil {
			if c.Processes, err = o.Processes(pid); err == nil {
				c.ProcessesListed = true
			} else {
				errs = append(errs, fmt.Sprintf("%s container %s: listing processes: %v", o.Runtime, k.GetId(), err))
			}
		}
		out = append(out, c)
	}
	return out, version, errs, nil
}
