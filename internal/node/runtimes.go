package node

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// extraContainerdSockets are containerd sockets of distributions that run
// their own (k3s and RKE2, MicroK8s), besides those the containerd
// component and the defaults name.
var extraContainerdSockets = []string{"/run/k3s/containerd/containerd.sock", "/var/snap/microk8s/common/run/containerd.sock"}

// runtimeSocket is one socket to ask: the node path (for people) and the
// path on this machine (to dial). Explicit sockets were given by the
// user rather than found under the root.
type runtimeSocket struct {
	node, host string
	explicit   bool
}

// probe says whether the socket can be asked: "" when something listens;
// otherwise why not, and whether that is an error (a daemon that does
// not answer on a live node, or a socket the user named) or just a
// snapshot's leftover socket file.
func (c *collector) probe(s runtimeSocket) (reason string, isErr bool) {
	conn, err := net.DialTimeout("unix", s.host, 5*time.Second)
	if err == nil {
		conn.Close()
		return "", false
	}
	msg := strings.ReplaceAll(err.Error(), s.host, s.node)
	if s.explicit || c.fs.liveProc() {
		return "nothing answers on the socket, is the daemon running? (" + msg + ")", true
	}
	return "nothing answers on " + s.node + " and the root has no live /proc: a copy of a node, whose containers cannot be asked", false
}

// sanitize names the node path rather than this machine's in an error.
func (s runtimeSocket) sanitize(err error) string {
	return strings.ReplaceAll(err.Error(), s.host, s.node)
}

// findSockets returns the sockets of a runtime that exist under the root
// and are sockets, without duplicates (/var/run is usually /run: hostPath
// resolves the link inside the root).
func (c *collector) findSockets(candidates []string) []runtimeSocket {
	var out []runtimeSocket
	for _, p := range candidates {
		if !strings.HasPrefix(p, "/") {
			continue
		}
		hp, err := c.fs.hostPath(p)
		if err != nil {
			continue
		}
		fi, err := os.Stat(hp)
		if err != nil || fi.Mode()&fs.ModeSocket == 0 {
			continue
		}
		if slices.ContainsFunc(out, func(s runtimeSocket) bool { return s.host == hp }) {
			continue
		}
		out = append(out, runtimeSocket{node: p, host: hp})
	}
	return out
}

// Sockets of the other runtimes palisade asks: Podman's Docker-compatible
// API service (rootful; rootless ones are under /run/user/UID) and
// CRI-O's CRI socket.
var (
	podmanSockets = []string{"/run/podman/podman.sock", "/var/run/podman/podman.sock"}
	crioSockets   = []string{"/run/crio/crio.sock", "/var/run/crio/crio.sock"}
)

// userSockets lists rel (a path below the user's runtime directory) for
// every numeric directory of /run/user under the root: where rootless
// Docker and Podman put their sockets.
func (c *collector) userSockets(rel string) []string {
	ents, err := c.fs.ReadDir("/run/user")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if _, err := strconv.ParseUint(e.Name(), 10, 32); err == nil {
			out = append(out, path.Join("/run/user", e.Name(), rel))
		}
	}
	return out
}

// sockets returns the explicit socket if one was given, else those found.
func (c *collector) sockets(explicit string, candidates []string) []runtimeSocket {
	if explicit != "" {
		return []runtimeSocket{{node: explicit, host: explicit, explicit: true}}
	}
	return c.findSockets(candidates)
}

// collectContainers asks the Docker, Podman, containerd and CRI sockets
// found on the node (or given in the options) for their containers. A
// socket that does not answer is recorded as an error: the container
// checks then warn rather than pass.
func (c *collector) collectContainers() {
	docker := c.sockets(c.opts.DockerSocket, append(c.f.candidatePaths("docker.sock"), c.userSockets("docker.sock")...))
	var podman []runtimeSocket
	if c.opts.DockerSocket == "" {
		podman = c.findSockets(append(slices.Clone(podmanSockets), c.userSockets("podman/podman.sock")...))
	}
	ctrd := c.sockets(c.opts.ContainerdSocket, append(c.f.candidatePaths("containerd.sock"), extraContainerdSockets...))
	crio := c.sockets(c.opts.CRISocket, crioSockets)
	if len(docker)+len(podman)+len(ctrd)+len(crio) == 0 {
		return
	}
	c.extra("mac.state")
	ctx := context.Background()
	dockerOK := false
	nnp := false
	if comp := c.f.Components["dockerd"]; comp != nil {
		if v, _, ok := c.f.settingValue(comp, "--no-new-privileges", "no-new-privileges", "", nil); ok && equalValues(v, "true") {
			nnp = true
		}
	}
	dockerAPIs := func(name string, socks []runtimeSocket, d DockerDaemon) {
		for _, s := range socks {
			ok := c.askRuntime(name, s, func() (runtimeAnswer, error) {
				cs, info, errs, err := DockerContainers(ctx, s.host, d)
				return runtimeAnswer{containers: cs, version: info.Version, errs: errs}, err
			})
			if ok && name == "docker" && !strings.HasPrefix(s.node, "/run/user/") {
				dockerOK = true
			}
		}
	}
	dockerAPIs("docker", docker, DockerDaemon{Name: "docker", NoNewPrivileges: nnp})
	dockerAPIs("podman", podman, DockerDaemon{Name: "podman"})
	var skip []string
	if dockerOK {
		// Docker keeps its running containers in containerd's "moby"
		// namespace: they are judged once, through Docker.
		skip = []string{"moby", "plugins.moby"}
	}
	var cmdline func(uint32) ([]byte, error)
	if c.fs.liveProc() {
		cmdline = c.cmdline
	}
	for _, s := range ctrd {
		c.askRuntime("containerd", s, func() (runtimeAnswer, error) {
			cs, version, skipped, errs, err := ContainerdContainers(ctx, s.host, ContainerdOptions{SkipNamespaces: skip, Cmdline: cmdline})
			return runtimeAnswer{containers: cs, version: version, skipped: skipped, errs: errs}, err
		})
	}
	for _, s := range crio {
		name := "cri-o"
		if s.explicit {
			name = "cri"
		}
		o := CRIOptions{Runtime: name}
		if cmdline != nil {
			o.Processes = c.containerProcesses
		}
		c.askRuntime(name, s, func() (runtimeAnswer, error) {
			cs, version, errs, err := CRIContainers(ctx, s.host, o)
			return runtimeAnswer{containers: cs, version: version, errs: errs}, err
		})
	}
}

// runtimeAnswer is what one runtime said: its containers, version, what
// it left out and the containers it could not read.
type runtimeAnswer struct {
	containers    []Container
	version       string
	skipped, errs []string
}

// askRuntime asks the runtime at s for its containers with list, unless
// nothing listens there, and records the answer. It reports whether the
// containers could be listed.
func (c *collector) askRuntime(name string, s runtimeSocket, list func() (runtimeAnswer, error)) bool {
	rt := RuntimeInfo{Name: name, Socket: s.node}
	if reason, isErr := c.probe(s); reason != "" {
		c.notAsked(&rt, reason, isErr)
		return false
	}
	a, err := list()
	rt.Version, rt.Skipped = a.version, a.skipped
	if err != nil {
		rt.Err = s.sanitize(err)
		c.errorf("%s socket %s: %s", name, s.node, rt.Err)
	}
	c.addContainers(&rt, a.containers, a.errs)
	return err == nil
}

// addContainers records what one runtime reported.
func (c *collector) addContainers(rt *RuntimeInfo, cs []Container, errs []string) {
	cs = c.keepContainers(rt, cs)
	rt.Containers = len(cs)
	c.f.Containers = append(c.f.Containers, cs...)
	c.f.Errors = append(c.f.Errors, errs...)
	c.f.Runtimes = append(c.f.Runtimes, *rt)
}

// cmdline reads a host process's command line under the node root.
func (c *collector) cmdline(pid uint32) ([]byte, error) {
	return c.fs.readCapped(fmt.Sprintf("/proc/%d/cmdline", pid), 64<<10)
}

// containerProcesses lists the program names of the processes in the
// cgroup of a container's init process (pid): the CRI names only that
// one. Where the cgroup cannot be read, the init process alone is listed.
func (c *collector) containerProcesses(pid uint32) ([]string, error) {
	pids := []uint32{pid}
	if data, err := c.fs.readCapped(fmt.Sprintf("/proc/%d/cgroup", pid), 64<<10); err == nil {
		if dir := cgroupProcsFile(data); dir != "" {
			if procs, err := c.fs.readCapped(dir, 1<<20); err == nil {
				pids = parsePids(procs)
			}
		}
	} else {
		return nil, fmt.Errorf("reading /proc/%d/cgroup: %w", pid, err)
	}
	return programsOf(pids, c.cmdline), nil
}

// cgroupProcsFile finds the cgroup.procs file of a /proc/PID/cgroup: the
// unified hierarchy's ("0::/path"), else cgroup v1's pids or memory
// controller. "" when the path is outside this cgroup namespace.
func cgroupProcsFile(data []byte) string {
	var v1 string
	for line := range strings.SplitSeq(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || strings.Contains(parts[2], "..") || !strings.HasPrefix(parts[2], "/") {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			return path.Join("/sys/fs/cgroup", parts[2], "cgroup.procs")
		case v1 == "" && slices.Contains(strings.Split(parts[1], ","), "pids"):
			v1 = path.Join("/sys/fs/cgroup/pids", parts[2], "cgroup.procs")
		case v1 == "" && slices.Contains(strings.Split(parts[1], ","), "memory"):
			v1 = path.Join("/sys/fs/cgroup/memory", parts[2], "cgroup.procs")
		}
	}
	return v1
}

// parsePids reads a cgroup.procs file: one PID a line.
func parsePids(data []byte) []uint32 {
	var out []uint32
	for f := range strings.FieldsSeq(string(data)) {
		if n, err := strconv.ParseUint(f, 10, 32); err == nil {
			out = append(out, uint32(n))
		}
	}
	return out
}

// notAsked records a runtime whose socket did not answer.
func (c *collector) notAsked(rt *RuntimeInfo, reason string, isErr bool) {
	if isErr {
		rt.Err = reason
		c.errorf("%s socket %s: %s", rt.Name, rt.Socket, reason)
	} else {
		rt.NotAsked = reason
	}
	c.f.Runtimes = append(c.f.Runtimes, *rt)
}

// keepContainers leaves out the containers of palisade's own audit pod
// (run by node audit --all-nodes: its read-only host mount and host PID
// namespace are how it reads the node), known by its UID alone: a name
// can be copied by any pod that wants to hide. With
// RunningContainersOnly, what does not run is left out too.
func (c *collector) keepContainers(rt *RuntimeInfo, cs []Container) []Container {
	own := 0
	cs = slices.DeleteFunc(cs, func(k Container) bool {
		if c.opts.SelfPodUID != "" && k.PodUID == c.opts.SelfPodUID {
			own++
			return true
		}
		return c.opts.RunningContainersOnly && k.State != "running"
	})
	if own > 0 {
		rt.Skipped = append(rt.Skipped, fmt.Sprintf("%d container(s) of palisade's own node-audit pod", own))
	}
	return cs
}
