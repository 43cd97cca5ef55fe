// Package secret holds the secret detectors shared by every target kind: the
// Dockerfile linter (ARG and ENV names and values, files brought in by COPY
// and ADD), the image scanner (every file of every layer) and the Kubernetes
// checks (container env values, ConfigMap data, annotations).
//
// Everything here is a pure function of its input, safe for concurrent use
// and deterministic:
//
//   - Scan(path, content) finds secrets in file content;
//   - Value(key, value) judges one configuration value given its key name;
//   - SensitiveName(name) tells whether a variable name looks like it carries
//     a secret;
//   - SecretFile(path) tells whether a path names a secret file (id_rsa,
//     .npmrc, .aws/credentials, *.p12, ...) and why;
//   - Entropy(s) and Redact(s) are the helpers the detectors use, exported
//     for callers that print values;
//   - Detectors() lists the detectors for rule documentation.
//
// # Detectors
//
// Each match names a detector by a stable ID:
//
//	ID                          severity  what
//	private-key                 critical  PEM private key (RSA, EC, DSA, OPENSSH, PKCS #8, PGP), PuTTY key
//	private-key-encrypted       medium    the same, encrypted (ENCRYPTED PRIVATE KEY, Proc-Type: 4,ENCRYPTED,
//	                                      OpenSSH cipher other than none, PuTTY Encryption other than none)
//	aws-access-key-id           medium    AKIA, ASIA, ABIA, ACCA + 16 characters (an identifier, not the secret)
//	aws-secret-access-key       critical  40 base64 characters assigned to aws_secret_access_key and the like
//	gcp-service-account         critical  "private_key" of a JSON key with "type": "service_account"
//	azure-storage-account-key   critical  AccountKey=<88 base64> in a connection string
//	azure-shared-access-key     high      SharedAccessKey=<44 base64> (Service Bus, Event Hubs, IoT Hub)
//	github-token                critical  ghp_, gho_, ghu_, ghs_, ghr_, github_pat_
//	gitlab-token                critical  glpat-, gldt-, glrt-, glptt-, glcbt-
//	slack-token                 high      xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-
//	slack-webhook               medium    https://hooks.slack.com/services/...
//	stripe-secret-key           critical  sk_live_, rk_live_ (test-mode keys are not this detector's)
//	google-api-key              high      AIza + 35 characters
//	npm-token                   critical  npm_ + 36 characters
//	pypi-token                  critical  pypi-AgEIcHlwaS5vcmc...
//	docker-config-auth          high      "auth" of a Docker config "auths" entry, base64 of user:password
//	kubeconfig-credential       critical  token, client-key-data, password... of a kubeconfig user
//	jwt                         medium    JSON Web Token with an "alg" header and a signature
//	url-credentials             high      scheme://user:password@host
//	vault-token                 critical  hvs., hvb.
//	twilio-api-key              medium    SK + 32 hex digits (the key SID)
//	twilio-auth-token           high      32 hex digits assigned to a TWILIO_*TOKEN name
//	sendgrid-api-key            high      SG.<22>.<43>
//	generic-secret              medium    a literal secret assigned to a sensitive name (password, token, api_key...)
//
// Critical means a complete credential with broad reach (private keys,
// cloud account keys, cluster, forge, package registry and payment
// credentials); high a complete credential of narrower reach; medium a
// heuristic, an identifier, or a credential that needs more to be used.
//
// When matches overlap, the most specific detector wins: a GitHub token in a
// URL is reported as github-token, not url-credentials; the private key of a
// service-account JSON file as gcp-service-account, not private-key; a token
// assigned to API_KEY as its format, not generic-secret.
//
// # Generic detectors and allow rules
//
// generic-secret, url-credentials and jwt are heuristics, and
// kubeconfig-credential and docker-config-auth judge free-form values with
// the same heuristics (Detector.Generic). Scan disables them on test, example
// and documentation paths, where sample credentials are the norm:
//
//   - a directory named testdata, test, tests, testing, __tests__, spec,
//     specs, e2e, fixture(s), __fixtures__, __mocks__, mock(s), example(s),
//     sample(s), demo(s), doc, docs, man (so /usr/share/doc in images),
//     fuzz, fuzzer or fuzzing;
//   - a file named *_test.go, *_test.py, test_*, *_test.rb, *_spec.rb,
//     *Test.java, *Tests.java, *Test.kt, *Test.cs, *fuzz.*, *fuzzer.*, or
//     with a dot-separated part example, sample, template, tmpl, tpl, dist,
//     test or spec (.env.example, config.sample.yml, app.test.js);
//   - documentation: *.md, *.markdown, *.rst, *.adoc, Go's doc.go, and
//     OpenAPI documents named swagger* or openapi*.
//
// Token formats and private keys are reported on every path: a live token in
// a test fixture is still a leak.
//
// Documentation values are not reported at all, on any path: tokens that
// contain EXAMPLE, sample, dummy, placeholder, redacted, xxxx or your (which
// covers AWS's documented AKIAIOSFODNN7EXAMPLE and its secret key), tokens of
// one repeated character or a counting sequence, and published non-secret
// values such as the Azurite storage emulator key (kept as SHA-256 digests).
//
// # Placeholders
//
// A configuration value is a placeholder, never a secret, when it is (after
// trimming blanks and quotes):
//
//   - empty;
//   - a variable or command reference or template: starts with $ ($VAR,
//     ${VAR}, $(cat /run/secrets/x)), or contains ${, $(, {{, }}, <%, %>, #{,
//     %(, %s or %v;
//   - wrapped in <...>, [...], {...}, %...%, @...@ or __...__ (<your-token>);
//   - a YAML tag such as !vault or !Ref;
//   - a mask: one repeated character, or only x, *, ., -, _, #, ? characters;
//   - a documentation word, as the whole value: changeme, changeit, password,
//     secret, token, example, test, dummy, none, null, todo, admin, root,
//     guest, true, false and a few more;
//   - a value containing example, placeholder, changeme, replace_me, your_,
//     your-, dummy, redacted, omitted, xxxx, ****, ..., fake, sample,
//     not-real or similar words;
//   - a reference to a secret kept elsewhere, which is what we want to see:
//     vault:, ref+, arn:aws..., projects/.../secrets, op://, file:, env:,
//     ENC[...] (SOPS), ENC(...) (Jasypt), {cipher}, @Microsoft.KeyVault(...).
//
// So "changeme" does not fire: it is a well-known default that documents a
// value to set. Shipping a default password is a different finding (default
// credentials), for the rule that knows the product.
//
// A generic secret (and the value of a kubeconfig or Docker config
// credential) must also be 8 to 512 characters without white space or
// backslash; not a path or URL; not a word-like identifier (MY_SECRET_NAME,
// app-name-2, authorization.k8s.io); not a counting sequence
// (0123456789abcdef); have a digit, or else 16 or more letters with a third
// or more of each case; and have an entropy of at least 3 bits per character.
// A generic secret must not repeat its key either ("encryptionKey":
// "encryptionKey1024"). Unquoted values must not hold
// brackets or an inner =, which mark expressions and further assignments.
// In source code files (.go, .py, .js, .java, ...) only quoted values count,
// since an unquoted right-hand side is an expression. Assignments are
// recognized in the forms KEY=value, key: value, "key": "value",
// key = "value", key := "value", key => 'value' and --key=value.
//
// # Performance and limits
//
// Scan reads the content once with a case-insensitive keyword automaton (a
// compiled Aho-Corasick table over byte classes, run over the two halves of
// the content at once) and runs a detector only where one of its keywords
// occurs, on a bounded window. No regular expression is involved. Content
// with a NUL byte in its first 8 KiB is binary and is only searched for
// "-----BEGIN " with bytes.Index. Only the first MaxScanBytes (4 MiB) of
// content are examined, and at most MaxMatches (100) matches are returned.
// Work per keyword occurrence is bounded, so that hostile content costs
// linear time. A scan costs one allocation, plus those of its matches.
//
// Not covered: secrets split across lines or string concatenations, values
// compared (token == "...") rather than assigned, XML element values, the
// name/value pairs of Kubernetes env lists in raw manifests (the Kubernetes
// checks call Value for those), base64-encoded files such as the
// .dockerconfigjson of a Kubernetes Secret, and vendor formats beyond the
// table above.
package secret
