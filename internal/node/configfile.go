package node

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

var syscallENOTDIR = syscall.ENOTDIR

// ParseConfig decodes a configuration file into generic values (maps with
// string keys, lists, strings, numbers, booleans) that key paths can walk.
// Formats: json, yaml (a JSON document is valid YAML too), toml, sshd
// (keywords lower-cased, first value wins, Match blocks ignored) and
// keyvalue ("KEY value" or KEY=value lines, last value wins).
func ParseConfig(format string, data []byte) (any, error) {
	switch format {
	case "json":
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, errors.New("invalid JSON: data after the top-level value")
		}
		return v, nil
	case "yaml":
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, fmt.Errorf("invalid YAML: %s", cleanErr(err))
		}
		return normalize(v), nil
	case "toml":
		var v map[string]any
		if _, err := toml.Decode(string(data), &v); err != nil {
			return nil, fmt.Errorf("invalid TOML: %s", cleanErr(err))
		}
		return normalize(v), nil
	case "sshd":
		return parseSSHD(data), nil
	case "keyvalue":
		return parseKeyValue(data), nil
	}
	return nil, fmt.Errorf("unknown configuration format %q", format)
}

// cleanErr keeps the first line of a parser error.
func cleanErr(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "yaml: ")
}

// normalize turns YAML's map[any]any into map[string]any, recursively,
// and TOML's typed maps and slices into the generic ones.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// parseSSHD reads sshd_config: for each keyword the first value wins, as
// sshd applies them; lines after a Match keyword are conditional and do
// not set the global value. Include lines must have been expanded.
func parseSSHD(data []byte) map[string]any {
	out := map[string]any{}
	inMatch := false
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val := splitKeyword(line)
		key = strings.ToLower(key)
		if key == "match" {
			inMatch = true
			continue
		}
		if inMatch || key == "" {
			continue
		}
		if _, seen := out[key]; !seen {
			out[key] = val
		}
	}
	return out
}

// splitKeyword splits "Key value", "Key=value" or "Key = value".
func splitKeyword(line string) (string, string) {
	i := strings.IndexAny(line, " \t=")
	if i < 0 {
		return line, ""
	}
	key := line[:i]
	rest := strings.TrimLeft(line[i:], " \t")
	rest = strings.TrimPrefix(rest, "=")
	return key, unquote(strings.TrimSpace(rest))
}

// parseKeyValue reads "KEY value" and KEY=value files (login.defs,
// /etc/default/*, environment files); the last value wins.
func parseKeyValue(data []byte) map[string]any {
	out := map[string]any{}
	for line := range strings.SplitSeq(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val := splitKeyword(line)
		if key != "" {
			out[key] = val
		}
	}
	return out
}

// expandSSHDIncludes inlines Include directives of sshd_config, relative
// paths being under /etc/ssh, glob patterns sorted, to a bounded depth.
func (c *collector) expandSSHDIncludes(data []byte, depth int) []byte {
	if depth > 8 || !bytes.Contains(bytes.ToLower(data), []byte("include")) {
		return data
	}
	var out bytes.Buffer
	for line := range strings.SplitSeq(string(data), "\n") {
		key, val := splitKeyword(strings.TrimSpace(line))
		if !strings.EqualFold(key, "include") {
			out.WriteString(line)
			out.WriteByte('\n')
			continue
		}
		for _, pat := range strings.Fields(val) {
			if !path.IsAbs(pat) {
				pat = path.Join("/etc/ssh", pat)
			}
			for _, p := range c.glob(pat) {
				if inc, err := c.fs.ReadFile(p); err == nil {
					out.Write(c.expandSSHDIncludes(inc, depth+1))
					out.WriteByte('\n')
				}
			}
		}
	}
	return out.Bytes()
}

// glob matches a pattern whose wildcards are in the last element only.
func (c *collector) glob(pat string) []string {
	dir, base := path.Split(pat)
	if !strings.ContainsAny(base, "*?[") {
		return []string{pat}
	}
	ents, err := c.fs.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if ok, _ := path.Match(base, e.Name()); ok && !e.IsDir() {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	slices.Sort(out)
	return out
}
