package node

import (
	"errors"
	"path"
	"slices"
	"strings"
)

// unitDirs are systemd's unit directories, highest precedence first.
var unitDirs = []string{
	"/etc/systemd/system",
	"/run/systemd/system",
	"/usr/local/lib/systemd/system",
	"/usr/lib/systemd/system",
	"/lib/systemd/system",
}

// loadUnits reads the units of every component and every unit a check
// names, with their drop-ins.
func (c *collector) loadUnits(checks []*Check) {
	names := []string{"k3s.service", "k3s-agent.service"}
	for _, s := range componentSpecs {
		names = append(names, s.Units...)
	}
	for _, ch := range checks {
		for _, e := range []*Expr{ch.When, ch.Test} {
			e.walk(func(l *Expr) {
				if l.Unit != "" {
					names = append(names, l.Unit)
				}
			})
		}
	}
	for _, n := range names {
		if _, done := c.f.Units[n]; !done {
			c.f.Units[n] = c.loadUnit(n)
		}
	}
}

// loadUnit finds a unit file (the highest-precedence directory wins) and
// its drop-ins (*.conf in <unit>.d of every directory, by file name, a
// higher-precedence file replacing a lower one of the same name).
func (c *collector) loadUnit(name string) *Unit {
	u := &Unit{Name: name, Settings: map[string][]string{}}
	var main string
	for _, d := range unitDirs {
		p := path.Join(d, name)
		if fi := c.stat(p); fi.Exists && !fi.Dir {
			main = p
			break
		}
	}
	dropins := map[string]string{}
	for i := len(unitDirs) - 1; i >= 0; i-- {
		dir := path.Join(unitDirs[i], name+".d")
		ents, err := c.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".conf") && !e.IsDir() {
				dropins[e.Name()] = path.Join(dir, e.Name())
			}
		}
	}
	if main == "" && len(dropins) == 0 {
		return u
	}
	var files []string
	if main != "" {
		files = append(files, main)
	}
	var keys []string
	for k := range dropins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		files = append(files, dropins[k])
	}
	for _, p := range files {
		c.stat(p)
		data, err := c.fs.ReadFile(p)
		if err != nil {
			c.errorf("unit %s: %v", p, err)
			continue
		}
		parseUnit(data, u.Settings)
	}
	u.Files = files
	for _, d := range []string{"/etc/systemd/system/multi-user.target.wants", "/etc/systemd/system/default.target.wants", "/etc/systemd/system/sockets.target.wants"} {
		if c.stat(path.Join(d, name)).Exists {
			u.Enabled = true
		}
	}
	return u
}

// parseUnit adds the settings of one unit file to settings: "Section.Key"
// → values; an empty assignment clears the list, as systemd does for
// ExecStart= in drop-ins. Backslash-continued lines are joined.
func parseUnit(data []byte, settings map[string][]string) {
	section := ""
	var pending string
	for raw := range strings.SplitSeq(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if pending != "" {
			line = pending + " " + line
			pending = ""
		}
		if strings.HasSuffix(line, "\\") {
			pending = strings.TrimSuffix(line, "\\")
			continue
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' && strings.HasSuffix(line, "]") {
			section = line[1 : len(line)-1]
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key := section + "." + strings.TrimSpace(k)
		v = strings.TrimSpace(v)
		if v == "" {
			settings[key] = nil
			continue
		}
		settings[key] = append(settings[key], v)
	}
}

// execStart expands a unit's last ExecStart with its Environment= and
// EnvironmentFile= variables, the way systemd starts the kubelet from
// kubeadm's drop-in.
func (c *collector) execStart(u *Unit) ([]string, error) {
	vals := u.Settings["Service.ExecStart"]
	if len(vals) == 0 {
		return nil, nil
	}
	env := map[string]string{}
	for _, e := range u.Settings["Service.Environment"] {
		for _, kv := range shellWords(e) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	for _, ef := range u.Settings["Service.EnvironmentFile"] {
		optional := strings.HasPrefix(ef, "-")
		p := strings.TrimPrefix(ef, "-")
		data, err := c.fs.ReadFile(p)
		if err != nil {
			if !optional {
				return nil, errors.New("environment file " + p + " cannot be read: " + err.Error())
			}
			continue
		}
		for k, v := range parseKeyValue(data) {
			env[k] = stringify(v)
		}
	}
	cmd := strings.TrimLeft(vals[len(vals)-1], "-@+!:")
	var argv []string
	for _, w := range shellWords(cmd) {
		expanded := expandVars(w, env)
		if w != expanded && (strings.HasPrefix(w, "$") && !strings.HasPrefix(w, "${")) {
			// $VAR splits into words; ${VAR} stays one word.
			argv = append(argv, shellWords(expanded)...)
			continue
		}
		if expanded == "" && strings.HasPrefix(w, "$") {
			continue
		}
		argv = append(argv, expanded)
	}
	return argv, nil
}

// expandVars replaces $VAR and ${VAR} from env.
func expandVars(s string, env map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		j := i + 1
		var name string
		if s[j] == '{' {
			end := strings.IndexByte(s[j:], '}')
			if end < 0 {
				b.WriteString(s[i:])
				break
			}
			name = s[j+1 : j+end]
			i = j + end
		} else {
			k := j
			for k < len(s) && (s[k] == '_' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= '0' && s[k] <= '9') {
				k++
			}
			name = s[j:k]
			i = k - 1
		}
		b.WriteString(env[name])
	}
	return b.String()
}
