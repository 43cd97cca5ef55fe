package inventory

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/palisade-sec/palisade/internal/image"
)

func nameVersions(ps []Package) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+"@"+p.Version)
	}
	return out
}

func TestParseYarnLock(t *testing.T) {
	const dir = pkgdb + "yarn/"
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"generated__yarn-1.22.22__yarn.lock", []string{"@sindresorhus/is@4.6.0", "debug@4.3.4", "has-flag@4.0.0", "lodash-es@4.17.21", "ms@2.1.2", "supports-color@8.1.1", "typescript@5.4.5"}},
		// yarn 4: the workspace is left out, the alias names lodash-es,
		// and the builtin patch of typescript is typescript itself.
		{"generated__yarn-4.9.1__yarn.lock", []string{"@sindresorhus/is@4.6.0", "debug@4.3.4", "has-flag@4.0.0", "lodash-es@4.17.21", "ms@2.1.2", "supports-color@8.1.1", "typescript@5.4.5"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_happy.lock", []string{
			"@babel/helper-regex@7.4.4", "ansi-regex@2.1.1", "ansi-regex@3.0.0", "asap@2.0.6", "inherits@2.0.3", "is-fullwidth-code-point@2.0.0",
			"jquery@3.4.1", "js-tokens@4.0.0", "lodash@4.17.11", "promise@8.0.3", "safe-buffer@5.1.2", "safer-buffer@2.1.2", "statuses@1.5.0",
			"string-width@2.1.1", "strip-ansi@3.0.1", "strip-ansi@4.0.0", "whatwg-fetch@3.0.0", "wide-align@1.1.3"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_v2_happy.lock", []string{
			"@types/color-name@1.1.1", "abbrev@1.1.1", "ansi-styles@3.2.1", "ansi-styles@4.2.1", "assert-plus@1.0.0", "async@3.2.0",
			"color-convert@1.9.3", "color-convert@2.0.1", "color-name@1.1.3", "color-name@1.1.4", "fsevents@2.1.3", "ipaddr.js@1.9.1",
			"js-tokens@4.0.0", "loose-envify@1.4.0", "node-gyp@7.1.0", "once@1.4.0", "wrappy@1.0.2"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_v2_deps_with_protocol.lock", []string{"debug@4.3.4", "ms@2.1.2"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_with_aliases.lock", []string{
			"@rootio/braces@3.0.2-root.io.1", "@rootio/ip@2.0.0-root.io.1", "fill-range@7.0.1", "lodash-es@4.17.21"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_with_git.lock", nil},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__yarn__testdata__yarn_with_local.lock", []string{"asap@2.0.6", "jquery@3.4.1", "promise@8.0.3"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ps, err := ParseYarnLock(read(t, dir+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := nameVersions(ps); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"not a lockfile\nat all", "\"unterminated@1:\n  version \"1\"\n", "__metadata:\n  version: [\n"} {
		if _, err := ParseYarnLock([]byte(bad)); err == nil {
			t.Errorf("ParseYarnLock(%q): no error", bad)
		}
	}
}

func TestParsePNPMLock(t *testing.T) {
	const dir = pkgdb + "pnpm/"
	for _, tc := range []struct {
		file string
		want []string
	}{
		// pnpm 9 lists lodash-es (installed under the alias lodash) and
		// debug once, whatever its peers.
		{"generated__pnpm-9.15.9__pnpm-lock.yaml", []string{"@sindresorhus/is@4.6.0", "debug@4.3.4", "has-flag@4.0.0", "lodash-es@4.17.21", "ms@2.1.2", "supports-color@8.1.1", "typescript@5.4.5"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__pnpm__testdata__pnpm-lock_normal.yaml", []string{"asap@2.0.6", "jquery@3.6.0", "promise@8.1.0"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__pnpm__testdata__pnpm-lock_v6.yaml", []string{"asap@2.0.6", "jquery@3.6.0", "promise@8.1.0"}},
		// GitHub tarballs, a local tarball and a directory are left out.
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__pnpm__testdata__pnpm-lock_archives.yaml", []string{"asynckit@0.4.0", "ms@2.1.2"}},
		{"aquasecurity__trivy__pkg__dependency__parser__nodejs__pnpm__testdata__pnpm-lock_v9.yaml", []string{
			"@babel/helper-string-parser@7.24.1", "asap@2.0.6", "asynckit@0.4.0", "await-sleep@0.0.1", "debug@4.3.4", "ee-first@1.1.1",
			"encodeurl@1.0.2", "escape-html@1.0.3", "finalhandler@1.1.1", "jquery@3.6.0", "ms@2.0.0", "ms@2.1.2", "on-finished@2.3.0",
			"parseurl@1.3.3", "promise@8.1.0", "sleep-utils@1.0.3", "statuses@1.4.0", "unpipe@1.0.0"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			ps, err := ParsePNPMLock(read(t, dir+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := nameVersions(ps); !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestPNPMKeys covers the key forms of each lockfile version, peers and
// scopes included, and pnpm 10's two-document lockfile.
func TestPNPMKeys(t *testing.T) {
	for _, tc := range []struct {
		key   string
		major int
		want  string
	}{
		{"/lodash/4.17.21", 5, "lodash@4.17.21"},
		{"/@babel/core/7.12.3", 5, "@babel/core@7.12.3"},
		{"/react-dom/17.0.2_react@17.0.2", 5, "react-dom@17.0.2"},
		{"/@babel/core@7.12.3", 6, "@babel/core@7.12.3"},
		{"/react-dom@17.0.2(react@17.0.2)", 6, "react-dom@17.0.2"},
		{"react-dom@17.0.2(react@17.0.2)", 9, "react-dom@17.0.2"},
		{"@types/node@20.1.0", 9, "@types/node@20.1.0"},
		{"github.com/user/repo/abc123", 5, ""},
		{"lodash@file:foo.tgz", 9, ""},
		{"debug@https://github.com/debug-js/debug/tarball/4.3.5", 9, ""},
		{"lodash/4.17.21", 6, ""},
		{"/", 6, ""},
		{"", 9, ""},
	} {
		n, v, ok := pnpmPackage(tc.key, pnpmPackageEntry{}, tc.major)
		got := ""
		if ok {
			got = n + "@" + v
		}
		if got != tc.want {
			t.Errorf("pnpmPackage(%q, v%d) = %q, want %q", tc.key, tc.major, got, tc.want)
		}
	}
	two := "---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    packageManagerDependencies:\n      pnpm:\n        specifier: ^10\n        version: 10.0.0\npackages:\n  pnpm@10.0.0:\n    resolution: {integrity: sha512-x}\n" +
		"---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      is-even:\n        specifier: 1.0.0\n        version: 1.0.0\npackages:\n  is-even@1.0.0:\n    resolution: {integrity: sha512-y}\n"
	ps, err := ParsePNPMLock([]byte(two))
	if err != nil || strings.Join(nameVersions(ps), " ") != "is-even@1.0.0" {
		t.Errorf("two documents: %q %v", nameVersions(ps), err)
	}
	if _, err := ParsePNPMLock([]byte("packages: [1, 2\n")); err == nil {
		t.Error("broken YAML: no error")
	}
}

func TestLockfilePURLs(t *testing.T) {
	ps, err := ParsePNPMLock(read(t, pkgdb+"pnpm/generated__pnpm-9.15.9__pnpm-lock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"@sindresorhus/is": "pkg:npm/%40sindresorhus/is@4.6.0",
		"lodash-es":        "pkg:npm/lodash-es@4.17.21",
	}
	for _, p := range ps {
		if w, ok := want[p.Name]; ok {
			if got := PURL(&p, OS{}); got != w {
				t.Errorf("%s: purl %s, want %s", p.Name, got, w)
			}
			delete(want, p.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing %v", want)
	}
}

// TestLockfilesInImage reads the lock files of a Node.js application
// image through the walker: each package carries its file, layer and purl.
func TestLockfilesInImage(t *testing.T) {
	img, err := mutate.AppendLayers(empty.Image,
		testLayer(t, map[string]string{"etc/os-release": "ID=alpine\nVERSION_ID=3.20.0\n"}),
		testLayer(t, map[string]string{
			"srv/web/yarn.lock":                    string(read(t, pkgdb+"yarn/generated__yarn-4.9.1__yarn.lock")),
			"srv/api/pnpm-lock.yaml":               string(read(t, pkgdb+"pnpm/generated__pnpm-9.15.9__pnpm-lock.yaml")),
			"srv/api/node_modules/.pnpm/lock.yaml": string(read(t, pkgdb+"pnpm/aquasecurity__trivy__pkg__dependency__parser__nodejs__pnpm__testdata__pnpm-lock_v6.yaml")),
			"srv/old/yarn.lock":                    "# yarn lockfile v1\n\nbroken\n",
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	c, err := image.Walk(context.Background(), img, image.WithAnalyzers(Analyzers()...))
	if err != nil {
		t.Fatal(err)
	}
	inv := FromContents(c)
	byFile := map[string]int{}
	for _, p := range inv.Packages {
		byFile[p.File]++
		if p.Layer != 1 || p.Type != NPM || !strings.HasPrefix(p.PURL, "pkg:npm/") {
			t.Errorf("package %+v", p)
		}
	}
	if byFile["srv/web/yarn.lock"] != 7 || byFile["srv/api/pnpm-lock.yaml"] != 7 || byFile["srv/api/node_modules/.pnpm/lock.yaml"] != 3 {
		t.Errorf("packages per file %v", byFile)
	}
	if len(inv.Errors) != 1 || inv.Errors[0].File != "srv/old/yarn.lock" || !strings.Contains(inv.Errors[0].Message, "yarn.lock") {
		t.Errorf("errors %+v", inv.Errors)
	}
}
