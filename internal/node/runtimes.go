package node

import (
	"context"
	"fmt"
	"io/fs"
	"net"
	"os"
	"slices"
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

// collectContainers asks the Docker and containerd sockets found on the
// node (or given in the options) for their containers. A socket that
// does not answer is recorded as an error: the container checks then
// warn rather than pass.
func (c *collector) collectContainers() {
	var docker, ctrd []runtimeSocket
	if s := c.opts.DockerSocket; s != "" {
		docker = []runtimeSocket{{node: s, host: s, explicit: true}}
	} else {
		docker = c.findSockets(c.f.candidatePaths("docker.sock"))
	}
	if s := c.opts.ContainerdSocket; s != "" {
		ctrd = []runtimeSocket{{node: s, host: s, explicit: true}}
	} else {
		ctrd = c.findSockets(append(c.f.candidatePaths("containerd.sock"), extraContainerdSockets...))
	}
	if len(docker) == 0 && len(ctrd) == 0 {
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
	for _, s := range docker {
		rt := RuntimeInfo{Name: "docker", Socket: s.node}
		if reason, isErr := c.probe(s); reason != "" {
			c.notAsked(&rt, reason, isErr)
			continue
		}
		cs, d, errs, err := DockerContainers(ctx, s.host, DockerDaemon{NoNewPrivileges: nnp})
		rt.Version = d.Version
		if err != nil {
			rt.Err = s.sanitize(err)
			c.errorf("docker socket %s: %s", s.node, rt.Err)
		} else {
			dockerOK = true
		}
		cs = c.keepContainers(&rt, cs)
		rt.Containers = len(cs)
		c.f.Containers = append(c.f.Containers, cs...)
		c.f.Errors = append(c.f.Errors, errs...)
		c.f.Runtimes = append(c.f.Runtimes, rt)
	}
	var skip []string
	if dockerOK {
		// Docker keeps its running containers in containerd's "moby"
		// namespace: they are judged once, through Docker.
		skip = []string{"moby", "plugins.moby"}
	}
	for _, s := range ctrd {
		rt := RuntimeInfo{Name: "containerd", Socket: s.node}
		if reason, isErr := c.probe(s); reason != "" {
			c.notAsked(&rt, reason, isErr)
			continue
		}
		cs, version, skipped, errs, err := ContainerdContainers(ctx, s.host, ContainerdOptions{SkipNamespaces: skip})
		rt.Version, rt.Skipped = version, skipped
		if err != nil {
			rt.Err = s.sanitize(err)
			c.errorf("containerd socket %s: %s", s.node, rt.Err)
		}
		cs = c.keepContainers(&rt, cs)
		rt.Containers = len(cs)
		c.f.Containers = append(c.f.Containers, cs...)
		c.f.Errors = append(c.f.Errors, errs...)
		c.f.Runtimes = append(c.f.Runtimes, rt)
	}
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

// keepContainers leaves out palisade's own audit pod (run by node audit
// --all-nodes: its read-only host mount and host PID namespace are how
// it reads the node) and, with RunningContainersOnly, what does not run.
func (c *collector) keepContainers(rt *RuntimeInfo, cs []Container) []Container {
	own := 0
	cs = slices.DeleteFunc(cs, func(k Container) bool {
		_, pod, _ := strings.Cut(k.Pod, "/")
		if strings.HasPrefix(pod, "palisade-node-audit") && (k.KubeContainer == "audit" || k.KubeContainer == "done") {
			own++
			return true
		}
		return c.opts.RunningContainersOnly && k.State != "running"
	})
	if own > 0 {
		rt.Skipped = append(rt.Skipped, fmt.Sprintf("%d container(s) of palisade's own node-audit pods", own))
	}
	return cs
}
