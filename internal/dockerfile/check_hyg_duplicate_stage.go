package dockerfile

// Duplicate stage names.
//
// Checks that no two FROM ... AS <name> use the same name (compared
// case-insensitively, as BuildKit does). With duplicates, COPY --from and
// --target resolve to one of them, not necessarily the one meant, so an
// image can ship a build stage's files. Unique names are allowed;
// unnamed stages are never duplicates.

import "github.com/palisade-sec/palisade/internal/finding"

var DuplicateStage = hygieneRule(finding.Rule{
	ID:          "PAL-DF-103",
	Severity:    finding.Low,
	Title:       "Stage name used twice",
	Doc:         "Two FROM instructions declare the same stage name. COPY --from, RUN --mount from= and docker build --target then refer to one of them only, so files may come from a different stage than the author intended.",
	Remediation: "Give every stage a unique name.",
	Aliases:     []finding.Alias{hygHadolint("DL3024"), hygTrivy("DS-0012"), hygCheckov("CKV_DOCKER_11"), hygBuildkit("DuplicateStageName")},
})

var checkDuplicateStage = Check{Rule: DuplicateStage, Run: func(p *Pass) {
	seen := map[string]*Stage{}
	for _, s := range p.File.Stages {
		if s.Name == "" {
			continue
		}
		if first, ok := seen[s.Name]; ok {
			p.Report(s.From, "stage name %q is already used by the FROM at line %d", s.Name, first.From.Loc.StartLine)
			continue
		}
		seen[s.Name] = s
	}
}}
