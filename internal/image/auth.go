package image

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Registry credentials are resolved the way docker resolves them: the
// "auths" of config.json in $DOCKER_CONFIG (default ~/.docker), and
// credential helpers, the docker-credential-<name> programs on PATH that
// config.json names per registry ("credHelpers") or for every registry
// ("credsStore"); failing those, podman's containers/auth.json. This is
// go-containerregistry's authn.DefaultKeychain, wrapped so that errors
// say how to log in and never carry a credential.

// trackingKeychain remembers whether credentials were found, so that a
// refusal by the registry can say "log in" rather than "your login was
// refused", and scrubs what a failing credential helper printed (which
// may be a secret) from errors.
type trackingKeychain struct {
	kc authn.Keychain

	mu        sync.Mutex
	resolved  bool
	anonymous bool
}

var _ authn.ContextKeychain = (*trackingKeychain)(nil)

func (k *trackingKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	return k.ResolveContext(context.Background(), r)
}

func (k *trackingKeychain) ResolveContext(ctx context.Context, r authn.Resource) (authn.Authenticator, error) {
	a, err := authn.Resolve(ctx, k.kc, r)
	if err != nil {
		return nil, fmt.Errorf("reading the credentials for %s from %s: %s (run `docker login %s`, or fix the credential helper that config.json names)",
			r.RegistryStr(), dockerConfigPath(), scrubHelperError(err), r.RegistryStr())
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.resolved = true
	k.anonymous = a == authn.Anonymous
	if !k.anonymous {
		// Some keychains hand back an empty credential rather than
		// Anonymous: that is anonymous too.
		if cfg, err := authn.Authorization(ctx, a); err == nil && *cfg == (authn.AuthConfig{}) {
			k.anonymous = true
		}
	}
	return a, nil
}

func (k *trackingKeychain) state() (resolved, anonymous bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.resolved, k.anonymous
}

// scrubHelperError keeps the reason a credential helper failed and drops
// its output: docker-credential-helpers formats failures as
// "error getting credentials - err: exit status 1, out: `...`", and the
// output of a misbehaving helper may be the secret itself.
func scrubHelperError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ", out: `"); i >= 0 {
		msg = msg[:i] + " (its output is not shown: it may hold a secret)"
	}
	msg = strings.TrimPrefix(msg, "error getting credentials - ")
	if strings.HasPrefix(msg, "err: ") {
		msg = "the credential helper failed: " + strings.TrimPrefix(msg, "err: ")
	}
	return clip(msg)
}

// dockerConfigPath is where docker (and so palisade) reads registry
// credentials from, for messages.
func dockerConfigPath() string {
	if d := os.Getenv("DOCKER_CONFIG"); d != "" {
		return filepath.Join(d, "config.json")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".docker", "config.json")
	}
	return "~/.docker/config.json"
}

// registryError turns a failed registry read into an error that says what
// to do. Credentials never appear in it: go-containerregistry redacts
// URLs and never prints request headers, and helper output is scrubbed.
func registryError(ref name.Reference, kc *trackingKeychain, err error) error {
	reg := ref.Context().RegistryStr()
	var terr *transport.Error
	if errors.As(err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden) {
		resolved, anonymous := kc.state()
		if !resolved || anonymous {
			return fmt.Errorf("fetching %s: registry %s wants credentials and none were found for it in %s or its credential helpers: run `docker login %s` (or set DOCKER_CONFIG to the directory of a config.json that has them): %w",
				ref.Name(), reg, dockerConfigPath(), reg, err)
		}
		return fmt.Errorf("fetching %s: registry %s refused the credentials found for it in %s (wrong, expired or without access to this repository): run `docker login %s` again: %w",
			ref.Name(), reg, dockerConfigPath(), reg, err)
	}
	if strings.Contains(err.Error(), "reading the credentials for") {
		return fmt.Errorf("fetching %s: %w", ref.Name(), err)
	}
	return fmt.Errorf("fetching %s: %w (check the reference, `docker login %s` for private registries, and --insecure-registry for plain-HTTP ones)", ref.Name(), err, reg)
}

// redactRef hides a user:password@ prefix someone pasted into a
// reference before it goes into a message.
func redactRef(ref string) string {
	host, rest, ok := strings.Cut(ref, "/")
	if !ok {
		host, rest = ref, ""
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 && strings.Contains(host[:i], ":") {
		host = "REDACTED@" + host[i+1:]
		if rest == "" {
			return host
		}
		return host + "/" + rest
	}
	return ref
}
