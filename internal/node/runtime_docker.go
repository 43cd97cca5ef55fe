package node

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reading containers from the Docker Engine API over its unix socket with
// net/http: GET /info, /containers/json?all=1, /containers/ID/json, and
// for each container its processes (/containers/ID/top, running ones),
// exec sessions (/exec/ID/json) and current image (/images/REF/json).
// Podman's API service speaks the same API and is read the same way.
// Nothing is changed on the daemon.

// maxContainers bounds how many containers one runtime is asked about.
const maxContainers = 5000

// DockerDaemon is what the container judgement needs to know about the
// daemon: the security options it applies to every container.
type DockerDaemon struct {
	// Name is the runtime serving the API: "docker" (the default) or
	// "podman", whose service speaks the same API.
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
	Userns  bool   `json:"userns,omitempty"`
	Seccomp bool   `json:"seccomp,omitempty"`
	// SeccompProfile is the daemon's seccomp-profile as /info reports it:
	// "builtin" (or "default" before Docker 20.10), "unconfined", or the
	// path of a custom profile.
	SeccompProfile string `json:"seccompProfile,omitempty"`
	AppArmor       bool   `json:"apparmor,omitempty"`
	SELinux        bool   `json:"selinux,omitempty"`
	// NoNewPrivileges is daemon.json's no-new-privileges, which applies
	// to every container without showing in its inspect output (newer
	// daemons report it in /info).
	NoNewPrivileges bool `json:"noNewPrivileges,omitempty"`
}

// dockerInfo is the part of GET /info palisade reads.
type dockerInfo struct {
	ServerVersion   string   `json:"ServerVersion"`
	SecurityOptions []string `json:"SecurityOptions"`
}

// ParseDockerInfo reads GET /info: the version and the daemon-wide
// security options ("name=seccomp,profile=builtin", "name=userns",
// "name=no-new-privileges").
func ParseDockerInfo(data []byte) (DockerDaemon, error) {
	var in dockerInfo
	if err := json.Unmarshal(data, &in); err != nil {
		return DockerDaemon{}, fmt.Errorf("not a Docker /info response: %w", err)
	}
	d := DockerDaemon{Version: in.ServerVersion}
	for _, o := range in.SecurityOptions {
		opt := map[string]string{}
		for kv := range strings.SplitSeq(o, ",") {
			k, v, _ := strings.Cut(kv, "=")
			opt[k] = v
		}
		switch opt["name"] {
		case "userns":
			d.Userns = true
		case "seccomp":
			d.Seccomp = true
			d.SeccompProfile = opt["profile"]
		case "apparmor":
			d.AppArmor = true
		case "selinux":
			d.SELinux = true
		case "no-new-privileges":
			d.NoNewPrivileges = true
		}
	}
	return d, nil
}

// seccomp is what a container without its own seccomp option gets.
func (d DockerDaemon) seccomp() string {
	switch {
	case !d.Seccomp || d.SeccompProfile == "unconfined":
		return "unconfined"
	case d.SeccompProfile == "" || d.SeccompProfile == "builtin" || d.SeccompProfile == "default":
		return "default"
	}
	return "profile"
}

// dockerInspect is the part of GET /containers/ID/json palisade reads.
type dockerInspect struct {
	ID              string   `json:"Id"`
	Name            string   `json:"Name"`
	Image           string   `json:"Image"`
	ExecIDs         []string `json:"ExecIDs"`
	AppArmorProfile string   `json:"AppArmorProfile"`
	State           *struct {
		Status string `json:"Status"`
	} `json:"State"`
	Config *struct {
		User        string            `json:"User"`
		Image       string            `json:"Image"`
		Labels      map[string]string `json:"Labels"`
		Healthcheck *struct {
			Test []string `json:"Test"`
		} `json:"Healthcheck"`
	} `json:"Config"`
	HostConfig *struct {
		Privileged     bool     `json:"Privileged"`
		NetworkMode    string   `json:"NetworkMode"`
		PidMode        string   `json:"PidMode"`
		IpcMode        string   `json:"IpcMode"`
		UTSMode        string   `json:"UTSMode"`
		UsernsMode     string   `json:"UsernsMode"`
		CapAdd         []string `json:"CapAdd"`
		CapDrop        []string `json:"CapDrop"`
		SecurityOpt    []string `json:"SecurityOpt"`
		ReadonlyRootfs bool     `json:"ReadonlyRootfs"`
		CgroupParent   string   `json:"CgroupParent"`
		Ulimits        []struct {
			Name string `json:"Name"`
			Soft int64  `json:"Soft"`
			Hard int64  `json:"Hard"`
		} `json:"Ulimits"`
		Memory        int64  `json:"Memory"`
		CPUShares     int64  `json:"CpuShares"`
		PidsLimit     *int64 `json:"PidsLimit"`
		RestartPolicy struct {
			Name              string `json:"Name"`
			MaximumRetryCount int    `json:"MaximumRetryCount"`
		} `json:"RestartPolicy"`
		Devices []struct {
			PathOnHost string `json:"PathOnHost"`
		} `json:"Devices"`
		PortBindings map[string][]struct {
			HostIP   string `json:"HostIp"`
			HostPort string `json:"HostPort"`
		} `json:"PortBindings"`
	} `json:"HostConfig"`
	Mounts []struct {
		Type        string `json:"Type"`
		Source      string `json:"Source"`
		Destination string `json:"Destination"`
		RW          bool   `json:"RW"`
		Propagation string `json:"Propagation"`
	} `json:"Mounts"`
}

// ParseDockerContainer turns one GET /containers/ID/json response into a
// Container, with the daemon's own security options applied.
func ParseDockerContainer(data []byte, d DockerDaemon) (Container, error) {
	var in dockerInspect
	if err := json.Unmarshal(data, &in); err != nil {
		return Container{}, fmt.Errorf("not a Docker container inspect response: %w", err)
	}
	if in.ID == "" || in.HostConfig == nil || in.Config == nil {
		return Container{}, errors.New("not a Docker container inspect response: Id, Config or HostConfig missing")
	}
	hc, cfg := in.HostConfig, in.Config
	c := Container{
		Runtime:        cmp.Or(d.Name, "docker"),
		ID:             in.ID,
		Name:           strings.TrimPrefix(in.Name, "/"),
		Image:          cfg.Image,
		ImageID:        in.Image,
		CgroupParent:   hc.CgroupParent,
		State:          "unknown",
		Privileged:     hc.Privileged,
		User:           cfg.User,
		ReadOnlyRootfs: hc.ReadonlyRootfs,
		MemoryLimit:    hc.Memory,
		CPUShares:      hc.CPUShares,
		RestartPolicy:  hc.RestartPolicy.Name,
		RestartMax:     hc.RestartPolicy.MaximumRetryCount,
		NetworkMode:    hc.NetworkMode,
	}
	if in.State != nil && in.State.Status != "" {
		c.State = in.State.Status
	}
	if hc.PidsLimit != nil {
		c.PidsLimit = *hc.PidsLimit
	}
	// cri-dockerd names containers for the kubelet with labels.
	c.setKubePod(cfg.Labels)
	for _, m := range []struct{ mode, ns string }{{hc.PidMode, "pid"}, {hc.IpcMode, "ipc"}, {hc.NetworkMode, "network"}, {hc.UTSMode, "uts"}} {
		if m.mode == "host" {
			c.HostNamespaces = append(c.HostNamespaces, m.ns)
		}
	}
	if d.Userns && hc.UsernsMode == "host" {
		c.HostNamespaces = append(c.HostNamespaces, "user")
	}
	c.AddedCaps = addedCaps(hc.CapAdd)
	if c.Privileged {
		c.AddedCaps = []string{"ALL"}
	}
	c.Seccomp, c.AppArmor, c.SELinux = d.seccomp(), "", ""
	if d.AppArmor {
		// Docker applies docker-default when it starts the container; the
		// inspect output shows it only once it has run.
		c.AppArmor = "docker-default"
	}
	if in.AppArmorProfile != "" {
		c.AppArmor = in.AppArmorProfile
	}
	c.NoNewPrivileges = d.NoNewPrivileges
	for _, o := range hc.SecurityOpt {
		// Both "key=value" and the old "key:value" spellings are accepted.
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, _ = strings.Cut(o, ":")
		}
		switch k {
		case "seccomp":
			if v == "unconfined" {
				c.Seccomp = "unconfined"
			} else if v != "" {
				c.Seccomp = "profile"
			}
		case "apparmor":
			c.AppArmor = v
		case "label":
			if v == "disable" {
				c.SELinux = "disabled"
			} else if c.SELinux == "" {
				c.SELinux = v
			}
		case "no-new-privileges":
			c.NoNewPrivileges = v == "" || v == "true"
		}
	}
	if c.Privileged {
		c.Seccomp, c.AppArmor, c.SELinux = "unconfined", "unconfined", "disabled"
	}
	c.RunsAsRoot = isRootUser(c.User)
	c.UserNamespaced = d.Userns && hc.UsernsMode != "host"
	if cfg.Healthcheck != nil && len(cfg.Healthcheck.Test) > 0 && cfg.Healthcheck.Test[0] != "NONE" {
		c.Healthcheck = true
	}
	for _, u := range hc.Ulimits {
		c.Ulimits = append(c.Ulimits, fmt.Sprintf("%s=%d:%d", u.Name, u.Soft, u.Hard))
	}
	// The exec IDs are read by DockerContainers; only their number is
	// known here.
	c.execIDs = in.ExecIDs
	for _, dev := range hc.Devices {
		c.Devices = append(c.Devices, dev.PathOnHost)
	}
	for _, m := range in.Mounts {
		c.Mounts = append(c.Mounts, ContainerMount{Type: m.Type, Source: m.Source, Destination: m.Destination, ReadOnly: !m.RW, Propagation: m.Propagation})
	}
	ports := slices.Sorted(func(yield func(string) bool) {
		for p := range hc.PortBindings {
			if !yield(p) {
				return
			}
		}
	})
	for _, p := range ports {
		for _, b := range hc.PortBindings[p] {
			hp, _ := strconv.Atoi(b.HostPort)
			c.Ports = append(c.Ports, PortBinding{HostIP: b.HostIP, HostPort: hp, ContainerPort: p})
		}
	}
	return c, nil
}

// isRootUser reports whether a Docker/OCI user string ("", "root",
// "0:0", "app", "1000:1000") starts the process as root.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return name == "" || name == "root" || name == "0"
}

// unixClient is an HTTP client that dials a unix socket.
func unixClient(socket string, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", socket)
			},
			DisableCompression: true,
		},
	}
}

// apiError is a Docker API answer other than 200 OK.
type apiError struct {
	path, status string
	code         int
	message      string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("GET %s: %s %s", e.path, e.status, e.message)
}

// isNotFound reports whether the daemon answered 404: the container,
// exec session or image is gone.
func isNotFound(err error) bool {
	var e *apiError
	return errors.As(err, &e) && e.code == http.StatusNotFound
}

// dockerGet reads one API response, at most limit bytes.
func dockerGet(ctx context.Context, hc *http.Client, p string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker"+p, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: response larger than %d MiB", p, limit>>20)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &e)
		return nil, &apiError{path: p, status: resp.Status, code: resp.StatusCode, message: e.Message}
	}
	return data, nil
}

// DockerContainers lists every container of the Docker (or Podman,
// d.Name "podman") daemon at socket (a path on this machine) and reads
// how each was configured. Containers
// that cannot be read are returned as errors; the rest are kept.
func DockerContainers(ctx context.Context, socket string, d DockerDaemon) ([]Container, DockerDaemon, []string, error) {
	hc := unixClient(socket, 30*time.Second)
	defer hc.CloseIdleConnections()
	data, err := dockerGet(ctx, hc, "/info", 8<<20)
	if err != nil {
		return nil, d, nil, fmt.Errorf("asking the %s daemon: %w", cmp.Or(d.Name, "docker"), err)
	}
	info, err := ParseDockerInfo(data)
	if err != nil {
		return nil, d, nil, err
	}
	info.NoNewPrivileges = info.NoNewPrivileges || d.NoNewPrivileges
	info.Name = cmp.Or(d.Name, "docker")
	data, err = dockerGet(ctx, hc, "/containers/json?all=1", 64<<20)
	if err != nil {
		return nil, info, nil, fmt.Errorf("listing %s containers: %w", info.Name, err)
	}
	var list []struct {
		ID string `json:"Id"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, info, nil, fmt.Errorf("listing Docker containers: %w", err)
	}
	var out []Container
	var errs []string
	images := map[string]string{}
	for i, l := range list {
		if i >= maxContainers {
			errs = append(errs, fmt.Sprintf("%s: only the first %d of %d containers judged", info.Name, maxContainers, len(list)))
			break
		}
		data, err := dockerGet(ctx, hc, "/containers/"+url.PathEscape(l.ID)+"/json", 8<<20)
		if err != nil {
			// A container removed between the list and the inspect is gone,
			// not an error.
			if !isNotFound(err) {
				errs = append(errs, fmt.Sprintf("%s container %s: %v", info.Name, l.ID, err))
			}
			continue
		}
		c, err := ParseDockerContainer(data, info)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s container %s: %v", info.Name, l.ID, err))
			continue
		}
		errs = append(errs, dockerRuntimeState(ctx, hc, &c, images)...)
		out = append(out, c)
	}
	return out, info, errs, nil
}

// maxExecs bounds how many exec sessions of one container are read.
const maxExecs = 100

// dockerRuntimeState reads what a container's inspect output does not
// hold: the processes of a running container (GET .../top), its exec
// sessions (GET /exec/ID/json) and which image its reference names now
// (GET /images/REF/json, cached in images). It returns the errors.
func dockerRuntimeState(ctx context.Context, hc *http.Client, c *Container, images map[string]string) []string {
	var errs []string
	fail := func(what string, err error) {
		errs = append(errs, fmt.Sprintf("%s container %s: %s: %v", c.Runtime, c.ID, what, err))
	}
	if c.State == "running" {
		data, err := dockerGet(ctx, hc, "/containers/"+url.PathEscape(c.ID)+"/top", 8<<20)
		if err == nil {
			c.Processes, err = ParseDockerTop(data)
		}
		if err != nil {
			fail("listing processes", err)
		} else {
			c.ProcessesListed = true
		}
	}
	for i, id := range c.execIDs {
		if i >= maxExecs {
			errs = append(errs, fmt.Sprintf("%s container %s: only the first %d of %d exec sessions judged", c.Runtime, c.ID, maxExecs, len(c.execIDs)))
			break
		}
		data, err := dockerGet(ctx, hc, "/exec/"+url.PathEscape(id)+"/json", 1<<20)
		if err != nil {
			if !isNotFound(err) { // ended and forgotten meanwhile
				fail("exec "+id, err)
			}
			continue
		}
		e, err := ParseDockerExec(data)
		if err != nil {
			fail("exec "+id, err)
			continue
		}
		c.Execs = append(c.Execs, e)
	}
	c.execIDs = nil
	c.CurrentImageID = c.ImageID
	if ref := c.Image; ref != "" && !strings.HasPrefix(ref, "sha256:") && !strings.Contains(ref, "@") && c.ImageID != "" {
		id, seen := images[ref]
		if !seen {
			data, err := dockerGet(ctx, hc, "/images/"+url.PathEscape(ref)+"/json", 8<<20)
			switch {
			case err == nil:
				var img struct {
					ID string `json:"Id"`
				}
				if jerr := json.Unmarshal(data, &img); jerr != nil {
					fail("reading image "+ref, jerr)
				}
				id = img.ID
			case !isNotFound(err):
				fail("reading image "+ref, err)
			}
			images[ref] = id
		}
		c.CurrentImageID = id
	}
	return errs
}

// ParseDockerTop reads GET /containers/ID/top: the program name (the
// base name of the first word of the command column) of every process,
// sorted and without duplicates. Arguments are dropped: they can hold
// secrets.
func ParseDockerTop(data []byte) ([]string, error) {
	var top struct {
		Titles    []string   `json:"Titles"`
		Processes [][]string `json:"Processes"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not a container top response: %w", err)
	}
	col := slices.IndexFunc(top.Titles, func(t string) bool { return t == "CMD" || t == "COMMAND" })
	if col < 0 {
		return nil, fmt.Errorf("container top response has no CMD or COMMAND column (columns %v)", top.Titles)
	}
	var out []string
	for _, p := range top.Processes {
		if col >= len(p) {
			continue
		}
		// ps shows a process that exited but was not reaped yet as
		// "[app] <defunct>".
		cmd := p[col]
		if c, ok := strings.CutSuffix(cmd, " <defunct>"); ok {
			cmd = strings.TrimSuffix(strings.TrimPrefix(c, "["), "]")
		}
		if name := programName(cmd); name != "" && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// programName is the base name of a command line's first word, without
// the ":" sshd and others append when they rename themselves
// ("sshd: /usr/sbin/sshd -D [listener]").
func programName(cmdline string) string {
	f := strings.Fields(cmdline)
	if len(f) == 0 {
		return ""
	}
	name := strings.TrimSuffix(path.Base(f[0]), ":")
	if name == "." || name == "/" {
		return ""
	}
	return name
}

// ParseDockerExec reads GET /exec/ID/json: whether the exec session was
// privileged and which user it ran as. Only the program name is kept of
// its command.
func ParseDockerExec(data []byte) (ContainerExec, error) {
	var in struct {
		ID            string `json:"ID"`
		Running       bool   `json:"Running"`
		ProcessConfig *struct {
			Entrypoint string `json:"entrypoint"`
			Privileged *bool  `json:"privileged"`
			User       string `json:"user"`
		} `json:"ProcessConfig"`
	}
	if err := json.Unmarshal(data, &in); err != nil {
		return ContainerExec{}, fmt.Errorf("not an exec inspect response: %w", err)
	}
	if in.ID == "" || in.ProcessConfig == nil {
		return ContainerExec{}, errors.New("not an exec inspect response: ID or ProcessConfig missing")
	}
	pc := in.ProcessConfig
	return ContainerExec{
		ID:         in.ID,
		Running:    in.Running,
		Program:    programName(pc.Entrypoint),
		Privileged: pc.Privileged != nil && *pc.Privileged,
		User:       pc.User,
	}, nil
}
