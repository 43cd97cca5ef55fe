package live

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// process is a daemon a test started, with its output in a log file.
type process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// startProcess starts bin in its own process group; it is killed if the
// test binary dies first.
func startProcess(dir, name, bin string, args ...string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	// containerd finds runc and its shim on PATH.
	cmd.Env = append(os.Environ(), "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	return p, nil
}

// exited says how the process ended, or "" while it runs.
func (p *process) exited() string {
	select {
	case <-p.done:
		return fmt.Sprintf("%s exited (%v)", p.name, p.err)
	default:
		return ""
	}
}

// stop sends SIGTERM to the process group, and SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if p == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// logContains says whether the process's log has s.
func (p *process) logContains(s string) bool {
	data, _ := os.ReadFile(p.log)
	return strings.Contains(string(data), s)
}

// tail is the end of the process's log and its last error lines (klog's
// "E" lines, logrus's level=error), for failure messages.
func (p *process) tail(n int) string {
	if p == nil {
		return ""
	}
	data, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var errs []string
	for _, l := range lines {
		if strings.HasPrefix(l, "E") || strings.Contains(l, "level=error") || strings.Contains(l, "level=fatal") {
			errs = append(errs, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(errs) > n/2 {
		errs = errs[len(errs)-n/2:]
	}
	return fmt.Sprintf("--- %s: last %d error lines of %s\n%s\n--- %s: last %d lines\n%s\n",
		p.name, len(errs), p.log, strings.Join(errs, "\n"), p.name, len(lines), strings.Join(lines, "\n"))
}

// freePorts finds n free loopback ports.
func freePorts(n int) ([]int, error) {
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}
