package dockerfile

// Shell form of CMD and ENTRYPOINT.
//
// Checks CMD and ENTRYPOINT written in shell form (`CMD node app.js`)
// rather than JSON form (`CMD ["node", "app.js"]`). In shell form the
// container's PID 1 is `/bin/sh -c`, which does not forward SIGTERM, so
// Kubernetes' graceful termination becomes a SIGKILL after the grace
// period. Allowed: JSON form, and shell form in a stage whose SHELL was
// set explicitly (BuildKit makes the same exception).

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var JSONArgs = hygieneRule(finding.Rule{
	ID:          "PAL-DF-101",
	Severity:    finding.Low,
	Title:       "CMD or ENTRYPOINT in shell form",
	Doc:         "CMD and ENTRYPOINT in shell form run under `/bin/sh -c`, which becomes PID 1 and does not forward signals: the application never sees SIGTERM, so Kubernetes kills it after the termination grace period instead of letting it shut down cleanly. The JSON (exec) form runs the program directly.",
	Remediation: "Use the JSON form, e.g. CMD [\"node\", \"app.js\"]; if a shell is needed, end the script with `exec` so the program replaces the shell.",
	Aliases:     []finding.Alias{hygHadolint("DL3025"), hygBuildkit("JSONArgsRecommended")},
})

var checkJSONArgs = Check{Rule: JSONArgs, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "cmd", "entrypoint") {
		var shellForm bool
		switch c := in.Cmd.(type) {
		case *instructions.CmdCommand:
			shellForm = c.PrependShell
		case *instructions.EntrypointCommand:
			shellForm = c.PrependShell
		}
		if !shellForm || len(in.Args()) == 0 || strings.TrimSpace(in.Args()[0]) == "" {
			continue
		}
		if hygShellSet(in) {
			continue
		}
		p.Report(in, "%s uses the shell form: /bin/sh -c becomes PID 1 and does not pass SIGTERM on; write it as JSON (%s [\"...\", \"...\"])", strings.ToUpper(in.Name), strings.ToUpper(in.Name))
	}
}}

// hygShellSet reports whether a SHELL instruction precedes in, in its stage
// or the stages it builds on.
func hygShellSet(in *Instruction) bool {
	for _, x := range hygPriorInChain(in) {
		if x.Name == "shell" {
			return true
		}
	}
	return false
}
