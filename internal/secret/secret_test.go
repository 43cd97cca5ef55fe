package secret

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// scanCase is one Scan input and the matches it must produce, written as
// "detector:line".
type scanCase struct {
	name    string
	path    string
	content string
	want    []string
}

// detections are the positive cases: every detector appears in at least one
// (TestEveryDetectorHasASample checks it).
var detections = []scanCase{
	// Private keys.
	{"rsa key after text", "deploy/key.txt", "keep this safe\n" + sampleRSA, []string{"private-key:2"}},
	{"ec key", "ec.pem", sampleEC, []string{"private-key:1"}},
	{"dsa key", "dsa.pem", sampleDSA, []string{"private-key:1"}},
	{"pkcs8 key", "tls.key", samplePKCS8, []string{"private-key:1"}},
	{"openssh key", "home/app/.ssh/id_ed25519", sampleOpenSSH, []string{"private-key:1"}},
	{"openssh key with cipher", "id_ed25519", sampleOpenSSHE, []string{"private-key-encrypted:1"}},
	{"encrypted pkcs8 key", "enc.pem", samplePKCS8E, []string{"private-key-encrypted:1"}},
	{"legacy encrypted rsa key", "enc.pem", sampleRSAE, []string{"private-key-encrypted:1"}},
	{"key in a json string", "config.json", "{\n  \"tls\": {\"key\": \"" + strings.ReplaceAll(sampleEC, "\n", `\n`) + "\"}\n}\n", []string{"private-key:2"}},
	{"key in a go string", "internal/tls/key.go", "package tls\n\nconst key = `" + sampleRSA + "`\n", []string{"private-key:3"}},
	{"key in a binary", "usr/bin/app", "\x7fELF\x02\x01\x01\x00\x00\x00" + strings.Repeat("\x00\x13", 64) + sampleRSA + "\x00\x00", []string{"private-key:1"}},
	{"key in a yaml block", "values.yaml", "tls:\n  key: |\n    " + strings.ReplaceAll(sampleEC, "\n", "\n    "), []string{"private-key:3"}},
	{"putty key", "server.ppk", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n" + wrap(rnd(50, b64Chars, 68)) + "Private-Lines: 1\n" + wrap(rnd(51, b64Chars, 44)) + "Private-MAC: " + rnd(52, hexChars, 64) + "\n", []string{"private-key:1"}},
	{"encrypted putty key", "server.ppk", "PuTTY-User-Key-File-2: ssh-rsa\nEncryption: aes256-cbc\nComment: deploy\nPublic-Lines: 2\n" + wrap(rnd(53, b64Chars, 68)) + "Private-Lines: 1\n" + wrap(rnd(54, b64Chars, 44)), []string{"private-key-encrypted:1"}},

	// AWS.
	{"aws keys in env file", ".env", "REGION=eu-west-1\nAWS_ACCESS_KEY_ID=" + sampleAWSKeyID + "\nAWS_SECRET_ACCESS_KEY=" + sampleAWSSecret + "\n", []string{"aws-access-key-id:2", "aws-secret-access-key:3"}},
	{"aws credentials file", "root/.aws/credentials", "[default]\naws_access_key_id = " + sampleAWSKeyID + "\naws_secret_access_key = " + sampleAWSSecret + "\n", []string{"aws-access-key-id:2", "aws-secret-access-key:3"}},
	{"aws sts json", "creds.json", "{\"Credentials\": {\n  \"AccessKeyId\": \"" + sampleAWSSessionID + "\",\n  \"SecretAccessKey\": \"" + sampleAWSSecret + "\"\n}}\n", []string{"aws-access-key-id:2", "aws-secret-access-key:3"}},
	{"aws key in code", "main.go", "cfg := aws.Config{Credentials: credentials.NewStaticCredentialsProvider(\"" + sampleAWSKeyID + "\", secret, \"\")}\n", []string{"aws-access-key-id:1"}},

	// Cloud.
	{"gcp service account", "sa.json", sampleServiceAccount, []string{"gcp-service-account:5"}},
	{"azure storage connection string", "appsettings.json", "{\n  \"Storage\": \"DefaultEndpointsProtocol=https;AccountName=palisade;AccountKey=" + sampleAzureKey + ";EndpointSuffix=core.windows.net\"\n}\n", []string{"azure-storage-account-key:2"}},
	{"azure service bus connection string", "local.settings.json", `{"ServiceBus": "Endpoint=sb://palisade.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=` + sampleAzureSAS + `"}`, []string{"azure-shared-access-key:1"}},

	// Forges and registries.
	{"github token in a clone url", "build.sh", "#!/bin/sh\ngit clone https://x-access-token:" + sampleGitHubApp + "@github.com/palisade-sec/palisade\n", []string{"github-token:2"}},
	{"github pat in yaml", "ci.yaml", "env:\n  GH_PAT: " + sampleGitHubPAT + "\n", []string{"github-token:2"}},
	{"github fine-grained pat", "notes.txt", "token " + sampleGitHubFine + ".\n", []string{"github-token:1"}},
	{"gitlab token", ".gitlab-ci.yml", "variables:\n  GITLAB_TOKEN: \"" + sampleGitLab + "\"\n", []string{"gitlab-token:2"}},
	{"npm token in npmrc", ".npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=" + sampleNPM + "\n", []string{"npm-token:2"}},
	{"pypi token in pypirc", ".pypirc", "[pypi]\nusername = __token__\npassword = " + samplePyPI + "\n", []string{"pypi-token:3"}},
	{"docker config auth", "root/.docker/config.json", sampleDockerConfig, []string{"docker-config-auth:4"}},

	// Chat, payment, mail, SMS.
	{"slack bot token", "bot.py", "client = WebClient(token=\"" + sampleSlackBot + "\")\n", []string{"slack-token:1"}},
	{"slack webhook", "alert.sh", "curl -X POST -d @msg.json " + sampleSlackHook + "\n", []string{"slack-webhook:1"}},
	{"stripe live key", "billing.rb", "Stripe.api_key = '" + sampleStripe + "'\n", []string{"stripe-secret-key:1"}},
	{"google api key in js", "src/app.js", "const firebaseConfig = {\n  apiKey: \"" + sampleGoogleAPI + "\",\n};\n", []string{"google-api-key:2"}},
	{"twilio api key and auth token", ".env", "TWILIO_API_KEY=" + sampleTwilioSID + "\nTWILIO_AUTH_TOKEN=" + sampleTwilioToken + "\n", []string{"twilio-api-key:1", "twilio-auth-token:2"}},
	{"sendgrid key", "mail.py", "sg = SendGridAPIClient('" + sampleSendGrid + "')\n", []string{"sendgrid-api-key:1"}},

	// Cluster and infrastructure.
	{"kubeconfig", "home/dev/.kube/config", sampleKubeconfig, []string{"kubeconfig-credential:10", "kubeconfig-credential:13"}},
	{"kubeconfig with a service account token", "ci/kubeconfig.yaml", "apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: " +
		encURL(`{"alg":"RS256","kid":"`+rnd(64, alnumChars, 43)+`"}`) + "." + encURL(`{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"ci","kubernetes.io/serviceaccount/secret.name":"deployer-token","sub":"system:serviceaccount:ci:deployer","pad":"`+rnd(65, alnumChars, 400)+`"}`) + "." + rnd(66, b64urlChars, 342) + "\n",
		[]string{"kubeconfig-credential:6"}},
	{"vault token", "Dockerfile", "FROM alpine\nENV VAULT_TOKEN=" + sampleVault + "\n", []string{"vault-token:2"}},
	{"short vault token", "vault.env", "VAULT_TOKEN=" + sampleVaultShort + "\n", []string{"vault-token:1"}},

	// Shapes.
	{"jwt in a request", "api.http", "GET /v1/me\nAuthorization: Bearer " + sampleJWT + "\n", []string{"jwt:2"}},
	{"password in a database url", "app.env", "DATABASE_URL=postgres://app:" + sampleDBPassword + "@db.internal:5432/app?sslmode=require\n", []string{"url-credentials:1"}},
	{"password in a redis url without user", "settings.py", "CACHE = \"redis://:" + sampleDBPassword + "@cache:6379/0\"\n", []string{"url-credentials:1"}},

	// Generic assignments.
	{"yaml password", "config/app.yaml", "db:\n  user: app\n  password: " + samplePassword + "\n", []string{"generic-secret:3"}},
	{"env secret", "prod.env", "SECRET_KEY_BASE=" + rnd(60, hexChars, 64) + "\n", []string{"generic-secret:1"}},
	{"go literal", "cmd/app/main.go", "package main\n\nvar dbPassword = \"" + samplePassword + "\"\n", []string{"generic-secret:3"}},
	{"python literal", "settings.py", "API_KEY = '" + rnd(61, alnumChars, 32) + "'\n", []string{"generic-secret:1"}},
	{"json client secret", "oauth.json", "{\"client_id\": \"palisade\", \"client_secret\": \"" + rnd(62, b64urlChars, 40) + "\"}\n", []string{"generic-secret:1"}},
	{"java properties", "application.properties", "spring.datasource.url=jdbc:postgresql://db/app\nspring.datasource.password=" + samplePassword + "\n", []string{"generic-secret:2"}},
	{"command-line flag", "run.sh", "exec app --db-password=" + samplePassword + " --port 8080\n", []string{"generic-secret:1"}},
	{"toml token", "config.toml", "[registry]\ntoken = \"" + rnd(63, alnumChars, 40) + "\"\n", []string{"generic-secret:2"}},
}

// nonDetections are false-positive guards.
var nonDetections = []scanCase{
	{"empty", "a.txt", "", nil},
	{"aws documented example keys", ".env", "AWS_ACCESS_KEY_ID=AK" + "IAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI" + "/K7MDENG/bPxRfiCY" + "EXAMPLEKEY\n", nil},
	{"aws key id inside a word", "a.txt", "XAKIA" + rnd(70, base32Chars, 16) + "\n", nil},
	{"aws key id too long", "a.txt", "AK" + "IA" + rnd(71, base32Chars, 20) + "\n", nil},
	{"placeholders", ".env", strings.Join([]string{
		"PASSWORD=changeme", "API_KEY=${API_KEY}", "TOKEN=$(cat /run/secrets/token)",
		"GITHUB_TOKEN=<your-token>", "SECRET=xxx", "DB_PASSWORD=example", "EMPTY_PASSWORD=",
		"SECRET_KEY=****************", "CLIENT_SECRET=REPLACE_ME", "AUTH_TOKEN=your-token-here",
		"PASSWORD={{ .Values.password }}", "PASSWORD=vault:secret/data/db#password",
		"API_TOKEN=ENC[AES256_GCM,data:" + rnd(72, b64Chars, 24) + ",type:str]",
		"PASSWORD=!vault |", "TOKEN=%(token)s",
	}, "\n"), nil},
	{"reference names", ".env", "PASSWORD_FILE=/run/secrets/db_password\nTOKEN_PATH=/var/run/secrets/kubernetes.io/serviceaccount/token\nSECRET_NAME=db-credentials-v2\nAUTH_URL=https://login.palisade.dev/oauth2/v2.0/token\n", nil},
	{"word-like values", ".env", "SECRET_NAME_2=my-secret-value-2\nPASSWORD_POLICY_NAME=Strict_Policy_2024\nJWT_SECRET=MY_JWT_SECRET_2\n", nil},
	{"expressions in code", "app.py", "password = os.environ[\"DB_PASSWORD\"]\ntoken = request.headers.get(\"X-Token\")\napi_key = settings.API_KEY2\n", nil},
	{"go code", "auth.go", "password := os.Getenv(\"DB_PASSWORD\")\ntoken, err := oauth.Exchange(ctx, code)\nconst passwordField = \"db-password-field\"\nif token == \"\" {\n}\n", nil},
	{"words in strings", "ui.js", "const label = { password: \"Enter your password\", token: \"Authorization\" };\n", nil},
	{"github placeholders", "README", "ghp_" + strings.Repeat("x", 36) + "\nghp_1234567890abcdefghijklmnopqrstuvwxyz\nghp_" + rnd(73, alnumChars, 20) + "\n", nil},
	{"slack documentation token", "README", "xoxb-not-a-real-token-this-will-not-work\n", nil},
	{"slack webhook placeholder", "alert.sh", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\n", nil},
	{"stripe test key", "billing.rb", "# test mode: sk_test_" + rnd(74, alnumChars, 24) + "\n", nil},
	{"npm config variable", "build.sh", "npm_config_cache=/tmp/npm npm ci\n", nil},
	{"pem header constant", "pem.go", "const rsaHeader = \"-----" + "BEGIN RSA PRIVATE KEY-----\"\nif strings.HasPrefix(s, rsaHeader) {\n}\n", nil},
	{"certificate and public key", "ca.pem", sampleCert + samplePublic, nil},
	{"azurite key", "local.settings.json", `{"Storage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8` + `vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/` + `KBHBeksoGMGw==;"}`, nil},
	{"urls without real passwords", "urls.txt", strings.Join([]string{
		"https://github.com/palisade-sec/palisade", "ssh://git@github.com/palisade-sec/palisade",
		"postgres://user:password@localhost/db", "amqp://guest:guest@rabbitmq:5672/",
		"https://user:${PASS}@registry.palisade.dev", "postgres://app:" + sampleDBPassword + "@db.example.com/app",
		"http://proxy:8080/path@x", "mysql://root:@db/app",
	}, "\n"), nil},
	{"jwt without alg", "a.txt", encURL(`{"typ":"JWT","x":"y"}`) + "." + encURL(`{"sub":"1"}`) + "." + rnd(75, b64urlChars, 43), nil},
	{"jwt without signature", "a.txt", encURL(`{"alg":"none"}`) + "." + encURL(`{"sub":"1234567890"}`) + ".", nil},
	{"twilio sid inside a word", "a.txt", "DISK" + rnd(76, hexChars, 32), nil},
	{"token in a binary", "usr/bin/app", "\x00\x01" + sampleGitHubPAT, nil},
	{"docker config without credentials", "config.json", `{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}`, nil},
	{"docker auth with placeholder password", "config.json", `{"auths": {"ghcr.io": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("user:changeme")) + `"}}}`, nil},
	{"kubeconfig with exec plugin", "kubeconfig", "apiVersion: v1\nkind: Config\nusers:\n- name: eks\n  user:\n    exec:\n      command: aws\n      args: [\"eks\", \"get-token\"]\n", nil},
	{"yaml token reference", "workflow.yaml", "with:\n  token: ${{ secrets.GITHUB_TOKEN }}\n  password: ${{ secrets.REGISTRY_PASSWORD }}\n", nil},
	{"k8s secret ref", "deploy.yaml", "env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n      key: password\n", nil},
	// Seen in real trees (Go, Kubernetes, Trivy, Moby, OpenJDK).
	{"escape sequences", "ssh/keys.go", "const privateKeyAuthMagic = \"openssh-key-v1\\x00\"\n", nil},
	{"camel-case identifier value", "ssh/messages.go", "\tmsgUserAuthPubKeyOk:    \"userAuthPubKeyOkMsg\",\n", nil},
	{"type names in strings", "generated.pb.go", "\trepeatedStringForTokenRequests := \"[]TokenRequest{\"\n", nil},
	{"api group", "policy.go", "\tauthorizationGroup = \"authorization.k8s.io\"\n\tauthLatencyKey = \"apiserver.latency.k8s.io/v1beta1\"\n", nil},
	{"value echoes its key", "crypto.json", "\"encryptionKey\": \"encryptionKey1024\",\n", nil},
	{"colon-separated words", "roundtrip_js.go", "const jsFetchCreds = \"js.fetch:credentials\"\n", nil},
	{"property documentation", "management.properties", "# com.sun.management.jmxremote.ssl.need.client.auth=true|false\n", nil},
	{"shell parameter expansion", "configure.sh", "curl_headers=${access_token:+Authorization: Bearer \"${access_token}\"}\n", nil},
	{"header in prose", "advisory.json", `{"details": "as demonstrated by a redirect(\"233\\r\\nSet-Cookie: name=salt\") call."}`, nil},
	{"kubeconfig with placeholder tokens", "setup.psm1", "apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: APP_TOKEN\n- name: b\n  user:\n    token: admin-token\n", nil},
	{"bootstrap token documentation", "kubeadm.yaml", "bootstrapTokens:\n- token: abcdef.0123456789abcdef\n", nil},
	{"service account without a key", "config.json", `{"type": "service_account", "private_key": "-----` + `BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"}`, nil},
	{"docker auth of words", "config.json", `{"auths": {"somerepo.com": {"auth": "` + base64.StdEncoding.EncodeToString([]byte("passed-user:passed-password")) + `"}}}`, nil},
	{"openapi example", "api/swagger.yaml", "example:\n  password: \"" + samplePassword + "\"\n", nil},
	{"hashes and versions", "lock.yaml", "integrity: sha512-" + rnd(77, b64Chars, 86) + "==\nversion: 1.2.3-beta.4\n", nil},
}

// allowListedCases hold generic secrets on test, example and documentation
// paths: no match.
var allowListedCases = []scanCase{
	{"testdata dir", "internal/app/testdata/config.yaml", "password: " + samplePassword + "\n", nil},
	{"go test file", "internal/app/app_test.go", "var password = \"" + samplePassword + "\"\n", nil},
	{"env example", ".env.example", "SECRET_KEY=" + samplePassword + "\n", nil},
	{"readme", "README.md", "```\nexport API_TOKEN=" + samplePassword + "\ncurl -H 'Authorization: Bearer " + sampleJWT + "'\n```\n", nil},
	{"image doc dir", "usr/share/doc/postgresql/README", "psql postgres://admin:" + sampleDBPassword + "@db:5432/app\n", nil},
	{"node test dir", "usr/lib/node_modules/jsonwebtoken/test/verify.js", "const token = '" + sampleJWT + "';\n", nil},
	{"spec file", "src/auth.spec.ts", "const password = \"" + samplePassword + "\";\n", nil},
	{"windows path", `C:\src\app\fixtures\db.yml`, "password: " + samplePassword + "\n", nil},
}

// reportedOnTestPaths are token formats, which fire everywhere.
var reportedOnTestPaths = []scanCase{
	{"token in testdata", "internal/app/testdata/ci.yaml", "token: " + sampleGitHubPAT + "\n", []string{"github-token:1"}},
	{"key in test file", "tls_test.go", "const key = `" + sampleEC + "`", []string{"private-key:1"}},
}

func TestScan(t *testing.T) {
	for _, group := range [][]scanCase{detections, nonDetections, allowListedCases, reportedOnTestPaths} {
		for _, tt := range group {
			t.Run(tt.name, func(t *testing.T) {
				got := Scan(tt.path, []byte(tt.content))
				if diff := compare(got, tt.want); diff != "" {
					t.Errorf("Scan(%q): %s", tt.path, diff)
				}
			})
		}
	}
}

func compare(got []Match, want []string) string {
	var g []string
	for _, m := range got {
		g = append(g, fmt.Sprintf("%s:%d", m.Detector, m.Line))
	}
	if slices.Equal(g, want) {
		return ""
	}
	return fmt.Sprintf("got %q, want %q (matches %+v)", g, want, got)
}

func TestScanMatchFields(t *testing.T) {
	byID := map[string]Detector{}
	for _, d := range Detectors() {
		byID[d.ID] = d
	}
	for _, tt := range detections {
		for _, m := range Scan(tt.path, []byte(tt.content)) {
			d, ok := byID[m.Detector]
			if !ok {
				t.Fatalf("%s: unknown detector %q", tt.name, m.Detector)
			}
			if m.Title != d.Title || m.Severity != d.Severity {
				t.Errorf("%s: match %+v does not carry the title and severity of %+v", tt.name, m, d)
			}
			if m.Redacted == "" || !strings.Contains(m.Redacted, mask) {
				t.Errorf("%s: Redacted %q is not masked", tt.name, m.Redacted)
			}
			if len(m.Redacted) > 20 && strings.Contains(tt.content, m.Redacted) {
				t.Errorf("%s: Redacted %q appears in the content", tt.name, m.Redacted)
			}
		}
	}
}

func TestScanRedacted(t *testing.T) {
	tests := []struct {
		content string
		want    string
	}{
		{sampleGitHubPAT, sampleGitHubPAT[:8] + mask + sampleGitHubPAT[36:]},
		{sampleRSA, "-----" + "BEGIN RSA PRIVATE KEY-----" + mask},
		{"postgres://app:" + sampleDBPassword + "@db:5432/app", "postgres://app:" + mask + "@db"},
		{"AccountKey=" + sampleAzureKey, "AccountKey=" + sampleAzureKey[:8] + mask + sampleAzureKey[84:]},
		{sampleServiceAccount, "-----" + "BEGIN PRIVATE KEY-----" + mask},
	}
	for _, tt := range tests {
		got := Scan("", []byte(tt.content))
		if len(got) != 1 || got[0].Redacted != tt.want {
			t.Errorf("Scan(%.20q...) = %+v, want one match redacted as %q", tt.content, got, tt.want)
		}
	}
}

func TestEveryDetectorHasASample(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range detections {
		for _, w := range tt.want {
			seen[strings.Split(w, ":")[0]] = true
		}
	}
	for _, d := range Detectors() {
		if !seen[d.ID] {
			t.Errorf("detector %s has no positive Scan test case", d.ID)
		}
	}
}

func TestDetectors(t *testing.T) {
	ds := Detectors()
	if len(ds) != len(detectors) {
		t.Fatalf("Detectors() has %d entries, want %d", len(ds), len(detectors))
	}
	for i, d := range ds {
		if i > 0 && ds[i-1].ID >= d.ID {
			t.Errorf("Detectors() not sorted by unique ID at %q", d.ID)
		}
		if d.Title == "" {
			t.Errorf("%s: no title", d.ID)
		}
		switch d.Severity {
		case "critical", "high", "medium", "low":
		default:
			t.Errorf("%s: severity %q", d.ID, d.Severity)
		}
	}
	ds[0].ID = "changed"
	if Detectors()[0].ID == "changed" {
		t.Error("Detectors() returns shared state")
	}
}

func TestScanDeterministic(t *testing.T) {
	var all strings.Builder
	for _, tt := range detections {
		all.WriteString(tt.content + "\n")
	}
	content := []byte(all.String())
	first := Scan("all.txt", content)
	if len(first) < len(detections) {
		t.Errorf("Scan of all samples found %d matches, want at least %d", len(first), len(detections))
	}
	for range 3 {
		if got := Scan("all.txt", content); !slices.Equal(got, first) {
			t.Fatalf("Scan is not deterministic")
		}
	}
	for i := 1; i < len(first); i++ {
		if first[i].Line < first[i-1].Line {
			t.Errorf("matches not ordered by line: %d after %d", first[i].Line, first[i-1].Line)
		}
	}
}

func TestScanLimits(t *testing.T) {
	t.Run("secret after the cap is not examined", func(t *testing.T) {
		content := []byte(strings.Repeat("a", MaxScanBytes) + "\n" + sampleGitHubPAT + "\n")
		if got := Scan("big.txt", content); len(got) != 0 {
			t.Errorf("got %v, want nothing past MaxScanBytes", got)
		}
	})
	t.Run("secret before the cap", func(t *testing.T) {
		content := []byte(sampleGitHubPAT + "\n" + strings.Repeat("a", MaxScanBytes))
		if got := Scan("big.txt", content); len(got) != 1 {
			t.Errorf("got %v, want one match", got)
		}
	})
	t.Run("at most MaxMatches", func(t *testing.T) {
		var b strings.Builder
		for i := range 3 * MaxMatches {
			b.WriteString("ghp_" + rnd(uint64(1000+i), alnumChars, 36) + "\n")
		}
		got := Scan("many.txt", []byte(b.String()))
		if len(got) != MaxMatches || got[0].Line != 1 || got[MaxMatches-1].Line != MaxMatches {
			t.Errorf("got %d matches, lines %d..%d; want the first %d", len(got), got[0].Line, got[len(got)-1].Line, MaxMatches)
		}
	})
}

// TestDocTable checks that the detector table of doc.go lists every detector
// with its severity, and nothing else.
func TestDocTable(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	for _, line := range strings.Split(string(doc), "\n") {
		f := strings.Fields(strings.TrimPrefix(line, "//\t"))
		if !strings.HasPrefix(line, "//\t") || len(f) < 2 {
			continue
		}
		switch f[1] {
		case "critical", "high", "medium", "low":
			documented[f[0]] = f[1]
		}
	}
	for _, d := range Detectors() {
		if sev, ok := documented[d.ID]; !ok || sev != d.Severity {
			t.Errorf("doc.go lists %s with severity %q, want %q", d.ID, sev, d.Severity)
		}
		delete(documented, d.ID)
	}
	for id := range documented {
		t.Errorf("doc.go lists unknown detector %s", id)
	}
}

func TestAssignmentForms(t *testing.T) {
	pw := samplePassword
	tests := []struct {
		name, path, content string
		want                []string
	}{
		{"env", "a.env", "DB_PASSWORD=" + pw, []string{"generic-secret:1"}},
		{"export", "a.sh", "export DB_PASSWORD=" + pw, []string{"generic-secret:1"}},
		{"yaml", "a.yaml", "password: " + pw, []string{"generic-secret:1"}},
		{"yaml quoted", "a.yaml", "password: '" + pw + "'", []string{"generic-secret:1"}},
		{"json", "a.json", `{"password":"` + pw + `"}`, []string{"generic-secret:1"}},
		{"go short declaration", "a.go", "password := \"" + pw + "\"", []string{"generic-secret:1"}},
		{"php arrow", "a.php", "'password' => '" + pw + "',", []string{"generic-secret:1"}},
		{"js backquote", "a.js", "const token = `" + pw + "`;", []string{"generic-secret:1"}},
		{"escaped quote ends nothing", "a.py", `password = "` + pw + `\"x"`, nil},
		{"comparison", "a.py", `if password == "` + pw + `":`, nil},
		{"scope operator", "a.cpp", "auto key = secret::" + pw + ";", nil},
		{"unquoted in code", "a.py", "password = " + pw, nil},
		{"unterminated quote", "a.py", "password = \"" + pw, nil},
		{"quote on next line", "a.py", "password = \"" + pw + "\n\"", nil},
		{"key too long", "a.env", strings.Repeat("A", 70) + "_PASSWORD=" + pw, nil},
		{"kubeconfig in testdata", "testdata/kubeconfig", sampleKubeconfig, nil},
		{"service account in testdata", "testdata/sa.json", sampleServiceAccount, []string{"gcp-service-account:5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := compare(Scan(tt.path, []byte(tt.content)), tt.want); diff != "" {
				t.Errorf("Scan(%q, %q): %s", tt.path, tt.content, diff)
			}
		})
	}
}

func TestClosingQuote(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`abc"`, 3},
		{`a\"bc"`, 5},
		{`a\\"bc"`, 3},
		{`abc`, -1},
		{"ab\nc\"", -1},
		{`\"`, -1},
		{`"`, 0},
	}
	for _, tt := range tests {
		if got := closingQuote([]byte(tt.in), '"'); got != tt.want {
			t.Errorf("closingQuote(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestOwnSources scans this package: its tests build their samples at run
// time, so no source file may hold anything that looks like a secret.
func TestOwnSources(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Scan as a non-test file, so that generic detectors run too.
		if got := Scan("secret/source.txt", b); len(got) > 0 {
			t.Errorf("%s: %v", f, got)
		}
	}
}

func TestScanConcurrent(t *testing.T) {
	content := []byte(sampleKubeconfig + sampleServiceAccount + sampleRSA + sampleGitHubPAT)
	want := Scan("x.txt", content)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := Scan("x.txt", content); !slices.Equal(got, want) {
					t.Error("concurrent Scan differs")
					return
				}
			}
		})
	}
	wg.Wait()
}
