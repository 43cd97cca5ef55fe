package dockerfile

// COPY --from naming no earlier stage.
//
// Checks COPY --from=<name> for names that refer to a stage defined
// later in the file, to a stage index that does not exist yet, or to no
// stage at all while looking like a stage alias (no registry, tag or
// digest). BuildKit treats an unknown bare name as a named build context
// (--build-context) if one is given, else as an image on Docker Hub, so a
// typo in a stage name silently pulls docker.io/library/<name>.
// Image references with a registry, path, tag or digest are left to the
// image rules.

import (
	"strconv"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyFromUnknown = hygieneRule(finding.Rule{
	ID:          "PAL-DF-149",
	Severity:    finding.Low,
	Title:       "COPY --from does not name an earlier stage",
	Doc:         "COPY --from should name a stage defined before the COPY. A stage defined later works in BuildKit but not in the legacy builder and reads backwards; a name that matches no stage is taken as an image name, so a misspelt stage pulls an unrelated image from Docker Hub.",
	Remediation: "Define the stage before the COPY and check the spelling of --from; for images, use a full reference with a tag or digest.",
	Aliases:     []finding.Alias{hygHadolint("DL3022")},
})

var checkCopyFromUnknown = Check{Rule: CopyFromUnknown, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "copy") {
		v, ok, st := hygCopyFrom(p.File, in)
		if !ok || strings.Contains(v, "$") || in.Stage == nil {
			continue
		}
		if st == in.Stage {
			continue // PAL-DF-150
		}
		if st != nil {
			if st.Index > in.Stage.Index {
				p.Report(in, "COPY --from=%s refers to stage %s, defined later at line %d", v, st.Ref(), st.From.Loc.StartLine)
			}
			continue
		}
		if n, err := strconv.Atoi(v); err == nil {
			p.Report(in, "COPY --from=%d: there is no stage #%d before this COPY", n, n)
			continue
		}
		if strings.ContainsAny(v, "/:@.") || strings.EqualFold(v, "scratch") {
			continue
		}
		var names []string
		for _, s := range p.File.Stages {
			if s.Name != "" {
				names = append(names, s.Name)
			}
		}
		if sug := hygSuggestName(strings.ToLower(v), names); sug != "" {
			p.Report(in, "COPY --from=%s names no stage (did you mean %s?); unless a build context of that name is passed, BuildKit pulls docker.io/library/%s", v, sug, v)
		} else {
			p.Report(in, "COPY --from=%s names no stage; unless a build context of that name is passed (--build-context), BuildKit pulls docker.io/library/%s:latest", v, v)
		}
	}
}}
