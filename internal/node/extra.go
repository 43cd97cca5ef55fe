package node

import (
	"path"
	"strings"
)

// extraCollectors gather facts that need more than a file read: audit
// rules, mount options, package counts, SUID files. The fact name is
// "<kind>.<arg>".
var extraCollectors = map[string]func(c *collector, arg string) (Setting, bool){
	"auditwatch": (*collector).auditWatch,
}

// extra records one extra fact.
func (c *collector) extra(name string) {
	if _, done := c.f.Extra[name]; done {
		return
	}
	kind, arg, _ := strings.Cut(name, ".")
	fn := extraCollectors[kind]
	if fn == nil {
		c.errorf("no collector for fact %s", name)
		return
	}
	if s, ok := fn(c, arg); ok {
		c.f.Extra[name] = s
	}
}

// auditRuleFiles hold the rules auditd loads at boot.
var auditRuleFiles = []string{"/etc/audit/audit.rules"}

// auditRules reads the persistent audit rules once: "-w PATH" watches and
// "-F path=PATH" / "-F dir=PATH" fields, with the file they are in.
func (c *collector) auditRules() map[string]string {
	if c.watches != nil {
		return c.watches
	}
	c.watches = map[string]string{}
	files := append(c.glob("/etc/audit/rules.d/*.rules"), auditRuleFiles...)
	for _, p := range files {
		data, err := c.fs.ReadFile(p)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(data), "\n") {
			for _, w := range watchedPaths(line) {
				if _, seen := c.watches[w]; !seen {
					c.watches[w] = p
				}
			}
		}
	}
	return c.watches
}

// watchedPaths returns the paths one audit rule line watches.
func watchedPaths(line string) []string {
	f := strings.Fields(line)
	var out []string
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == "-w" && i+1 < len(f):
			out = append(out, path.Clean(f[i+1]))
			i++
		case f[i] == "-F" && i+1 < len(f):
			if k, v, ok := strings.Cut(f[i+1], "="); ok && (k == "path" || k == "dir") {
				out = append(out, path.Clean(v))
			}
			i++
		}
	}
	return out
}

// auditWatch says whether auditd watches a path (or a directory above it).
func (c *collector) auditWatch(p string) (Setting, bool) {
	w := c.auditRules()
	for q := path.Clean(p); ; q = path.Dir(q) {
		if src, ok := w[q]; ok {
			return Setting{Value: "yes", Source: src}, true
		}
		if q == "/" || q == "." {
			break
		}
	}
	if len(w) == 0 {
		return Setting{Value: "no", Source: "no audit rules in /etc/audit"}, true
	}
	return Setting{Value: "no", Source: "not in /etc/audit/rules.d or audit.rules"}, true
}
