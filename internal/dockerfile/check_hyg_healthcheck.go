package dockerfile

// No HEALTHCHECK in the image.
//
// Checks that the image built by the Dockerfile (the last stage and the
// stages it builds on) has a HEALTHCHECK instruction; HEALTHCHECK NONE
// counts as a deliberate choice. Only Docker and Swarm run HEALTHCHECK:
// Kubernetes ignores it and uses the pod's liveness and readiness
// probes, so this is informational.

import "github.com/palisade-sec/palisade/internal/finding"

var NoHealthcheck = hygieneRule(finding.Rule{
	ID:          "PAL-DF-164",
	Severity:    finding.Info,
	Title:       "Image has no HEALTHCHECK",
	Doc:         "Without HEALTHCHECK, Docker and Swarm only know whether the main process runs, not whether it serves. Kubernetes ignores HEALTHCHECK and relies on liveness and readiness probes in the pod spec, so for images deployed to Kubernetes define probes there and treat this as a reminder.",
	Remediation: "Add HEALTHCHECK CMD [\"/app\", \"healthcheck\"] (or HEALTHCHECK NONE to state there is none); in Kubernetes, define livenessProbe and readinessProbe.",
	Aliases:     []finding.Alias{hygHadolint("DL3057"), hygTrivy("DS-0026"), hygCheckov("CKV_DOCKER_2")},
})

var checkNoHealthcheck = Check{Rule: NoHealthcheck, Run: func(p *Pass) {
	final := p.File.Final()
	if final == nil || final.From == nil {
		return
	}
	for _, s := range final.Chain() {
		for _, in := range s.Instructions {
			if in.Name == "healthcheck" {
				return
			}
		}
	}
	p.Report(final.From, "the image built by stage %s has no HEALTHCHECK (Kubernetes uses probes instead)", final.Ref())
}}
