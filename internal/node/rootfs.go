package node

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// maxFileSize caps every configuration file read from a node: nothing a
// benchmark reads (manifests, kubeconfigs, configs, certificates) is near
// this size, and a larger file is not what it claims to be.
const maxFileSize = 8 << 20

// errTooLarge reports a file over maxFileSize.
var errTooLarge = errors.New("file is larger than 8 MiB: not a configuration file")

// RootFS is a read-only view of a node's file system mounted or copied at
// Dir (the node's "/"). Absolute symbolic links inside it are resolved
// against Dir, never against the machine running palisade.
type RootFS struct {
	Dir string
}

// hostPath maps a node path ("/etc/kubernetes") to a path on this machine,
// resolving symbolic links inside the root.
func (r RootFS) hostPath(p string) (string, error) {
	p = path.Clean("/" + p)
	if r.Dir == "" || r.Dir == "/" {
		return p, nil
	}
	return r.resolve(p, 0)
}

// resolve walks p component by component, following symbolic links as the
// node's kernel would with Dir as its root.
func (r RootFS) resolve(p string, depth int) (string, error) {
	if depth > 40 {
		return "", fmt.Errorf("%s: too many levels of symbolic links", p)
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := "/"
	for i, part := range parts {
		if part == "" {
			continue
		}
		next := path.Join(cur, part)
		host := filepath.Join(r.Dir, filepath.FromSlash(next))
		fi, err := os.Lstat(host)
		if err != nil {
			// Missing components: return the would-be path so the caller's
			// own Stat reports "not found" with the right name.
			return filepath.Join(r.Dir, filepath.FromSlash(path.Join(append([]string{cur}, parts[i:]...)...))), nil
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if isProcRootLink(next) && r.liveProc() {
			// /proc/PID/root is a kernel "magic" link to the process's own
			// root (a container's): its text reads "/", so let the kernel
			// follow it instead.
			return filepath.Join(host, filepath.FromSlash(path.Join(parts[i+1:]...))), nil
		}
		target, err := os.Readlink(host)
		if err != nil {
			return "", err
		}
		if !path.IsAbs(target) {
			target = path.Join(cur, target)
		}
		rest := path.Join(append([]string{target}, parts[i+1:]...)...)
		return r.resolve(path.Clean("/"+rest), depth+1)
	}
	return filepath.Join(r.Dir, filepath.FromSlash(cur)), nil
}

// ReadFile reads a node file, refusing files over maxFileSize.
func (r RootFS) ReadFile(p string) ([]byte, error) {
	return r.readCapped(p, maxFileSize)
}

// nodeErr names the node path, not the path on this machine, in errors.
func nodeErr(p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: p, Err: pe.Err}
	}
	return err
}

func (r RootFS) readCapped(p string, limit int64) ([]byte, error) {
	data, err := r.readCappedHost(p, limit)
	return data, nodeErr(p, err)
}

func (r RootFS) readCappedHost(p string, limit int64) ([]byte, error) {
	hp, err := r.hostPath(p)
	if err != nil {
		return nil, err
	}
	// O_NONBLOCK: opening a FIFO without a writer (in a hostile or odd
	// copy of a node) would otherwise wait forever; it is then refused
	// below like every other file that is not a regular one.
	f, err := os.OpenFile(hp, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case fi.IsDir():
		return nil, fmt.Errorf("%s is a directory", p)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (%s)", p, fileKind(fi.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// fileKind names the type of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "mode " + m.Type().String()
}

// Stat describes a node file, following symbolic links inside the root.
func (r RootFS) Stat(p string) (fs.FileInfo, error) {
	hp, err := r.hostPath(p)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(hp)
	return fi, nodeErr(p, err)
}

// ReadDir lists a node directory.
func (r RootFS) ReadDir(p string) ([]fs.DirEntry, error) {
	hp, err := r.hostPath(p)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(hp)
	return ents, nodeErr(p, err)
}

// Walk visits every file under the node directory p (not following
// symbolic links below it), calling fn with node paths.
func (r RootFS) Walk(p string, fn func(nodePath string, d fs.DirEntry, err error) error) error {
	hp, err := r.hostPath(p)
	if err != nil {
		return err
	}
	base := path.Clean("/" + p)
	return filepath.WalkDir(hp, func(h string, d fs.DirEntry, err error) error {
		rel, rerr := filepath.Rel(hp, h)
		if rerr != nil {
			return rerr
		}
		return fn(path.Join(base, filepath.ToSlash(rel)), d, err)
	})
}

// ownerOf returns the numeric owner of a file.
func ownerOf(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}

// parseIDFile reads /etc/passwd or /etc/group content into id → name.
func parseIDFile(data []byte) map[int]string {
	m := map[int]string{}
	for line := range strings.SplitSeq(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 3 || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		if _, dup := m[id]; !dup {
			m[id] = f[0]
		}
	}
	return m
}

// procSuperMagic is the file system type of procfs (statfs f_type).
const procSuperMagic = 0x9fa0

// liveProc reports whether the root's /proc is a mounted procfs, as under
// a DaemonSet's host mount. Only then are /proc/PID/root links the
// kernel's; in a copied snapshot they are ordinary (untrusted) links and
// are resolved inside the root like any other.
func (r RootFS) liveProc() bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Join(r.Dir, "proc"), &st); err != nil {
		return false
	}
	return st.Type == procSuperMagic
}

// isProcRootLink reports whether p is /proc/<pid>/root.
func isProcRootLink(p string) bool {
	rest, ok := strings.CutPrefix(p, "/proc/")
	if !ok {
		return false
	}
	pid, tail, ok := strings.Cut(rest, "/")
	return ok && tail == "root" && pid != "" && strings.Trim(pid, "0123456789") == ""
}
