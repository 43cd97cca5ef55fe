package secret

import (
	"testing"
)

func TestValue(t *testing.T) {
	tests := []struct {
		name       string
		key, value string
		want       []string
	}{
		// Detections.
		{"password", "DB_PASSWORD", samplePassword, []string{"generic-secret:1"}},
		{"padded value", "API_KEY", "  " + samplePassword + " \n", []string{"generic-secret:1"}},
		{"camel-case key", "clientSecret", rnd(80, b64urlChars, 32), []string{"generic-secret:1"}},
		{"token format wins over generic", "GITHUB_TOKEN", sampleGitHubPAT, []string{"github-token:1"}},
		{"token format under any name", "FOO", sampleGitHubPAT, []string{"github-token:1"}},
		{"aws secret key", "AWS_SECRET_ACCESS_KEY", sampleAWSSecret, []string{"aws-secret-access-key:1"}},
		{"twilio auth token", "TWILIO_AUTH_TOKEN", sampleTwilioToken, []string{"twilio-auth-token:1"}},
		{"url with password", "DATABASE_URL", "postgres://app:" + sampleDBPassword + "@db:5432/app", []string{"url-credentials:1"}},
		{"private key", "TLS_KEY", sampleEC, []string{"private-key:1"}},
		{"jwt", "token", sampleJWT, []string{"jwt:1"}},
		{"configmap file entry", "application.yaml", "server:\n  port: 8080\ndb:\n  password: " + samplePassword + "\n", []string{"generic-secret:4"}},
		{"configmap service account", "sa.json", sampleServiceAccount, []string{"gcp-service-account:5"}},
		{"configmap kubeconfig", "config", sampleKubeconfig, []string{"kubeconfig-credential:10", "kubeconfig-credential:13"}},

		// Placeholders.
		{"empty", "PASSWORD", "", nil},
		{"changeme", "PASSWORD", "changeme", nil},
		{"changeit", "KEYSTORE_PASSWORD", "changeit", nil},
		{"braced variable", "API_KEY", "${API_KEY}", nil},
		{"variable", "API_KEY", "$API_KEY", nil},
		{"command substitution", "TOKEN", "$(cat /run/secrets/token)", nil},
		{"angle brackets", "GITHUB_TOKEN", "<your-token>", nil},
		{"xxx", "SECRET", "xxx", nil},
		{"long mask", "SECRET", "xxxxxxxxxxxxxxxxxxxx", nil},
		{"stars", "SECRET", "********", nil},
		{"example", "PASSWORD", "example", nil},
		{"example inside", "PASSWORD", "Example-Passw0rd-1", nil},
		{"helm template", "PASSWORD", "{{ .Values.db.password }}", nil},
		{"vault reference", "API_KEY", "vault:secret/data/app#api_key", nil},
		{"secrets manager arn", "SECRET", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", nil},
		{"sops", "PASSWORD", "ENC[AES256_GCM,data:" + rnd(81, b64Chars, 24) + ",iv:" + rnd(82, b64Chars, 16) + ",type:str]", nil},
		{"jasypt", "PASSWORD", "ENC(" + rnd(83, b64Chars, 24) + ")", nil},
		{"key vault", "PASSWORD", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)", nil},
		{"1password", "TOKEN", "op://prod/db/password", nil},
		{"documentation default", "POSTGRES_PASSWORD", "postgres", nil},
		{"boolean", "AUTH", "true", nil},

		// Not secrets.
		{"short", "PASSWORD", "hunter2", nil},
		{"word-like identifier", "TOKEN", "my-token-name", nil},
		{"letters only", "SECRET", "correcthorsebatterystaple", nil},
		{"path", "PASSWORD_FILE", "/run/secrets/db_password", nil},
		{"path under a sensitive name", "PRIVATE_KEY", "/etc/ssl/private/server.key", nil},
		{"relative path", "SECRET", "secrets/prod/db.json", nil},
		{"not a sensitive name", "DB_HOST", samplePassword, nil},
		{"key id", "AWS_ACCESS_KEY_ID", sampleAWSKeyID, []string{"aws-access-key-id:1"}},
		{"aws example key id", "AWS_ACCESS_KEY_ID", "AK" + "IAIOSFODNN7EXAMPLE", nil},
		{"url without password", "DATABASE_URL", "postgres://db:5432/app", nil},
		{"url with variable password", "DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app", nil},
		{"url with password file", "REDIS_URL", "redis://cache:6379/0", nil},
		{"space in value", "PASSWORD_PROMPT_TEXT", "Enter your password", nil},
		{"java opts", "JAVA_OPTS", "-Xmx512m -Dtoken.ttl=3600", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Value(tt.key, tt.value)
			if diff := compare(got, tt.want); diff != "" {
				t.Errorf("Value(%q, %.40q): %s", tt.key, tt.value, diff)
			}
		})
	}
}

func TestLiteralSecret(t *testing.T) {
	tests := []struct {
		value  string
		quoted bool
		want   bool
	}{
		{"Zq7Lk2pX#x", true, true},
		{"s3cr3t-P4ssw0rd", true, true},
		{"a8F_x9Kd2mQ", true, true},
		{"123e4567-e89b-12d3-a456-426614174000", true, true},
		{rnd(90, alnumChars, 24), false, true},
		{"Passw0rd!", true, false}, // entropy below 3
		{"abcdefgh", true, false},  // one class
		{"12345678", true, false},  // one class
		{"Zq7Lk2pX#x y", true, false},
		{"getPass(x1)", false, false}, // expression
		{"getPass(x1)", true, true},
		{"MY_SECRET_TOKEN_2", true, false},
		{"com.palisade.app", true, false},
		{"v1.2.3-rc.1", true, false},
		{"AuthorizationHeaderValue", true, false},
		{"HjKqWzPmXvBnTrLs", true, true},
		{"keys/server.key", true, false},
		{`C:\keys\server.key`, true, false},
		{"https://palisade.dev/x", true, false},
		{"short", true, false},
		{string(make([]byte, 600)), true, false},
	}
	for _, tt := range tests {
		if got := literalSecret(tt.value, tt.quoted); got != tt.want {
			t.Errorf("literalSecret(%q, %v) = %v, want %v (entropy %.2f)", tt.value, tt.quoted, got, tt.want, Entropy(tt.value))
		}
		if got := literalSecret([]byte(tt.value), tt.quoted); got != tt.want {
			t.Errorf("literalSecret([]byte(%q), %v) = %v, want %v", tt.value, tt.quoted, got, tt.want)
		}
	}
}

func TestSensitiveName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		// GPG_KEY(S) in official images holds public key fingerprints.
		{"GPG_KEY", false},
		{"GPG_KEYS", false},
		{"PASSWORD", true},
		{"DB_PASSWORD", true},
		{"MYSQL_ROOT_PASSWORD", true},
		{"dbPassword", true},
		{"db.password", true},
		{"spring.datasource.password", true},
		{"--db-password", true},
		{"DB_PASS", true},
		{"DB_PWD", true},
		{"PASSPHRASE", true},
		{"SECRET", true},
		{"JWT_SECRET", true},
		{"CLIENT_SECRET", true},
		{"SECRET_KEY_BASE", true},
		{"TOKEN", true},
		{"GITHUB_TOKEN", true},
		{"NPM_TOKEN", true},
		{"ACCESS_TOKEN", true},
		{"API_KEY", true},
		{"APIKEY", true},
		{"apiKey", true},
		{"X_API_KEY", true},
		{"APIKey", true},
		{"PRIVATE_KEY", true},
		{"SSH_PRIVATE_KEY", true},
		{"ACCESS_KEY", true},
		{"AWS_SECRET_ACCESS_KEY", true},
		{"SecretAccessKey", true},
		{"SIGNING_KEY", true},
		{"ENCRYPTION_KEY", true},
		{"APP_KEY", true},
		{"STORAGE_ACCOUNT_KEY", true},
		{"CREDENTIALS", true},
		{"DOCKER_CREDS", true},
		{"AUTH", true},
		{"BASIC_AUTH", true},
		{"AUTHORIZATION", false}, // a header value; token formats catch what it holds
		{"RABBITMQ_ERLANG_COOKIE", true},
		{"GH_PAT", true},
		{"VAULT_SECRET_ID", false},
		{"SecretID", false},
		{"PASSWORD2", true},
		{"AZURE_STORAGE_CONNECTION_STRING", true},

		{"", false},
		{"PATH", false},
		{"HOME", false},
		{"KEY", false},
		{"SORT_KEY", false},
		{"PUBLIC_KEY", false},
		{"STRIPE_PUBLISHABLE_KEY", false},
		{"KEY_ID", false},
		{"AWS_ACCESS_KEY_ID", false},
		{"PASSWORD_FILE", false},
		{"POSTGRES_PASSWORD_FILE", false},
		{"TOKEN_PATH", false},
		{"SECRETS_DIR", false},
		{"SECRET_NAME", false},
		{"SECRET_KEY_REF", false},
		{"DATABASE_URL", false},
		{"AUTH_URL", false},
		{"TOKEN_ENDPOINT", false},
		{"OAUTH_CLIENT_ID", false},
		{"TOKEN_TTL", false},
		{"PASSWORD_MIN_LENGTH", false},
		{"AUTH_ENABLED", false},
		{"AUTH_TYPE", false},
		{"AUTH_USER", false},
		{"SSH_AUTH_SOCK", false},
		{"MYSQL_ALLOW_EMPTY_PASSWORD", false},
		{"MYSQL_RANDOM_ROOT_PASSWORD", false},
		{"SKIP_TOKEN_VERIFY", false},
		{"PWD", false},
		{"OLDPWD", false},
		{"GOOGLE_APPLICATION_CREDENTIALS", false},
		{"TOKENIZER", false},
		{"BYPASS_CACHE", false},
		{"AUTHOR", false},
		{"OAUTH_PROVIDER", false},
		{"GIT_ASKPASS", false},
		{"PASSENGER_MAX_POOL_SIZE", false},
		{"API_KEY_HEADER", false},
	}
	for _, tt := range tests {
		if got := SensitiveName(tt.name); got != tt.want {
			t.Errorf("SensitiveName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"DB_PASSWORD", "DB PASSWORD"},
		{"dbPassword", "db Password"},
		{"APIKey", "API Key"},
		{"SecretAccessKey", "Secret Access Key"},
		{"oauth2-token", "oauth 2 token"},
		{"--db.pass", "db pass"},
		{"a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r", "c d e f g h i j k l m n o p q r"},
	}
	for _, tt := range tests {
		got := ""
		ws := splitWords(tt.name)
		for i, w := range ws.w[:ws.n] {
			if i > 0 {
				got += " "
			}
			got += w
		}
		if got != tt.want {
			t.Errorf("splitWords(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
