package dockerfile

// Pipes without pipefail.
//
// Checks RUN instructions whose script has a pipeline (a | b) when
// nothing makes the shell fail on errors inside the pipe: no SHELL with
// -o pipefail (or a non-POSIX shell such as PowerShell or cmd) before it
// in the stage chain, and no `set -o pipefail` in the script itself. By
// default a pipeline's status is that of its last command, so
// `curl ... | tar -x` succeeds even when the download failed. Pipes
// whose earlier commands only print (echo, printf) cannot hide a failure
// and are allowed.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var Pipefail = hygieneRule(finding.Rule{
	ID:          "PAL-DF-168",
	Severity:    finding.Low,
	Title:       "RUN pipes commands without pipefail",
	Doc:         "A shell pipeline returns the status of its last command, so in `RUN curl -fsSL $URL | tar -xz` a failed or truncated download still lets the build succeed, shipping an incomplete or empty tool. `set -o pipefail` (or SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]) makes the RUN fail when any command of the pipe fails.",
	Remediation: "Add SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"] before the RUN (ash on Alpine also supports it), or start the script with set -o pipefail.",
	Aliases:     []finding.Alias{hygHadolint("DL4006"), hygTrivy("DS-0032")},
})

var checkPipefail = Check{Rule: Pipefail, Run: func(p *Pass) {
	for _, in := range hygNamed(p.File, "run") {
		cs := hygCalls(in)
		var piped *Call
		for _, c := range cs {
			if c.PipesTo != nil && !hygCannotFail[c.Name] {
				piped = c
				break
			}
		}
		if piped == nil || hygPipefailShell(in) || hygSetsPipefail(cs) || hygRunShellPipefail(in) {
			continue
		}
		p.Report(in, "%s is piped into %s without pipefail: a failure of %s is ignored", piped.Name, piped.PipesTo.Name, piped.Name)
	}
}}

// hygCannotFail are commands whose failure a pipe could not hide: they
// only print their arguments.
var hygCannotFail = map[string]bool{"echo": true, "printf": true, "true": true, "yes": true}

// hygPipefailShell reports whether the SHELL in effect at in has pipefail
// or is not a POSIX shell.
func hygPipefailShell(in *Instruction) bool {
	var last *instructions.ShellCommand
	for _, x := range hygPriorInChain(in) {
		if c, ok := x.Cmd.(*instructions.ShellCommand); ok {
			last = c
		}
	}
	if last == nil || len(last.Shell) == 0 {
		return false
	}
	exe := strings.ToLower(last.Shell[0])
	for _, np := range []string{"pwsh", "powershell", "cmd"} {
		if strings.Contains(exe, np) {
			return true
		}
	}
	return hygArgsPipefail(last.Shell[1:])
}

// hygArgsPipefail reports whether shell options include -o pipefail
// (also combined, as -eo pipefail).
func hygArgsPipefail(args []string) bool {
	for i, a := range args {
		if a == "pipefail" && i > 0 {
			prev := args[i-1]
			if prev == "-o" || (strings.HasPrefix(prev, "-") && !strings.HasPrefix(prev, "--") && strings.HasSuffix(prev, "o")) {
				return true
			}
		}
	}
	return false
}

// hygSetsPipefail reports whether the script runs set -o pipefail.
func hygSetsPipefail(cs []*Call) bool {
	for _, c := range cs {
		if c.Name == "set" && hygArgsPipefail(append([]string{"set"}, c.Args...)) {
			return true
		}
	}
	return false
}

// hygRunShellPipefail covers RUN ["bash", "-o", "pipefail", "-c", "..."].
func hygRunShellPipefail(in *Instruction) bool {
	c, ok := in.Cmd.(*instructions.RunCommand)
	if !ok || c.PrependShell || len(c.CmdLine) == 0 {
		return false
	}
	return hygArgsPipefail(c.CmdLine[1:])
}
