package secret

import "testing"

func TestSecretFile(t *testing.T) {
	tests := []struct {
		path   string
		reason string // "" for not a secret file
	}{
		{"home/app/.ssh/id_rsa", "SSH private key"},
		{"/root/.ssh/id_ed25519", "SSH private key"},
		{"id_ecdsa", "SSH private key"},
		{"id_dsa", "SSH private key"},
		{"etc/ssh/ssh_host_ed25519_key", "SSH host private key"},
		{"tls/server.pem", "PEM file (may hold a private key)"},
		{"certs/server.pem", ""},
		{"tls/privkey.pem", "private key file"},
		{"tls/ca-key.pem", "private key file"},
		{"config/master.key", "private key file"},
		{"tls.key", "private key file"},
		{"client.p12", "PKCS #12 key store"},
		{"CLIENT.PFX", "PKCS #12 key store"},
		{"app/keystore.jks", "Java key store"},
		{"release.keystore", "Java key store"},
		{"deploy.ppk", "PuTTY private key"},
		{"home/u/.npmrc", "npm configuration (may hold registry tokens)"},
		{".pypirc", "PyPI configuration (may hold upload credentials)"},
		{"root/.netrc", "netrc file (machine passwords)"},
		{".env", "environment file (often holds secrets)"},
		{"app/.env.production", "environment file (often holds secrets)"},
		{"app/.env.local", "environment file (often holds secrets)"},
		{"deploy/prod.env", "environment file (often holds secrets)"},
		{".git-credentials", "Git credential store"},
		{"root/.aws/credentials", "AWS credentials file"},
		{".aws/credentials", "AWS credentials file"},
		{"root/.docker/config.json", "Docker registry credentials"},
		{"home/u/.kube/config", "kubeconfig (cluster credentials)"},
		{"kubeconfig", "kubeconfig (cluster credentials)"},
		{"ci/kubeconfig.yaml", "kubeconfig (cluster credentials)"},
		{"prod.kubeconfig", "kubeconfig (cluster credentials)"},
		{"etc/kubernetes/admin.conf", "kubeconfig (cluster credentials)"},
		{"credentials.json", "credentials file"},
		{"keys/service-account.json", "GCP service account key"},
		{"keys/service-account-prod.json", "GCP service account key"},
		{"root/.config/gcloud/application_default_credentials.json", "gcloud application default credentials"},
		{"root/.config/gcloud/credentials.db", "gcloud credentials"},
		{"root/.config/gcloud/legacy_credentials/me@palisade.dev/adc.json", "gcloud credentials"},
		{"root/.vault-token", "HashiCorp Vault token"},
		{"etc/nginx/.htpasswd", "htpasswd password hashes"},
		{"root/.pgpass", "PostgreSQL password file"},
		{"root/.my.cnf", "MySQL client configuration (may hold a password)"},
		{"root/.config/gh/hosts.yml", "GitHub CLI credentials"},
		{"infra/terraform.tfstate", "Terraform state (holds resource secrets in plain text)"},
		{`C:\Users\dev\.ssh\id_rsa`, "SSH private key"},

		{"", ""},
		{"home/app/.ssh/id_rsa.pub", ""},
		{"home/app/.ssh/known_hosts", ""},
		{"etc/ssh/ssh_host_ed25519_key.pub", ""},
		{".env.example", ""},
		{".env.sample", ""},
		{".env.template", ""},
		{".env.dist", ""},
		{"usr/bin/env", ""},
		{"environment", ""},
		{"etc/ssl/certs/ca-certificates.crt", ""},
		{"etc/ssl/certs/ISRG_Root_X1.pem", ""},
		{"usr/lib/python3/dist-packages/certifi/cacert.pem", ""},
		{"tls/cert.pem", ""},
		{"tls/fullchain.pem", ""},
		{"tls/ca.pem", ""},
		{"tls/public.key", ""},
		{"usr/share/keyrings/vendor.key", ""},
		{"etc/pki/java/truststore.jks", ""},
		{"config.json", ""},
		{"credentials.py", ""},
		{"docs/credentials.md", ""},
		{"etc/kubernetes/manifests/kube-apiserver.yaml", ""},
		{"README.md", ""},
	}
	for _, tt := range tests {
		reason, ok := SecretFile(tt.path)
		if reason != tt.reason || ok != (tt.reason != "") {
			t.Errorf("SecretFile(%q) = %q, %v; want %q, %v", tt.path, reason, ok, tt.reason, tt.reason != "")
		}
	}
}

func TestAllowListed(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"", false},
		{"main.go", false},
		{"internal/app/config.yaml", false},
		{"etc/app/config.yaml", false},
		{"latest/app.env", false},
		{"contest/app.yaml", false},
		{"testdata/config.yaml", true},
		{"internal/app/testdata/x", true},
		{"app_test.go", true},
		{"tests/conftest.py", true},
		{"test_app.py", true},
		{"app.test.js", true},
		{"src/auth.spec.ts", true},
		{"spec/models/user_spec.rb", true},
		{"UserServiceTest.java", true},
		{"README.md", true},
		{"docs/index.html", true},
		{"usr/share/doc/x/copyright", true},
		{"usr/share/man/man1/ls.1.gz", true},
		{".env.example", true},
		{"config.sample.yml", true},
		{"example.conf", true},
		{`C:\src\examples\app.yaml`, true},
	}
	for _, tt := range tests {
		if got := allowListed(tt.path); got != tt.want {
			t.Errorf("allowListed(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestIsSourceCode(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"main.go", true},
		{"src/App.JAVA", true},
		{"app.py", true},
		{"config.yaml", false},
		{".env", false},
		{"run.sh", false},
		{"Dockerfile", false},
		{"v1.2/Dockerfile", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isSourceCode(tt.path); got != tt.want {
			t.Errorf("isSourceCode(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
