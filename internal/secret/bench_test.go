package secret

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// cleanLines are lines of ordinary source, configuration and prose, with the
// words that wake detectors up (key, token, password, secret, auth, ://) in
// harmless places.
var cleanLines = []string{
	"package server",
	"import (\n\t\"context\"\n\t\"net/http\"\n)",
	"func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {",
	"\ttoken, err := s.auth.Exchange(r.Context(), r.FormValue(\"code\"))",
	"\tif err != nil {\n\t\treturn fmt.Errorf(\"exchanging token: %w\", err)\n\t}",
	"\tkey := cacheKey(r.URL.Path, r.Header.Get(\"Accept\"))",
	"\tfor key, value := range m {",
	"// Password hashes are compared in constant time; see https://pkg.go.dev/crypto/subtle.",
	"apiVersion: apps/v1",
	"kind: Deployment",
	"metadata:\n  name: web\n  namespace: shop",
	"      containers:\n      - name: web\n        image: ghcr.io/palisade-sec/web:1.4.2",
	"        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n              name: db\n              key: password",
	"        - name: PASSWORD_FILE\n          value: /run/secrets/db_password",
	"        ports:\n        - containerPort: 8080",
	"#!/bin/sh\nset -eu",
	"export PATH=/usr/local/bin:$PATH",
	"curl -fsSL https://get.palisade.dev/install.sh | sh",
	"TOKEN_PATH=/var/run/secrets/kubernetes.io/serviceaccount/token",
	"The secret to a good deployment is a boring one: pin your images and keep your keys out of them.",
	"Authentication happens at the edge; the service trusts the X-Forwarded-User header.",
	"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.",
	`{"name": "web", "version": "1.4.2", "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2"}}`,
	`  "scripts": {"test": "jest", "build": "tsc -p ."},`,
	"monkey business: the keyboard keys were sticky and the turkey was dry",
	"SELECT id, name, created_at FROM users WHERE email = $1 AND deleted_at IS NULL;",
	"INFO 2024-05-01T12:00:00Z request completed method=GET path=/api/v1/orders status=200 duration=12ms",
	"\tpasswordLen := len(password) // never logged",
	"const maxTokenAge = 24 * time.Hour",
	"See https://kubernetes.io/docs/concepts/configuration/secret/ for details.",
}

// benchText returns about n bytes of clean text, and with secrets every few
// KiB when withSecrets is set.
func benchText(n int, withSecrets bool) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	secrets := []string{
		"AWS_ACCESS_KEY_ID=" + sampleAWSKeyID + "\nAWS_SECRET_ACCESS_KEY=" + sampleAWSSecret,
		"git clone https://x-access-token:" + sampleGitHubApp + "@github.com/org/repo",
		"  password: " + samplePassword,
		"DATABASE_URL=postgres://app:" + sampleDBPassword + "@db:5432/app",
		"Authorization: Bearer " + sampleJWT,
		"SLACK_TOKEN=" + sampleSlackBot,
		sampleEC,
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		if withSecrets && i%40 == 39 {
			b.WriteString(secrets[(i/40)%len(secrets)] + "\n")
			continue
		}
		b.WriteString(cleanLines[r.IntN(len(cleanLines))] + "\n")
	}
	return []byte(b.String()[:n])
}

func BenchmarkScan(b *testing.B) {
	clean := benchText(1<<20, false)
	if m := Scan("app/config.txt", clean); len(m) != 0 {
		b.Fatalf("clean text has matches: %v", m)
	}
	dirty := benchText(1<<20, true)
	binary := append([]byte("\x7fELF\x02\x01\x01\x00"), benchText(1<<20, false)...)
	for _, bc := range []struct {
		name    string
		path    string
		content []byte
	}{
		{"clean-1MiB", "app/config.txt", clean},
		{"secrets-1MiB", "app/config.txt", dirty},
		{"binary-1MiB", "usr/bin/app", binary},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.content)))
			for b.Loop() {
				Scan(bc.path, bc.content)
			}
		})
	}
}

func BenchmarkScanSmallFile(b *testing.B) {
	content := benchText(2<<10, false)
	b.ReportAllocs()
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		Scan("etc/app/app.conf", content)
	}
}

func BenchmarkValue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Value("DB_PASSWORD", samplePassword)
		Value("LOG_LEVEL", "info")
	}
}

// BenchmarkScanAdversarial measures inputs built to make detectors work
// hard: dense keyword hits, unterminated values, many candidates.
func BenchmarkScanAdversarial(b *testing.B) {
	fill := func(unit string) []byte {
		return []byte(strings.Repeat(unit, (1<<20)/len(unit)+1)[:1<<20])
	}
	for _, bc := range []struct{ name, unit string }{
		{"keys", "key="},
		{"unterminated-quotes", `key="`},
		{"candidates", "password=Zq7Lk2pX#x\n"},
		{"pem-headers", "-----" + "BEGIN PRIVATE KEY-----\\n" + strings.Repeat("A", 70) + "\\n"},
		{"jwts", sampleJWT + " "},
		{"url-credentials", "https://a:b@"},
		{"tokens", sampleGitHubPAT + " "},
		{"no-keywords", "a"},
	} {
		content := fill(bc.unit)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				Scan("x.txt", content)
			}
		})
	}
}
