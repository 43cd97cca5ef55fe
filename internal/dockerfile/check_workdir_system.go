package dockerfile

// check_workdir_system: WORKDIR in a system directory of the final image.
//
// Checks the WORKDIR instructions of the final stage and of the stages it
// builds on (FROM <stage>), with relative paths resolved against the
// previous WORKDIR and ARG/ENV values expanded where known. Reported:
// exactly /, /bin, /sbin, /boot, /etc, /lib, /lib32, /lib64, /libx32,
// /run, /var/run, /usr, /usr/bin, /usr/sbin, /usr/lib, /usr/lib64,
// /usr/libexec, /usr/local, /var, /var/lib, and anything under the
// virtual file systems /proc, /sys and /dev. Allowed: application
// directories such as /app, /usr/src/app, /opt/x, /srv, /var/www/html,
// /etc/nginx (configuration of the image's own service), /root, /tmp.
// Builder stages are not judged: their files never reach the image.

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// SystemWorkdir reports WORKDIR set to a system directory.
var SystemWorkdir = &finding.Rule{
	ID:       "PAL-DF-016",
	Control:  control.DockerfileLint,
	Severity: finding.Low,
	Family:   "volumes",
	Title:    "WORKDIR is a system directory",
	Doc: "With WORKDIR set to a system directory such as /, /etc or /usr/bin, every later COPY . ., ADD and relative write of the build lands among the operating system's files, where it can overwrite binaries or configuration, hides what the image really contains, and cannot be mounted or cleaned separately. " +
		"Directories under /proc, /sys and /dev are virtual file systems at run time. Only the final stage (and the stages it builds on) is judged.",
	Remediation: "Give the application its own directory: WORKDIR /app (or /usr/src/app, /opt/<name>, /srv/<name>).",
}

var workdirSystemDirs = map[string]bool{
	"/": true, "/bin": true, "/sbin": true, "/boot": true, "/etc": true,
	"/lib": true, "/lib32": true, "/lib64": true, "/libx32": true,
	"/run": true, "/var/run": true, "/usr": true, "/usr/bin": true, "/usr/sbin": true,
	"/usr/lib": true, "/usr/lib64": true, "/usr/libexec": true, "/usr/local": true,
	"/var": true, "/var/lib": true,
}

// workdirVirtual are trees that are virtual file systems at run time.
var workdirVirtual = []string{"/proc", "/sys", "/dev"}

// isSystemWorkdir reports whether an absolute, clean path is a system
// directory for WORKDIR.
func isSystemWorkdir(p string) bool {
	if workdirSystemDirs[p] {
		return true
	}
	for _, v := range workdirVirtual {
		if p == v || strings.HasPrefix(p, v+"/") {
			return true
		}
	}
	return false
}

var checkSystemWorkdir = Check{Rule: SystemWorkdir, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil {
		return
	}
	cur := "" // unknown: the base image's WORKDIR
	for in, sc := range p.File.WalkScope(final) {
		c, ok := in.Cmd.(*instructions.WorkdirCommand)
		if !ok {
			continue
		}
		v, known := sc.Expand(c.Path)
		switch {
		case !known || isWindowsPath(v):
			cur = ""
			continue
		case path.IsAbs(v):
			cur = path.Clean(v)
		case cur != "":
			cur = path.Join(cur, v)
		default:
			continue
		}
		if isSystemWorkdir(cur) {
			shown := c.Path
			if cur != c.Path {
				shown += " (" + cur + ")"
			}
			p.Report(in, "WORKDIR %s puts the application's files among the system's own in the final image (stage %s)", shown, final.Ref())
		}
	}
}}

// isWindowsPath reports a drive-letter or backslash path (C:\app, \app),
// which only Windows images use.
func isWindowsPath(p string) bool {
	if strings.HasPrefix(p, `\`) {
		return true
	}
	return len(p) >= 2 && p[1] == ':' && ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))
}
