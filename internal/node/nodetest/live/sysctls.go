package live

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The kubelet changes kernel settings of the whole machine at start
// (kubeletSysctls). The node's teardown puts them back, but a test that
// dies (go test -timeout, SIGKILL) runs no teardown: so the values from
// before are kept in a file per test process, and the next node to
// start restores them from the file of a process that is gone before it
// reads the machine's settings, which would otherwise be the dead
// kubelet's. Nodes of test processes that run at once share the
// originals, and the last to stop restores them.

// kubeletSysctls are the kernel settings a kubelet sets at start (unless
// protectKernelDefaults, which refuses to start instead): a panic
// reboots after 10 s, an oops panics, memory is always overcommitted.
var kubeletSysctls = []string{
	"vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops",
	"kernel/keys/root_maxkeys", "kernel/keys/root_maxbytes",
}

// sysctlStore keeps the originals in Dir (cleared at boot, as the
// settings are), one file per test process.
type sysctlStore struct {
	// ProcSys is where the settings are: /proc/sys.
	ProcSys string
	Dir     string
	// Alive says whether the process pid, started at start, still runs.
	Alive func(pid int, start string) bool
}

var hostSysctls = sysctlStore{ProcSys: "/proc/sys", Dir: "/run/palisade-live", Alive: processAlive}

// savedSysctls is one test process's file.
type savedSysctls struct {
	PID int `json:"pid"`
	// Start is the process's start time, which a later process with
	// the same PID does not share.
	Start   string            `json:"start"`
	Sysctls map[string]string `json:"sysctls"`
	// What else the node of a killed process leaves: its directory, its
	// cgroup root and its containerd's socket, which its shims name.
	Dir        string `json:"dir,omitempty"`
	CgroupRoot string `json:"cgroupRoot,omitempty"`
	Socket     string `json:"socket,omitempty"`
}

// Save records the settings to restore when the node of process
// rec.PID stops: it first restores those of processes that died with
// their node running, then takes the originals a running one recorded,
// else the machine's current settings. It returns the records of the
// dead processes whose settings it restored, for the caller to remove
// what else their nodes left.
func (s sysctlStore) Save(rec savedSysctls) (map[string]string, []savedSysctls, error) {
	pid := rec.PID
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, nil, err
	}
	files, err := s.files()
	if err != nil {
		return nil, nil, err
	}
	var originals map[string]string
	var restored []savedSysctls
	var errs []error
	for _, f := range files {
		if f.PID == pid {
			continue
		}
		if s.Alive(f.PID, f.Start) {
			originals = f.Sysctls
			continue
		}
		if err := s.restore(f.Sysctls); err != nil {
			errs = append(errs, fmt.Errorf("restoring the settings test process %d left: %w", f.PID, err))
			continue
		}
		restored = append(restored, f)
		_ = os.Remove(s.path(f.PID))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, restored, err
	}
	if originals == nil {
		originals = s.read()
	}
	rec.Sysctls = originals
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, restored, err
	}
	tmp := s.path(pid) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return nil, restored, err
	}
	return originals, restored, os.Rename(tmp, s.path(pid))
}

// Release restores the originals when no other test process runs a
// node, and removes pid's file.
func (s sysctlStore) Release(pid int, originals map[string]string) error {
	files, err := s.files()
	if err != nil {
		return err
	}
	for _, f := range files {
		if f.PID != pid && s.Alive(f.PID, f.Start) {
			// Its kubelet still runs: the last one restores.
			return os.Remove(s.path(pid))
		}
	}
	if err := s.restore(originals); err != nil {
		return err
	}
	if err := os.Remove(s.path(pid)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

func (s sysctlStore) path(pid int) string {
	return filepath.Join(s.Dir, "sysctls-"+strconv.Itoa(pid)+".json")
}

// files reads the saved files, oldest process first; unreadable ones
// are an error, not skipped, as they may hold the only originals.
func (s sysctlStore) files() ([]savedSysctls, error) {
	names, err := filepath.Glob(filepath.Join(s.Dir, "sysctls-*.json"))
	if err != nil {
		return nil, err
	}
	var out []savedSysctls
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var f savedSysctls
		if err := json.Unmarshal(data, &f); err != nil || f.PID <= 0 {
			return nil, fmt.Errorf("%s is not a record of kernel settings (%v): restore %s by hand and remove it", name, err, strings.Join(kubeletSysctls, ", "))
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b savedSysctls) int { return a.PID - b.PID })
	return out, nil
}

// read reads kubeletSysctls.
func (s sysctlStore) read() map[string]string {
	out := map[string]string{}
	for _, k := range kubeletSysctls {
		if v, err := os.ReadFile(filepath.Join(s.ProcSys, k)); err == nil {
			out[k] = strings.TrimSpace(string(v))
		}
	}
	return out
}

// restore writes back the settings that differ from saved.
func (s sysctlStore) restore(saved map[string]string) error {
	var errs []error
	for k, v := range saved {
		if !slices.Contains(kubeletSysctls, k) {
			continue // a file never names another setting
		}
		p := filepath.Join(s.ProcSys, k)
		now, err := os.ReadFile(p)
		if err == nil && strings.TrimSpace(string(now)) == v {
			continue
		}
		if err := os.WriteFile(p, []byte(v+"\n"), 0o644); err != nil {
			errs = append(errs, fmt.Errorf("restoring %s to %s: %w", k, v, err))
		}
	}
	return errors.Join(errs...)
}

// processStart is the start time of process pid (field 22 of
// /proc/PID/stat, after the command's name in parentheses).
func processStart(pid int) string {
	data, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return ""
	}
	i := strings.LastIndexByte(string(data), ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 20 {
		return ""
	}
	return f[19]
}

func processAlive(pid int, start string) bool {
	return start != "" && processStart(pid) == start
}
