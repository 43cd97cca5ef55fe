package dockerfile

import (
	"slices"
	"strings"
	"testing"

	"github.com/palisade-sec/palisade/internal/finding"
)

func TestIgOptions(t *testing.T) {
	tests := []struct {
		args     []string
		wantOpts []string // name=value or name
		wantPos  []string
	}{
		{[]string{"-fsSLo", "out", "https://x/y"}, []string{"-f", "-s", "-S", "-L", "-o=out"}, []string{"https://x/y"}},
		{[]string{"-oout", "https://x"}, []string{"-o=out"}, []string{"https://x"}},
		{[]string{"-ok", "https://x"}, []string{"-o=k"}, []string{"https://x"}},
		{[]string{"--output", "f", "--insecure", "u"}, []string{"--output=f", "--insecure"}, []string{"u"}},
		{[]string{"--output=f", "--", "-u"}, []string{"--output=f"}, []string{"-u"}},
	}
	for _, tt := range tests {
		opts, pos := igOptions(tt.args, igCurlShortValue, igCurlLongValue)
		var got []string
		for _, o := range opts {
			if o.Set {
				got = append(got, o.Name+"="+o.Value)
			} else {
				got = append(got, o.Name)
			}
		}
		if !slices.Equal(got, tt.wantOpts) || !slices.Equal(pos, tt.wantPos) {
			t.Errorf("igOptions(%q) = %q %q, want %q %q", tt.args, got, pos, tt.wantOpts, tt.wantPos)
		}
	}
}

func TestIgDownloadOf(t *testing.T) {
	tests := []struct {
		cmd      string
		url, out string
		ok       bool
	}{
		{"curl -fsSL https://x.io/install.sh", "https://x.io/install.sh", "-", true},
		{"curl -fsSLo /tmp/i.sh https://x.io/install.sh", "https://x.io/install.sh", "/tmp/i.sh", true},
		{"curl -fsSLO https://x.io/dl/tool.tgz?raw=1", "https://x.io/dl/tool.tgz?raw=1", "tool.tgz", true},
		{"curl --output-dir /opt -O https://x.io/a/b.zip", "https://x.io/a/b.zip", "/opt/b.zip", true},
		{"curl -fsSL $URL -o tool", "$URL", "tool", true},
		{"curl --version", "", "", false},
		{"wget -q https://x.io/pkg_1.0.deb", "https://x.io/pkg_1.0.deb", "pkg_1.0.deb", true},
		{"wget -qO- https://x.io/install.sh", "https://x.io/install.sh", "-", true},
		{"wget -O - https://x.io/install.sh", "https://x.io/install.sh", "-", true},
		{"wget -P /tmp https://x.io/a.tgz", "https://x.io/a.tgz", "/tmp/a.tgz", true},
		{"wget --output-document=/tmp/k https://x.io/k", "https://x.io/k", "/tmp/k", true},
		{"wget https://x.io/", "https://x.io/", "index.html", true},
	}
	for _, tt := range tests {
		s := ParseScript(tt.cmd)
		d, ok := igDownloadOf(s.Calls[0])
		if ok != tt.ok || ok && (d.URL != tt.url || d.Out != tt.out) {
			t.Errorf("igDownloadOf(%q) = %q %q %v, want %q %q %v", tt.cmd, d.URL, d.Out, ok, tt.url, tt.out, tt.ok)
		}
	}
}

func TestIgSedReplacements(t *testing.T) {
	tests := []struct {
		script string
		want   []string
	}{
		{"s/gpgcheck=1/gpgcheck=0/", []string{"gpgcheck=0"}},
		{"s|https|http|g", []string{"http"}},
		{"/^\\[main\\]/ s/^gpgcheck=.*/gpgcheck=0/", []string{"gpgcheck=0"}},
		{"s/a/b/; s/c/d/", []string{"b", "d"}},
		{"$a sslverify=0", []string{"sslverify=0"}},
		{"/pattern/d", nil},
	}
	for _, tt := range tests {
		if got := igSedReplacements(tt.script); !slices.Equal(got, tt.want) {
			t.Errorf("igSedReplacements(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}

func TestIgPrintf(t *testing.T) {
	if got := igPrintf(`%s\n`, []string{"a", "b"}); got != `a\nb\n` {
		t.Errorf("igPrintf = %q", got)
	}
	if got := igPrintf("[x]", []string{"y"}); got != "[x] y" {
		t.Errorf("igPrintf without verbs = %q", got)
	}
}

func TestIgURLs(t *testing.T) {
	for _, tt := range []struct {
		url             string
		loopback, plain bool
	}{
		{url: "http://localhost:3141/simple", loopback: true},
		{url: "http://127.0.0.1/x", loopback: true},
		{url: "http://[::1]:8080/", loopback: true},
		{url: "http://user:pw@localhost/", loopback: true},
		{url: "http://pypi.example.com/simple", plain: true},
		{url: "HTTP://Mirror.example.com/", plain: true},
		{url: "https://pypi.example.com/simple"},
	} {
		if got := igLoopback(tt.url); got != tt.loopback {
			t.Errorf("igLoopback(%q) = %v", tt.url, got)
		}
		if got := igPlainHTTP(tt.url); got != tt.plain {
			t.Errorf("igPlainHTTP(%q) = %v", tt.url, got)
		}
	}
	for _, tt := range []struct {
		url    string
		git    bool
		ref    string
		commit bool
	}{
		{"https://github.com/a/b.git", true, "", false},
		{"https://github.com/a/b.git#v1.2.3", true, "v1.2.3", false},
		{"https://github.com/a/b.git#8f0f8c7a3b1e6d5c4f2a1b0c9d8e7f6a5b4c3d2e:sub/dir", true, "8f0f8c7a3b1e6d5c4f2a1b0c9d8e7f6a5b4c3d2e", true},
		{"git@github.com:a/b.git#main", true, "main", false},
		{"https://example.com/file.tar.gz", false, "", false},
	} {
		if got := igGitURL(tt.url); got != tt.git {
			t.Errorf("igGitURL(%q) = %v", tt.url, got)
		}
		ref := igGitRef(tt.url)
		if ref != tt.ref || igCommitHash(ref) != tt.commit {
			t.Errorf("igGitRef(%q) = %q (commit %v), want %q (%v)", tt.url, ref, igCommitHash(ref), tt.ref, tt.commit)
		}
	}
}

func TestSecCovers(t *testing.T) {
	tests := []struct {
		target, file string
		want         bool
	}{
		{"/root/.ssh/id_rsa", "/root/.ssh/id_rsa", true},
		{"/root/.ssh", "/root/.ssh/id_rsa", true},
		{"/root/.ss", "/root/.ssh/id_rsa", false},
		{"/root/.ssh/*", "/root/.ssh/id_rsa", true},
		{"/root/*.pem", "/root/tls/key.pem", false},
		{"/app/*", "/app/conf/.env", true},
		{"$DIR/.npmrc", "/app/.npmrc", true},
		{"/", "/x", true},
	}
	for _, tt := range tests {
		if got := secCovers(tt.target, tt.file); got != tt.want {
			t.Errorf("secCovers(%q, %q) = %v, want %v", tt.target, tt.file, got, tt.want)
		}
	}
	for _, tt := range [][3]string{
		{"/app", ".npmrc", "/app/.npmrc"},
		{"/app", "~/.npmrc", "/root/.npmrc"},
		{"/app", "$HOME/.aws/credentials", "/root/.aws/credentials"},
		{"/app", "${HOME}/.netrc", "/root/.netrc"},
		{"/app", "/etc/x/../y", "/etc/y"},
		{"", "a", "/a"},
	} {
		if got := secResolve(tt[0], tt[1]); got != tt[2] {
			t.Errorf("secResolve(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

func TestSecMounts(t *testing.T) {
	f := igMustParse(t, "FROM alpine:3.20\nRUN --mount=type=secret,id=npm,env=NPM_TOKEN --mount=type=secret,id=aws --mount=type=cache,target=/root/.cache --mount=from=build,source=/out,target=/in true\n")
	in := f.Stages[0].Instructions[0]
	got := secMounts(in)
	want := []secMount{
		{Type: "secret", ID: "npm", Env: "NPM_TOKEN"},
		{Type: "secret", ID: "aws", Target: "/run/secrets/aws"},
		{Type: "cache", Target: "/root/.cache"},
		{Type: "bind", From: "build", Source: "/out", Target: "/in"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("secMounts = %+v, want %+v", got, want)
	}
}

// TestSecretFindingDetails checks what the want files cannot: related
// locations and per-finding severities.
func TestSecretFindingDetails(t *testing.T) {
	src := strings.Join([]string{
		"FROM debian:12-slim AS unused", // 1
		"COPY .env /app/.env",           // 2
		"FROM debian:12-slim",           // 3
		"COPY id_rsa /root/.ssh/id_rsa", // 4
		"RUN rm -f /root/.ssh/id_rsa",   // 5
		"ARG NPM_TOKEN",                 // 6
		"RUN apk add --no-cache --repository http://mirror.example.com/alpine/edge/main tool",                   // 7
		"RUN apk add --no-cache --allow-untrusted --repository http://mirror.example.com/alpine/edge/main tool", // 8
	}, "\n")
	f := igMustParse(t, src)
	res := Lint(f, integrityChecks, Options{})
	type key struct {
		id   string
		line int
	}
	got := map[key]finding.Finding{}
	for _, fd := range res.Findings {
		got[key{fd.RuleID, fd.Location.StartLine}] = fd
	}
	if fd, ok := got[key{"PAL-DF-081", 2}]; !ok || fd.Severity != finding.Low {
		t.Errorf("unused stage: got %+v, want a low PAL-DF-081 finding", fd)
	}
	fd, ok := got[key{"PAL-DF-080", 4}]
	if !ok || fd.Severity != finding.High || len(fd.Related) != 1 || fd.Related[0].StartLine != 5 {
		t.Errorf("removed secret: got %+v, want a high PAL-DF-080 finding related to line 5", fd)
	}
	if fd := got[key{"PAL-DF-082", 6}]; fd.Severity != finding.Medium {
		t.Errorf("ARG without default: got severity %v, want medium", fd.Severity)
	}
	if fd := got[key{"PAL-DF-033", 7}]; fd.Severity != finding.Medium {
		t.Errorf("plain-HTTP apk repository: got severity %v, want medium", fd.Severity)
	}
	if fd := got[key{"PAL-DF-033", 8}]; fd.Severity != finding.High {
		t.Errorf("--allow-untrusted with an HTTP repository: got severity %v, want high", fd.Severity)
	}
}

func igMustParse(t *testing.T, src string) *File {
	t.Helper()
	f, err := Parse("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
