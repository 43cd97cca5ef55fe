package node

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// settingValue resolves one component setting the way the component does:
// a command-line flag wins, then an environment variable, then the
// configuration file, then the built-in default. It returns the value,
// where it came from, and whether anything (a default included) gave one.
func (f *Facts) settingValue(c *Component, flag, config, env string, defs *Fact) (string, string, bool) {
	if flag != "" {
		if v, ok := c.Flag(flag); ok {
			return v, "flag " + flag + " (" + c.Source + ")", true
		}
	}
	if env != "" {
		if v, ok := c.Env[env]; ok {
			return v, "environment " + env + " (" + c.Source + ")", true
		}
	}
	if config != "" && c.Config != nil && c.Config.Exists && c.Config.Data != nil {
		if v, ok := lookupKey(c.Config.Data, config); ok {
			return stringify(v), config + " in " + c.Config.Path, true
		}
	}
	if defs != nil {
		if defs.ConfigDefault != nil && c.Config != nil && c.Config.Exists {
			return *defs.ConfigDefault, "default with a config file", true
		}
		if defs.Default != nil {
			return *defs.Default, "default", true
		}
	}
	return "", "", false
}

// splitKey splits a key path on dots, keeping quoted segments whole:
// plugins."io.containerd.grpc.v1.cri".containerd → 3 segments.
func splitKey(key string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range key {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '.' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// lookupKey follows a key path through decoded YAML, JSON or TOML. A
// numeric segment indexes a list; "*" takes every child of a map or list
// and returns the list of what the rest of the path finds under each
// (registry.configs.*.tls.insecure_skip_verify); "@keys" returns a map's
// keys.
func lookupKey(data any, key string) (any, bool) {
	return lookupSegs(data, splitKey(key))
}

func lookupSegs(data any, segs []string) (any, bool) {
	cur := data
	for i, seg := range segs {
		if seg == "*" {
			var children []any
			switch v := cur.(type) {
			case map[string]any:
				for _, k := range slices.Sorted(maps.Keys(v)) {
					children = append(children, v[k])
				}
			case []any:
				children = v
			default:
				return nil, false
			}
			var out []any
			for _, ch := range children {
				if x, ok := lookupSegs(ch, segs[i+1:]); ok {
					out = append(out, x)
				}
			}
			if len(out) == 0 {
				return nil, false
			}
			return out, true
		}
		if seg == "@keys" {
			// The map's keys, not its values: names without secrets.
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			keys := slices.Sorted(maps.Keys(m))
			list := make([]any, len(keys))
			for i, k := range keys {
				list[i] = k
			}
			cur = list
			continue
		}
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// stringify renders a decoded value the way a flag would spell it: lists
// comma-separated, maps as sorted key=value pairs (feature gates).
func stringify(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = stringify(e)
		}
		return strings.Join(parts, ",")
	case map[string]any:
		keys := slices.Sorted(maps.Keys(x))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + stringify(x[k])
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// parseArgs turns a command line into flags. It accepts --name=value,
// --name value (when the next word is not a flag) and bare boolean flags;
// single-dash flags are kept as written ("-c"). Words that are not flags
// are ignored (k3s's "server" subcommand, for one).
func parseArgs(args []string) map[string][]string {
	flags := map[string][]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(name, "--") && len(name) > 2 {
			// -flag=value (etcd and Go's flag package accept one dash).
			name = "-" + name
		}
		if !hasVal {
			if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				val = args[i+1]
				i++
			} else {
				val = "true"
			}
		}
		flags[name] = append(flags[name], unquote(val))
	}
	return flags
}

// unquote strips one level of matching quotes, as a shell would have.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// splitList splits a comma-separated flag value, trimming spaces.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
