package identity

import (
	"fmt"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

func rule(id string, sev finding.Severity, family, title, doc, fix string) *finding.Rule {
	return &finding.Rule{ID: id, Control: control.Identity, Severity: sev, Family: family, Title: title, Doc: doc, Remediation: fix}
}

// API server rules. Their checks run on every kube-apiserver pod of a
// snapshot (static pod manifests in a repository, mirror pods of a live
// cluster) and on the files given to `palisade apiserver audit`.
var (
	AnonymousAuth = rule("PAL-ID-001", finding.Medium, "authentication", "API server accepts anonymous requests",
		"With --anonymous-auth true (the default) or an AuthenticationConfiguration that enables anonymous access beyond /healthz, /livez and /readyz, requests without credentials are served as system:anonymous; every binding to it or to system:unauthenticated is open to the network.",
		"Set --anonymous-auth=false, or keep anonymous access to the health endpoints only with anonymous.conditions in the AuthenticationConfiguration.")
	TokenAuthFile = rule("PAL-ID-002", finding.High, "static-credentials", "API server authenticates static tokens from a file",
		"--token-auth-file holds bearer tokens in clear text that never expire and change only when the API server restarts: shared, unrotated credentials outside any identity provider.",
		"Move those users to the identity provider (OIDC / structured JWT authentication) or to short-lived client certificates, then remove --token-auth-file.")
	BasicAuthFile = rule("PAL-ID-003", finding.Critical, "static-credentials", "API server authenticates passwords from a file",
		"--basic-auth-file (removed in Kubernetes 1.19) keeps user passwords in clear text on the control plane and sends them with every request.",
		"Remove --basic-auth-file; authenticate people through the identity provider.")
	NoIdentityProvider = rule("PAL-ID-004", finding.Medium, "central-identity", "API server has no identity provider for users",
		"Without --oidc-issuer-url or a JWT authenticator in --authentication-config, people can only authenticate with client certificates (which cannot be revoked) or static tokens: there is no central identity provider, no SSO and no group membership managed in a directory.",
		"Configure OIDC (--oidc-issuer-url, --oidc-client-id, --oidc-username-claim, --oidc-groups-claim) or a jwt authenticator in an AuthenticationConfiguration pointing at the company identity provider.")
	NoClientCA = rule("PAL-ID-005", finding.High, "authentication", "API server has no client CA",
		"Without --client-ca-file the API server cannot verify client certificates: the kubelets, controllers and administrators that rely on them cannot authenticate, which pushes clusters toward weaker authenticators.",
		"Set --client-ca-file to the cluster CA.")
	AlwaysAllow = rule("PAL-ID-006", finding.Critical, "authorization", "API server authorizes every request",
		"The AlwaysAllow authorization mode (also the default when --authorization-mode is not set and no --authorization-config is given) allows any authenticated request: RBAC is not consulted.",
		"Set --authorization-mode=Node,RBAC (or an AuthorizationConfiguration with Node and RBAC authorizers) and remove AlwaysAllow.")
	NoNodeAuthorizer = rule("PAL-ID-007", finding.Medium, "authorization", "API server does not use the Node authorizer",
		"Without the Node authorizer (and the NodeRestriction admission plugin), a kubelet's credentials are authorized by RBAC alone, which grants every node read access to all Secrets, ConfigMaps and pods: one compromised node reads the whole cluster's secrets.",
		"Add Node to --authorization-mode (Node,RBAC) and NodeRestriction to --enable-admission-plugins.")
	NoRBACAuthorizer = rule("PAL-ID-008", finding.High, "authorization", "API server does not use RBAC",
		"Without the RBAC authorizer, roles and bindings have no effect and access is decided by ABAC policy files or webhooks only.",
		"Add RBAC to --authorization-mode.")
	SATokenKeys = rule("PAL-ID-009", finding.High, "service-account-tokens", "Service account token signing is not configured",
		"Without --service-account-issuer, --service-account-key-file and --service-account-signing-key-file, the API server cannot issue bound service account tokens (projected, audience- and time-limited) that workloads need.",
		"Set --service-account-issuer, --service-account-signing-key-file and --service-account-key-file.")
	SATokenExtended = rule("PAL-ID-010", finding.Low, "service-account-tokens", "Service account tokens are extended to a year",
		"With --service-account-extend-token-expiration true (the default), projected tokens requested for an hour are issued valid for a year (to warn about legacy clients), so a stolen token stays valid long after the pod that held it is gone.",
		"Set --service-account-extend-token-expiration=false once no client relies on old token behaviour; cap lifetimes with --service-account-max-token-expiration.")
	SALookupOff = rule("PAL-ID-011", finding.Medium, "service-account-tokens", "Deleted service accounts' tokens stay valid",
		"With --service-account-lookup=false the API server does not check that a token's service account (and Secret) still exist, so tokens of deleted service accounts keep working.",
		"Remove --service-account-lookup=false (the default is true).")
	InsecurePort = rule("PAL-ID-012", finding.Critical, "authentication", "API server serves an unauthenticated port",
		"--insecure-port (removed in Kubernetes 1.24) other than 0 serves the API without authentication or authorization on --insecure-bind-address.",
		"Set --insecure-port=0 and remove --insecure-bind-address.")
)

// APIServerRules are the rules of JudgeAPIServer.
func APIServerRules() []*finding.Rule {
	return []*finding.Rule{AnonymousAuth, TokenAuthFile, BasicAuthFile, NoIdentityProvider, NoClientCA, AlwaysAllow,
		NoNodeAuthorizer, NoRBACAuthorizer, SATokenKeys, SATokenExtended, SALookupOff, InsecurePort}
}

// Problem is one rule an API server's configuration breaks.
type Problem struct {
	Rule *finding.Rule
	// Flag is the flag concerned ("--anonymous-auth").
	Flag    string
	Message string
}

// JudgeAPIServer applies the API server rules to one configuration.
func JudgeAPIServer(a *APIServer) []Problem {
	var out []Problem
	add := func(r *finding.Rule, flag, format string, args ...any) {
		out = append(out, Problem{Rule: r, Flag: flag, Message: fmt.Sprintf(format, args...)})
	}
	_, hasAuthnCfg := a.Flag("--authentication-config")

	// Anonymous access.
	switch {
	case a.Authn != nil && a.Authn.Anonymous != nil:
		if a.Authn.Anonymous.Enabled {
			var other []string
			for _, c := range a.Authn.Anonymous.Conditions {
				if !healthPaths[c.Path] {
					other = append(other, c.Path)
				}
			}
			switch {
			case len(a.Authn.Anonymous.Conditions) == 0:
				add(AnonymousAuth, "--authentication-config", "the AuthenticationConfiguration enables anonymous access to every path")
			case len(other) > 0:
				add(AnonymousAuth, "--authentication-config", "the AuthenticationConfiguration enables anonymous access beyond the health endpoints: %s", strings.Join(other, ", "))
			}
		}
	case hasAuthnCfg && a.Authn == nil:
		// The file could not be read: say nothing rather than guess.
	default:
		v, set := a.Flag("--anonymous-auth")
		if !set {
			add(AnonymousAuth, "--anonymous-auth", "--anonymous-auth is not set and defaults to true: requests without credentials are served as system:anonymous")
		} else if isTrue(v) {
			add(AnonymousAuth, "--anonymous-auth", "--anonymous-auth=%s: requests without credentials are served as system:anonymous", v)
		}
	}
	if v, ok := a.Flag("--token-auth-file"); ok && v != "" {
		add(TokenAuthFile, "--token-auth-file", "--token-auth-file=%s: static bearer tokens", v)
	}
	if v, ok := a.Flag("--basic-auth-file"); ok && v != "" {
		add(BasicAuthFile, "--basic-auth-file", "--basic-auth-file=%s: static passwords", v)
	}
	oidc, _ := a.Flag("--oidc-issuer-url")
	jwt := a.Authn != nil && len(a.Authn.JWT) > 0
	if oidc == "" && !jwt && !(hasAuthnCfg && a.Authn == nil) {
		if hasAuthnCfg {
			add(NoIdentityProvider, "--authentication-config", "the AuthenticationConfiguration has no jwt authenticator and --oidc-issuer-url is not set")
		} else {
			add(NoIdentityProvider, "--oidc-issuer-url", "neither --oidc-issuer-url nor --authentication-config is set: users authenticate with certificates or static tokens only")
		}
	}
	if v, _ := a.Flag("--client-ca-file"); v == "" {
		add(NoClientCA, "--client-ca-file", "--client-ca-file is not set")
	}
	// Authorization: the structured configuration's chain, else the
	// flag's.
	if cfg, ok := a.Flag("--authorization-config"); ok && cfg != "" {
		if a.Authz != nil {
			judgeModes(a.Authz.Modes(), "--authorization-config", "the AuthorizationConfiguration's authorizers ("+strings.Join(a.Authz.Modes(), ",")+")", add)
		}
		// Otherwise the file could not be read: say nothing rather
		// than guess (the caller reports why).
	} else {
		modeFlag, set := a.Flag("--authorization-mode")
		if modes := splitList(modeFlag); !set || len(modes) == 0 {
			add(AlwaysAllow, "--authorization-mode", "--authorization-mode is not set and defaults to AlwaysAllow: every authenticated request is allowed")
		} else {
			judgeModes(modes, "--authorization-mode", "--authorization-mode="+modeFlag, add)
		}
	}
	// Service account tokens.
	var missing []string
	for _, f := range []string{"--service-account-issuer", "--service-account-key-file", "--service-account-signing-key-file"} {
		if v, _ := a.Flag(f); v == "" {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		add(SATokenKeys, missing[0], "%s not set", strings.Join(missing, ", "))
	}
	if v, set := a.Flag("--service-account-extend-token-expiration"); !set || isTrue(v) {
		how := "is not set and defaults to true"
		if set {
			how = "=" + v
		}
		add(SATokenExtended, "--service-account-extend-token-expiration", "--service-account-extend-token-expiration %s: projected tokens are valid for a year", how)
	}
	if v, set := a.Flag("--service-account-lookup"); set && !isTrue(v) {
		add(SALookupOff, "--service-account-lookup", "--service-account-lookup=%s", v)
	}
	if v, set := a.Flag("--insecure-port"); set && strings.TrimSpace(v) != "0" {
		add(InsecurePort, "--insecure-port", "--insecure-port=%s serves the API without authentication", v)
	}
	return out
}

// judgeModes judges a chain of authorizer types, described as what.
func judgeModes(modes []string, flag, what string, add func(r *finding.Rule, flag, format string, args ...any)) {
	// AlwaysDeny has no opinion (it denies by not allowing), so an
	// AlwaysAllow anywhere in the chain allows what nothing before it
	// allowed.
	if slices.Contains(modes, "AlwaysAllow") {
		add(AlwaysAllow, flag, "%s includes AlwaysAllow", what)
	}
	if !slices.Contains(modes, "Node") {
		add(NoNodeAuthorizer, flag, "%s does not include Node", what)
	}
	if !slices.Contains(modes, "RBAC") {
		add(NoRBACAuthorizer, flag, "%s does not include RBAC", what)
	}
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "t", "yes":
		return true
	}
	return false
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
