package live

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSysctlStore: a test process killed with its kubelet's settings in
// place has them undone by the next node to start, nodes of processes
// that run at once share the originals, and the last to stop restores
// them; all on a directory standing for /proc/sys.
func TestSysctlStore(t *testing.T) {
	procSys := t.TempDir()
	set := func(v string) {
		for _, k := range kubeletSysctls {
			p := filepath.Join(procSys, k)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(step, want string) {
		t.Helper()
		for _, k := range kubeletSysctls {
			got, err := os.ReadFile(filepath.Join(procSys, k))
			if err != nil || strings.TrimSpace(string(got)) != want {
				t.Fatalf("%s: %s = %q (%v), want %q", step, k, got, err, want)
			}
		}
	}
	alive := map[int]bool{}
	s := sysctlStore{ProcSys: procSys, Dir: filepath.Join(t.TempDir(), "state"), Alive: func(pid int, start string) bool {
		return alive[pid] && start == "s"
	}}

	set("0")
	alive[100] = true
	orig, restored, err := s.Save(savedSysctls{PID: 100, Start: "s", CgroupRoot: "/palisade-live-x"})
	if err != nil || orig["kernel/panic"] != "0" || len(restored) != 0 {
		t.Fatalf("first save: %v %v %v", orig, restored, err)
	}
	set("1") // its kubelet started, then the test was killed
	alive[100] = false

	alive[200] = true
	orig, restored, err = s.Save(savedSysctls{PID: 200, Start: "s"})
	if err != nil || len(restored) != 1 || restored[0].PID != 100 || restored[0].CgroupRoot != "/palisade-live-x" || orig["kernel/panic_on_oops"] != "0" {
		t.Fatalf("save after a killed run: %v %v %v", orig, restored, err)
	}
	check("after a killed run", "0")
	set("1")

	// A second process while the first runs takes its originals, not
	// the first kubelet's values.
	alive[300] = true
	orig3, restored, err := s.Save(savedSysctls{PID: 300, Start: "s"})
	if err != nil || len(restored) != 0 || orig3["vm/overcommit_memory"] != "0" {
		t.Fatalf("save beside a running node: %v %v %v", orig3, restored, err)
	}
	check("beside a running node", "1")
	if err := s.Release(300, orig3); err != nil {
		t.Fatal(err)
	}
	alive[300] = false
	check("the first node still runs", "1")
	if err := s.Release(200, orig); err != nil {
		t.Fatal(err)
	}
	check("the last node stopped", "0")
	if left, _ := os.ReadDir(s.Dir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}

	// A damaged file is an error, not originals silently lost.
	if err := os.WriteFile(filepath.Join(s.Dir, "sysctls-7.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Save(savedSysctls{PID: 400, Start: "s"}); err == nil {
		t.Error("a damaged file was ignored")
	}
}

func TestProcessStart(t *testing.T) {
	start := processStart(os.Getpid())
	if start == "" || !processAlive(os.Getpid(), start) {
		t.Errorf("this process: start %q", start)
	}
	if processAlive(os.Getpid(), start+"1") {
		t.Error("a different start time counts as the same process")
	}
}
