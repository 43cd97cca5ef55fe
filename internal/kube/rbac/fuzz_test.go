package rbac

import "testing"

func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{"alice", "sa:ci/deployer", "system:serviceaccount:a:b", "group:x", "serviceaccount:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sub, ok := ParseSubject(s)
		if !ok {
			return
		}
		id := IdentityOf(sub)
		if sub.Kind == ServiceAccountKind && id.User != ServiceAccountUser(sub.Namespace, sub.Name) {
			t.Fatalf("%q: user %q", s, id.User)
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	f.Add("create", "pods/exec", "ci", "")
	f.Add("get", "/metrics", "", "")
	f.Add("patch", "deployments.apps/scale", "", "web")
	f.Fuzz(func(t *testing.T, verb, res, ns, name string) {
		q, err := ParseRequest(verb, res, ns, name)
		if err != nil {
			return
		}
		r := Rule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}, NonResourceURLs: []string{"*"}}
		if !r.Allows(&q) {
			t.Fatalf("wildcard rule refuses %+v", q)
		}
	})
}
