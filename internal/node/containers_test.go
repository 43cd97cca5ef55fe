package node

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The parsers run on responses recorded from the real daemons by
// TestDockerContainers and TestContainerdContainers
// (PALISADE_RECORD_RUNTIME=1): Debian's dockerd 20.10 and containerd 1.6.

func readRecorded(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "runtime", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseDockerInfo(t *testing.T) {
	d, err := ParseDockerInfo(readRecorded(t, "docker-info.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Version, "20.10") || !d.Seccomp || d.Userns || d.AppArmor {
		t.Errorf("recorded info read as %+v", d)
	}
	d, err = ParseDockerInfo([]byte(`{"ServerVersion":"27.1.1","SecurityOptions":["name=apparmor","name=seccomp,profile=builtin","name=userns","name=selinux","name=cgroupns"]}`))
	if err != nil || !d.AppArmor || !d.Seccomp || !d.Userns || !d.SELinux {
		t.Errorf("%+v %v", d, err)
	}
	if _, err := ParseDockerInfo([]byte(`[1]`)); err == nil {
		t.Error("an array is not /info")
	}
}

func TestParseDockerContainer(t *testing.T) {
	daemon, _ := ParseDockerInfo(readRecorded(t, "docker-info.json"))
	tests := []struct {
		file  string
		check func(t *testing.T, c Container)
	}{
		{"docker-privileged.json", func(t *testing.T, c Container) {
			if c.Name != "privileged" || !c.Privileged || c.State != "created" || !c.RunsAsRoot || c.RestartPolicy != "always" {
				t.Errorf("%+v", c)
			}
			if !slices.Equal(c.HostNamespaces, []string{"pid", "ipc", "network", "uts"}) {
				t.Errorf("host namespaces %v", c.HostNamespaces)
			}
			if c.Seccomp != "unconfined" || c.SELinux != "disabled" || !slices.Equal(c.AddedCaps, []string{"ALL"}) {
				t.Errorf("confinement %q %q %v", c.Seccomp, c.SELinux, c.AddedCaps)
			}
			if len(c.Mounts) != 2 || c.Mounts[0].Type != "bind" {
				t.Errorf("mounts %+v", c.Mounts)
			}
		}},
		{"docker-hardened.json", func(t *testing.T, c Container) {
			if c.RunsAsRoot || c.User != "1000:1000" || !c.ReadOnlyRootfs || !c.NoNewPrivileges || c.Seccomp != "default" {
				t.Errorf("%+v", c)
			}
			if c.MemoryLimit != 64<<20 || c.CPUShares != 512 || c.PidsLimit != 100 || !c.Healthcheck || c.RestartMax != 3 || c.NetworkMode != "none" {
				t.Errorf("limits %+v", c)
			}
		}},
		{"docker-ports.json", func(t *testing.T, c Container) {
			want := []PortBinding{{HostPort: 80, ContainerPort: "8080/tcp"}, {HostIP: "127.0.0.1", HostPort: 8443, ContainerPort: "8443/tcp"}}
			if !slices.Equal(c.Ports, want) {
				t.Errorf("ports %+v", c.Ports)
			}
			if !slices.Equal(c.AddedCaps, []string{"SYS_ADMIN"}) || c.Seccomp != "unconfined" || !slices.Equal(c.Devices, []string{"/dev/null"}) {
				t.Errorf("%+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ParseDockerContainer(readRecorded(t, tt.file), daemon)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
	for _, bad := range []string{`{}`, `{"Id":"x"}`, `not json`, `{"Id":"x","Config":null,"HostConfig":{}}`} {
		if _, err := ParseDockerContainer([]byte(bad), daemon); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// TestParseDockerSecurityOpt covers the spellings of --security-opt and
// the daemon-wide options.
func TestParseDockerSecurityOpt(t *testing.T) {
	base := func(opts ...string) []byte {
		data, _ := json.Marshal(map[string]any{"Id": "abc", "Config": map[string]any{"User": "app"}, "HostConfig": map[string]any{"SecurityOpt": opts, "UsernsMode": ""}})
		return data
	}
	tests := []struct {
		name   string
		opts   []string
		daemon DockerDaemon
		want   func(c Container) bool
	}{
		{"seccomp off (old spelling)", []string{"seccomp:unconfined"}, DockerDaemon{Seccomp: true}, func(c Container) bool { return c.Seccomp == "unconfined" }},
		{"custom seccomp", []string{"seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\"}"}, DockerDaemon{Seccomp: true}, func(c Container) bool { return c.Seccomp == "profile" }},
		{"no seccomp in the daemon", nil, DockerDaemon{}, func(c Container) bool { return c.Seccomp == "unconfined" }},
		{"apparmor applied at start", nil, DockerDaemon{AppArmor: true}, func(c Container) bool { return c.AppArmor == "docker-default" }},
		{"apparmor off", []string{"apparmor=unconfined"}, DockerDaemon{AppArmor: true}, func(c Container) bool { return c.AppArmor == "unconfined" }},
		{"label disable", []string{"label=disable"}, DockerDaemon{SELinux: true}, func(c Container) bool { return c.SELinux == "disabled" }},
		{"no-new-privileges bare", []string{"no-new-privileges"}, DockerDaemon{}, func(c Container) bool { return c.NoNewPrivileges }},
		{"no-new-privileges false", []string{"no-new-privileges=false"}, DockerDaemon{NoNewPrivileges: true}, func(c Container) bool { return !c.NoNewPrivileges }},
		{"daemon no-new-privileges", nil, DockerDaemon{NoNewPrivileges: true}, func(c Container) bool { return c.NoNewPrivileges }},
		{"userns-remap", nil, DockerDaemon{Userns: true}, func(c Container) bool { return c.UserNamespaced && !slices.Contains(c.HostNamespaces, "user") }},
	}
	for _, tt := range tests {
		c, err := ParseDockerContainer(base(tt.opts...), tt.daemon)
		if err != nil {
			t.Fatal(err)
		}
		if !tt.want(c) {
			t.Errorf("%s: %+v", tt.name, c)
		}
	}
}

func TestParseContainerdSpec(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, c Container)
	}{
		{"containerd-privileged.json", func(t *testing.T, c Container) {
			if !c.Privileged || !c.RunsAsRoot || c.Seccomp != "unconfined" || !slices.Equal(c.HostNamespaces, []string{"pid", "ipc", "network"}) {
				t.Errorf("%+v", c)
			}
			var binds []string
			for _, m := range c.Mounts {
				if m.Type == "bind" {
					binds = append(binds, m.Source+"→"+m.Destination+":"+m.Propagation)
				}
			}
			if !slices.Contains(binds, "/srv/data→/data:rshared") || !slices.Contains(binds, "/etc→/host/etc:") {
				t.Errorf("binds %v", binds)
			}
		}},
		{"containerd-hardened.json", func(t *testing.T, c Container) {
			if c.Privileged || c.RunsAsRoot || c.User != "1000" || !c.ReadOnlyRootfs || c.Seccomp != "profile" || !c.NoNewPrivileges || c.MemoryLimit != 64<<20 || len(c.AddedCaps) != 0 || len(c.HostNamespaces) != 0 {
				t.Errorf("%+v", c)
			}
		}},
		{"containerd-caps.json", func(t *testing.T, c Container) {
			if c.Privileged || !slices.Equal(c.AddedCaps, []string{"NET_ADMIN", "SYS_ADMIN"}) || c.NoNewPrivileges || c.Seccomp != "unconfined" {
				t.Errorf("%+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ParseContainerdSpec(ContainerdContainer{Namespace: "ns", ID: "x", State: "created", Spec: readRecorded(t, tt.file)})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
	userns := `{"process":{"user":{"uid":0}},"linux":{"uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],"namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"network","path":"/var/run/netns/cni-1"},{"type":"uts"},{"type":"user"}]}}`
	c, err := ParseContainerdSpec(ContainerdContainer{ID: "u", Spec: []byte(userns), Labels: map[string]string{"io.kubernetes.pod.name": "p", "io.kubernetes.pod.namespace": "n", "io.kubernetes.container.name": "c"}})
	if err != nil || !c.UserNamespaced || !c.RunsAsRoot || len(c.HostNamespaces) != 0 || c.Pod != "n/p" || c.State != "unknown" {
		t.Errorf("user namespace spec: %+v %v", c, err)
	}
	for _, bad := range []string{`{}`, `{"process":{}}`, `[`, `{"process":{"user":{"uid":-1}},"linux":{}}`} {
		if _, err := ParseContainerdSpec(ContainerdContainer{ID: "b", Spec: []byte(bad)}); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestContainerRulesHelpers(t *testing.T) {
	for p, want := range map[string]bool{
		"/var/run/docker.sock": true, "/run/docker.sock": true, "/run/containerd/containerd.sock": true,
		"/run/containerd": true, "/var/run": true, "/run/crio/crio.sock": true, "/run/k3s/containerd/containerd.sock": true,
		"/run/containerd/containerd.sock.ttrpc": true, "/run/cri-dockerd.sock": true, "/run/user/1000/podman": true,
		"/run/user/1000/docker.sock": true, "/var/run/dockershim.sock": true, "/run/podman/podman.sock": true,
		// A socket is known by its name wherever the daemon was told to
		// put it (dockerd -H unix:///srv/docker.sock).
		"/srv/docker.sock": true,
		// The runtime's per-pod state below its socket directory is not
		// the socket: containerd bind-mounts each pod's /dev/shm from it.
		"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/0123abcd/shm":     false,
		"/run/k3s/containerd/io.containerd.grpc.v1.cri/sandboxes/0123abcd/shm": false,
		"/run/crio/exits": false,
		"/run/user/1000":  false, "/var/lib/docker": false, "/run/docker": false, "/srv/data": false,
	} {
		if got := isRuntimeSocket(p); got != want {
			t.Errorf("isRuntimeSocket(%s) = %v", p, got)
		}
	}
	own := &Container{ID: "c0ffee", PodUID: "0b7c", SandboxID: "5a4d"}
	for p, want := range map[string]bool{
		// The container's own pod, sandbox and Docker directories.
		"/var/lib/kubelet/pods/0b7c/volumes/kubernetes.io~secret/token":                        true,
		"/var/lib/kubelet/pods/0b7c/etc-hosts":                                                 true,
		"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/5a4d/resolv.conf":             true,
		"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/5a4d/shm":                         true,
		"/var/lib/rancher/k3s/agent/containerd/io.containerd.grpc.v1.cri/sandboxes/5a4d/hosts": true,
		"/var/lib/docker/containers/c0ffee/hosts":                                              true,
		"/var/lib/docker/containers/5a4d/resolv.conf":                                          true,
		"/var/lib/containers/storage/overlay-containers/5a4d/userdata/hostname":                true,
		// Another pod's, another sandbox's, another container's; and the
		// runtime's storage of every container.
		"/var/lib/kubelet/pods/9f9f/volumes/kubernetes.io~secret/token":            false,
		"/var/lib/kubelet/pods/0b7c0/volumes":                                      false,
		"/var/lib/kubelet/pods":                                                    false,
		"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/6e6e/resolv.conf": false,
		"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes":                  false,
		"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs":               false,
		"/var/lib/containerd/io.containerd.content.v1.content/5a4d":                false,
		"/var/lib/docker/containers/beef/config.v2.json":                           false,
		"/var/lib/docker/containers":                                               false,
		"/var/lib/docker/volumes/db/_data":                                         false,
		"/var/lib/kubelet":                                                         false,
		"/etc":                                                                     false,
		"/var/lib/kubelet/pki":                                                     false,
	} {
		if got := runtimeInternal(own, p); got != want {
			t.Errorf("runtimeInternal(%s) = %v", p, got)
		}
	}
	// Without the pod's and sandbox's IDs nothing of the kubelet's or the
	// runtime's is exempt; IDs that are not one path component are ignored.
	for _, c := range []*Container{{ID: "c0ffee"}, {ID: "x", PodUID: "..", SandboxID: "a/b"}} {
		for _, p := range []string{"/var/lib/kubelet/pods/0b7c/volumes", "/var/lib/kubelet/pods", "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/5a4d/shm", "/var/lib/docker/containers/a/b"} {
			if runtimeInternal(c, p) {
				t.Errorf("runtimeInternal(%+v, %s) = true", c, p)
			}
		}
	}
	if got := addedCaps([]string{"CAP_CHOWN", "cap_sys_admin", "NET_ADMIN", "SYS_ADMIN", ""}); !slices.Equal(got, []string{"NET_ADMIN", "SYS_ADMIN"}) {
		t.Errorf("addedCaps %v", got)
	}
	if got := addedCaps([]string{"ALL", "SYS_ADMIN"}); !slices.Equal(got, []string{"ALL"}) {
		t.Errorf("addedCaps ALL %v", got)
	}
	for u, want := range map[string]bool{"": true, "root": true, "0": true, "0:0": true, "root:wheel": true, "1000": false, "app": false, "1000:0": false} {
		if isRootUser(u) != want {
			t.Errorf("isRootUser(%q) = %v", u, !want)
		}
	}
	c := Container{Runtime: "containerd", Namespace: "k8s.io", ID: "0123456789abcdef0123", Pod: "shop/web", KubeContainer: "nginx"}
	if got := c.Label(); got != "containerd k8s.io/0123456789ab (pod shop/web, container nginx)" {
		t.Errorf("label %q", got)
	}
	c = Container{Runtime: "docker", ID: "fedcba9876543210", Name: "db"}
	if got := c.Label(); got != "docker db (fedcba987654)" {
		t.Errorf("label %q", got)
	}
}

// TestContainerResults covers the statuses of the per-rule results: no
// runtime, a runtime that does not answer, no containers, host MAC.
func TestContainerResults(t *testing.T) {
	unconfined := Container{Runtime: "containerd", Namespace: "default", ID: "a", State: "running", Seccomp: "unconfined", RunsAsRoot: true}
	confined := Container{Runtime: "containerd", Namespace: "default", ID: "b", State: "running", Seccomp: "profile", AppArmor: "cri-containerd.apparmor.d", NoNewPrivileges: true, ReadOnlyRootfs: true, MemoryLimit: 1, CPUShares: 2, PidsLimit: 10, User: "1000"}
	ok := []RuntimeInfo{{Name: "containerd", Socket: "/run/containerd/containerd.sock", Containers: 1}}
	tests := []struct {
		name  string
		facts Facts
		want  map[string]Status
	}{
		{"no runtime", Facts{}, map[string]Status{"PAL-RT-505": NotApplicable, "PAL-RT-401": NotApplicable}},
		{"runtime down", Facts{Runtimes: []RuntimeInfo{{Name: "docker", Socket: "/run/docker.sock", Err: "connection refused"}}}, map[string]Status{"PAL-RT-505": Warn}},
		{"no containers", Facts{Runtimes: ok}, map[string]Status{"PAL-RT-505": NotApplicable}},
		{"confined", Facts{Runtimes: ok, Containers: []Container{confined}, Extra: map[string]Setting{"mac.state": {Value: "apparmor"}}},
			map[string]Status{"PAL-RT-502": Pass, "PAL-RT-522": Pass, "PAL-RT-401": Pass, "PAL-RT-503": NotApplicable, "PAL-RT-515": NotApplicable, "PAL-RT-512": Pass}},
		{"unconfined on AppArmor", Facts{Runtimes: ok, Containers: []Container{confined, unconfined}, Extra: map[string]Setting{"mac.state": {Value: "apparmor"}}},
			map[string]Status{"PAL-RT-502": Fail, "PAL-RT-522": Fail, "PAL-RT-401": Fail}},
		{"unconfined without MAC", Facts{Runtimes: ok, Containers: []Container{unconfined}, Extra: map[string]Setting{"mac.state": {Value: "none"}}},
			map[string]Status{"PAL-RT-502": NotApplicable, "PAL-RT-503": NotApplicable}},
		{"Kubernetes container without a CPU request", Facts{Runtimes: ok, Containers: []Container{func() Container { c := confined; c.Pod, c.CPUShares, c.PidsLimit = "shop/web", 2, 0; return c }()}},
			map[string]Status{"PAL-RT-512": Fail, "PAL-RT-529": NotApplicable}},
		{"one runtime down, one fine", Facts{Runtimes: append(slices.Clone(ok), RuntimeInfo{Name: "docker", Socket: "/run/docker.sock", Err: "refused"}), Containers: []Container{confined}},
			map[string]Status{"PAL-RT-505": Warn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := tt.facts.containerResults()
			if len(rs) != len(containerChecks) {
				t.Fatalf("%d results for %d rules", len(rs), len(containerChecks))
			}
			for id, st := range tt.want {
				i := slices.IndexFunc(rs, func(r CheckResult) bool { return r.ID == id })
				if i < 0 || rs[i].Status != st {
					t.Errorf("%s: %+v, want %s", id, rs[i], st)
				}
			}
		})
	}
}

func TestContainerReasonBounded(t *testing.T) {
	f := Facts{Runtimes: []RuntimeInfo{{Name: "docker", Socket: "/run/docker.sock"}}}
	for i := range 12 {
		f.Containers = append(f.Containers, Container{Runtime: "docker", ID: strings.Repeat("a", i+1), Privileged: true, State: "running"})
	}
	for _, r := range f.containerResults() {
		if r.ID != "PAL-RT-505" {
			continue
		}
		if !strings.HasPrefix(r.Reason, "12 of 12 container(s)") || !strings.HasSuffix(r.Reason, "and 7 more") || len(r.Evidence) != 12 {
			t.Errorf("reason %q, %d evidence lines", r.Reason, len(r.Evidence))
		}
	}
}

func FuzzParseDockerContainer(f *testing.F) {
	for _, n := range []string{"docker-privileged.json", "docker-hardened.json", "docker-ports.json"} {
		f.Add(readRecorded(f, n))
	}
	f.Add([]byte(`{"Id":"x","Config":{},"HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":"-1"}]},"PidsLimit":-1}}`))
	f.Add([]byte(`{"ServerVersion":"27.1.1","SecurityOptions":["name=seccomp,profile=unconfined","name=no-new-privileges","name=x,=,,profile"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseDockerContainer(data, DockerDaemon{Seccomp: true, AppArmor: true})
		if err == nil {
			f := Facts{Runtimes: []RuntimeInfo{{Name: "docker"}}, Containers: []Container{c}}
			f.containerResults()
			_ = c.Label()
		}
		_, _ = ParseDockerInfo(data)
	})
}

func FuzzParseContainerdSpec(f *testing.F) {
	for _, n := range []string{"containerd-privileged.json", "containerd-hardened.json", "containerd-caps.json", "containerd-pod.json"} {
		f.Add(readRecorded(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseContainerdSpec(ContainerdContainer{Namespace: "n", ID: "id", Spec: data})
		if err == nil {
			f := Facts{Runtimes: []RuntimeInfo{{Name: "containerd"}}, Containers: []Container{c}}
			f.containerResults()
		}
	})
}

// judgeRule runs the container rule id on c: what is wrong ("" if
// nothing) and why it does not apply ("" if it does).
func judgeRule(t *testing.T, c *Container, id string) (problem, na string) {
	t.Helper()
	for _, cc := range containerChecks {
		if cc.rule.ID == id {
			return cc.judgeContainer(c, hostMAC{})
		}
	}
	t.Fatalf("no container rule %s", id)
	return "", ""
}

// TestContainerdPodMounts judges the spec containerd's CRI wrote for a
// plain pod container (recorded by TestCRIContainers, with the node's
// paths): the kubelet's and the sandbox's mounts are the pod's own, so
// neither PAL-RT-532 nor PAL-RT-506 fires. The same mounts seen from
// another pod, or hostPath volumes of the runtime's or kubelet's state,
// are another matter.
func TestContainerdPodMounts(t *testing.T) {
	spec := readRecorded(t, "containerd-pod.json")
	labels := func(uid string) map[string]string {
		return map[string]string{"io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "shop", "io.kubernetes.pod.uid": uid, "io.kubernetes.container.name": "plain", "io.cri-containerd.kind": "container"}
	}
	parse := func(spec []byte, uid string) *Container {
		t.Helper()
		c, err := ParseContainerdSpec(ContainerdContainer{Namespace: "k8s.io", ID: "9e1c", Labels: labels(uid), State: "running", Spec: spec})
		if err != nil {
			t.Fatal(err)
		}
		return &c
	}
	c := parse(spec, recordedPodUID)
	if c.PodUID != recordedPodUID || !strings.HasPrefix(c.SandboxID, "55f1d41e") || c.Pod != "shop/web" || c.RunsAsRoot {
		t.Fatalf("read as %+v", c)
	}
	var shm bool
	for _, m := range c.Mounts {
		shm = shm || m.Destination == "/dev/shm" && strings.HasPrefix(m.Source, "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/")
	}
	if !shm {
		t.Fatalf("the fixture has no /dev/shm from the sandbox: %+v", c.Mounts)
	}
	for _, id := range []string{"PAL-RT-532", "PAL-RT-506"} {
		if problem, na := judgeRule(t, c, id); problem != "" || na != "" {
			t.Errorf("%s on a plain pod: %q (n/a %q)", id, problem, na)
		}
	}

	// Another pod's UID and sandbox: its mounts are someone else's files.
	var doc map[string]any
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	doc["annotations"].(map[string]any)["io.kubernetes.cri.sandbox-id"] = "0000"
	other, _ := json.Marshal(doc)
	problem, _ := judgeRule(t, parse(other, "1111"), "PAL-RT-506")
	for _, want := range []string{"/etc/hosts", "/dev/shm", "/etc/resolv.conf", "/var/run/secrets/kubernetes.io/serviceaccount"} {
		if !strings.Contains(problem, " at "+want+" ") {
			t.Errorf("PAL-RT-506 for another pod's mounts does not name %s: %q", want, problem)
		}
	}

	// hostPath volumes of every container's files and another pod's
	// Secrets, next to the pod's own mounts.
	mounts := doc["mounts"].([]any)
	for _, src := range []string{"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs", "/var/lib/kubelet/pods/0b7c5a2e/volumes/kubernetes.io~secret/db", "/var/lib/docker/containers"} {
		mounts = append(mounts, map[string]any{"destination": "/host" + src, "type": "bind", "source": src, "options": []string{"rbind", "ro"}})
	}
	doc["annotations"].(map[string]any)["io.kubernetes.cri.sandbox-id"] = c.SandboxID
	doc["mounts"] = mounts
	hostPaths, _ := json.Marshal(doc)
	problem, _ = judgeRule(t, parse(hostPaths, recordedPodUID), "PAL-RT-506")
	if n := strings.Count(problem, "; ") + 1; n != 3 || !strings.Contains(problem, "io.containerd.snapshotter.v1.overlayfs at") || !strings.Contains(problem, "kubernetes.io~secret/db at") {
		t.Errorf("PAL-RT-506 for hostPath volumes: %q, want exactly the 3 of them", problem)
	}
}
