package dockerfile

// Helper of the version-pinning rules (PAL-DF-137 to PAL-DF-145): list
// the package arguments of install commands that carry no version.

import "strings"

// hygPinCheck reports, once per command, the packages of tools' install
// subcommands for which pinned returns false. Paths, URLs and variables
// are never judged.
func hygPinCheck(p *Pass, tools []string, flags []string, installs map[string]bool, pinned func(string) bool, example string) {
	for _, pc := range hygPmCalls(p.File, flags, tools...) {
		if !installs[pc.Sub] {
			continue
		}
		var loose []string
		for _, a := range pc.packages(flags) {
			if hygIsPathArg(a) || strings.HasPrefix(a, "-") {
				continue
			}
			if !pinned(a) {
				loose = append(loose, a)
			}
		}
		if len(loose) == 0 {
			continue
		}
		if len(loose) > 5 {
			loose = append(loose[:5], "…")
		}
		p.Report(pc.In, "%s %s does not pin %s; write %s", pc.C.Name, pc.Sub, strings.Join(loose, ", "), example)
	}
}
