package dockerfile

// Helper of the COPY --from rules: resolve --from against the stages.

import (
	"strconv"
	"strings"
)

// hygCopyFrom returns the --from value of a COPY (ARGs expanded when
// possible), whether it was given, and the stage it names, if any.
func hygCopyFrom(f *File, in *Instruction) (string, bool, *Stage) {
	v, ok := in.Flag("from")
	if !ok || in.Name != "copy" {
		return "", false, nil
	}
	if strings.Contains(v, "$") {
		exp, ok := f.ScopeAt(in).Expand(v)
		if !ok {
			if g, missing := f.ExpandGlobal(v); len(missing) == 0 {
				exp = g
			} else {
				return v, true, nil
			}
		}
		v = exp
	}
	v = strings.Trim(v, `"'`)
	if _, err := strconv.Atoi(v); err == nil {
		return v, true, f.StageByName(v)
	}
	return v, true, f.StageByName(v)
}
