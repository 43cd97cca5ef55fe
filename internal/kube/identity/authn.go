package identity

import (
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"
)

// AuthenticationConfig is the part of the API server's structured
// authentication configuration (apiserver.config.k8s.io
// AuthenticationConfiguration, v1alpha1 to v1) that palisade judges.
type AuthenticationConfig struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	JWT        []struct {
		Issuer struct {
			URL       string   `json:"url"`
			Audiences []string `json:"audiences"`
		} `json:"issuer"`
		ClaimMappings struct {
			Username struct {
				Claim  string  `json:"claim"`
				Prefix *string `json:"prefix"`
			} `json:"username"`
			Groups struct {
				Claim  string  `json:"claim"`
				Prefix *string `json:"prefix"`
			} `json:"groups"`
		} `json:"claimMappings"`
	} `json:"jwt"`
	Anonymous *struct {
		Enabled    bool `json:"enabled"`
		Conditions []struct {
			Path string `json:"path"`
		} `json:"conditions"`
	} `json:"anonymous"`
}

// ParseAuthenticationConfig reads an AuthenticationConfiguration (YAML
// or JSON).
func ParseAuthenticationConfig(data []byte) (*AuthenticationConfig, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxFileSize)
	}
	var c AuthenticationConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("not an AuthenticationConfiguration: %s", firstErrLine(err))
	}
	if c.Kind != "AuthenticationConfiguration" || !strings.HasPrefix(c.APIVersion, "apiserver.config.k8s.io/") {
		return nil, fmt.Errorf("not an AuthenticationConfiguration (kind %q, apiVersion %q)", c.Kind, c.APIVersion)
	}
	return &c, nil
}

func firstErrLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// healthPaths are the endpoints anonymous access is meant for.
var healthPaths = map[string]bool{"/healthz": true, "/livez": true, "/readyz": true}
