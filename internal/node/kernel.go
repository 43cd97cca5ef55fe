package node

import (
	"path"
	"slices"
	"strings"
)

// sysctlDirs hold persisted kernel parameters, read when /proc/sys is not
// available (a snapshot); later files override earlier ones.
var sysctlFiles = []string{"/usr/lib/sysctl.d", "/lib/sysctl.d", "/run/sysctl.d", "/etc/sysctl.d"}

// sysctl records a kernel parameter: the running value from /proc/sys,
// else the persisted value from sysctl.conf and sysctl.d.
func (c *collector) sysctl(name string) {
	if _, done := c.f.Sysctls[name]; done {
		return
	}
	p := "/proc/sys/" + strings.ReplaceAll(name, ".", "/")
	if data, err := c.fs.readCapped(p, 64<<10); err == nil {
		c.f.Sysctls[name] = Setting{Value: strings.Join(strings.Fields(string(data)), " "), Source: p}
		return
	}
	if v, src, ok := c.persistedSysctl(name); ok {
		c.f.Sysctls[name] = Setting{Value: v, Source: src + " (persisted; /proc/sys not available)"}
	}
}

// persistedSysctl finds the value sysctl --system would apply: files of
// the same name in later directories replace earlier ones, files apply in
// name order, /etc/sysctl.conf last.
func (c *collector) persistedSysctl(name string) (string, string, bool) {
	byName := map[string]string{}
	var names []string
	for _, d := range sysctlFiles {
		for _, p := range c.glob(path.Join(d, "*.conf")) {
			base := path.Base(p)
			if _, seen := byName[base]; !seen {
				names = append(names, base)
			}
			byName[base] = p
		}
	}
	slices.Sort(names)
	files := make([]string, 0, len(names)+1)
	for _, n := range names {
		files = append(files, byName[n])
	}
	files = append(files, "/etc/sysctl.conf")
	var val, src string
	found := false
	for _, p := range files {
		data, err := c.fs.ReadFile(p)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "-"))
			if line == "" || line[0] == '#' || line[0] == ';' {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			k = strings.ReplaceAll(strings.TrimSpace(k), "/", ".")
			if k == name {
				val, src, found = strings.TrimSpace(v), p, true
			}
		}
	}
	return val, src, found
}

func init() {
	extraCollectors["ipv6"] = (*collector).ipv6State
}

// ipv6State says whether the node runs IPv6 ("enabled" or "disabled"),
// for the IPv6 sysctl checks, which do not apply without it. A running
// kernel without /proc/sys/net/ipv6 has no IPv6 (ipv6.disable=1 or not
// built in); disable_ipv6 = 1 on all interfaces turns it off as well. A
// snapshot without /proc/sys is judged by what sysctl.d persists.
func (c *collector) ipv6State(string) (Setting, bool) {
	if _, err := c.fs.Stat("/proc/sys/net"); err == nil {
		if _, err := c.fs.Stat("/proc/sys/net/ipv6"); err != nil {
			return Setting{Value: "disabled", Source: "no /proc/sys/net/ipv6: the kernel runs without IPv6"}, true
		}
		c.sysctl("net.ipv6.conf.all.disable_ipv6")
		if s, ok := c.f.Sysctls["net.ipv6.conf.all.disable_ipv6"]; ok && s.Value == "1" {
			return Setting{Value: "disabled", Source: "net.ipv6.conf.all.disable_ipv6 = 1 (" + s.Source + ")"}, true
		}
		return Setting{Value: "enabled", Source: "/proc/sys/net/ipv6"}, true
	}
	if v, src, ok := c.persistedSysctl("net.ipv6.conf.all.disable_ipv6"); ok && v == "1" {
		return Setting{Value: "disabled", Source: "net.ipv6.conf.all.disable_ipv6 = 1 in " + src + " (persisted; /proc/sys not available)"}, true
	}
	return Setting{Value: "enabled", Source: "no /proc/sys, and sysctl.d does not disable IPv6 (persisted)"}, true
}

// modprobeDirs hold modprobe configuration.
var modprobeDirs = []string{"/lib/modprobe.d", "/usr/lib/modprobe.d", "/run/modprobe.d", "/etc/modprobe.d"}

// module records whether a kernel module is loaded (/proc/modules) and
// whether modprobe.d keeps it from loading ("install X /bin/false" or
// "/bin/true", or "blacklist X").
func (c *collector) module(name string) {
	if _, done := c.f.Modules[name]; done {
		return
	}
	var m Module
	norm := strings.ReplaceAll(name, "-", "_")
	if data, err := c.fs.ReadFile("/proc/modules"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == norm {
				m.Loaded = true
			}
		}
	}
	for _, d := range modprobeDirs {
		for _, p := range c.glob(path.Join(d, "*.conf")) {
			data, err := c.fs.ReadFile(p)
			if err != nil {
				continue
			}
			for line := range strings.SplitSeq(string(data), "\n") {
				f := strings.Fields(line)
				if len(f) < 2 || strings.ReplaceAll(f[1], "-", "_") != norm {
					continue
				}
				switch {
				case f[0] == "install" && len(f) >= 3 && (path.Base(f[2]) == "false" || path.Base(f[2]) == "true"):
					m.Disabled = p + ": " + strings.Join(f, " ")
				case f[0] == "blacklist" && m.Disabled == "":
					m.Disabled = p + ": " + strings.Join(f, " ")
				}
			}
		}
	}
	if !m.Loaded && m.Disabled == "" {
		if avail, src := c.moduleAvailable(norm); !avail && src != "" {
			m.Disabled = "not in the kernel (" + src + ")"
		}
	}
	c.f.Modules[name] = m
}

// moduleAvailable says whether the running kernel has a module, built in
// or loadable, from /lib/modules/<release>/modules.dep and
// modules.builtin; src is "" when that cannot be told.
func (c *collector) moduleAvailable(norm string) (bool, string) {
	if c.modIndex == nil {
		c.modIndex = map[string]bool{}
		rel, err := c.fs.readCapped("/proc/sys/kernel/osrelease", 256)
		if err != nil {
			return true, ""
		}
		dir := "/lib/modules/" + strings.TrimSpace(string(rel))
		found := false
		for _, f := range []string{"modules.dep", "modules.builtin"} {
			data, err := c.fs.readCapped(dir+"/"+f, 32<<20)
			if err != nil {
				continue
			}
			found = true
			for line := range strings.SplitSeq(string(data), "\n") {
				mod, _, _ := strings.Cut(line, ":")
				base := path.Base(mod)
				if i := strings.Index(base, ".ko"); i > 0 {
					c.modIndex[strings.ReplaceAll(base[:i], "-", "_")] = true
				}
			}
		}
		if found {
			c.modSrc = dir
		}
	}
	if c.modSrc == "" {
		return true, ""
	}
	return c.modIndex[norm], c.modSrc
}
