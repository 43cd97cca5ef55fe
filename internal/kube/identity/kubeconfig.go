package identity

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/palisade-sec/palisade/internal/finding"
)

// Kubeconfig rules, judged by `palisade kubeconfig audit`.
var (
	KubeconfigToken = rule("PAL-ID-020", finding.High, "kubeconfig", "Kubeconfig holds a static bearer token",
		"A token (or tokenFile) in a kubeconfig is a bearer credential: whoever copies the file acts as its user until the token is revoked; service account tokens of legacy Secrets and static token files never expire.",
		"Authenticate through an exec plugin of the identity provider (kubelogin, cloud CLIs) that fetches short-lived tokens; never store tokens in kubeconfigs.")
	KubeconfigPassword = rule("PAL-ID-021", finding.High, "kubeconfig", "Kubeconfig holds a password",
		"username and password in a kubeconfig are basic-auth credentials in clear text (basic authentication was removed from Kubernetes in 1.19; they are either dead or meant for a proxy).",
		"Remove the password; authenticate through the identity provider.")
	KubeconfigLongLivedCert = rule("PAL-ID-022", finding.Medium, "kubeconfig", "Kubeconfig holds a long-lived client key",
		"A client certificate and its private key in a kubeconfig cannot be revoked by Kubernetes (there is no CRL check): until it expires, anyone who copies the file is its user. Keys valid for more than a year, or already expired, are reported.",
		"Issue short-lived client certificates (hours), or use an identity-provider exec plugin; rotate and shred long-lived keys.")
	KubeconfigMasters = rule("PAL-ID-023", finding.Critical, "kubeconfig", "Kubeconfig holds a system:masters client certificate",
		"A client certificate with organization system:masters is authorized for everything before RBAC is consulted, and no binding can be removed to revoke it: it is valid until it expires or the cluster CA is replaced.",
		"Keep system:masters certificates for break-glass only, offline; give people a certificate or identity-provider group bound to cluster-admin instead.")
	KubeconfigInsecureTLS = rule("PAL-ID-024", finding.High, "kubeconfig", "Kubeconfig skips TLS verification",
		"insecure-skip-tls-verify: true makes the client accept any server certificate: a network attacker impersonates the API server and collects the credentials sent to it.",
		"Remove insecure-skip-tls-verify and set certificate-authority-data to the cluster CA.")
	KubeconfigExec = rule("PAL-ID-025", finding.Low, "kubeconfig", "Kubeconfig runs an exec credential plugin",
		"An exec plugin runs a command on every use of the context: fine for an identity-provider plugin you trust, but a kubeconfig from an untrusted source runs its command on your machine.",
		"Check that the command is the identity provider's plugin installed from a trusted source, and refer to it by absolute path.")
	KubeconfigAuthProvider = rule("PAL-ID-026", finding.High, "kubeconfig", "Kubeconfig stores identity-provider secrets",
		"The deprecated auth-provider section caches refresh tokens, ID tokens and client secrets in the file: long-lived credentials of the identity provider itself.",
		"Switch to an exec plugin (kubelogin, cloud CLI) that keeps tokens out of the kubeconfig.")
	KubeconfigPlainHTTP = rule("PAL-ID-027", finding.High, "kubeconfig", "Kubeconfig talks to the API server without TLS",
		"A server URL with http:// sends credentials and every object in clear text.",
		"Use the API server's https:// URL.")
	KubeconfigPermissions = rule("PAL-ID-028", finding.Medium, "kubeconfig", "Kubeconfig file is readable by other users",
		"A kubeconfig with credentials that group or other users can read gives them its identity.",
		"chmod 600 the file.")
)

// KubeconfigRules are the rules of JudgeKubeconfig.
func KubeconfigRules() []*finding.Rule {
	return []*finding.Rule{KubeconfigToken, KubeconfigPassword, KubeconfigLongLivedCert, KubeconfigMasters, KubeconfigInsecureTLS,
		KubeconfigExec, KubeconfigAuthProvider, KubeconfigPlainHTTP, KubeconfigPermissions}
}

// Kubeconfig is a parsed kubeconfig with the facts judged about it.
type Kubeconfig struct {
	Path   string
	Config *clientcmdapi.Config
	// Mode is the file's permission bits; 0 when unknown.
	Mode fs.FileMode
	// Lines maps "users/NAME" and "clusters/NAME" to lines, when found.
	Lines map[string]int
}

// LoadKubeconfig reads and parses a kubeconfig file.
func LoadKubeconfig(path string) (*Kubeconfig, error) {
	data, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseKubeconfig(path, data)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		k.Mode = fi.Mode().Perm()
	}
	return k, nil
}

// ParseKubeconfig parses kubeconfig content.
func ParseKubeconfig(path string, data []byte) (*Kubeconfig, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes: not a kubeconfig", path, MaxFileSize)
	}
	cfg, err := clientcmd.Load(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a kubeconfig: %s", path, firstErrLine(err))
	}
	if len(cfg.Clusters) == 0 && len(cfg.AuthInfos) == 0 && len(cfg.Contexts) == 0 {
		return nil, fmt.Errorf("%s is not a kubeconfig: no clusters, users or contexts", path)
	}
	return &Kubeconfig{Path: path, Config: cfg, Lines: kubeconfigLines(data)}, nil
}

// kubeconfigLines finds the line of each "- name: X" under users and
// clusters.
func kubeconfigLines(data []byte) map[string]int {
	out := map[string]int{}
	section := ""
	for i, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "-") && strings.HasSuffix(strings.TrimSpace(line), ":") {
			section = strings.TrimSuffix(strings.TrimSpace(line), ":")
			continue
		}
		t := strings.TrimSpace(line)
		if name, ok := strings.CutPrefix(t, "- name:"); ok && (section == "users" || section == "clusters" || section == "contexts") {
			out[section+"/"+strings.Trim(strings.TrimSpace(name), `"'`)] = i + 1
		}
	}
	return out
}

// KubeProblem is one rule a kubeconfig breaks.
type KubeProblem struct {
	Rule *finding.Rule
	// Where is "users/NAME", "clusters/NAME" or "" (the file).
	Where   string
	Line    int
	Message string
}

// maxCertLifetime is the longest client certificate validity not
// reported.
const maxCertLifetime = 366 * 24 * time.Hour

// JudgeKubeconfig applies the kubeconfig rules at time now.
func JudgeKubeconfig(k *Kubeconfig, now time.Time) []KubeProblem {
	var out []KubeProblem
	add := func(r *finding.Rule, where, format string, a ...any) {
		out = append(out, KubeProblem{Rule: r, Where: where, Line: k.Lines[where], Message: fmt.Sprintf(format, a...)})
	}
	hasCredentials := false
	for _, name := range sortedNames(k.Config.AuthInfos) {
		u := k.Config.AuthInfos[name]
		where := "users/" + name
		if u.Token != "" {
			hasCredentials = true
			add(KubeconfigToken, where, "user %q holds a bearer token (%s)", name, tokenKind(u.Token))
		}
		if u.TokenFile != "" {
			add(KubeconfigToken, where, "user %q reads a static bearer token from %s", name, u.TokenFile)
		}
		if u.Password != "" {
			hasCredentials = true
			add(KubeconfigPassword, where, "user %q holds a password (username %q)", name, u.Username)
		}
		if len(u.ClientKeyData) > 0 || u.ClientKey != "" {
			hasCredentials = true
			cert := u.ClientCertificateData
			if len(cert) == 0 && u.ClientCertificate != "" {
				cert, _ = os.ReadFile(u.ClientCertificate)
			}
			if c := parseCert(cert); c != nil {
				life := c.NotAfter.Sub(c.NotBefore)
				switch {
				case now.After(c.NotAfter):
					add(KubeconfigLongLivedCert, where, "user %q holds a client key whose certificate (CN %q) expired on %s", name, c.Subject.CommonName, c.NotAfter.Format("2006-01-02"))
				case life > maxCertLifetime:
					add(KubeconfigLongLivedCert, where, "user %q holds a client key valid for %d days, until %s (CN %q)", name, int(life.Hours()/24), c.NotAfter.Format("2006-01-02"), c.Subject.CommonName)
				}
				if slices.Contains(c.Subject.Organization, "system:masters") {
					add(KubeconfigMasters, where, "user %q holds a client certificate for CN %q in group system:masters, valid until %s", name, c.Subject.CommonName, c.NotAfter.Format("2006-01-02"))
				}
			} else if len(cert) > 0 {
				add(KubeconfigLongLivedCert, where, "user %q holds a client key whose certificate cannot be parsed: its lifetime is unknown", name)
			}
		}
		if u.Exec != nil {
			add(KubeconfigExec, where, "user %q runs %q%s on every use", name, u.Exec.Command, execArgs(u.Exec.Args))
		}
		if u.AuthProvider != nil {
			var keys []string
			for key, v := range u.AuthProvider.Config {
				switch key {
				case "client-secret", "refresh-token", "id-token", "access-token":
					if v != "" {
						keys = append(keys, key)
					}
				}
			}
			slices.Sort(keys)
			if len(keys) > 0 {
				hasCredentials = true
				add(KubeconfigAuthProvider, where, "user %q stores %s of auth-provider %q", name, strings.Join(keys, ", "), u.AuthProvider.Name)
			}
		}
	}
	for _, name := range sortedNames(k.Config.Clusters) {
		c := k.Config.Clusters[name]
		where := "clusters/" + name
		if c.InsecureSkipTLSVerify {
			add(KubeconfigInsecureTLS, where, "cluster %q (%s) skips TLS verification", name, redactURL(c.Server))
		}
		if strings.HasPrefix(strings.ToLower(c.Server), "http://") {
			add(KubeconfigPlainHTTP, where, "cluster %q is reached over plain HTTP (%s)", name, redactURL(c.Server))
		}
	}
	if hasCredentials && k.Mode&0o077 != 0 {
		add(KubeconfigPermissions, "", "%s has mode %04o and holds credentials", k.Path, uint32(k.Mode))
	}
	return out
}

func execArgs(args []string) string {
	if len(args) == 0 {
		return ""
	}
	s := " " + strings.Join(args, " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// tokenKind says what a token looks like without printing it.
func tokenKind(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) == 3 && strings.HasPrefix(tok, "eyJ") {
		return "a JWT"
	}
	return fmt.Sprintf("%d characters", len(tok))
}

func parseCert(data []byte) *x509.Certificate {
	for len(data) > 0 {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err == nil {
				return c
			}
		}
	}
	return nil
}

// redactURL drops user information from a URL.
func redactURL(u string) string {
	if i := strings.Index(u, "@"); i >= 0 {
		if j := strings.Index(u, "://"); j >= 0 && j < i {
			return u[:j+3] + u[i+1:]
		}
	}
	return u
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
