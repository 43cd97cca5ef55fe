package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// detector is a Detector plus the priority that settles overlaps: when two
// candidates overlap, the one of higher priority (the more specific
// detector) wins.
type detector struct {
	Detector
	priority int
}

// Priorities, from the least to the most specific.
const (
	prioGeneric   = iota // key-name and entropy heuristics
	prioShape            // JWT and URL shapes
	prioToken            // a documented token format
	prioKey              // a PEM private key
	prioComposite        // a credential recognized by its file format
)

func newDetector(id, title, severity string, priority int, generic bool) *detector {
	return &detector{Detector: Detector{ID: id, Title: title, Severity: severity, Generic: generic}, priority: priority}
}

// Severity scale: critical for complete credentials with broad reach (private
// keys, cloud account keys, cluster, forge, registry and payment
// credentials), high for complete credentials of narrower reach, medium for
// heuristics, identifiers and credentials that are hard to use as found.
var (
	detPrivateKey          = newDetector("private-key", "Private key", "critical", prioKey, false)
	detPrivateKeyEncrypted = newDetector("private-key-encrypted", "Encrypted private key", "medium", prioKey, false)
	detAWSAccessKeyID      = newDetector("aws-access-key-id", "AWS access key ID", "medium", prioToken, false)
	detAWSSecretKey        = newDetector("aws-secret-access-key", "AWS secret access key", "critical", prioToken, false)
	detGCPServiceAccount   = newDetector("gcp-service-account", "GCP service account key", "critical", prioComposite, false)
	detAzureStorageKey     = newDetector("azure-storage-account-key", "Azure storage account key", "critical", prioToken, false)
	detAzureSharedKey      = newDetector("azure-shared-access-key", "Azure shared access key", "high", prioToken, false)
	detGitHubToken         = newDetector("github-token", "GitHub token", "critical", prioToken, false)
	detGitLabToken         = newDetector("gitlab-token", "GitLab token", "critical", prioToken, false)
	detSlackToken          = newDetector("slack-token", "Slack token", "high", prioToken, false)
	detSlackWebhook        = newDetector("slack-webhook", "Slack webhook URL", "medium", prioToken, false)
	detStripeKey           = newDetector("stripe-secret-key", "Stripe live secret key", "critical", prioToken, false)
	detGoogleAPIKey        = newDetector("google-api-key", "Google API key", "high", prioToken, false)
	detNPMToken            = newDetector("npm-token", "npm access token", "critical", prioToken, false)
	detPyPIToken           = newDetector("pypi-token", "PyPI API token", "critical", prioToken, false)
	detDockerAuth          = newDetector("docker-config-auth", "Docker registry credentials", "high", prioComposite, true)
	detKubeconfig          = newDetector("kubeconfig-credential", "Kubeconfig credential", "critical", prioComposite, true)
	detJWT                 = newDetector("jwt", "JSON Web Token", "medium", prioShape, true)
	detURLCredentials      = newDetector("url-credentials", "Password in URL", "high", prioShape, true)
	detVaultToken          = newDetector("vault-token", "HashiCorp Vault token", "critical", prioToken, false)
	detTwilioAPIKey        = newDetector("twilio-api-key", "Twilio API key SID", "medium", prioToken, false)
	detTwilioAuthToken     = newDetector("twilio-auth-token", "Twilio auth token", "high", prioToken, false)
	detSendGridKey         = newDetector("sendgrid-api-key", "SendGrid API key", "high", prioToken, false)
	detGenericSecret       = newDetector("generic-secret", "Secret assigned to a sensitive name", "medium", prioGeneric, true)
)

var detectors = []*detector{
	detPrivateKey, detPrivateKeyEncrypted, detAWSAccessKeyID, detAWSSecretKey,
	detGCPServiceAccount, detAzureStorageKey, detAzureSharedKey, detGitHubToken,
	detGitLabToken, detSlackToken, detSlackWebhook, detStripeKey, detGoogleAPIKey,
	detNPMToken, detPyPIToken, detDockerAuth, detKubeconfig, detJWT,
	detURLCredentials, detVaultToken, detTwilioAPIKey, detTwilioAuthToken,
	detSendGridKey, detGenericSecret,
}

// keyword is a pre-filter keyword (lower case; the automaton ignores case)
// and the handler run at each occurrence, given the offset where the
// occurrence starts. Handlers of generic detectors do not run where those
// are disabled.
type keyword struct {
	text    string
	generic bool
	handle  func(s *scanner, at int)
}

var keywords []keyword

var keywordAutomaton *automaton

func init() {
	tok := func(text string, r tokenRule) keyword {
		return keyword{text, r.det.Generic, r.handle}
	}
	gh := tokenRule{det: detGitHubToken, body: &alnum, min: 36, max: 251}
	ghPAT := tokenRule{det: detGitHubToken, body: &word, min: 82, max: 251}
	gl := tokenRule{det: detGitLabToken, body: &glChars, min: 20, max: 255, trimDots: true}
	stripe := tokenRule{det: detStripeKey, body: &alnum, min: 24, max: 247}
	vault := tokenRule{det: detVaultToken, body: &b64url, min: 24, max: 512}
	aws := tokenRule{det: detAWSAccessKeyID, body: &upperDigit, min: 16, max: 16}
	keywords = []keyword{
		{"-----begin ", false, func(s *scanner, at int) { s.pem(at) }},
		{"putty-user-key-file-", false, func(s *scanner, at int) { s.putty(at) }},
		tok("akia", aws.with("AKIA")), tok("asia", aws.with("ASIA")),
		tok("abia", aws.with("ABIA")), tok("acca", aws.with("ACCA")),
		tok("ghp_", gh.with("ghp_")), tok("gho_", gh.with("gho_")),
		tok("ghu_", gh.with("ghu_")), tok("ghs_", gh.with("ghs_")),
		tok("ghr_", gh.with("ghr_")), tok("github_pat_", ghPAT.with("github_pat_")),
		tok("glpat-", gl.with("glpat-")), tok("gldt-", gl.with("gldt-")),
		tok("glrt-", gl.with("glrt-")), tok("glptt-", gl.with("glptt-")),
		tok("glcbt-", gl.with("glcbt-")),
		{"xox", false, func(s *scanner, at int) { s.slackToken(at) }},
		{"hooks.slack.com/", false, func(s *scanner, at int) { s.slackWebhook(at) }},
		tok("sk_live_", stripe.with("sk_live_")), tok("rk_live_", stripe.with("rk_live_")),
		tok("aiza", tokenRule{det: detGoogleAPIKey, prefix: "AIza", body: &b64url, min: 35, max: 35}),
		tok("npm_", tokenRule{det: detNPMToken, prefix: "npm_", body: &alnum, min: 36, max: 36}),
		tok("pypi-ageichlwas5vcmc", tokenRule{det: detPyPIToken, prefix: "pypi-AgEIcHlwaS5vcmc", body: &b64url, min: 50, max: 4096}),
		tok("hvs.", vault.with("hvs.")), tok("hvb.", vault.with("hvb.")),
		tok("sk", tokenRule{det: detTwilioAPIKey, prefix: "SK", body: &hexLower, min: 32, max: 32}),
		{"sg.", false, func(s *scanner, at int) { s.sendGrid(at) }},
		{"eyj", true, func(s *scanner, at int) { s.jwt(at) }},
		{"://", true, func(s *scanner, at int) { s.urlCredentials(at) }},
		{"accountkey=", false, func(s *scanner, at int) { s.azureKey(at, len("AccountKey="), 86, "==", detAzureStorageKey) }},
		{"sharedaccesskey=", false, func(s *scanner, at int) { s.azureKey(at, len("SharedAccessKey="), 43, "=", detAzureSharedKey) }},
	}
	// Assignments: keywords found in sensitive key names. The handler finds
	// the whole key around the keyword and judges the value assigned to it.
	// Key names also select the specific detectors of assignments (AWS secret
	// keys, Twilio auth tokens, GCP, Docker and kubeconfig credentials), so
	// these keywords are not generic.
	for _, kw := range []string{"pass", "pwd", "secret", "token", "key", "cred", "auth", "cookie"} {
		keywords = append(keywords, keyword{kw, false, func(s *scanner, at int) { s.assignment(at, len(kw)) }})
	}
	texts := make([]string, len(keywords))
	for i, kw := range keywords {
		texts[i] = kw.text
	}
	var err error
	keywordAutomaton, err = newAutomaton(texts)
	if err != nil {
		panic("secret: " + err.Error())
	}
}

// Character sets.
type charset [256]bool

// newCharset returns the set of the bytes of its arguments, each being a
// range of letters or digits such as "a-z" or a list of bytes such as "_-.".
func newCharset(ranges ...string) (cs charset) {
	for _, r := range ranges {
		if len(r) == 3 && r[1] == '-' && isRangeEnd(r[0]) && isRangeEnd(r[2]) {
			for c := r[0]; c <= r[2]; c++ {
				cs[c] = true
			}
			continue
		}
		for i := 0; i < len(r); i++ {
			cs[r[i]] = true
		}
	}
	return cs
}

var (
	alnum      = newCharset("a-z", "A-Z", "0-9")
	word       = newCharset("a-z", "A-Z", "0-9", "_")
	b64        = newCharset("a-z", "A-Z", "0-9", "+/")
	b64url     = newCharset("a-z", "A-Z", "0-9", "_-")
	glChars    = newCharset("a-z", "A-Z", "0-9", "_-.")
	slackChars = newCharset("a-z", "A-Z", "0-9", "-")
	hookChars  = newCharset("a-z", "A-Z", "0-9", "_-/")
	upperDigit = newCharset("A-Z", "0-9")
	hexLower   = newCharset("a-f", "0-9")
	hexDigit   = newCharset("a-f", "A-F", "0-9")
)

func isRangeEnd(c byte) bool { return isLower(c) || isUpper(c) || isDigit(c) }

// run returns the length of the longest run of bytes of cs in c starting at
// i, counting at most limit+1 bytes so that callers can tell "longer than
// limit" cheaply.
func run(c []byte, i int, cs *charset, limit int) int {
	n := 0
	for i+n < len(c) && n <= limit && cs[c[i+n]] {
		n++
	}
	return n
}

// boundaryBefore reports whether the byte before i, if any, is not
// alphanumeric, so that a token prefix found at i starts a token.
func boundaryBefore(c []byte, i int) bool {
	return i == 0 || !alnum[c[i-1]]
}

// tokenRule is a token format: a case-sensitive prefix followed by a body of
// bytes of one set with a bounded length.
type tokenRule struct {
	det      *detector
	prefix   string
	body     *charset
	min, max int
	trimDots bool // drop trailing dots from the body (end of a sentence)
}

func (r tokenRule) with(prefix string) tokenRule {
	r.prefix = prefix
	return r
}

func (r tokenRule) handle(s *scanner, at int) {
	c := s.content
	if !bytes.HasPrefix(c[at:], []byte(r.prefix)) || !boundaryBefore(c, at) {
		return
	}
	b := at + len(r.prefix)
	n := run(c, b, r.body, r.max)
	if r.trimDots {
		for n > 0 && c[b+n-1] == '.' {
			n--
		}
	}
	if n < r.min || n > r.max {
		return
	}
	if e := b + n; e < len(c) && alnum[c[e]] {
		return
	}
	if fakeToken(c[b : b+n]) {
		return
	}
	s.add(r.det, at, b+n, at, b+n, "")
}

// fakeToken reports whether a token body is a documentation value or a
// placeholder rather than a random secret: it names itself (EXAMPLE, sample,
// dummy...), repeats a few characters (xxxx, 0000) or counts up (123456...).
// AWS's documented keys (AKIAIOSFODNN7EXAMPLE and its secret) are skipped
// this way.
func fakeToken[T text](b T) bool {
	for _, w := range fakeWords {
		if containsFold(b, w) {
			return true
		}
	}
	if len(b) >= 16 && entropy(b) < 3 || len(b) < 16 && entropy(b) < 2.5 {
		return true
	}
	return sequential(b)
}

var fakeWords = []string{"example", "sample", "dummy", "placeholder", "redacted", "xxxx", "your"}

func (s *scanner) slackToken(at int) {
	c := s.content
	// xoxb- bot, xoxp- user, xoxa- app, xoxr- refresh, xoxs- legacy,
	// xoxe- and xoxe.xoxp- rotating tokens.
	p := at
	if bytes.HasPrefix(c[p:], []byte("xoxe.")) {
		p += len("xoxe.")
	}
	if len(c)-p < 5 || c[p] != 'x' || c[p+1] != 'o' || c[p+2] != 'x' || c[p+4] != '-' || !boundaryBefore(c, at) {
		return
	}
	switch c[p+3] {
	case 'a', 'b', 'e', 'p', 'r', 's':
	default:
		return
	}
	b := p + 5
	n := run(c, b, &slackChars, 255)
	if n < 10 || n > 255 || !bytes.ContainsAny(c[b:b+n], "0123456789") || fakeToken(c[b:b+n]) {
		return
	}
	s.add(detSlackToken, at, b+n, at, b+n, "")
}

func (s *scanner) slackWebhook(at int) {
	c := s.content
	if !bytes.HasPrefix(c[at:], []byte("hooks.slack.com/")) {
		return
	}
	p := at + len("hooks.slack.com/")
	var kind string
	for _, k := range []string{"services/", "workflows/", "triggers/"} {
		if bytes.HasPrefix(c[p:], []byte(k)) {
			kind = k
		}
	}
	if kind == "" {
		return
	}
	b := p + len(kind)
	n := run(c, b, &hookChars, 512)
	if n < 30 || n > 512 || fakeToken(c[b:b+n]) {
		return
	}
	start := at
	if i := bytes.LastIndex(c[max(0, at-8):at], []byte("https://")); i >= 0 {
		start = max(0, at-8) + i
	}
	s.add(detSlackWebhook, start, b+n, b, b+n, string(c[start:b])+Redact(string(c[b:b+n])))
}

// sendGrid matches SG.<22 base64url>.<43 base64url>.
func (s *scanner) sendGrid(at int) {
	c := s.content
	if !bytes.HasPrefix(c[at:], []byte("SG.")) || !boundaryBefore(c, at) {
		return
	}
	p := at + 3
	if run(c, p, &b64url, 22) != 22 || p+22 >= len(c) || c[p+22] != '.' {
		return
	}
	q := p + 23
	if run(c, q, &b64url, 43) != 43 || fakeToken(c[p:q+43]) {
		return
	}
	s.add(detSendGridKey, at, q+43, at, q+43, "")
}

// jwt matches three base64url segments separated by dots, the first being a
// JSON header with an "alg" member, and a signature of 16 characters or more.
func (s *scanner) jwt(at int) {
	c := s.content
	if c[at+1] != 'y' || c[at+2] != 'J' || at > 0 && b64url[c[at-1]] {
		return
	}
	h := run(c, at, &b64url, 4096)
	if h < 10 || h > 4096 || at+h >= len(c) || c[at+h] != '.' {
		return
	}
	p := at + h + 1
	n := run(c, p, &b64url, 16384)
	if n < 10 || n > 16384 || p+n >= len(c) || c[p+n] != '.' {
		return
	}
	q := p + n + 1
	m := run(c, q, &b64url, 1024)
	if m < 16 || m > 1024 {
		return
	}
	var buf [3072]byte
	k, err := base64.RawURLEncoding.Decode(buf[:], c[at:at+h])
	if err != nil || !bytes.Contains(buf[:k], []byte(`"alg"`)) {
		return
	}
	s.add(detJWT, at, q+m, at, q+m, "")
}

// azureKey matches the base64 key of an Azure connection string, given the
// length of the "Name=" before it, the base64 length without padding and the
// padding.
func (s *scanner) azureKey(at, nameLen, n int, pad string, d *detector) {
	c := s.content
	if at > 0 && alnum[c[at-1]] {
		return
	}
	p := at + nameLen
	if run(c, p, &b64, n) != n || !bytes.HasPrefix(c[p+n:], []byte(pad)) {
		return
	}
	e := p + n + len(pad)
	if e < len(c) && b64[c[e]] || fakeToken(c[p:e]) || wellKnown(c[p:e]) {
		return
	}
	s.add(d, at, e, p, e, string(c[at:p])+Redact(string(c[p:e])))
}

// wellKnownSHA256 holds the SHA-256 digests of published, non-secret values
// that match a detector: the Azure Storage emulator (Azurite) account key.
var wellKnownSHA256 = func() (digests [][sha256.Size]byte) {
	for _, h := range []string{
		"0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
	} {
		var d [sha256.Size]byte
		if n, err := hex.Decode(d[:], []byte(h)); err != nil || n != len(d) {
			panic("secret: bad digest " + h)
		}
		digests = append(digests, d)
	}
	return digests
}()

func wellKnown(b []byte) bool {
	sum := sha256.Sum256(b)
	for _, d := range wellKnownSHA256 {
		if sum == d {
			return true
		}
	}
	return false
}
