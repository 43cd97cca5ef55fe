package assess

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
)

func ruleIDs(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	slices.Sort(out)
	return out
}

func TestCheckConfig(t *testing.T) {
	hc := &v1.HealthConfig{Test: []string{"CMD", "true"}}
	for _, tc := range []struct {
		name string
		cfg  v1.Config
		want []string
	}{
		{"clean", v1.Config{User: "65532", Healthcheck: hc}, nil},
		{"no user", v1.Config{Healthcheck: hc}, []string{"PAL-IMG-010"}},
		{"root by name with group", v1.Config{User: "root:root", Healthcheck: hc}, []string{"PAL-IMG-010"}},
		{"uid 0", v1.Config{User: "0:1000", Healthcheck: hc}, []string{"PAL-IMG-010"}},
		{"uid 1000", v1.Config{User: "1000", Healthcheck: hc}, nil},
		{"ssh", v1.Config{User: "app", Healthcheck: hc, ExposedPorts: map[string]struct{}{"22/tcp": {}, "2222/tcp": {}}}, []string{"PAL-IMG-011"}},
		{"udp 22 is not ssh", v1.Config{User: "app", Healthcheck: hc, ExposedPorts: map[string]struct{}{"22/udp": {}}}, nil},
		{"volumes", v1.Config{User: "app", Healthcheck: hc, Volumes: map[string]struct{}{"/proc": {}, "/var/lib/app": {}, "/": {}}}, []string{"PAL-IMG-012", "PAL-IMG-012"}},
		{"no healthcheck", v1.Config{User: "app"}, []string{"PAL-IMG-013"}},
		{"healthcheck NONE", v1.Config{User: "app", Healthcheck: &v1.HealthConfig{Test: []string{"NONE"}}}, []string{"PAL-IMG-013"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ruleIDs(checkConfig("img", &v1.ConfigFile{Config: tc.cfg}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("rules = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCheckConfigSecrets(t *testing.T) {
	cfg := &v1.ConfigFile{
		Config: v1.Config{
			Env:    []string{"PATH=/usr/bin", "DB_PASSWORD=Zq7!vP2#mK9xR4tL", "PASSWORD_FILE=/run/secrets/db"},
			Labels: map[string]string{"maintainer": "me", "api_key": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
		},
		History: []v1.History{
			{CreatedBy: "RUN |2 NPM_TOKEN=npm_4f8ZcXq2LmT7vR9wY3kP6sN1bH5jD0aEuG2i VERSION=1.2 /bin/sh -c npm ci"},
			{CreatedBy: "/bin/sh -c #(nop)  ENV PATH=/usr/bin"},
			{CreatedBy: "RUN /bin/sh -c echo hello # buildkit"},
		},
	}
	fs := checkConfigSecrets("img", cfg)
	got := ruleIDs(fs)
	if !slices.Equal(got, []string{"PAL-IMG-003", "PAL-IMG-004", "PAL-IMG-005"}) {
		for _, f := range fs {
			t.Log(f.RuleID, f.Message, f.Evidence)
		}
		t.Errorf("rules = %q", got)
	}
	for _, f := range fs {
		for _, s := range []string{f.Evidence, f.Message} {
			if strings.Contains(s, "Zq7!vP2#mK9xR4tL") || strings.Contains(s, "npm_4f8ZcXq2LmT7vR9wY3kP6sN1bH5jD0aEuG2i") || strings.Contains(s, "sk_live_4eC39HqLyjWDarjtT1zdp7dc") {
				t.Errorf("unredacted secret in %q", s)
			}
		}
	}
}

func TestRedactCommand(t *testing.T) {
	for in, want := range map[string]string{
		"RUN |2 NPM_TOKEN=npm_4f8ZcXq2LmT7vR9wY3kP6sN1bH5jD0aEuG2i V=1 /bin/sh -c npm ci": "RUN |2 NPM_TOKEN=npm_4f8Z****uG2i V=1 /bin/sh -c npm ci",
		"RUN /bin/sh -c make # buildkit": "RUN /bin/sh -c make # buildkit",
		"RUN /bin/sh -c curl -H 'Authorization: token ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a' x": "RUN [command withheld: it holds a secret]",
	} {
		if got := RedactCommand(in); got != want {
			t.Errorf("RedactCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBuildArgs(t *testing.T) {
	for in, want := range map[string][2]string{
		"RUN |2 A=1 B=2 /bin/sh -c make":  {"A=1 B=2", "/bin/sh -c make"},
		"|1 TOKEN=x /bin/sh -c make":      {"TOKEN=x", "/bin/sh -c make"},
		"RUN /bin/sh -c make # buildkit":  {"", "RUN /bin/sh -c make # buildkit"},
		"RUN |x A=1 /bin/sh":              {"", "RUN |x A=1 /bin/sh"},
		"RUN |3 A=1 /bin/sh -c truncated": {"A=1", "-c truncated"},
	} {
		args, rest := buildArgs(in)
		if strings.Join(args, " ") != want[0] || rest != want[1] {
			t.Errorf("buildArgs(%q) = %q, %q", in, args, rest)
		}
	}
}

func view(t *testing.T, entries ...image.Entry) *image.View {
	t.Helper()
	return image.Merge([]*image.Layer{{Index: 0, Entries: entries}})
}

func TestAssessMinimalOS(t *testing.T) {
	file := func(p string, mode uint32) image.Entry {
		return image.Entry{Path: p, Type: image.TypeFile, Mode: 0o755 | fsMode(mode)}
	}
	alpine := &inventory.Inventory{OS: inventory.OS{ID: "alpine", Family: "alpine", Version: "3.19.1"}, Packages: []inventory.Package{{Type: inventory.APK}}}
	for _, tc := range []struct {
		name  string
		inv   *inventory.Inventory
		files []image.Entry
		class string
		rules []string
	}{
		{"scratch", &inventory.Inventory{OS: inventory.OS{Scratch: true}}, []image.Entry{file("app", 0)}, ClassScratch, nil},
		{"distroless", &inventory.Inventory{OS: inventory.OS{ID: "debian", Distroless: true}}, []image.Entry{file("app", 0)}, ClassDistroless, nil},
		{"alpine with shell and apk", alpine, []image.Entry{file("bin/busybox", 0), {Path: "bin/sh", Type: image.TypeSymlink, Link: "/bin/busybox"}, file("sbin/apk", 0)}, ClassMinimal, []string{"PAL-OS-202", "PAL-OS-203"}},
		{"setuid and world-writable", alpine, []image.Entry{file("usr/bin/su", 1), {Path: "tmp", Type: image.TypeDir, Mode: 0o777 | fsMode(4)}, {Path: "app/data", Type: image.TypeDir, Mode: 0o777}, file("usr/bin/gcc", 0)}, ClassMinimal, []string{"PAL-OS-204", "PAL-OS-205", "PAL-OS-206"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := AssessMinimalOS(view(t, tc.files...), tc.inv)
			if m.Class != tc.class {
				t.Errorf("class %s, want %s (%+v)", m.Class, tc.class, m)
			}
			if got := ruleIDs(checkMinimalOS("img", m, tc.inv)); !slices.Equal(got, tc.rules) {
				t.Errorf("rules %q, want %q (%+v)", got, tc.rules, m)
			}
		})
	}
}

func TestCheckLayers(t *testing.T) {
	c := &image.Contents{Layers: []*image.Layer{{Index: 0, Issues: []image.Issue{
		{Kind: image.IssuePathTraversal, Path: "../etc/passwd", Detail: "x"},
		{Kind: image.IssueLinkEscape, Path: "l", Detail: "x"},
		{Kind: image.IssueDevice, Path: "dev/sda", Detail: "x"},
		{Kind: image.IssueDuplicate, Path: "a", Detail: "x"},
		{Kind: image.IssueTooLarge, Path: "big", Detail: "x"},
	}}}}
	got := ruleIDs(checkLayers("img", c))
	if !slices.Equal(got, []string{"PAL-IMG-020", "PAL-IMG-021", "PAL-IMG-022", "PAL-IMG-023", "PAL-IMG-024"}) {
		t.Errorf("rules %q", got)
	}
}

func TestRules(t *testing.T) {
	if _, err := finding.NewRegistry(Rules()...); err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules() {
		if !strings.HasPrefix(r.ID, "PAL-IMG-0") && !strings.HasPrefix(r.ID, "PAL-OS-2") {
			t.Errorf("%s is outside the image areas", r.ID)
		}
	}
}

// fsMode maps 1 to setuid, 2 to setgid, 4 to sticky.
func fsMode(bits uint32) fs.FileMode {
	var m fs.FileMode
	if bits&1 != 0 {
		m |= fs.ModeSetuid
	}
	if bits&2 != 0 {
		m |= fs.ModeSetgid
	}
	if bits&4 != 0 {
		m |= fs.ModeSticky
	}
	return m
}
