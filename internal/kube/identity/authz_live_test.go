package identity

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/palisade-sec/palisade/internal/kubetest"
)

// TestAuthorizationConfigLive starts a real kube-apiserver with each
// AuthorizationConfiguration, loads the same flags and file the way
// `apiserver audit` does, and checks the verdict against what the API
// server really decides for a user no binding names.
func TestAuthorizationConfigLive(t *testing.T) {
	tests := []struct {
		name, config string
		// openToAll: the API server lets a user without bindings list
		// secrets; want: the authorization rules palisade reports.
		openToAll bool
		want      []string
	}{
		{"node and rbac", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n",
			false, nil},
		{"always allow after rbac", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n- {type: AlwaysAllow, name: alwaysallow}\n",
			true, []string{"PAL-ID-006"}},
		// AlwaysDeny has no opinion: the AlwaysAllow after it decides.
		{"always deny then always allow", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: AlwaysDeny, name: alwaysdeny}\n- {type: AlwaysAllow, name: alwaysallow}\n",
			true, []string{"PAL-ID-006", "PAL-ID-007", "PAL-ID-008"}},
		// The API server refuses a file whose built-in authorizers are
		// not named after their type; so does palisade.
		{"misnamed authorizer", "apiVersion: apiserver.config.k8s.io/v1\nkind: AuthorizationConfiguration\nauthorizers:\n- {type: Node, name: node}\n- {type: RBAC, name: rbac}\n- {type: AlwaysAllow, name: everyone}\n",
			false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			authz := filepath.Join(dir, "authz.yaml")
			if err := os.WriteFile(authz, []byte(tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			if tt.name == "misnamed authorizer" {
				if _, err := kubetest.New(t.TempDir(), "--authorization-config="+authz); err == nil {
					t.Fatal("the API server started with a misnamed authorizer")
				}
				flags := filepath.Join(dir, "flags")
				os.WriteFile(flags, []byte("--authorization-config="+authz+"\n"), 0o600)
				if a, err := LoadAPIServer(flags, ""); err != nil || a.Authz != nil || !strings.Contains(a.AuthzError, "must be named alwaysallow") {
					t.Errorf("palisade read what the API server refuses: %+v, %v", a, err)
				}
				return
			}
			c := kubetest.Start(t, "--authorization-config="+authz)
			ctx := kubetest.Context(t)
			admin := kubernetes.NewForConfigOrDie(c.Admin)
			sar, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: "nobody", Groups: []string{"system:authenticated"},
				ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "list", Resource: "secrets", Namespace: "default"},
			}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if sar.Status.Allowed != tt.openToAll {
				t.Fatalf("the API server allows an unbound user to list secrets: %v, the test expects %v (%s)", sar.Status.Allowed, tt.openToAll, sar.Status.Reason)
			}
			flags := filepath.Join(dir, "kube-apiserver.flags")
			if err := os.WriteFile(flags, []byte("KUBE_API_ARGS=\"--authorization-config="+authz+" --anonymous-auth=false\"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			a, err := LoadAPIServer(flags, "")
			if err != nil {
				t.Fatal(err)
			}
			if a.Authz == nil {
				t.Fatalf("a configuration the API server accepts was not read: %s", a.AuthzError)
			}
			var got []string
			for _, r := range rulesOf(JudgeAPIServer(a)) {
				if r == AlwaysAllow.ID || r == NoNodeAuthorizer.ID || r == NoRBACAuthorizer.ID {
					got = append(got, r)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("authorization rules %v, want %v", got, tt.want)
			}
		})
	}
}
