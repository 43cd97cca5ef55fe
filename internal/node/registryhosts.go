package node

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/BurntSushi/toml"
)

// containerd's registry host configuration: under the CRI plugin's
// registry config_path (default /etc/containerd/certs.d) each registry
// has a directory named after it (docker.io, registry.local:5000,
// _default) with a hosts.toml that names the server and its mirrors:
//
//	server = "https://registry.local:5000"
//	skip_verify = true
//	[host."http://mirror.local:5000"]
//	  capabilities = ["pull", "resolve"]
//
// Skipping TLS verification or pulling over plain HTTP lets anyone on
// the path serve the node's images. Loopback mirrors (a local cache) are
// not reached over the network and are allowed plain HTTP.

func init() {
	extraCollectors["registryhosts"] = (*collector).registryHosts
	extraCollectors["registrymirrors"] = (*collector).registryMirrors
}

// RegistryEndpoint is the server or one mirror of a hosts.toml.
type RegistryEndpoint struct {
	// URL is as written; without a scheme containerd uses https.
	URL        string
	SkipVerify bool
}

// ParseRegistryHosts reads a containerd hosts.toml: the top-level server
// (with its skip_verify) and every [host."..."] table, in file order.
func ParseRegistryHosts(data []byte) ([]RegistryEndpoint, error) {
	var doc map[string]any
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return nil, fmt.Errorf("hosts.toml does not parse: %w", err)
	}
	var out []RegistryEndpoint
	top, err := endpoint("server", doc)
	if err != nil {
		return nil, err
	}
	if srv, ok := doc["server"]; ok {
		s, isStr := srv.(string)
		if !isStr {
			return nil, errors.New("server is not a string")
		}
		top.URL = s
	}
	if top.URL != "" || top.SkipVerify {
		out = append(out, top)
	}
	hosts, ok := doc["host"]
	if !ok {
		return out, nil
	}
	table, ok := hosts.(map[string]any)
	if !ok {
		return nil, errors.New(`host is not a table of [host."URL"] sections`)
	}
	// File order, as containerd tries them; the map has none.
	var names []string
	for _, k := range md.Keys() {
		if len(k) == 2 && k[0] == "host" && !slices.Contains(names, k[1]) {
			names = append(names, k[1])
		}
	}
	for name := range table {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, name := range names {
		h, ok := table[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("host %q is not a table", name)
		}
		e, err := endpoint(fmt.Sprintf("host %q", name), h)
		if err != nil {
			return nil, err
		}
		e.URL = name
		out = append(out, e)
	}
	return out, nil
}

// endpoint reads the skip_verify of a table.
func endpoint(what string, t map[string]any) (RegistryEndpoint, error) {
	var e RegistryEndpoint
	if v, ok := t["skip_verify"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return e, fmt.Errorf("skip_verify of %s is not a boolean", what)
		}
		e.SkipVerify = b
	}
	return e, nil
}

// RegistryHostProblems lists what is insecure in one hosts.toml: endpoints
// with skip_verify = true, and plain http:// endpoints that are not on
// the loopback interface.
func RegistryHostProblems(data []byte) ([]string, error) {
	eps, err := ParseRegistryHosts(data)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range eps {
		name := e.URL
		if name == "" {
			name = "the server"
		}
		if e.SkipVerify {
			out = append(out, "skip_verify = true for "+name)
		}
		if plainHTTP(e.URL) {
			out = append(out, "plain HTTP endpoint "+e.URL)
		}
	}
	return out, nil
}

// loopbackURL reports whether a URL's host is localhost or a loopback
// address.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// plainHTTP reports whether an endpoint is plain HTTP off the loopback
// interface.
func plainHTTP(endpoint string) bool {
	return strings.HasPrefix(strings.ToLower(endpoint), "http://") && !loopbackURL(endpoint)
}

// registryMirrorKeys are the mirror endpoints of config.toml (version 2,
// then 3; version 3 deprecates them for hosts.toml).
var registryMirrorKeys = []string{
	`plugins."io.containerd.grpc.v1.cri".registry.mirrors.*.endpoint`,
	`plugins."io.containerd.cri.v1.images".registry.mirrors.*.endpoint`,
}

// registryMirrors lists the plain-HTTP mirror endpoints of containerd's
// config.toml ("plainhttp"), judged like those of hosts.toml: loopback
// mirrors are allowed.
func (c *collector) registryMirrors(string) (Setting, bool) {
	for _, p := range c.f.candidatePaths("containerd.config") {
		d := c.doc(p, "toml")
		if !d.Exists || d.Data == nil {
			continue
		}
		var bad []string
		for _, k := range registryMirrorKeys {
			if v, ok := lookupKey(d.Data, k); ok {
				bad = append(bad, slices.DeleteFunc(splitList(stringify(v)), func(e string) bool { return !plainHTTP(e) })...)
			}
		}
		return Setting{Value: strings.Join(bad, ","), Source: p}, true
	}
	return Setting{Source: "no containerd config.toml"}, true
}

// registryConfigPathKeys are where containerd's CRI plugin takes the
// registry config_path from (config version 2, then 3).
var registryConfigPathKeys = []string{
	`plugins."io.containerd.grpc.v1.cri".registry.config_path`,
	`plugins."io.containerd.cri.v1.images".registry.config_path`,
}

// defaultRegistryConfigPath is used when config.toml sets none.
const defaultRegistryConfigPath = "/etc/containerd/certs.d"

// registryHosts judges every <host>/hosts.toml under containerd's
// registry config_path ("problems"): the value lists each problem as
// "FILE: problem", so the evidence names the file.
func (c *collector) registryHosts(string) (Setting, bool) {
	var dirs []string
	src := defaultRegistryConfigPath + " (containerd's default config_path)"
	for _, p := range c.f.candidatePaths("containerd.config") {
		d := c.doc(p, "toml")
		if !d.Exists || d.Data == nil {
			continue
		}
		for _, k := range registryConfigPathKeys {
			if v, ok := lookupKey(d.Data, k); ok {
				if s := stringify(v); s != "" {
					// Several directories may be given, separated by ":".
					dirs = append(dirs, strings.Split(s, ":")...)
					src = "config_path " + s + " in " + p
				}
			}
		}
		break
	}
	if len(dirs) == 0 {
		dirs = []string{defaultRegistryConfigPath}
	}
	var problems []string
	files := 0
	for _, dir := range dirs {
		if !path.IsAbs(dir) {
			continue
		}
		ents, err := c.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			p := path.Join(dir, e.Name(), "hosts.toml")
			data, err := c.fs.readCapped(p, 1<<20)
			if err != nil {
				// A registry directory without hosts.toml is normal.
				if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
					c.errorf("registry hosts: %v", err)
				}
				continue
			}
			files++
			ps, err := RegistryHostProblems(data)
			if err != nil {
				problems = append(problems, p+": "+strings.ReplaceAll(err.Error(), ",", ";"))
				continue
			}
			for _, pr := range ps {
				problems = append(problems, p+": "+strings.ReplaceAll(pr, ",", ";"))
			}
		}
	}
	return Setting{Value: strings.Join(problems, ","), Source: fmt.Sprintf("%d hosts.toml file(s) under %s", files, src)}, true
}
