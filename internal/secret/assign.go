package secret

import (
	"bytes"
	"encoding/base64"
	"strings"
)

const (
	maxKeyLen   = 64   // longest key name of an assignment
	maxQuoted   = 8192 // longest quoted value (a private key in JSON fits)
	maxUnquoted = 4096 // longest unquoted value (a service account JWT fits)
)

var (
	keyChars     = newCharset("a-z", "A-Z", "0-9", "_.-")
	unquotedStop = newCharset(" \t\r\n\"'`,;")
)

// assignment handles a keyword found at offset at in a key name: it finds the
// whole key, an assignment operator (=, :, :=, =>; not == or ::) and the
// value after it, quoted or not, and judges them with assign. It recognizes
// KEY=value (.env, shell), key: value (YAML), "key": "value" (JSON),
// key = "value" (INI, TOML, HCL, code), key := "value" (Go),
// 'key' => 'value' (PHP, Ruby) and --key=value (flags).
func (s *scanner) assignment(at, kwLen int) {
	c := s.content
	ks := at
	for ks > 0 && at-ks < maxKeyLen && keyChars[c[ks-1]] {
		ks--
	}
	if ks == s.lastKey[s.pass] {
		return // another keyword of the same key
	}
	if ks >= 2 && c[ks-2] == '$' && c[ks-1] == '{' {
		return // ${name:-default}, a shell parameter expansion
	}
	ke := at + kwLen
	for ke < len(c) && ke-ks <= maxKeyLen && keyChars[c[ke]] {
		ke++
	}
	if ke-ks > maxKeyLen {
		return
	}
	s.lastKey[s.pass] = ks
	p := ke
	if p < len(c) && (c[p] == '"' || c[p] == '\'') {
		p++
	}
	p = skipBlanks(c, p)
	if p+1 >= len(c) {
		return
	}
	switch {
	case c[p] == '=' && c[p+1] == '>', c[p] == ':' && c[p+1] == '=':
		p += 2
	case c[p] == '=' && c[p+1] != '=', c[p] == ':' && c[p+1] != ':':
		p++
	default:
		return
	}
	p = skipBlanks(c, p)
	if p >= len(c) {
		return
	}
	vs, ve, quoted := p, p, false
	switch q := c[p]; q {
	case '"', '\'', '`':
		vs++
		ve = closingQuote(c[vs:min(len(c), vs+maxQuoted)], q)
		if ve < 0 {
			return
		}
		ve += vs
		quoted = true
	default:
		if !s.unquoted {
			return
		}
		// Bytes [r.from, r.to) are known to hold no stop byte, so that
		// many keyword hits in one long value cost linear time.
		r := &s.runs[s.pass]
		if r.from <= vs && vs <= r.to {
			ve = r.to
		}
		for ve < len(c) && ve-vs <= maxUnquoted && !unquotedStop[c[ve]] {
			ve++
		}
		r.from, r.to = vs, ve
		if ve-vs > maxUnquoted {
			return
		}
	}
	if ve > vs {
		s.assign(string(c[ks:ke]), vs, ve, quoted)
	}
}

// closingQuote returns the offset of the first quote q in c that is not
// escaped by a backslash, or -1 if there is none before a line feed.
func closingQuote(c []byte, q byte) int {
	for off := 0; ; {
		i := bytes.IndexByte(c[off:], q)
		if i < 0 {
			return -1
		}
		i += off
		if bytes.IndexByte(c[off:i], '\n') >= 0 {
			return -1
		}
		backslashes := 0
		for j := i - 1; j >= 0 && c[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
		off = i + 1
	}
}

func skipBlanks(c []byte, i int) int {
	for i < len(c) && (c[i] == ' ' || c[i] == '\t') {
		i++
	}
	return i
}

// assign judges the value content[vs:ve] assigned to key. The key name selects
// the specific detectors (GCP service-account JSON, Docker config, kubeconfig,
// AWS secret access key, Twilio auth token); the generic detector takes
// literal secrets assigned to any other sensitive name.
func (s *scanner) assign(key string, vs, ve int, quoted bool) {
	v := s.content[vs:ve]
	switch {
	case key == "private_key" && bytes.HasPrefix(v, pemBegin) && s.isServiceAccount():
		if b, ok := parsePEM(v, 0); ok {
			s.add(detGCPServiceAccount, vs, ve, vs, ve, string(v[:b.headerEnd])+mask)
		}
		return
	case key == "auth" && quoted && s.isDockerConfig():
		if dockerAuth(v) {
			s.add(detDockerAuth, vs, ve, vs, ve, "")
		}
		return
	case inList(key, kubeconfigKeys) && s.isKubeconfig():
		if key == "client-key-data" && bytes.HasPrefix(v, pemBase64) || key != "client-key-data" && credentialValue(v) {
			s.add(detKubeconfig, vs, ve, vs, ve, "")
		}
		return
	case len(v) == 40 && allIn(v, &b64) && awsSecretName(key) && !fakeToken(v):
		s.add(detAWSSecretKey, vs, ve, vs, ve, "")
		return
	case len(v) == 32 && allIn(v, &hexDigit) && twilioName(key) && !fakeToken(v):
		s.add(detTwilioAuthToken, vs, ve, vs, ve, "")
		return
	}
	if s.generic && literalSecret(v, quoted) && SensitiveName(key) && !echoesKey(v, key) && !wellKnown(v) {
		s.add(detGenericSecret, vs, ve, vs, ve, "")
	}
}

// echoesKey reports whether value repeats its key or the last word of its
// key, as in "encryptionKey": "encryptionKey1024" or password: password-42,
// which is test data.
func echoesKey(value []byte, key string) bool {
	if len(key) >= 4 && containsFold(value, strings.ToLower(key)) {
		return true
	}
	ws := splitWords(key)
	if ws.n == 0 {
		return false
	}
	last := ws.w[ws.n-1]
	return len(last) >= 4 && containsFold(value, strings.ToLower(last))
}

var kubeconfigKeys = []string{"token", "client-key-data", "password", "id-token", "refresh-token", "client-secret"}

func inList(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

func allIn(v []byte, cs *charset) bool {
	for _, c := range v {
		if !cs[c] {
			return false
		}
	}
	return true
}

// awsSecretName reports whether key names an AWS secret access key:
// aws_secret_access_key, AWS_SECRET_ACCESS_KEY, SecretAccessKey,
// aws_secret_key...
func awsSecretName(key string) bool {
	var secret, qualified bool
	ws := splitWords(key)
	for _, w := range ws.w[:ws.n] {
		switch {
		case strings.EqualFold(w, "secret"):
			secret = true
		case strings.EqualFold(w, "aws"), strings.EqualFold(w, "access"):
			qualified = true
		}
	}
	return secret && qualified
}

// twilioName reports whether key names a Twilio auth token or secret.
func twilioName(key string) bool {
	var twilio, secret bool
	ws := splitWords(key)
	for _, w := range ws.w[:ws.n] {
		switch {
		case strings.EqualFold(w, "twilio"):
			twilio = true
		case strings.EqualFold(w, "token"), strings.EqualFold(w, "secret"), strings.EqualFold(w, "auth"):
			secret = true
		}
	}
	return twilio && secret
}

func (s *scanner) isServiceAccount() bool {
	return s.serviceAccount.is(func() bool { return bytes.Contains(s.content, []byte(`"service_account"`)) })
}

func (s *scanner) isDockerConfig() bool {
	return s.dockerAuths.is(func() bool { return bytes.Contains(s.content, []byte(`"auths"`)) })
}

func (s *scanner) isKubeconfig() bool {
	return s.kubeconfig.is(func() bool {
		return bytes.Contains(s.content, []byte("users:")) &&
			(bytes.Contains(s.content, []byte("kind: Config")) || bytes.Contains(s.content, []byte("clusters:")))
	})
}

// dockerAuth reports whether v is the base64 of user:password with a real
// password, as in the auths of ~/.docker/config.json.
func dockerAuth(v []byte) bool {
	if len(v) > 1024 {
		return false
	}
	var buf [768]byte
	enc := base64.StdEncoding
	if len(v)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	n, err := enc.Decode(buf[:], v)
	if err != nil {
		return false
	}
	user, pass, ok := bytes.Cut(buf[:n], []byte(":"))
	return ok && len(user) > 0 && credentialValue(pass)
}

// pemBase64 is the base64 of "-----BEGIN", which starts the client-key-data
// of a kubeconfig.
var pemBase64 = []byte("LS0tLS1CRUdJTi")

// credentialValue reports whether the value of a kubeconfig or Docker config
// credential is a real one: a literal secret (see literalSecret), or a token
// too long for one (service account JWTs) without white space.
func credentialValue(v []byte) bool {
	if len(v) > 512 {
		return !bytes.ContainsAny(v, " \t\r\n") && !isPlaceholder(v) && !fakeToken(v)
	}
	return literalSecret(v, true)
}

var (
	schemeChars = newCharset("a-z", "A-Z", "0-9", "+.-")
	authStop    = newCharset(" \t\r\n/?#@\"'<>\\`[]")
	hostChars   = newCharset("a-z", "A-Z", "0-9", "._-${}")
)

// urlCredentials matches scheme://user:password@host at the "://" found at
// offset at. Placeholder passwords (see isPlaceholder), passwords equal to
// the user name (guest:guest) and hosts of the reserved example domains are
// skipped. Redacted keeps the URL and masks the password.
func (s *scanner) urlCredentials(at int) {
	c := s.content
	ss := at
	for ss > 0 && at-ss < 32 && schemeChars[c[ss-1]] {
		ss--
	}
	for ss < at && !isLower(lowerByte(c[ss])) {
		ss++
	}
	if at-ss < 2 {
		return
	}
	p := at + 3
	i, colon := p, -1
	for i < len(c) && i-p < 256 && !authStop[c[i]] {
		if c[i] == ':' && colon < 0 {
			colon = i
		}
		i++
	}
	if i >= len(c) || c[i] != '@' || colon < 0 {
		return
	}
	user, pass := c[p:colon], c[colon+1:i]
	h := i + 1
	n := run(c, h, &hostChars, 253)
	if n == 0 || n > 253 {
		return
	}
	host := c[h : h+n]
	if len(pass) == 0 || isPlaceholder(pass) || bytes.EqualFold(pass, user) || exampleHost(host) {
		return
	}
	s.add(detURLCredentials, ss, h+n, colon+1, i, string(c[ss:colon+1])+mask+string(c[i:h+n]))
}

// exampleHost reports whether host is in a domain reserved for documentation
// and tests (RFC 2606): example.com, example.net, example.org, .example,
// .test, .invalid.
func exampleHost(host []byte) bool {
	h := bytes.TrimRight(host, ".")
	for _, d := range []string{"example.com", "example.net", "example.org", "example", "test", "invalid"} {
		if len(h) >= len(d) && equalFold(h[len(h)-len(d):], d) && (len(h) == len(d) || h[len(h)-len(d)-1] == '.') {
			return true
		}
	}
	return false
}
