package node

import (
	"path"
	"strings"
)

// mountEntry is one line of /proc/mounts or /etc/fstab.
type mountEntry struct {
	Device, Point, Type, Options string
}

// parseMounts reads /proc/mounts or /etc/fstab content; octal escapes
// (\040 for a space) are decoded.
func parseMounts(data []byte) []mountEntry {
	var out []mountEntry
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		out = append(out, mountEntry{Device: unescapeMount(f[0]), Point: path.Clean(unescapeMount(f[1])), Type: f[2], Options: f[3]})
	}
	return out
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// mounts reads the node's mount table once: the running one (PID 1's
// view) when /proc is there, else /etc/fstab.
func (c *collector) mountTable() ([]mountEntry, string) {
	if c.mounts != nil {
		return c.mounts, c.mountSrc
	}
	c.mounts = []mountEntry{}
	sources := []string{"/proc/1/mounts", "/proc/mounts", "/etc/fstab"}
	if c.opts.NoProc {
		sources = sources[2:]
	}
	for _, p := range sources {
		if data, err := c.fs.ReadFile(p); err == nil {
			c.mounts, c.mountSrc = parseMounts(data), p
			break
		}
	}
	return c.mounts, c.mountSrc
}

// mountOf finds the mount point holding p: the longest mount point that
// is p or a parent of it (the last such mount wins, as it shadows).
func mountOf(ms []mountEntry, p string) (mountEntry, bool) {
	p = path.Clean(p)
	var best mountEntry
	found := false
	for _, m := range ms {
		if m.Point == p || m.Point == "/" || strings.HasPrefix(p, m.Point+"/") {
			if !found || len(m.Point) >= len(best.Point) {
				best, found = m, true
			}
		}
	}
	return best, found
}

func init() {
	// mount.<path>: the mount point that holds path.
	extraCollectors["mount"] = func(c *collector, p string) (Setting, bool) {
		ms, src := c.mountTable()
		if src == "" {
			return Setting{}, false
		}
		m, ok := mountOf(ms, p)
		if !ok {
			// A table without "/" (an unconfigured fstab): everything is
			// on the root file system.
			return Setting{Value: "/", Source: src}, true
		}
		return Setting{Value: m.Point, Source: src}, true
	}
	// mountopts.<path>: the options of the mount at exactly path, empty
	// when path is not a mount point of its own.
	extraCollectors["mountopts"] = func(c *collector, p string) (Setting, bool) {
		ms, src := c.mountTable()
		if src == "" {
			return Setting{}, false
		}
		m, ok := mountOf(ms, p)
		if !ok || m.Point != path.Clean(p) {
			return Setting{Value: "", Source: src + ": not a separate mount"}, true
		}
		return Setting{Value: m.Options, Source: src + " (" + m.Type + ")"}, true
	}
}
