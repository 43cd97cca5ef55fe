package dockerfile

// Package downloads without a BuildKit cache mount (optional).
//
// Checks RUN commands that download dependencies (npm install/ci,
// cargo build, go build/mod download, mvn, gradle, composer install,
// dotnet restore, pnpm install, mix deps.get, gem/bundle install) for a
// cache or tmpfs mount over the tool's cache directory. A cache mount
// keeps downloads across builds without putting them into a layer. Off
// by default: it is a build-speed suggestion.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CacheMount = hygieneRule(finding.Rule{
	ID:          "PAL-DF-171",
	Severity:    finding.Info,
	Title:       "Dependency download without a BuildKit cache mount",
	Doc:         "Package managers download the same dependencies on every build. RUN --mount=type=cache,target=<cache dir> keeps them between builds outside the image, which speeds up builds and keeps caches out of layers.",
	Remediation: "Add a cache mount, e.g. RUN --mount=type=cache,target=/root/.npm npm ci.",
	Aliases: []finding.Alias{
		hygHadolint("DL3068"), hygHadolint("DL3069"), hygHadolint("DL3070"), hygHadolint("DL3071"), hygHadolint("DL3072"),
		hygHadolint("DL3073"), hygHadolint("DL3074"), hygHadolint("DL3075"), hygHadolint("DL3076"), hygHadolint("DL3077"),
	},
	Optional: true,
})

var hygCacheTools = []struct {
	tool  string
	subs  []string // empty: any invocation
	dirs  []string
	mount string
}{
	{"npm", []string{"install", "i", "ci", "install-ci-test", "it"}, []string{".npm/"}, "/root/.npm"},
	{"cargo", []string{"build", "install", "fetch", "test", "check", "clippy"}, []string{".cargo/"}, "/usr/local/cargo/registry"},
	{"go", []string{"build", "get", "install", "test", "mod"}, []string{".cache/go-build/", "go/pkg/mod/"}, "/root/.cache/go-build"},
	{"mvn", []string{"install", "compile", "package", "test", "verify", "deploy", "dependency:resolve", "dependency:go-offline"}, []string{".m2/"}, "/root/.m2"},
	{"gradle", nil, []string{".gradle/"}, "/root/.gradle"},
	{"gradlew", nil, []string{".gradle/"}, "/root/.gradle"},
	{"composer", []string{"install", "update", "require"}, []string{".composer/cache/", "composer/"}, "/root/.composer/cache"},
	{"dotnet", []string{"restore", "build", "publish", "test"}, []string{".nuget/packages/"}, "/root/.nuget/packages"},
	{"nuget", []string{"restore"}, []string{".nuget/packages/"}, "/root/.nuget/packages"},
	{"pnpm", []string{"install", "add", "fetch", "i"}, []string{"pnpm/"}, "/root/.local/share/pnpm/store"},
	{"mix", []string{"deps.get", "deps.compile", "compile"}, []string{".hex/", ".mix/"}, "/root/.hex"},
	{"gem", []string{"install"}, []string{".gem/", "bundle/"}, "/usr/local/bundle"},
	{"bundle", []string{"install", "update"}, []string{".gem/", "bundle/"}, "/usr/local/bundle"},
}

var checkCacheMount = Check{Rule: CacheMount, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
	calls:
		for _, c := range hygCalls(in) {
			name := c.Name
			if strings.HasSuffix(name, "gradlew") {
				name = "gradlew"
			}
			for _, t := range hygCacheTools {
				if t.tool != name {
					continue
				}
				if len(t.subs) > 0 {
					sub := c.Subcommand(hygGoValueFlags...)
					found := false
					for _, s := range t.subs {
						if s == sub {
							found = true
						}
					}
					if !found {
						continue
					}
				}
				if hygCacheMounted(in, t.dirs...) {
					continue
				}
				p.Report(in, "%s downloads dependencies without a cache mount; add --mount=type=cache,target=%s", c.Name, t.mount)
				break calls
			}
		}
	}
}}
