package node

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	_ "github.com/glebarez/go-sqlite" // pure-Go SQLite driver for rpmdb.sqlite
	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
)

// Host-level facts for the OS hardening and minimal-OS checks. Each is an
// extra fact "<kind>.<arg>" whose value is a comma-separated list or a
// word, so the checks stay declarative.

func init() {
	extraCollectors["present"] = func(c *collector, name string) (Setting, bool) {
		if comp := c.f.Components[name]; comp != nil {
			return Setting{Value: "true", Source: comp.Source}, true
		}
		return Setting{Value: "false", Source: "not found"}, true
	}
	extraCollectors["mac"] = (*collector).macState
	extraCollectors["suid"] = (*collector).suidFiles
	extraCollectors["writable"] = (*collector).worldWritable
	extraCollectors["accounts"] = (*collector).accounts
	extraCollectors["packages"] = (*collector).packages
	extraCollectors["tools"] = (*collector).tools
	extraCollectors["services"] = (*collector).services
}

// macState says which mandatory access control the node enforces:
// apparmor, selinux-enforcing, selinux-permissive or none. Running state
// comes from /sys; a snapshot falls back on /etc/selinux/config and the
// AppArmor profile directory.
func (c *collector) macState(string) (Setting, bool) {
	if data, err := c.fs.readCapped("/sys/fs/selinux/enforce", 16); err == nil {
		if strings.TrimSpace(string(data)) == "1" {
			return Setting{Value: "selinux-enforcing", Source: "/sys/fs/selinux/enforce"}, true
		}
		return Setting{Value: "selinux-permissive", Source: "/sys/fs/selinux/enforce"}, true
	}
	if data, err := c.fs.readCapped("/sys/module/apparmor/parameters/enabled", 16); err == nil {
		if strings.TrimSpace(string(data)) == "Y" {
			return Setting{Value: "apparmor", Source: "/sys/module/apparmor/parameters/enabled"}, true
		}
		return Setting{Value: "none", Source: "/sys/module/apparmor/parameters/enabled = N"}, true
	}
	if _, err := c.fs.Stat("/sys/kernel"); err == nil {
		return Setting{Value: "none", Source: "neither SELinux nor AppArmor in /sys"}, true
	}
	// A snapshot without /sys: what the node would boot with.
	if data, err := c.fs.ReadFile("/etc/selinux/config"); err == nil {
		if v, ok := parseKeyValue(data)["SELINUX"]; ok {
			switch stringify(v) {
			case "enforcing":
				return Setting{Value: "selinux-enforcing", Source: "/etc/selinux/config (persisted)"}, true
			case "permissive":
				return Setting{Value: "selinux-permissive", Source: "/etc/selinux/config (persisted)"}, true
			}
		}
	}
	if ents, err := c.fs.ReadDir("/etc/apparmor.d"); err == nil && len(ents) > 0 {
		if fi := c.stat("/sbin/apparmor_parser"); fi.Exists || c.stat("/usr/sbin/apparmor_parser").Exists {
			return Setting{Value: "apparmor", Source: "/etc/apparmor.d and apparmor_parser installed (persisted)"}, true
		}
	}
	return Setting{Value: "none", Source: "no SELinux configuration or AppArmor profiles found"}, true
}

// hostScanRoots are the directories walked for SUID/SGID and
// world-writable files: the installed system, not container storage,
// pseudo file systems or users' data.
var hostScanRoots = []string{"/bin", "/sbin", "/usr", "/etc", "/opt", "/var", "/lib", "/lib64", "/boot"}

// hostScanSkip are directories below the scan roots that are skipped:
// container images and volumes are judged by image scans, not as host
// files.
var hostScanSkip = []string{
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/kubelet/pods",
	"/var/lib/rancher", "/var/snap", "/var/lib/snapd", "/var/cache", "/var/log", "/var/lib/etcd",
	"/var/tmp", "/usr/src",
}

// maxHostFiles bounds the host walk.
const maxHostFiles = 1_000_000

// hostFile is a file of interest found by the host walk.
type hostFile struct {
	path string
	mode fs.FileMode
}

// hostWalk walks the scan roots once and keeps SUID/SGID files and
// world-writable files and directories.
func (c *collector) hostWalk() {
	if c.walked {
		return
	}
	c.walked = true
	n := 0
	seen := map[string]bool{}
	for _, root := range hostScanRoots {
		fi, err := c.fs.Stat(root)
		if err != nil || !fi.IsDir() {
			continue
		}
		// /bin → usr/bin on merged-/usr systems: walk each real tree once.
		hp, err := c.fs.hostPath(root)
		if err != nil || seen[hp] {
			continue
		}
		seen[hp] = true
		err = c.fs.Walk(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && slices.Contains(hostScanSkip, p) {
				return fs.SkipDir
			}
			n++
			if n > maxHostFiles {
				c.errorf("host file walk stopped after %d entries", maxHostFiles)
				return fs.SkipAll
			}
			t := d.Type()
			if t&fs.ModeSymlink != 0 || t&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket|fs.ModeNamedPipe) != 0 {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			m := info.Mode()
			if m&(fs.ModeSetuid|fs.ModeSetgid) != 0 && !d.IsDir() {
				c.suid = append(c.suid, hostFile{p, m})
			}
			if m.Perm()&0o002 != 0 {
				c.writable = append(c.writable, hostFile{p, m})
			}
			return nil
		})
		if err != nil {
			c.errorf("walking %s: %v", root, err)
		}
	}
}

// expectedSUID are set-ID programs a Linux distribution ships on purpose.
var expectedSUID = []string{
	"passwd", "su", "sudo", "sudoedit", "mount", "umount", "chsh", "chfn", "gpasswd", "newgrp",
	"pkexec", "fusermount", "fusermount3", "crontab", "ssh-agent", "expiry", "chage", "wall",
	"write", "at", "dotlockfile", "unix_chkpwd", "ssh-keysign", "dbus-daemon-launch-helper",
	"polkit-agent-helper-1", "pam_timestamp_check", "userhelper", "newuidmap", "newgidmap",
	"mount.nfs", "ping", "utempter", "locate", "plocate", "bsd-write", "staprun", "Xorg.wrap",
	"snap-confine", "chromium-sandbox", "ksu", "usernetctl", "mlocate", "cockpit-session",
}

func (c *collector) suidFiles(string) (Setting, bool) {
	c.hostWalk()
	var odd []string
	for _, f := range c.suid {
		if !slices.Contains(expectedSUID, path.Base(f.path)) {
			odd = append(odd, fmt.Sprintf("%s (%o)", f.path, unixMode(f.mode)))
		}
	}
	return Setting{Value: strings.Join(odd, ","), Source: fmt.Sprintf("%d set-ID files under %s", len(c.suid), strings.Join(hostScanRoots, " "))}, true
}

// worldWritable lists world-writable files ("files") or world-writable
// directories without the sticky bit ("dirs").
func (c *collector) worldWritable(kind string) (Setting, bool) {
	c.hostWalk()
	var out []string
	for _, f := range c.writable {
		isDir := f.mode.IsDir()
		switch {
		case kind == "files" && !isDir:
			out = append(out, fmt.Sprintf("%s (%o)", f.path, unixMode(f.mode)))
		case kind == "dirs" && isDir && f.mode&fs.ModeSticky == 0:
			out = append(out, fmt.Sprintf("%s (%o)", f.path, unixMode(f.mode)))
		}
	}
	return Setting{Value: strings.Join(out, ","), Source: "walk of " + strings.Join(hostScanRoots, " ")}, true
}

// accounts reports account problems: "uid0" lists accounts other than
// root with UID 0; "emptypasswords" lists accounts whose shadow password
// field is empty (names only: nothing of the hashes is kept).
func (c *collector) accounts(kind string) (Setting, bool) {
	switch kind {
	case "uid0":
		data, err := c.fs.ReadFile("/etc/passwd")
		if err != nil {
			return Setting{}, false
		}
		var out []string
		for line := range strings.SplitSeq(string(data), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 3 && f[2] == "0" && f[0] != "root" {
				out = append(out, f[0])
			}
		}
		return Setting{Value: strings.Join(out, ","), Source: "/etc/passwd"}, true
	case "emptypasswords":
		data, err := c.fs.ReadFile("/etc/shadow")
		if err != nil {
			return Setting{}, false
		}
		var out []string
		for line := range strings.SplitSeq(string(data), "\n") {
			f := strings.Split(line, ":")
			if len(f) >= 2 && f[0] != "" && f[1] == "" {
				out = append(out, f[0])
			}
		}
		return Setting{Value: strings.Join(out, ","), Source: "/etc/shadow"}, true
	}
	return Setting{}, false
}

// packageDBs are the package databases counted, per format.
var packageDBs = []struct{ format, path string }{
	{"dpkg", "/var/lib/dpkg/status"},
	{"apk", "/lib/apk/db/installed"},
	{"rpm", "/var/lib/rpm/rpmdb.sqlite"},
	{"rpm", "/usr/lib/sysimage/rpm/rpmdb.sqlite"},
	{"rpm", "/var/lib/rpm/Packages"},
	{"rpm", "/var/lib/rpm/Packages.db"},
	{"rpm", "/usr/lib/sysimage/rpm/Packages.db"},
}

// packages counts installed packages ("count") or lists installed
// packages among a set of names ("names").
func (c *collector) packages(kind string) (Setting, bool) {
	if c.pkgNames == nil {
		c.pkgNames, c.pkgSource = c.installedPackages()
	}
	if c.pkgSource == "" {
		return Setting{}, false
	}
	switch kind {
	case "count":
		return Setting{Value: strconv.Itoa(len(c.pkgNames)), Source: c.pkgSource}, true
	}
	return Setting{}, false
}

// installedPackages reads the first package database found.
func (c *collector) installedPackages() ([]string, string) {
	for _, db := range packageDBs {
		fi := c.stat(db.path)
		if !fi.Exists {
			continue
		}
		switch db.format {
		case "dpkg":
			data, err := c.fs.readCapped(db.path, 64<<20)
			if err != nil {
				c.errorf("%s: %v", db.path, err)
				return []string{}, ""
			}
			var names []string
			for _, p := range parseDpkgStatus(data) {
				if p.Installed {
					names = append(names, p.Name)
				}
			}
			return names, "dpkg " + db.path
		case "apk":
			data, err := c.fs.readCapped(db.path, 64<<20)
			if err != nil {
				c.errorf("%s: %v", db.path, err)
				return []string{}, ""
			}
			var names []string
			for line := range strings.SplitSeq(string(data), "\n") {
				if n, ok := strings.CutPrefix(line, "P:"); ok {
					names = append(names, n)
				}
			}
			return names, "apk " + db.path
		case "rpm":
			names, err := c.rpmPackages(db.path)
			if err != nil {
				c.errorf("%s: %v", db.path, err)
				return []string{}, ""
			}
			return names, "rpm " + db.path
		}
	}
	return []string{}, ""
}

func (c *collector) rpmPackages(p string) (names []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			names, err = nil, fmt.Errorf("corrupt rpm database (%v)", r)
		}
	}()
	hp, err := c.fs.hostPath(p)
	if err != nil {
		return nil, err
	}
	db, err := rpmdb.Open(hp)
	if err != nil {
		return nil, fmt.Errorf("opening the rpm database: %w", err)
	}
	defer db.Close()
	infos, err := db.ListPackages()
	if err != nil {
		return nil, fmt.Errorf("reading the rpm database: %w", err)
	}
	for _, pi := range infos {
		if pi.Name != "" && pi.Name != "gpg-pubkey" {
			names = append(names, pi.Name)
		}
	}
	return names, nil
}

// binDirs are searched for tools.
var binDirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/go/bin"}

// toolSets name programs that have no place on a node.
var toolSets = map[string][]string{
	"compilers": {"gcc", "cc", "c++", "g++", "clang", "clang++", "tcc", "rustc", "cargo", "go", "javac", "make", "as", "ld.gold"},
	"network":   {"nc", "ncat", "netcat", "nmap", "socat", "telnet", "ftp", "tftp", "tcpdump", "hping3", "masscan"},
	"debuggers": {"gdb", "strace", "ltrace", "perf"},
}

// tools lists the programs of a tool set found in the usual bin
// directories.
func (c *collector) tools(set string) (Setting, bool) {
	names, ok := toolSets[set]
	if !ok {
		return Setting{}, false
	}
	var found []string
	for _, n := range names {
		for _, d := range binDirs {
			p := path.Join(d, n)
			if fi := c.stat(p); fi.Exists && !fi.Dir && fi.Mode.Perm()&0o111 != 0 {
				found = append(found, p)
				break
			}
		}
	}
	return Setting{Value: strings.Join(found, ","), Source: "searched " + strings.Join(binDirs, " ")}, true
}

// unneededServices are daemons that have no place on a Kubernetes node
// or a hardened host.
var unneededServices = []string{
	"avahi-daemon", "cups", "cups-browsed", "rpcbind", "nfs-server", "nfs-kernel-server", "vsftpd",
	"proftpd", "telnet", "xinetd", "inetd", "snmpd", "smbd", "nmbd", "named", "bind9", "slapd",
	"isc-dhcp-server", "dhcpd", "squid", "dovecot", "rsync", "ypserv", "tftpd-hpa", "apache2", "httpd",
	"gdm", "gdm3", "lightdm", "sddm", "bluetooth",
}

// services lists unneeded services that are enabled (systemd wants
// links) or running (/proc).
func (c *collector) services(string) (Setting, bool) {
	var found []string
	add := func(s string) {
		if !slices.Contains(found, s) {
			found = append(found, s)
		}
	}
	for _, dir := range []string{"/etc/systemd/system/multi-user.target.wants", "/etc/systemd/system/graphical.target.wants", "/etc/systemd/system/sockets.target.wants"} {
		ents, err := c.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			name := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".service"), ".socket")
			if slices.Contains(unneededServices, name) {
				add(name + " (enabled)")
			}
		}
	}
	if !c.opts.NoProc {
		if ents, err := c.fs.ReadDir("/proc"); err == nil {
			for _, e := range ents {
				if _, err := strconv.Atoi(e.Name()); err != nil {
					continue
				}
				data, err := c.fs.readCapped("/proc/"+e.Name()+"/comm", 64)
				if err != nil {
					continue
				}
				name := strings.TrimSpace(string(data))
				for _, s := range unneededServices {
					if name == s || name == s+"d" || (s == "cups" && name == "cupsd") {
						add(s + " (running)")
					}
				}
			}
		}
	}
	slices.Sort(found)
	return Setting{Value: strings.Join(found, ","), Source: "systemd wants links and /proc"}, true
}
