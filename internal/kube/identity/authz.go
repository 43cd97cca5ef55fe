package identity

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// AuthorizationConfig is the part of the API server's structured
// authorization configuration (apiserver.config.k8s.io
// AuthorizationConfiguration, v1alpha1 to v1, named by
// --authorization-config) that palisade judges: the chain of
// authorizers, asked in order until one allows or denies.
type AuthorizationConfig struct {
	APIVersion  string       `json:"apiVersion"`
	Kind        string       `json:"kind"`
	Authorizers []Authorizer `json:"authorizers"`
}

// Authorizer is one link of the chain.
type Authorizer struct {
	// Type is Node, RBAC, Webhook, AlwaysAllow, AlwaysDeny or ABAC.
	Type    string `json:"type"`
	Name    string `json:"name"`
	Webhook *struct {
		// FailurePolicy is NoOpinion or Deny: what the chain does when
		// the webhook cannot be reached.
		FailurePolicy   string `json:"failurePolicy"`
		MatchConditions []struct {
			Expression string `json:"expression"`
		} `json:"matchConditions"`
	} `json:"webhook"`
}

// ParseAuthorizationConfig reads an AuthorizationConfiguration (YAML or
// JSON).
func ParseAuthorizationConfig(data []byte) (*AuthorizationConfig, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	var c AuthorizationConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("not an AuthorizationConfiguration: %s", firstErrLine(err))
	}
	if c.Kind != "AuthorizationConfiguration" || !strings.HasPrefix(c.APIVersion, "apiserver.config.k8s.io/") {
		return nil, fmt.Errorf("not an AuthorizationConfiguration (kind %q, apiVersion %q)", c.Kind, c.APIVersion)
	}
	if len(c.Authorizers) == 0 {
		return nil, fmt.Errorf("the AuthorizationConfiguration lists no authorizers (the API server refuses it)")
	}
	for _, a := range c.Authorizers {
		// Only webhooks are named freely; the API server refuses a
		// built-in authorizer named otherwise than its type.
		if want := strings.ToLower(a.Type); a.Type != "Webhook" && a.Name != want {
			return nil, fmt.Errorf("authorizer %s must be named %s, not %q (the API server refuses this file)", a.Type, want, a.Name)
		}
	}
	return &c, nil
}

// Modes lists the authorizer types in chain order, as
// --authorization-mode would.
func (c *AuthorizationConfig) Modes() []string {
	out := make([]string, 0, len(c.Authorizers))
	for _, a := range c.Authorizers {
		out = append(out, a.Type)
	}
	return out
}
