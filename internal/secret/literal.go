package secret

// isPlaceholder reports whether a configuration value stands for a secret
// instead of being one (see doc.go for the list).
func isPlaceholder[T text](v T) bool {
	v = trimQuotes(trimSpace(v))
	if len(v) == 0 {
		return true
	}
	switch v[0] {
	case '$', '!': // $VAR, ${VAR}, $(cmd); YAML tags such as !vault, !Ref
		return true
	}
	for _, m := range templateMarks {
		if contains(v, m) {
			return true
		}
	}
	first, last := v[0], v[len(v)-1]
	if len(v) >= 2 && (first == '<' && last == '>' || first == '[' && last == ']' ||
		first == '{' && last == '}' || first == '%' && last == '%' ||
		first == '@' && last == '@' || first == '_' && last == '_' && v[1] == '_') {
		return true
	}
	if maskLike(v) {
		return true
	}
	for _, w := range placeholderWords {
		if equalFold(v, w) {
			return true
		}
	}
	for _, w := range placeholderParts {
		if containsFold(v, w) {
			return true
		}
	}
	for _, p := range referencePrefixes {
		if hasPrefixFold(v, p) {
			return true
		}
	}
	return false
}

// templateMarks are substrings of variable references and templates of
// shells, Compose, Helm, Jinja, ERB, Ruby and Python.
var templateMarks = []string{"${", "$(", "{{", "}}", "<%", "%>", "#{", "%(", "%s", "%v"}

// placeholderWords are values that are placeholders or documentation
// defaults when they are the whole value, compared ignoring case.
var placeholderWords = []string{
	"changeme", "changeit", "password", "passwd", "pass", "secret", "token",
	"apikey", "api_key", "key", "value", "example", "sample", "dummy", "test",
	"testing", "test123", "placeholder", "redacted", "hidden", "masked",
	"none", "null", "nil", "undefined", "empty", "unset", "todo", "tbd",
	"fixme", "default", "foo", "bar", "baz", "foobar", "qwerty", "letmein",
	"admin", "root", "guest", "user", "username", "yes", "no", "true", "false",
	"on", "off", "required", "optional", "string", "secretvalue", "mysecret",
	"mypassword", "mytoken", "password123", "secret123", "123456", "12345678",
	"abc123",
}

// placeholderParts are substrings, compared ignoring case, that mark a value
// as a placeholder wherever they appear.
var placeholderParts = []string{
	"example", "placeholder", "changeme", "change_me", "change-me", "changeit",
	"replace_me", "replaceme", "replace-me", "replace_with", "your_", "your-",
	"yourpass", "yourtoken", "yoursecret", "yourkey", "yourapikey", "dummy",
	"redacted", "omitted", "xxxx", "****", "...", "insert_", "_here", "-here",
	"fake", "sample", "notreal", "not-real", "not_real", "not-a-real",
}

// referencePrefixes start references to a secret kept elsewhere (secret
// managers, SOPS and Jasypt encrypted values), which is the late binding we
// want, not a secret.
var referencePrefixes = []string{
	"vault:", "ref+", "arn:aws", "projects/", "secretsmanager:", "ssm:",
	"awssm:", "sm://", "gcpsm://", "azkv://", "keyvault:", "op://", "file:",
	"env:", "secret:", "secretref:", "k8s:", "@microsoft.keyvault(", "enc[",
	"enc(", "encrypted:", "{cipher}", "vault(",
}

// maskLike reports whether v is made of one repeated character or of mask
// characters only (x, *, ., -, #, ?).
func maskLike[T text](v T) bool {
	same, masks := true, true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c != v[0] {
			same = false
		}
		switch c {
		case 'x', 'X', '*', '.', '-', '_', '#', '?':
		default:
			masks = false
		}
	}
	return same || masks
}

// literalSecret reports whether a value assigned to a sensitive name looks
// like a real secret: 8 to 512 bytes without white space or backslash (an
// escape sequence in a string literal), not a placeholder,
// not a path, URL, word-like identifier or counting sequence, with a digit
// (or 16 or more letters in mixed case), two classes of characters among
// lower case, upper case, digits and symbols, and an entropy of at least
// minEntropy bits per character. An unquoted value (YAML, .env, INI) must not
// contain brackets (an expression) or an = other than base64 padding
// (another assignment).
func literalSecret[T text](v T, quoted bool) bool {
	if len(v) < 8 || len(v) > 512 {
		return false
	}
	var lower, upper, digit, symbol int
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c <= ' ' || c == 0x7f || c == '\\':
			return false // white space, control, escape sequence
		case isLower(c):
			lower++
		case isUpper(c):
			upper++
		case isDigit(c):
			digit++
		default:
			// Unquoted: brackets mark an expression, an = inside (not
			// base64 padding) another assignment.
			if !quoted && (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
				c == '=' && i+1 < len(v) && v[i+1] != '=') {
				return false
			}
			symbol++
		}
	}
	if digit == 0 {
		// Without a digit, only long random-looking mixed case: a word
		// with symbols ("[]TokenRequest{", "true|false") or a camel-case
		// identifier (userAuthPubKeyOkMsg) is not a secret.
		letters := lower + upper
		if letters < 16 || upper*3 < letters || lower*3 < letters {
			return false
		}
	}
	classes := 0
	for _, n := range []int{lower, upper, digit, symbol} {
		if n > 0 {
			classes++
		}
	}
	// Cheap tests first: this runs on every assignment to a key with a
	// keyword in it.
	return classes >= 2 && entropy(v) >= minEntropy && !wordLike(v) && !sequential(v) && !pathLike(v) && !isPlaceholder(v)
}

// minEntropy is the entropy, in bits per character, a generic secret must
// reach. An 8-character value with all characters distinct scores 3.
const minEntropy = 3.0

// pathLike reports whether v is a file path or a URL.
func pathLike[T text](v T) bool {
	if contains(v, "://") {
		return true
	}
	switch {
	case v[0] == '/', v[0] == '~', hasPrefixFold(v, "./"), hasPrefixFold(v, "../"):
		return true
	case len(v) > 2 && v[1] == ':' && (v[2] == '\\' || v[2] == '/'):
		return true
	}
	slash := -1
	for i := 0; i < len(v); i++ {
		if v[i] == '/' || v[i] == '\\' {
			slash = i
		}
	}
	if slash < 0 {
		return false
	}
	// A last segment with a short alphabetic extension: keys/server.key.
	for i := len(v) - 1; i > slash && len(v)-i <= 6; i-- {
		if v[i] == '.' {
			return i < len(v)-1
		}
		if !isLower(v[i]) && !isUpper(v[i]) {
			return false
		}
	}
	return false
}

// wordLike reports whether v is an identifier made of words or numbers
// joined by _ - . : or /, such as MY_SECRET_TOKEN_2, my-app-name,
// com.example.app, js.fetch:credentials or apiserver.k8s.io/v1beta1, rather
// than random characters: every segment is all letters, all digits, or a
// short lower-case word with a number or two in it (k8s, v1beta1, group2).
func wordLike[T text](v T) bool {
	sep := false
	start := 0
	for i := 0; i <= len(v); i++ {
		if i < len(v) && v[i] != '_' && v[i] != '-' && v[i] != '.' && v[i] != ':' && v[i] != '/' {
			continue
		}
		if !wordSegment(v[start:i]) {
			return false
		}
		sep = sep || i < len(v)
		start = i + 1
	}
	return sep
}

func wordSegment[T text](seg T) bool {
	var letters, digits, upper, digitRuns int
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case isLower(c):
			letters++
		case isUpper(c):
			letters++
			upper++
		case isDigit(c):
			digits++
			if i == 0 || !isDigit(seg[i-1]) {
				digitRuns++
			}
		default:
			return false
		}
	}
	switch {
	case letters == 0 || digits == 0:
		return true
	default:
		return len(seg) <= 8 && upper == 0 && isLower(seg[0]) && digitRuns <= 2
	}
}

// sequential reports whether at least half of the characters of v continue
// a counting sequence (0123..., abcd...).
func sequential[T text](v T) bool {
	ascending := 0
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1]+1 {
			ascending++
		}
	}
	return ascending*2 >= len(v)
}

// ASCII string helpers over text.

func trimSpace[T text](v T) T {
	i, j := 0, len(v)
	for i < j && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n') {
		i++
	}
	for j > i && (v[j-1] == ' ' || v[j-1] == '\t' || v[j-1] == '\r' || v[j-1] == '\n') {
		j--
	}
	return v[i:j]
}

func trimQuotes[T text](v T) T {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

func lowerByte(c byte) byte { return lowerTable[c] }

var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if isUpper(byte(i)) {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

func equalFold[T text](v T, s string) bool {
	return len(v) == len(s) && hasPrefixFold(v, s)
}

func hasPrefixFold[T text](v T, s string) bool {
	if len(v) < len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerByte(v[i]) != lowerByte(s[i]) {
			return false
		}
	}
	return true
}

// containsFold reports whether v contains s, ignoring ASCII case; s must be
// lower case.
func containsFold[T text](v T, s string) bool {
	for i := 0; i+len(s) <= len(v); i++ {
		if lowerByte(v[i]) == s[0] && hasPrefixFold(v[i:], s) {
			return true
		}
	}
	return false
}

func contains[T text](v T, s string) bool {
	for i := 0; i+len(s) <= len(v); i++ {
		if v[i] == s[0] && string(v[i:i+len(s)]) == s {
			return true
		}
	}
	return false
}
