package secret

import "strings"

// SensitiveName reports whether an environment variable, build argument or
// configuration key NAME looks like it carries a secret.
//
// The name is split into words at separators (_ - . / space), at case changes
// (dbPassword, APIKey) and at digits. It is sensitive when a word is one of
// password, passwd, pwd, pass, passphrase, passcode, secret, token,
// credential(s), creds, auth, bearer, pat or a joined form
// such as apikey or secretkey; or when "key" follows a qualifier such as api,
// access, private, secret, signing, encryption, master, account, app or ssh;
// or for "connection string" and "erlang cookie". Except:
//
//   - names that end in a word that refers to the secret rather than holding
//     it: FILE, PATH, DIR, URL, ENDPOINT, HOST, NAME, ID, TYPE, LENGTH, TTL,
//     REF, ARN, USER, HEADER... (PASSWORD_FILE, TOKEN_PATH, SECRET_NAME,
//     DATABASE_URL, AWS_ACCESS_KEY_ID, KEY_ID, and SECRET_ID too: it names
//     Docker and cloud secret objects more often than Vault AppRole
//     credentials;
//   - names with a switch word: ALLOW, EMPTY, RANDOM, GENERATE, SKIP, NO,
//     ENABLE, DISABLE, REQUIRE, USE, IS, HAS, VERIFY, VALIDATE, CHECK
//     (MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD);
//   - PWD and OLDPWD (the working directory) and
//     GOOGLE_APPLICATION_CREDENTIALS (a path).
//
// A bare KEY is not sensitive: it names sort keys and map keys as often as
// secrets. A URL is judged by its value (a password in it), not its name.
func SensitiveName(name string) bool {
	wl := splitWords(name)
	ws := wl.w[:wl.n]
	if len(ws) == 0 || strings.EqualFold(name, "GOOGLE_APPLICATION_CREDENTIALS") {
		return false
	}
	if len(ws) == 1 && strings.EqualFold(ws[0], "pwd") {
		return false
	}
	for _, w := range ws {
		if inFold(w, switchWords) {
			return false
		}
	}
	last := ws[len(ws)-1]
	if inFold(last, refWords) {
		return false
	}
	for i, w := range ws {
		switch {
		case inFold(w, strongWords):
			return true
		case i > 0 && (strings.EqualFold(w, "key") || strings.EqualFold(w, "keys")) && inFold(ws[i-1], keyQualifiers):
			return true
		case i > 0 && strings.EqualFold(w, "string") && strings.EqualFold(ws[i-1], "connection"),
			i > 0 && strings.EqualFold(w, "cookie") && strings.EqualFold(ws[i-1], "erlang"):
			return true
		}
	}
	return false
}

var strongWords = []string{
	"password", "passwords", "passwd", "pwd", "pass", "passphrase", "passcode",
	"secret", "secrets", "token", "tokens", "credential", "credentials",
	"creds", "cred", "auth", "bearer", "pat",
	"apikey", "apikeys", "apitoken", "secretkey", "privatekey", "accesskey",
	"authkey", "authtoken", "accesstoken", "clientsecret", "connstr",
}

var keyQualifiers = []string{
	"api", "access", "private", "secret", "auth", "signing", "sign",
	"encryption", "encrypt", "crypt", "master", "account", "shared", "session",
	"ssh", "client", "app", "license", "storage", "deploy", "hmac", "tls",
	"ssl", "root", "admin", "subscription", "jwt", "aes",
}

var refWords = []string{
	"file", "files", "filename", "path", "paths", "dir", "directory", "folder",
	"location", "url", "uri", "urls", "endpoint", "endpoints", "host",
	"hostname", "port", "name", "names", "id", "ids", "type", "types", "kind",
	"length", "len", "size", "min", "max", "minimum", "maximum", "policy",
	"policies", "enabled", "disabled", "required", "mode", "method", "methods",
	"provider", "providers", "env", "var", "vars", "variable", "ttl", "expiry",
	"expires", "expiration", "expire", "expired", "timeout", "age", "lifetime",
	"duration", "interval", "period", "header", "headers", "field", "prefix",
	"suffix", "format", "version", "ref", "reference", "arn", "source",
	"backend", "algorithm", "alg", "issuer", "audience", "scope", "scopes",
	"user", "username", "login", "email", "sock", "socket", "count", "limit",
	"rotation", "regex", "pattern", "hint", "label", "mount", "volume",
	"store", "command", "cmd", "script", "helper", "strategy", "realm",
	"scheme", "plugin", "config", "configuration", "domain", "secure",
	"samesite", "httponly", "server", "service", "namespace", "annotation",
	"encoding", "bits", "flag", "option", "options", "param", "params",
	"parameter", "cache", "manager", "template", "selector", "target", "list",
	"group", "groups",
}

var switchWords = []string{
	"allow", "allowed", "empty", "random", "generate", "generated", "skip",
	"no", "enable", "disable", "require", "use", "is", "has", "verify",
	"validate", "check", "show",
}

func inFold(w string, list []string) bool {
	for _, x := range list {
		if len(w) == len(x) && strings.EqualFold(w, x) {
			return true
		}
	}
	return false
}

const maxWords = 16

// words is the result of splitWords: w[:n]. It is a value, not a slice, so
// that splitting costs no allocation.
type words struct {
	n int
	w [maxWords]string
}

// splitWords splits a name into words at non-alphanumeric bytes, at
// lower-to-upper case changes (dbPassword), before the last capital of a run
// of capitals followed by a small letter (APIKey) and between letters and
// digits. It keeps at most maxWords words, the last ones.
func splitWords(name string) (ws words) {
	n := 0
	for i := 0; i < len(name); {
		if !alnum[name[i]] {
			i++
			continue
		}
		j := i + 1
		for j < len(name) && alnum[name[j]] {
			a, b := name[j-1], name[j]
			if isLower(a) && isUpper(b) ||
				isUpper(a) && isUpper(b) && j+1 < len(name) && isLower(name[j+1]) ||
				isDigit(a) != isDigit(b) {
				break
			}
			j++
		}
		if n == maxWords {
			for k := 1; k < maxWords; k++ { // not copy, which makes name escape
				ws.w[k-1] = ws.w[k]
			}
			n--
		}
		ws.w[n] = name[i:j]
		n++
		i = j
	}
	ws.n = n
	return ws
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
