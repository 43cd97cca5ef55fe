package node

import (
	"regexp"
	"strings"
)

// Facts may be written out (--facts) and read back: nothing secret goes
// into them. Values of configuration keys and flags that hold secrets are
// replaced as they are collected; no check compares secret values.

// secretKey matches keys whose value is a secret: "secret", "token",
// "password", a bare "auth", and compounds such as "agent-token" or
// "registryPassword", but not references such as "tokenFile".
var secretKey = regexp.MustCompile(`(?i)(^|[-_.]|[a-z])(secret|token|password|passwd|client-key-data|identitytoken)$`)

// Redacted replaces secret values.
const Redacted = "REDACTED"

func isSecretKey(k string) bool {
	k = strings.TrimLeft(k, "-")
	// "auth" alone is a registry credential (containerd, Docker); as a
	// suffix it is a switch (--anonymous-auth, --client-cert-auth).
	return strings.EqualFold(k, "auth") || secretKey.MatchString(k)
}

// redactSecrets returns v with the values of secret-looking keys replaced.
func redactSecrets(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if isSecretKey(k) {
				if _, isMap := e.(map[string]any); !isMap {
					out[k] = Redacted
					continue
				}
			}
			out[k] = redactSecrets(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactSecrets(e)
		}
		return out
	}
	return v
}

// redactArgs replaces the values of secret flags (--token=..., --password x).
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i < len(out); i++ {
		name, _, hasVal := strings.Cut(out[i], "=")
		if !strings.HasPrefix(name, "-") || !isSecretKey(name) {
			continue
		}
		if hasVal {
			out[i] = name + "=" + Redacted
		} else if i+1 < len(out) && !strings.HasPrefix(out[i+1], "-") {
			out[i+1] = Redacted
			i++
		}
	}
	return out
}
