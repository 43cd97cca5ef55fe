package node

import (
	"slices"
	"strings"
	"testing"

	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// Parsers of the responses recorded from the real dockerd by
// TestDockerContainers (PALISADE_RECORD_RUNTIME=1), and of CRI data.

func TestParseDockerTopAndExec(t *testing.T) {
	procs, err := ParseDockerTop(readRecorded(t, "docker-sshd-top.json"))
	if err != nil || !slices.Equal(procs, []string{"app", "sshd"}) {
		t.Errorf("top: %v %v", procs, err)
	}
	// Podman's top names the column COMMAND; sshd renames its children.
	procs, err = ParseDockerTop([]byte(`{"Titles":["USER","PID","COMMAND"],"Processes":[["root","1","sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"],["root","7","/bin/sh"],["root","8",""],["x"],["root","9","[app] <defunct>"]]}`))
	if err != nil || !slices.Equal(procs, []string{"app", "sh", "sshd"}) {
		t.Errorf("podman top: %v %v", procs, err)
	}
	for _, bad := range []string{`[]`, `{"Titles":["PID"],"Processes":[["1"]]}`, `nope`} {
		if _, err := ParseDockerTop([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	e, err := ParseDockerExec(readRecorded(t, "docker-exec-privileged.json"))
	if err != nil || !e.Privileged || e.Program != "app" || isRootExecUser(e.User) {
		t.Errorf("privileged exec read as %+v, %v", e, err)
	}
	e, err = ParseDockerExec(readRecorded(t, "docker-exec-root.json"))
	if err != nil || e.Privileged || !isRootExecUser(e.User) || !e.Running {
		t.Errorf("root exec read as %+v, %v", e, err)
	}
	for _, bad := range []string{`{}`, `{"ID":"x"}`, `[`} {
		if _, err := ParseDockerExec([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	c, err := ParseDockerContainer(readRecorded(t, "docker-sshd.json"), DockerDaemon{})
	if err != nil || c.State != "running" || len(c.execIDs) != 2 || !strings.HasPrefix(c.ImageID, "sha256:") {
		t.Errorf("sshd container read as %+v, %v", c, err)
	}
	for u, root := range map[string]bool{"": false, "root": true, "0": true, "0:0": true, "1000": false, "app": false} {
		if isRootExecUser(u) != root {
			t.Errorf("isRootExecUser(%q) = %v", u, !root)
		}
	}
}

func TestCmdlineAndCgroup(t *testing.T) {
	for in, want := range map[string]string{
		"/usr/sbin/sshd\x00-D\x00":        "sshd",
		"sshd: root@pts/0\x00\x00":        "sshd",
		"nginx: master process nginx\x00": "nginx",
		"":                                "",
		"/\x00":                           "",
	} {
		if got := cmdlineProgram([]byte(in)); got != want {
			t.Errorf("cmdlineProgram(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"0::/kubepods.slice/pod1/cri-containerd-ab.scope\n":                  "/sys/fs/cgroup/kubepods.slice/pod1/cri-containerd-ab.scope/cgroup.procs",
		"12:pids:/kubepods/pod1/ab\n11:memory:/kubepods/pod1/ab\n":           "/sys/fs/cgroup/pids/kubepods/pod1/ab/cgroup.procs",
		"4:cpu,cpuacct:/x\n3:memory:/docker/ab\n1:name=systemd:/docker/ab\n": "/sys/fs/cgroup/memory/docker/ab/cgroup.procs",
		"0::/../../other\n": "",
		"garbage":           "",
	} {
		if got := cgroupProcsFile([]byte(in)); got != want {
			t.Errorf("cgroupProcsFile(%q) = %q, want %q", in, got, want)
		}
	}
	if got := parsePids([]byte("1\n22\nx\n-3\n")); !slices.Equal(got, []uint32{1, 22}) {
		t.Errorf("parsePids: %v", got)
	}
}

// TestParseCRIContainer covers both ways a CRI container is read: the OCI
// spec of the verbose info, and the status alone, whose gaps make rules
// n/a rather than pass.
func TestParseCRIContainer(t *testing.T) {
	hostNet := &runtimeapi.PodSandboxStatus{
		Metadata: &runtimeapi.PodSandboxMetadata{Name: "web", Namespace: "shop"},
		Linux: &runtimeapi.LinuxPodSandboxStatus{Namespaces: &runtimeapi.Namespace{Options: &runtimeapi.NamespaceOption{
			Network: runtimeapi.NamespaceMode_NODE, Pid: runtimeapi.NamespaceMode_CONTAINER,
		}}},
	}
	status := &runtimeapi.ContainerStatus{
		Id: "abc", Metadata: &runtimeapi.ContainerMetadata{Name: "nginx"}, State: runtimeapi.ContainerState_CONTAINER_RUNNING,
		Image: &runtimeapi.ImageSpec{Image: "nginx:1"},
		Mounts: []*runtimeapi.Mount{
			{ContainerPath: "/host", HostPath: "/etc", Propagation: runtimeapi.MountPropagation_PROPAGATION_BIDIRECTIONAL},
			{ContainerPath: "/data", HostPath: "/srv", Readonly: true},
		},
		Resources: &runtimeapi.ContainerResources{Linux: &runtimeapi.LinuxContainerResources{MemoryLimitInBytes: 1 << 20, CpuShares: 2}},
		User:      &runtimeapi.ContainerUser{Linux: &runtimeapi.LinuxContainerUser{Uid: 0}},
	}
	c, pid, err := ParseCRIContainer(CRIContainer{Runtime: "cri-o", Status: status, Sandbox: hostNet})
	if err != nil || pid != 0 {
		t.Fatal(err, pid)
	}
	if c.Runtime != "cri-o" || c.Pod != "shop/web" || c.KubeContainer != "nginx" || c.State != "running" || !c.RunsAsRoot || c.MemoryLimit != 1<<20 {
		t.Errorf("read as %+v", c)
	}
	if !slices.Equal(c.HostNamespaces, []string{"network"}) || len(c.Mounts) != 2 || c.Mounts[0].Propagation != "rshared" || !c.Mounts[1].ReadOnly {
		t.Errorf("namespaces %v, mounts %+v", c.HostNamespaces, c.Mounts)
	}
	f := &Facts{Containers: []Container{c}, Runtimes: []RuntimeInfo{{Name: "cri-o", Socket: "/run/crio/crio.sock", Containers: 1}}}
	res := map[string]CheckResult{}
	for _, r := range f.containerResults() {
		res[r.ID] = r
	}
	for id, want := range map[string]Status{
		"PAL-RT-401": Fail, "PAL-RT-506": Fail, "PAL-RT-510": Fail, "PAL-RT-516": Pass,
		"PAL-RT-505": NotApplicable, "PAL-RT-504": NotApplicable, "PAL-RT-513": NotApplicable, "PAL-RT-522": NotApplicable, "PAL-RT-520": NotApplicable,
	} {
		if res[id].Status != want {
			t.Errorf("%s: %s (%s), want %s", id, res[id].Status, res[id].Reason, want)
		}
	}
	if r := res["PAL-RT-505"]; !strings.Contains(r.Reason, "cri-o does not report privileged") {
		t.Errorf("PAL-RT-505 reason %q", r.Reason)
	}

	// With the OCI spec in the verbose info (containerd's and CRI-O's).
	spec := readRecorded(t, "containerd-privileged.json")
	c, pid, err = ParseCRIContainer(CRIContainer{Runtime: "cri-o", Status: status, Info: `{"pid":42,"runtimeSpec":` + string(spec) + `}`, Sandbox: hostNet})
	if err != nil || pid != 42 || !c.Privileged || len(c.Unknown) != 0 || c.Runtime != "cri-o" || c.Namespace != "" {
		t.Errorf("from the spec: %+v pid %d %v", c, pid, err)
	}
	for _, bad := range []CRIContainer{{}, {Status: &runtimeapi.ContainerStatus{}}, {Status: status, Info: "{"}, {Status: status, Info: `{"runtimeSpec":{"process":null}}`}} {
		if _, _, err := ParseCRIContainer(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestNewContainerRules judges the rules of CIS 5.7, 5.9, 5.19, 5.23-5.25
// and 5.28 on made-up containers.
func TestNewContainerRules(t *testing.T) {
	running := Container{Runtime: "docker", ID: "a", Name: "web", State: "running", ProcessesListed: true, Processes: []string{"nginx"}, ImageID: "sha256:1111", CurrentImageID: "sha256:1111", Seccomp: "default"}
	tests := []struct {
		name   string
		tweak  func(c *Container)
		status map[string]Status
		text   map[string]string
	}{
		{"clean running container", func(*Container) {}, map[string]Status{
			"PAL-RT-507": Pass, "PAL-RT-509": Pass, "PAL-RT-519": Pass, "PAL-RT-523": Pass, "PAL-RT-524": Pass, "PAL-RT-525": Pass, "PAL-RT-528": Pass,
		}, nil},
		{"everything to confirm or fix", func(c *Container) {
			c.Processes = []string{"nginx", "sshd"}
			c.Ports = []PortBinding{{HostPort: 8080, ContainerPort: "80/tcp"}, {HostIP: "10.0.0.1", HostPort: 443, ContainerPort: "443/tcp"}}
			c.Ulimits = []string{"nofile=10:20"}
			c.Execs = []ContainerExec{{ID: "e1", Program: "sh", Privileged: true}, {ID: "e2", Program: "bash", User: "0:0"}, {ID: "e3", User: "1000"}}
			c.CgroupParent = "/custom"
			c.CurrentImageID = "sha256:2222"
			c.Image = "web:1"
		}, map[string]Status{
			"PAL-RT-507": Fail, "PAL-RT-509": Manual, "PAL-RT-519": Warn, "PAL-RT-523": Fail, "PAL-RT-524": Fail, "PAL-RT-525": Warn, "PAL-RT-528": Warn,
		}, map[string]string{
			"PAL-RT-509": "0.0.0.0:8080 → 80/tcp, 10.0.0.1:443 → 443/tcp", "PAL-RT-523": "privileged exec sh (e1)",
			"PAL-RT-524": `exec bash (e2) as user "0:0"`, "PAL-RT-525": "cgroup parent /custom", "PAL-RT-528": "runs sha256:1111, but web:1 now names sha256:2222",
		}},
		{"stopped container, image gone", func(c *Container) {
			c.State, c.ProcessesListed, c.Processes, c.CurrentImageID = "exited", false, nil, ""
		}, map[string]Status{"PAL-RT-507": NotApplicable, "PAL-RT-528": NotApplicable}, nil},
		{"containerd container", func(c *Container) {
			c.Runtime = "containerd"
		}, map[string]Status{"PAL-RT-507": Pass, "PAL-RT-509": NotApplicable, "PAL-RT-519": NotApplicable, "PAL-RT-523": NotApplicable, "PAL-RT-525": NotApplicable, "PAL-RT-528": NotApplicable}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := running
			tt.tweak(&c)
			f := &Facts{Containers: []Container{c}, Runtimes: []RuntimeInfo{{Name: c.Runtime, Socket: "/run/x.sock", Containers: 1}}}
			res := map[string]CheckResult{}
			for _, r := range f.containerResults() {
				res[r.ID] = r
			}
			for id, want := range tt.status {
				if res[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, res[id].Status, res[id].Reason, want)
				}
			}
			for id, text := range tt.text {
				if all := res[id].Reason + strings.Join(res[id].Evidence, "\n"); !strings.Contains(all, text) {
					t.Errorf("%s: %q does not name %q", id, all, text)
				}
			}
			for _, x := range JudgeContainers(f) {
				if x.Rule.ID == "PAL-RT-509" {
					t.Error("a manual list of ports is not a finding")
				}
			}
		})
	}
}
