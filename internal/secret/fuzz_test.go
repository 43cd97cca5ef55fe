package secret

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// checkScan checks the invariants of one Scan or Value call: no panic (the
// caller got here), lines within the content, known detectors, redacted
// values that do not reveal the secret, and the same result twice.
func checkScan(t *testing.T, s *scanner, got, again []Match) {
	t.Helper()
	if !slices.Equal(got, again) {
		t.Fatalf("not deterministic:\n%v\n%v", got, again)
	}
	if len(got) > MaxMatches {
		t.Fatalf("%d matches, more than MaxMatches", len(got))
	}
	lines := bytes.Count(s.content, newline) + 1
	known := map[string]bool{}
	for _, d := range Detectors() {
		known[d.ID] = true
	}
	for _, m := range got {
		if m.Line < 1 || m.Line > lines {
			t.Errorf("match %+v: line outside 1..%d", m, lines)
		}
		if !known[m.Detector] || m.Title == "" || m.Severity == "" {
			t.Errorf("match %+v: unknown detector or missing fields", m)
		}
		if m.Redacted == "" {
			t.Errorf("match %+v: empty Redacted", m)
		}
	}
	for _, f := range s.resolve() {
		c := s.content
		if f.start < 0 || f.start > f.end || f.end > len(c) || f.secretStart < 0 || f.secretStart > f.secretEnd || f.secretEnd > len(c) {
			t.Fatalf("candidate %+v: span outside content of %d bytes", f, len(c))
		}
		secret := string(c[f.secretStart:f.secretEnd])
		if len(secret) < 12 {
			continue
		}
		if f.redacted == secret {
			t.Errorf("%s: Redacted equals the secret %q", f.det.ID, secret)
		}
		if strings.Contains(f.redacted, secret) && !bytes.Contains(c[:f.secretStart], []byte(secret)) && !bytes.Contains(c[f.secretEnd:], []byte(secret)) {
			t.Errorf("%s: Redacted %q reveals the secret %q", f.det.ID, f.redacted, secret)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, group := range [][]scanCase{detections, nonDetections, allowListedCases, reportedOnTestPaths} {
		for _, tt := range group {
			f.Add(tt.path, []byte(tt.content))
		}
	}
	f.Add("x", []byte("-----"+"BEGIN PRIVATE KEY-----\\n"+strings.Repeat("A", 70)))
	f.Add("", []byte("a://b:c@d"))
	f.Fuzz(func(t *testing.T, path string, content []byte) {
		checkScan(t, scanContent(path, content), Scan(path, content), Scan(path, content))
		SecretFile(path)
	})
}

func FuzzValue(f *testing.F) {
	seeds := [][2]string{
		{"DB_PASSWORD", samplePassword},
		{"GITHUB_TOKEN", sampleGitHubPAT},
		{"AWS_SECRET_ACCESS_KEY", sampleAWSSecret},
		{"TWILIO_AUTH_TOKEN", sampleTwilioToken},
		{"DATABASE_URL", "postgres://app:" + sampleDBPassword + "@db:5432/app"},
		{"TLS_KEY", sampleEC},
		{"token", sampleJWT},
		{"application.yaml", "db:\n  password: " + samplePassword + "\n"},
		{"sa.json", sampleServiceAccount},
		{"config", sampleKubeconfig},
		{"PASSWORD", "changeme"},
		{"API_KEY", "${API_KEY}"},
		{"TOKEN", "$(cat /run/secrets/token)"},
		{"GITHUB_TOKEN", "<your-token>"},
		{"SECRET", "xxx"},
		{"PASSWORD", "example"},
		{"PASSWORD", ""},
		{"", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		checkScan(t, scanValue(key, value), Value(key, value), Value(key, value))
		SensitiveName(key)
		Entropy(value)
		if r := Redact(value); len(value) >= 12 && strings.Contains(r, value) {
			t.Errorf("Redact(%q) = %q", value, r)
		}
	})
}
