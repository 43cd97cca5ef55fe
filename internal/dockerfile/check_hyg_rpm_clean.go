package dockerfile

// Helper of the yum, dnf and zypper cache rules (PAL-DF-130, 132, 134):
// an install in a stage that ends up in an image must be followed, in
// the same RUN, by the tool's clean command or by removing its cache
// directory, unless a cache or tmpfs mount covers that directory.

import (
	"slices"
	"strings"
)

// hygCleanCheck reports installs by tools (subcommands in installs) not
// followed by a clean (subcommand clean, with cleanArg when non-empty),
// an rm of one of dirs, or a cache mount over them.
func hygCleanCheck(p *Pass, tools []string, flags []string, installs map[string]bool, cleanArgs []string, dirs []string, advice string) {
	img := hygImageStages(p.File)
	done := map[*Instruction]bool{}
	for _, pc := range hygPmCalls(p.File, flags, tools...) {
		if !installs[pc.Sub] || done[pc.In] || !img[pc.In.Stage] {
			continue
		}
		if hygCacheMounted(pc.In, dirs...) {
			continue
		}
		// The last install of the RUN must be followed by a clean.
		last := pc.Index
		for i := pc.Index + 1; i < len(pc.All); i++ {
			if installs[hygSub(pc.All[i], flags, tools...)] {
				last = i
			}
		}
		cleaned := false
		for _, c := range pc.All[last+1:] {
			if hygRemoves(c, dirs...) {
				cleaned = true
			}
			pos := c.Positional(flags...)
			if len(pos) > 0 && hygIsTool(c, tools) {
				for _, ca := range cleanArgs {
					want := strings.Fields(ca)
					if len(pos) >= len(want) && slices.Equal(pos[:len(want)], want) {
						cleaned = true
					}
				}
			}
		}
		done[pc.In] = true
		if !cleaned {
			p.Report(pc.In, "%s %s is not followed by %s in the same RUN: the package cache stays in the layer", pc.C.Name, pc.Sub, advice)
		}
	}
}

func hygIsTool(c *Call, tools []string) bool {
	for _, t := range tools {
		if c.Name == t {
			return true
		}
	}
	return false
}
