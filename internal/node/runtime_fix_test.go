package node

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDockerInfoSeccompProfile reads the daemon's seccomp-profile and
// no-new-privileges from /info, as containers without their own option
// get them.
func TestDockerInfoSeccompProfile(t *testing.T) {
	tests := []struct {
		opts    string
		seccomp string
		nnp     bool
	}{
		{`"name=seccomp,profile=builtin"`, "default", false},
		{`"name=seccomp,profile=default"`, "default", false}, // before Docker 20.10
		{`"name=seccomp,profile=unconfined"`, "unconfined", false},
		{`"name=seccomp,profile=/etc/docker/seccomp.json"`, "profile", false},
		{`"name=apparmor"`, "unconfined", false}, // no seccomp in the kernel
		{`"name=seccomp,profile=builtin","name=no-new-privileges"`, "default", true},
	}
	for _, tt := range tests {
		d, err := ParseDockerInfo([]byte(`{"ServerVersion":"27.1.1","SecurityOptions":[` + tt.opts + `]}`))
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseDockerContainer([]byte(`{"Id":"abc","Config":{"User":"app"},"HostConfig":{}}`), d)
		if err != nil {
			t.Fatal(err)
		}
		if c.Seccomp != tt.seccomp || c.NoNewPrivileges != tt.nnp {
			t.Errorf("%s: container seccomp %q, no-new-privileges %v; want %q, %v", tt.opts, c.Seccomp, c.NoNewPrivileges, tt.seccomp, tt.nnp)
		}
		// A container's own option still wins.
		c, _ = ParseDockerContainer([]byte(`{"Id":"abc","Config":{},"HostConfig":{"SecurityOpt":["seccomp=unconfined"]}}`), d)
		if c.Seccomp != "unconfined" {
			t.Errorf("%s: seccomp=unconfined read as %q", tt.opts, c.Seccomp)
		}
	}
	if problem, _ := judgeRule(t, &Container{Runtime: "docker", Seccomp: DockerDaemon{Seccomp: true, SeccompProfile: "unconfined"}.seccomp()}, "PAL-RT-522"); problem == "" {
		t.Error("PAL-RT-522 passes a daemon with seccomp-profile unconfined")
	}
}

// TestOwnAuditPod leaves out only the containers of the pod whose UID
// node audit was given: a pod that takes the audit pod's name is judged.
func TestOwnAuditPod(t *testing.T) {
	cs := []Container{
		{ID: "a", Pod: "palisade/palisade-node-audit-x7k2p", KubeContainer: "audit", PodUID: "self", State: "running"},
		{ID: "b", Pod: "palisade/palisade-node-audit-x7k2p", KubeContainer: "done", PodUID: "self", State: "exited"},
		{ID: "c", Pod: "evil/palisade-node-audit-fake", KubeContainer: "audit", PodUID: "other", State: "running", Privileged: true},
		{ID: "d", State: "running"},
	}
	ids := func(cs []Container) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	tests := []struct {
		opts    CollectOptions
		want    []string
		skipped string
	}{
		{CollectOptions{SelfPodUID: "self"}, []string{"c", "d"}, "2 container(s) of palisade's own node-audit pod"},
		{CollectOptions{}, []string{"a", "b", "c", "d"}, ""},
		{CollectOptions{SelfPodUID: "self", RunningContainersOnly: true}, []string{"c", "d"}, "2 container(s)"},
		{CollectOptions{RunningContainersOnly: true}, []string{"a", "c", "d"}, ""},
	}
	for _, tt := range tests {
		c := &collector{opts: tt.opts}
		var rt RuntimeInfo
		got := c.keepContainers(&rt, slices.Clone(cs))
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("%+v: kept %v, want %v", tt.opts, ids(got), tt.want)
		}
		if skipped := strings.Join(rt.Skipped, "; "); tt.skipped == "" && skipped != "" || !strings.Contains(skipped, tt.skipped) {
			t.Errorf("%+v: skipped %q, want %q", tt.opts, skipped, tt.skipped)
		}
	}
}

// fakeDockerAPI serves handler on a unix socket, as dockerd does.
func fakeDockerAPI(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler)
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return sock
}

// TestDockerNotFound tells a container, exec session or image that went
// away (404) from a daemon that failed to answer (500), whose IDs may
// well contain "404".
func TestDockerNotFound(t *testing.T) {
	fail := func(w http.ResponseWriter, code int) {
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"message":"status %d"}`, code)
	}
	inspect := func(id, image string, execs ...string) string {
		data, _ := json.Marshal(map[string]any{"Id": id, "Image": "sha256:1111", "ExecIDs": execs, "State": map[string]any{"Status": "exited"}, "Config": map[string]any{"Image": image}, "HostConfig": map[string]any{}})
		return string(data)
	}
	sock := fakeDockerAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch p := strings.TrimPrefix(r.URL.Path, "/v1.41"); p {
		case "/info":
			fmt.Fprint(w, `{"ServerVersion":"27.1.1","SecurityOptions":["name=seccomp,profile=builtin"]}`)
		case "/containers/json":
			fmt.Fprint(w, `[{"Id":"a404gone"},{"Id":"b404fails"},{"Id":"c404ok"}]`)
		case "/containers/a404gone/json":
			fail(w, http.StatusNotFound)
		case "/containers/b404fails/json":
			fail(w, http.StatusInternalServerError)
		case "/containers/c404ok/json":
			fmt.Fprint(w, inspect("c404ok", "app:1", "e404gone", "f404fails"))
		case "/exec/e404gone/json":
			fail(w, http.StatusNotFound)
		case "/exec/f404fails/json":
			fail(w, http.StatusServiceUnavailable)
		case "/images/app:1/json":
			fail(w, http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	})
	cs, _, errs, err := DockerContainers(context.Background(), sock, DockerDaemon{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].ID != "c404ok" {
		t.Fatalf("containers %+v", cs)
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"container b404fails: GET /containers/b404fails/json: 500", "exec f404fails: GET /exec/f404fails/json: 503", "reading image app:1: GET /images/app:1/json: 500"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors %q do not report %q", all, want)
		}
	}
	if strings.Contains(all, "a404gone") || strings.Contains(all, "e404gone") || len(errs) != 3 {
		t.Errorf("errors %q: want the three failures and nothing of what went away", all)
	}
}

// TestReadFIFO refuses what is not a regular file, without waiting for a
// writer that never comes.
func TestReadFIFO(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"/etc/containerd/config.toml":                  "version = 2\n",
		"/etc/containerd/certs.d/docker.io/hosts.toml": "[host.\"http://mirror.corp\"]\n",
		"/etc/systemd/system/containerd.service":       "[Service]\nExecStart=/usr/bin/containerd\n",
	})
	fifo := filepath.Join(root, "etc/containerd/certs.d/registry.corp/hosts.toml")
	os.MkdirAll(filepath.Dir(fifo), 0o755)
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var readErr error
	var res *Result
	var facts *Facts
	go func() {
		defer close(done)
		_, readErr = RootFS{Dir: root}.ReadFile("/etc/containerd/certs.d/registry.corp/hosts.toml")
		var checks []*Check
		for _, c := range Checks() {
			if c.ID == "PAL-RT-307" {
				checks = append(checks, c)
			}
		}
		res, facts, _ = Audit(Options{Root: root, Checks: checks, Collect: CollectOptions{NoProc: true, NoCerts: true}})
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("reading a FIFO under the root blocks")
	}
	if readErr == nil || !strings.Contains(readErr.Error(), "/etc/containerd/certs.d/registry.corp/hosts.toml is not a regular file (a named pipe)") {
		t.Errorf("reading a FIFO: %v", readErr)
	}
	if res == nil {
		t.Fatal("no result")
	}
	if r := resultByID(res, "PAL-RT-307"); r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, "\n"), "plain HTTP endpoint http://mirror.corp") {
		t.Errorf("PAL-RT-307 next to a FIFO: %s %q %v", r.Status, r.Reason, r.Evidence)
	}
	if !slices.ContainsFunc(facts.Errors, func(e string) bool { return strings.Contains(e, "registry.corp/hosts.toml is not a regular file") }) {
		t.Errorf("the FIFO is not reported: %v", facts.Errors)
	}
}

// TestParseContainerdUserAndDevices: a user name in the OCI spec is
// Windows', uid 0 is root; device access letters come in any order.
func TestParseContainerdUserAndDevices(t *testing.T) {
	spec := func(user, access string) []byte {
		return []byte(`{"process":{"user":{"uid":0` + user + `},"capabilities":{"bounding":["CAP_SYS_ADMIN"]}},"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"access":"` + access + `"}]}}}`)
	}
	for _, tt := range []struct {
		user, access     string
		root, privileged bool
	}{
		{`,"username":"nobody"`, "rwm", true, true},
		{"", "mrw", true, true},
		{"", "wmr", true, true},
		{"", "rw", true, false},
		{"", "r", true, false},
	} {
		c, err := ParseContainerdSpec(ContainerdContainer{ID: "x", Spec: spec(tt.user, tt.access)})
		if err != nil {
			t.Fatal(err)
		}
		if c.RunsAsRoot != tt.root || c.Privileged != tt.privileged || c.User != "0" {
			t.Errorf("user %s, access %q: root %v, privileged %v, user %q", tt.user, tt.access, c.RunsAsRoot, c.Privileged, c.User)
		}
	}
}
