package dockerfile

// yarn install without yarn cache clean.
//
// Checks yarn install (and bare `yarn`, which installs) in stages that
// end up in an image for `yarn cache clean` in the same RUN. Allowed: a
// cache or tmpfs mount over the yarn cache (…/.cache/yarn, .yarn/cache,
// /usr/local/share/.cache/yarn), or removing it in the same RUN.

import "github.com/palisade-sec/palisade/internal/finding"

var YarnCache = hygieneRule(finding.Rule{
	ID:          "PAL-DF-136",
	Severity:    finding.Info,
	Title:       "yarn install without yarn cache clean",
	Doc:         "yarn v1 keeps a global copy of every package it installs in its cache directory. In an image the cache is never reused but stays in the layer, often as large as node_modules itself.",
	Remediation: "End the RUN with && yarn cache clean, or mount a cache: RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install",
	Aliases:     []finding.Alias{hygHadolint("DL3060")},
})

var checkYarnCache = Check{Rule: YarnCache, Run: func(p *Pass) {
	img := hygImageStages(p.File)
	for _, in := range hygNamed(p.File, "run") {
		if !img[in.Stage] || hygCacheMounted(in, "/.cache/yarn/", ".yarn/cache/", "/yarn/") {
			continue
		}
		cs := hygCalls(in)
		for i, c := range cs {
			if c.Name != "yarn" {
				continue
			}
			pos := c.Positional("--cwd", "--modules-folder", "--cache-folder", "--network-timeout", "--mutex")
			if (len(pos) > 0 && pos[0] != "install") || (len(pos) == 0 && c.HasFlag("--version", "-v", "--help", "-h")) {
				continue
			}
			if c.HasFlag("--cache-folder") || hygYarnCleans(cs[i+1:]) || hygRemovesAny(cs[i+1:], "/usr/local/share/.cache/yarn", "/root/.cache/yarn", "~/.cache/yarn", "$HOME/.cache/yarn", ".yarn/cache") {
				continue
			}
			p.Report(in, "yarn install without yarn cache clean keeps the package cache in the layer")
			break
		}
	}
}}

func hygYarnCleans(cs []*Call) bool {
	for _, c := range cs {
		pos := c.Positional()
		if c.Name == "yarn" && len(pos) >= 2 && pos[0] == "cache" && pos[1] == "clean" {
			return true
		}
	}
	return false
}
