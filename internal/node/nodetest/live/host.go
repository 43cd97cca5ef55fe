package live

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// What a node leaves on the host outside its directory, and how the
// teardown finds and removes it: mounts (the kubelet's rshared bind of
// its root, containers' root file systems, sandboxes' /dev/shm), cgroups
// under the node's own cgroup root, containerd's shims, which outlive
// containerd by design, and the kernel settings the kubelet changes.

// mountinfoFields is one mountinfo line split on spaces, with the kernel's
// octal escapes (\040 for a space) undone.
func mountinfoFields(line string) []string {
	f := strings.Fields(line)
	for i, s := range f {
		if strings.Contains(s, `\`) {
			if u, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`); err == nil {
				f[i] = u
			}
		}
	}
	return f
}

// mountsUnder lists the mount points at or below dir, deepest first.
func mountsUnder(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		fields := mountinfoFields(s.Text())
		if len(fields) < 5 {
			continue
		}
		mp := fields[4]
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	return out, s.Err()
}

// unmountAll detaches every mount at or below dir and says which remain.
func unmountAll(dir string) ([]string, error) {
	for range 5 {
		mps, err := mountsUnder(dir)
		if err != nil || len(mps) == 0 {
			return nil, err
		}
		for _, mp := range mps {
			_ = syscall.Unmount(mp, syscall.MNT_DETACH)
		}
	}
	return mountsUnder(dir)
}

// cgroupMounts are the mount points of the cgroup hierarchies (v1
// controllers, the named systemd one, the unified one).
func cgroupMounts() ([]string, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		fields := mountinfoFields(line)
		i := slices.Index(fields, "-")
		if i < 0 || i+1 >= len(fields) {
			continue
		}
		if t := fields[i+1]; t == "cgroup" || t == "cgroup2" {
			out = append(out, fields[4])
		}
	}
	return out, nil
}

// makeCgroupRoot creates the cgroup name in every hierarchy, as the
// kubelet's cgroupRoot must exist; a cpuset gets its parent's CPUs and
// memory nodes, which a new v1 cpuset lacks.
func makeCgroupRoot(name string) error {
	mounts, err := cgroupMounts()
	if err != nil {
		return err
	}
	if len(mounts) == 0 {
		return errors.New("no cgroup hierarchy is mounted")
	}
	for _, m := range mounts {
		dir := filepath.Join(m, name)
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating cgroup %s: %w", dir, err)
		}
		for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
			if v, err := os.ReadFile(filepath.Join(m, f)); err == nil {
				if err := os.WriteFile(filepath.Join(dir, f), v, 0o644); err != nil {
					return fmt.Errorf("setting %s of %s: %w", f, dir, err)
				}
			}
		}
	}
	return nil
}

// removeCgroupRoot removes the cgroup name and everything below it in
// every hierarchy, deepest first, after killing what runs in it; it
// retries for up to wait while killed processes exit.
func removeCgroupRoot(name string, wait time.Duration) error {
	mounts, err := cgroupMounts()
	if err != nil {
		return err
	}
	var last error
	deadline := time.Now().Add(wait)
	for {
		last = nil
		_, _ = killCgroup(name)
		for _, m := range mounts {
			var dirs []string
			_ = filepath.WalkDir(filepath.Join(m, name), func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					dirs = append(dirs, p)
				}
				return nil
			})
			slices.SortStableFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
			for _, d := range dirs {
				if err := syscall.Rmdir(d); err != nil && !errors.Is(err, syscall.ENOENT) {
					last = fmt.Errorf("removing cgroup %s: %w", d, err)
				}
			}
		}
		if last == nil || time.Now().After(deadline) {
			return last
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// killCgroup ends every process in the cgroup name and below it, in
// every hierarchy: the containers whose shims or runtime are gone, which
// would keep the cgroups busy. cgroup v2 kills a whole tree at once
// (cgroup.kill); on v1 each process is killed, after thawing a frozen
// cgroup (a paused container), which would not die otherwise. It says
// which processes it killed.
func killCgroup(name string) ([]int, error) {
	if strings.Trim(name, "/") == "" {
		return nil, fmt.Errorf("%q is not a node's own cgroup", name)
	}
	mounts, err := cgroupMounts()
	if err != nil {
		return nil, err
	}
	var killed []int
	for _, m := range mounts {
		root := filepath.Join(m, name)
		if err := os.WriteFile(filepath.Join(root, "cgroup.kill"), []byte("1"), 0o644); err == nil {
			continue
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			_ = os.WriteFile(filepath.Join(p, "freezer.state"), []byte("THAWED"), 0o644)
			data, err := os.ReadFile(filepath.Join(p, "cgroup.procs"))
			if err != nil {
				return nil
			}
			for _, f := range strings.Fields(string(data)) {
				pid, err := strconv.Atoi(f)
				if err != nil || pid == os.Getpid() || slices.Contains(killed, pid) {
					continue
				}
				if syscall.Kill(pid, syscall.SIGKILL) == nil {
					killed = append(killed, pid)
				}
			}
			return nil
		})
	}
	return killed, nil
}

// killShims ends containerd shims (and anything else) whose command line
// names the socket: shims of this node's containerd, left by a crash.
func killShims(socket string) []int {
	ents, _ := os.ReadDir("/proc")
	var killed []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), "containerd-shim") {
			continue
		}
		if slices.Contains(strings.Split(string(cmdline), "\x00"), socket) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed = append(killed, pid)
		}
	}
	return killed
}

// logLinks is where a kubelet links its containers' logs, whatever its
// configuration says.
const logLinks = "/var/log/containers"

// removeLogLinks removes the kubelet's links in logLinks that point into
// podLogs.
func removeLogLinks(podLogs string) {
	ents, _ := os.ReadDir(logLinks)
	for _, e := range ents {
		p := filepath.Join(logLinks, e.Name())
		if target, err := os.Readlink(p); err == nil && strings.HasPrefix(target, podLogs+"/") {
			_ = os.Remove(p)
		}
	}
}
