// Package identity judges how a cluster knows who is calling: the API
// server's authentication and authorization configuration (its flags,
// from a static pod manifest, a flags file or a running pod, and its
// structured --authentication-config file) and kubeconfig files (the
// credentials people and tools hold). Loading (reading files) is kept to
// the Load functions; judging is pure.
package identity

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"mvdan.cc/sh/v3/shell"
	"sigs.k8s.io/yaml"

	"github.com/palisade-sec/palisade/internal/node"
)

// MaxFileSize bounds what is read of one configuration file.
const MaxFileSize = 4 << 20

// APIServer is the configuration of one kube-apiserver.
type APIServer struct {
	// Source says where the flags were read: a file, a pod.
	Source string
	// Flags maps "--name" to every value given, in order (the last one
	// wins).
	Flags map[string][]string
	// Authn is the parsed --authentication-config file, when it could be
	// read; nil otherwise (its flag may still be set).
	Authn *AuthenticationConfig
	// AuthnError says why the authentication config could not be read.
	AuthnError string
	// Authz is the parsed --authorization-config file, when it could be
	// read; AuthzError says why not.
	Authz      *AuthorizationConfig
	AuthzError string
}

// Flag returns the value that wins and whether the flag was given.
func (a *APIServer) Flag(name string) (string, bool) {
	v, ok := a.Flags[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

// ParseArgs reads a command line into flags: "--a=b", "--a b", "--a"
// (true), and the single-dash forms.
func ParseArgs(args []string) map[string][]string {
	flags := map[string][]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" || a == "--" {
			continue
		}
		name, val, hasVal := strings.Cut(a, "=")
		if !strings.HasPrefix(name, "--") {
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
		flags[name] = append(flags[name], val)
	}
	return flags
}

// IsAPIServer reports whether a command line runs kube-apiserver
// (directly, through hyperkube, or as "kube-apiserver" inside sh -c).
func IsAPIServer(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	if path.Base(argv[0]) == "kube-apiserver" {
		return true
	}
	if path.Base(argv[0]) == "hyperkube" && len(argv) > 1 && (argv[1] == "kube-apiserver" || argv[1] == "apiserver") {
		return true
	}
	return false
}

// FromArgs makes the configuration of a kube-apiserver command line.
func FromArgs(source string, argv []string) *APIServer {
	if len(argv) >= 3 && (path.Base(argv[0]) == "sh" || path.Base(argv[0]) == "bash") && argv[1] == "-c" {
		if w, err := shell.Fields(strings.TrimPrefix(strings.TrimSpace(argv[2]), "exec "), func(string) string { return "" }); err == nil {
			argv = w
		}
	}
	return &APIServer{Source: source, Flags: ParseArgs(argv)}
}

// ParseFlagsFile reads the flags of a flags file: one or more flags per
// line ("--anonymous-auth=false"), shell assignments whose value holds
// flags (KUBE_API_ARGS="--a=b --c=d" in /etc/default or
// /etc/kubernetes/apiserver), or a YAML file of flag names to values
// (kube-apiserver-arg lists of k3s and RKE2 config.yaml included).
func ParseFlagsFile(data []byte) (map[string][]string, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("flags file larger than %d bytes", MaxFileSize)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && !bytes.HasPrefix(trimmed, []byte("-")) && !bytes.Contains(firstLine(trimmed), []byte("=")) {
		var doc map[string]any
		if err := yaml.Unmarshal(data, &doc); err == nil && doc != nil {
			return flagsFromYAML(doc), nil
		}
	}
	var args []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		assignment := false
		if !strings.HasPrefix(line, "-") {
			// VAR="--flags ..." or VAR=--flag
			_, v, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			line, assignment = v, true
		}
		words, err := shell.Fields(line, func(string) string { return "" })
		if err != nil {
			return nil, fmt.Errorf("line %q: %v", line, err)
		}
		if assignment {
			// The variable's value is itself a command line.
			var inner []string
			for _, w := range words {
				ws, err := shell.Fields(w, func(string) string { return "" })
				if err != nil {
					return nil, fmt.Errorf("line %q: %v", line, err)
				}
				inner = append(inner, ws...)
			}
			words = inner
		}
		args = append(args, words...)
	}
	return ParseArgs(args), nil
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// flagsFromYAML reads {flag: value} documents and k3s/RKE2 configs
// (kube-apiserver-arg: ["a=b", ...]).
func flagsFromYAML(doc map[string]any) map[string][]string {
	flags := map[string][]string{}
	for _, key := range []string{"kube-apiserver-arg", "kube-apiserver-args"} {
		if list, ok := doc[key].([]any); ok {
			for _, it := range list {
				s := fmt.Sprint(it)
				name, val, ok := strings.Cut(strings.TrimPrefix(s, "--"), "=")
				if !ok {
					val = "true"
				}
				flags["--"+name] = append(flags["--"+name], val)
			}
			return flags
		}
	}
	for k, v := range doc {
		name := "--" + strings.TrimPrefix(k, "--")
		switch x := v.(type) {
		case []any:
			var parts []string
			for _, it := range x {
				parts = append(parts, fmt.Sprint(it))
			}
			flags[name] = append(flags[name], strings.Join(parts, ","))
		case map[string]any:
			continue
		default:
			flags[name] = append(flags[name], fmt.Sprint(x))
		}
	}
	return flags
}

// LoadAPIServer reads a kube-apiserver static pod manifest or flags
// file, and the --authentication-config file it names when authnConfig
// is "" and the path it names exists (or authnConfig itself when given).
func LoadAPIServer(file, authnConfig string) (*APIServer, error) {
	data, err := readCapped(file)
	if err != nil {
		return nil, err
	}
	var a *APIServer
	if looksLikePod(data) {
		argv, _, _, err := node.ParseManifest(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if !IsAPIServer(argv) && !slices.ContainsFunc(argv, func(s string) bool { return strings.Contains(s, "kube-apiserver") }) {
			return nil, fmt.Errorf("%s: the pod does not run kube-apiserver (command %q)", file, strings.Join(firstN(argv, 2), " "))
		}
		a = FromArgs(file, argv)
	} else {
		flags, err := ParseFlagsFile(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if len(flags) == 0 {
			return nil, fmt.Errorf("%s holds no kube-apiserver flags: give a static pod manifest or a flags file", file)
		}
		a = &APIServer{Source: file, Flags: flags}
	}
	if authnConfig == "" {
		authnConfig, _ = a.Flag("--authentication-config")
	}
	a.loadConfigs(authnConfig, readCapped)
	return a, nil
}

// FromNode is the configuration of the kube-apiserver a node audit
// found (a static pod, a process, a distribution's arguments), with the
// configuration files its flags name read from the node's file system.
func FromNode(c *node.Component, root node.RootFS) *APIServer {
	a := &APIServer{Source: "kube-apiserver (" + c.Source + ")", Flags: c.Flags}
	authn, _ := a.Flag("--authentication-config")
	a.loadConfigs(authn, root.ReadFile)
	return a
}

// loadConfigs reads the authentication configuration (from authnConfig)
// and the authorization configuration --authorization-config names.
func (a *APIServer) loadConfigs(authnConfig string, read func(string) ([]byte, error)) {
	if authnConfig != "" {
		if data, err := read(authnConfig); err != nil {
			a.AuthnError = err.Error()
		} else if cfg, err := ParseAuthenticationConfig(data); err != nil {
			a.AuthnError = fmt.Sprintf("%s: %v", authnConfig, err)
		} else {
			a.Authn = cfg
		}
	}
	if authzConfig, _ := a.Flag("--authorization-config"); authzConfig != "" {
		if data, err := read(authzConfig); err != nil {
			a.AuthzError = err.Error()
		} else if cfg, err := ParseAuthorizationConfig(data); err != nil {
			a.AuthzError = fmt.Sprintf("%s: %v", authzConfig, err)
		} else {
			a.Authz = cfg
		}
	}
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func looksLikePod(data []byte) bool {
	return bytes.Contains(data, []byte("kind: Pod")) || bytes.Contains(data, []byte(`"kind": "Pod"`)) || bytes.Contains(data, []byte(`"kind":"Pod"`))
}

func readCapped(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", p, err)
	}
	defer f.Close()
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", p, err)
	}
	if n > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a configuration file", p, MaxFileSize)
	}
	return buf.Bytes(), nil
}
