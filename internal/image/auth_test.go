package image

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

const (
	testRegUser = "palisade-ci"
	testRegPass = "s3cret-Pa55-7f1c9e0b" // must never appear in an error
)

// AuthRegistry serves go-containerregistry's registry on loopback behind
// HTTP Basic authentication, as a private registry does: every request
// without the right credentials gets 401 with a Basic challenge.
func authRegistry(t *testing.T) (host string) {
	t.Helper()
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != testRegUser || p != testRegPass {
			w.Header().Set("WWW-Authenticate", `Basic realm="palisade-test"`)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Host
}

// dockerEnv points docker's config discovery at a fresh directory: no
// ~/.docker, no podman auth file, PATH with a directory for helpers.
func dockerEnv(t *testing.T, config any) (binDir string) {
	t.Helper()
	home := t.TempDir()
	cfgDir := t.TempDir()
	binDir = t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", cfgDir)
	t.Setenv("REGISTRY_AUTH_FILE", "")
	t.Setenv("XDG_RUNTIME_DIR", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	if config != nil {
		b, err := json.Marshal(config)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfgDir, "config.json"), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return binDir
}

// useHomeDockerConfig moves the config.json dockerEnv wrote to
// ~/.docker/config.json and unsets DOCKER_CONFIG. docker's config package
// computes ~/.docker once per process, so HOME is a path fixed for the
// process (and removed after the test).
func useHomeDockerConfig(t *testing.T) {
	t.Helper()
	home := filepath.Join(os.TempDir(), fmt.Sprintf("palisade-test-home-%d", os.Getpid()))
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	if err := os.Rename(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), filepath.Join(home, ".docker", "config.json")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", "")
}

// writeHelper installs docker-credential-NAME, a credential helper
// speaking the docker-credential-helpers protocol: `get` reads the
// server URL on stdin and prints {"Username","Secret"} as JSON.
func writeHelper(t *testing.T, dir, name, body string) {
	t.Helper()
	script := "#!/bin/sh\nset -e\n[ \"$1\" = get ] || exit 1\nread -r server || true\n" + body
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-"+name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestRegistryCredentials(t *testing.T) {
	if testing.Short() {
		t.Skip("runs credential helper scripts: not in -short mode")
	}
	host := authRegistry(t)
	ref := host + "/private/app:1"
	img := imageOf(t, tarBytes(t, tf{name: "etc/os-release", body: "ID=alpine\n"}))
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img, remote.WithAuth(&authn.Basic{Username: testRegUser, Password: testRegPass})); err != nil {
		t.Fatal(err)
	}
	auth := base64.StdEncoding.EncodeToString([]byte(testRegUser + ":" + testRegPass))
	badAuth := base64.StdEncoding.EncodeToString([]byte(testRegUser + ":wrong-" + testRegPass))
	okHelper := `printf '{"ServerURL":"%s","Username":"` + testRegUser + `","Secret":"` + testRegPass + `"}' "$server"` + "\n"

	for _, tc := range []struct {
		name    string
		home    bool // config.json in ~/.docker rather than $DOCKER_CONFIG
		config  any
		helpers map[string]string // name -> script body
		wantErr []string          // all must appear; empty means success
	}{
		{name: "anonymous", wantErr: []string{"wants credentials and none were found", "docker login " + host, "config.json"}},
		{name: "config auths", config: map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}}},
		{name: "home docker config", home: true, config: map[string]any{"auths": map[string]any{host: map[string]string{"auth": auth}}}},
		{name: "config auths with https key", config: map[string]any{"auths": map[string]any{"https://" + host: map[string]string{"auth": auth}}}},
		{name: "other registry only", config: map[string]any{"auths": map[string]any{"registry.example.com": map[string]string{"auth": auth}}},
			wantErr: []string{"wants credentials and none were found", "docker login " + host}},
		{name: "wrong password", config: map[string]any{"auths": map[string]any{host: map[string]string{"auth": badAuth}}},
			wantErr: []string{"refused the credentials", "docker login " + host + "` again"}},
		{name: "credHelpers", config: map[string]any{"credHelpers": map[string]string{host: "palisadetest"}},
			helpers: map[string]string{"palisadetest": okHelper}},
		{name: "credsStore", config: map[string]any{"credsStore": "palisadetest"},
			helpers: map[string]string{"palisadetest": okHelper}},
		{name: "credHelpers wins over credsStore", config: map[string]any{"credsStore": "broken", "credHelpers": map[string]string{host: "palisadetest"}},
			// The store is asked first for the repository-scoped key
			// (go-containerregistry's lookup order) and, like real
			// helpers, answers that it has nothing for it.
			helpers: map[string]string{"palisadetest": okHelper, "broken": "echo 'credentials not found in native keychain'\nexit 1\n"}},
		{name: "helper fails and prints the secret", config: map[string]any{"credHelpers": map[string]string{host: "leaky"}},
			helpers: map[string]string{"leaky": "echo 'token " + testRegPass + " expired'\nexit 3\n"},
			wantErr: []string{"credential helper failed", "exit status 3", "not shown", "docker login " + host}},
		{name: "helper missing", config: map[string]any{"credHelpers": map[string]string{host: "nosuchhelper"}},
			wantErr: []string{"docker-credential-nosuchhelper", "docker login " + host}},
		{name: "helper knows no credentials", config: map[string]any{"credHelpers": map[string]string{host: "empty"}},
			helpers: map[string]string{"empty": "echo 'credentials not found in native keychain'\nexit 1\n"},
			wantErr: []string{"wants credentials and none were found"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin := dockerEnv(t, tc.config)
			if tc.home {
				useHomeDockerConfig(t)
			}
			for n, body := range tc.helpers {
				writeHelper(t, bin, n, body)
			}
			img, err := Open(context.Background(), Source{Ref: ref, Insecure: true})
			if err == nil {
				c, werr := Walk(context.Background(), img, WithAnalyzers(contentAnalyzer{want: "os-release"}))
				if werr != nil {
					err = werr
				} else if r := c.ResultsOf("content"); len(r) != 1 || r[0].Value != "ID=alpine\n" {
					t.Errorf("walked %+v", r)
				}
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			t.Log(msg)
			for _, w := range tc.wantErr {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not say %q", msg, w)
				}
			}
			for _, secret := range []string{testRegPass, auth, badAuth} {
				if strings.Contains(msg, secret) {
					t.Errorf("the error reveals a credential: %s", msg)
				}
			}
		})
	}
}

func TestRedactRef(t *testing.T) {
	for in, want := range map[string]string{
		"user:pass@registry.example.com/app:1": "REDACTED@registry.example.com/app:1",
		"user:pass@registry.example.com":       "REDACTED@registry.example.com",
		"registry.example.com/app@sha256:abc":  "registry.example.com/app@sha256:abc",
		"app@sha256:abc":                       "app@sha256:abc",
		"localhost:5000/app:1":                 "localhost:5000/app:1",
	} {
		if got := redactRef(in); got != want {
			t.Errorf("redactRef(%q) = %q, want %q", in, got, want)
		}
	}
	src := Source{Ref: "user:" + testRegPass + "@registry.example.com/app:1"}
	_, err := Open(context.Background(), src)
	if err == nil || strings.Contains(err.Error(), testRegPass) || !strings.Contains(err.Error(), "docker login") {
		t.Errorf("Open with credentials in the reference: %v", err)
	}
	if strings.Contains(src.Name(), testRegPass) {
		t.Errorf("Name() = %q", src.Name())
	}
}

func TestScrubHelperError(t *testing.T) {
	for in, want := range map[string]string{
		"error getting credentials - err: exit status 1, out: `my-token-123`":                                         "the credential helper failed: exit status 1 (its output is not shown: it may hold a secret)",
		"error getting credentials - err: exec: \"docker-credential-x\": executable file not found in $PATH, out: ``": "the credential helper failed: exec: \"docker-credential-x\": executable file not found in $PATH (its output is not shown: it may hold a secret)",
		"loading config file: invalid character":                                                                      "loading config file: invalid character",
	} {
		if got := scrubHelperError(errString(in)); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }
