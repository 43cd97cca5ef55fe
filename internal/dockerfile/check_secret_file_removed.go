package dockerfile

// PAL-DF-080: a secret file copied in by COPY or ADD is deleted by a
// later RUN, but stays in the layer COPY created.
//
// Checked: the secret files of PAL-DF-081 (same recognition, same
// WORKDIR resolution) that a later RUN of the same stage chain deletes:
// `rm` (any flags) of the file, of a directory holding it or of a
// matching glob; `unlink`; `shred -u`; `find DIR [-name P|-path P]
// -delete` or `-exec rm`; following `cd` inside the RUN. The finding is
// at the COPY, with the deleting RUN as a related location.
//
// Severity follows where the layer goes: high in the final image's
// chain, low in a stage nothing uses. A file copied into a builder stage
// whose output other stages copy selectively is not reported. Deleting
// the file in the same RUN that created it (a secret mount needs no
// deletion at all) is the fix, and is not reported.

import (
	"strconv"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// SecretFileRemovedLater is PAL-DF-080.
var SecretFileRemovedLater = &finding.Rule{
	ID:       "PAL-DF-080",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "secrets",
	Title:    "Secret file deleted in a later layer is still in the image",
	Doc: "Each COPY, ADD and RUN adds a layer, and a later RUN rm only hides a file in the layers above: the layer " +
		"that COPY created still holds the private key, token file or credentials, and docker save, docker history " +
		"or any registry client extracts it. Squashing the image after the fact is fragile; the file must never enter " +
		"a layer.",
	Remediation: "Mount the secret for the RUN that needs it instead of copying it: `RUN --mount=type=secret,id=netrc," +
		"target=/root/.netrc make fetch` or `RUN --mount=type=ssh git clone git@github.com:org/repo.git`; or copy it " +
		"only into a builder stage and COPY --from=builder just the build output into the final stage.",
}

var checkSecretFileRemovedLater = Check{Rule: SecretFileRemovedLater, Run: func(p *Pass) {
	var issues igIssues
	for _, sc := range secFileCopies(p.File) {
		if sc.RemovedBy == nil {
			continue
		}
		msg := sc.describe() + "; the RUN at line " + strconv.Itoa(sc.RemovedBy.Loc.StartLine) +
			" deletes it, but the file stays in this instruction's layer"
		switch sc.Reach {
		case secReachFinal:
			issues.add(sc.In, msg+" of the final image")
			issues.relate(sc.In, sc.RemovedBy.Loc)
		case secReachUnused:
			issues.addSev(sc.In, msg+" of stage "+sc.Stage.Ref()+", which nothing uses (docker build --target or a cache export would ship it)", finding.Low)
			issues.relate(sc.In, sc.RemovedBy.Loc)
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items)
	})
}}
