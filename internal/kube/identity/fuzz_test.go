package identity

import (
	"testing"
	"time"
)

func FuzzParseFlagsFile(f *testing.F) {
	f.Add([]byte("KUBE_API_ARGS=\"--anonymous-auth=false --authorization-mode=Node,RBAC\"\n"))
	f.Add([]byte("kube-apiserver-arg:\n- anonymous-auth=false\n"))
	f.Add([]byte("--a 'b c' --d=\"e\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, err := ParseFlagsFile(data)
		if err != nil {
			return
		}
		JudgeAPIServer(&APIServer{Flags: flags})
	})
}

func FuzzParseAuthenticationConfig(f *testing.F) {
	f.Add([]byte("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthenticationConfiguration\njwt:\n- issuer: {url: https://x}\nanonymous: {enabled: true, conditions: [{path: /healthz}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseAuthenticationConfig(data)
		if err != nil {
			return
		}
		JudgeAPIServer(&APIServer{Flags: map[string][]string{"--authentication-config": {"x"}}, Authn: c})
	})
}

func FuzzParseKubeconfig(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Config\nclusters:\n- name: a\n  cluster: {server: http://x, insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: abc, password: p}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKubeconfig("fuzz", data)
		if err != nil {
			return
		}
		JudgeKubeconfig(k, time.Unix(0, 0))
	})
}

func FuzzParseAuthorizationConfig(f *testing.F) {
	f.Add([]byte("apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: Webhook, name: w, webhook: {failurePolicy: Deny}}\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseAuthorizationConfig(data)
		if err != nil {
			return
		}
		JudgeAPIServer(&APIServer{Flags: map[string][]string{"--authorization-config": {"x"}}, Authz: c})
	})
}
