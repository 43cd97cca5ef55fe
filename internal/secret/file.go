package secret

import "strings"

// SecretFile reports whether a file path looks like a secret file by its name
// alone, and why. path may use slashes or backslashes and is compared
// ignoring case. Certificate bundles (*.pem named cert, chain, bundle or ca,
// or under a certs directory), public keys (*.pub, names with "pub") and
// trust stores are not secret files; template environment files
// (.env.example, .env.sample, .env.template, .env.dist) are not either.
// Scan judges the content.
func SecretFile(path string) (reason string, ok bool) {
	p := strings.ToLower(strings.ReplaceAll(path, `\`, "/"))
	dir, base := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, base = p[:i+1], p[i+1:]
	}
	if base == "" {
		return "", false
	}
	full := "/" + p
	for _, r := range secretPaths {
		if strings.HasSuffix(full, r.suffix) {
			return r.reason, true
		}
	}
	if r, ok := secretNames[base]; ok {
		return r, true
	}
	switch {
	case strings.HasPrefix(base, "ssh_host_") && strings.HasSuffix(base, "_key"):
		return "SSH host private key", true
	case strings.Contains(dir, "/.gnupg/private-keys-v1.d/") || strings.HasPrefix(dir, ".gnupg/private-keys-v1.d/"):
		return "GnuPG private key", true
	case strings.Contains(full, "/.config/gcloud/legacy_credentials/"):
		return "gcloud credentials", true
	case base == ".env" || strings.HasSuffix(base, ".env"):
		return "environment file (often holds secrets)", true
	case strings.HasPrefix(base, ".env."):
		switch base[len(".env."):] {
		case "example", "sample", "template", "dist":
			return "", false
		}
		return "environment file (often holds secrets)", true
	case base == "kubeconfig" || strings.HasPrefix(base, "kubeconfig.") || strings.HasPrefix(base, "kubeconfig-") ||
		strings.HasSuffix(base, ".kubeconfig"):
		return "kubeconfig (cluster credentials)", true
	case strings.HasSuffix(base, ".json") && (strings.Contains(base, "service-account") ||
		strings.Contains(base, "service_account") || strings.Contains(base, "serviceaccount")):
		return "GCP service account key", true
	}
	ext := ""
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		ext = base[i:]
	}
	switch ext {
	case ".pem":
		if strings.Contains(base, "key") || strings.Contains(base, "priv") {
			return "private key file", true
		}
		if certLike(dir, base) {
			return "", false
		}
		return "PEM file (may hold a private key)", true
	case ".key":
		if strings.Contains(base, "pub") || strings.Contains(dir, "keyring") || strings.Contains(dir, "trusted.gpg") {
			return "", false
		}
		return "private key file", true
	case ".p12", ".pfx":
		return "PKCS #12 key store", true
	case ".jks", ".keystore", ".bks":
		if strings.Contains(base, "trust") || strings.Contains(base, "cacerts") {
			return "", false
		}
		return "Java key store", true
	case ".ppk":
		return "PuTTY private key", true
	case ".tfstate":
		return "Terraform state (holds resource secrets in plain text)", true
	}
	return "", false
}

// certLike reports whether a .pem file is a certificate or a CA bundle.
func certLike(dir, base string) bool {
	for _, w := range []string{"cert", "chain", "bundle", "pub", "root", "trust", "dhparam", "csr"} {
		if strings.Contains(base, w) {
			return true
		}
	}
	if strings.HasPrefix(base, "ca.") || strings.HasPrefix(base, "ca-") || strings.HasPrefix(base, "ca_") {
		return true
	}
	for _, d := range []string{"/certs/", "ca-certificates", "ca-trust", "/certifi/"} {
		if strings.Contains("/"+dir, d) {
			return true
		}
	}
	return false
}

var secretNames = map[string]string{
	"id_rsa":                               "SSH private key",
	"id_dsa":                               "SSH private key",
	"id_ecdsa":                             "SSH private key",
	"id_ed25519":                           "SSH private key",
	"id_ecdsa_sk":                          "SSH private key",
	"id_ed25519_sk":                        "SSH private key",
	".npmrc":                               "npm configuration (may hold registry tokens)",
	".pypirc":                              "PyPI configuration (may hold upload credentials)",
	".netrc":                               "netrc file (machine passwords)",
	"_netrc":                               "netrc file (machine passwords)",
	".git-credentials":                     "Git credential store",
	".vault-token":                         "HashiCorp Vault token",
	".htpasswd":                            "htpasswd password hashes",
	".pgpass":                              "PostgreSQL password file",
	".my.cnf":                              "MySQL client configuration (may hold a password)",
	"credentials.json":                     "credentials file",
	"application_default_credentials.json": "gcloud application default credentials",
	".dockercfg":                           "Docker registry credentials",
	".s3cfg":                               "s3cmd configuration (AWS keys)",
	".boto":                                "boto configuration (cloud credentials)",
	".terraformrc":                         "Terraform CLI configuration (may hold tokens)",
	"terraform.rc":                         "Terraform CLI configuration (may hold tokens)",
	"credentials.tfrc.json":                "Terraform credentials",
	"secring.gpg":                          "GnuPG secret key ring",
}

// secretPaths are matched against the end of the path, with a leading slash.
var secretPaths = []struct{ suffix, reason string }{
	{"/.aws/credentials", "AWS credentials file"},
	{"/.docker/config.json", "Docker registry credentials"},
	{"/.kube/config", "kubeconfig (cluster credentials)"},
	{"/etc/kubernetes/admin.conf", "kubeconfig (cluster credentials)"},
	{"/etc/kubernetes/super-admin.conf", "kubeconfig (cluster credentials)"},
	{"/etc/kubernetes/kubelet.conf", "kubeconfig (cluster credentials)"},
	{"/etc/kubernetes/controller-manager.conf", "kubeconfig (cluster credentials)"},
	{"/etc/kubernetes/scheduler.conf", "kubeconfig (cluster credentials)"},
	{"/.config/gcloud/credentials.db", "gcloud credentials"},
	{"/.config/gcloud/access_tokens.db", "gcloud credentials"},
	{"/.azure/accesstokens.json", "Azure CLI tokens"},
	{"/.azure/msal_token_cache.json", "Azure CLI tokens"},
	{"/.config/gh/hosts.yml", "GitHub CLI credentials"},
	{"/.gem/credentials", "RubyGems credentials"},
	{"/.cargo/credentials", "Cargo registry token"},
	{"/.cargo/credentials.toml", "Cargo registry token"},
}

// allowListed reports whether generic detectors are disabled for path: a
// test, example or documentation file (see doc.go).
func allowListed(path string) bool {
	if path == "" {
		return false
	}
	start := 0
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '/' && path[i] != '\\' {
			continue
		}
		seg := path[start:i]
		start = i + 1
		if i == len(path) {
			return allowListedBase(seg)
		}
		if inFold(seg, allowDirs) {
			return true
		}
	}
	return false
}

var allowDirs = []string{
	"testdata", "test", "tests", "testing", "__tests__", "spec", "specs", "e2e",
	"fixture", "fixtures", "__fixtures__", "__mocks__", "mock", "mocks",
	"example", "examples", "sample", "samples", "demo", "demos", "doc", "docs",
	"man", "fuzz", "fuzzer", "fuzzing",
}

func allowListedBase(base string) bool {
	for _, suf := range []string{"_test.go", "_test.py", "_test.rb", "_spec.rb", "_test.exs", "test.java", "tests.java",
		"test.kt", "test.cs", "tests.cs", ".md", ".markdown", ".rst", ".adoc"} {
		if hasSuffixFold(base, suf) {
			return true
		}
	}
	if hasPrefixFold(base, "test_") || strings.EqualFold(base, "doc.go") ||
		hasPrefixFold(base, "swagger") || hasPrefixFold(base, "openapi") {
		return true
	}
	if name, _, _ := strings.Cut(base, "."); hasSuffixFold(name, "fuzz") || hasSuffixFold(name, "fuzzer") {
		return true
	}
	// Dot-separated parts: .env.example, config.sample.yml, app.test.js,
	// app.spec.ts, example.conf.
	for rest := base; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ".")
		if inFold(part, allowParts) {
			return true
		}
	}
	return false
}

var allowParts = []string{"example", "examples", "sample", "samples", "template", "tmpl", "tpl", "dist", "test", "spec"}

// isSourceCode reports whether path is a source code file, in which an
// unquoted assignment value is an expression, not a literal.
func isSourceCode(path string) bool {
	i := strings.LastIndexByte(path, '.')
	if i < 0 || strings.ContainsAny(path[i:], `/\`) {
		return false
	}
	return inFold(path[i+1:], codeExts)
}

var codeExts = []string{
	"go", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "kts",
	"scala", "groovy", "rb", "php", "c", "h", "cc", "cpp", "cxx", "hpp", "hh",
	"cs", "fs", "vb", "rs", "swift", "m", "mm", "lua", "pl", "pm", "dart",
	"ex", "exs", "erl", "hs", "clj", "vue", "svelte", "r", "jl", "zig", "nim",
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}
