package dockerfile

// PAL-DF-039: a download is piped straight into a shell or interpreter.
//
// Checked, in RUN (also inside sh -c and substitutions): curl or wget
// writing to stdout (curl without -o/-O, wget -O- / -qO- / -O -) whose
// output is piped into sh, bash, ash, dash, zsh, ksh, python, perl, ruby,
// node, php or pwsh, directly or through sudo, env or tee; and the same
// downloads run through a substitution: `bash <(curl …)`, `sh -c "$(curl
// …)"`, `python3 -c "$(wget -qO- …)"`, `eval "$(curl …)"`, `source
// <(curl …)`.
//
// Allowed: downloads written to a file (PAL-DF-041 judges whether that
// file is verified before use), and downloads piped into other programs
// (tar, gpg --dearmor, tee into a file).

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// PipeToShell is PAL-DF-039.
var PipeToShell = &finding.Rule{
	ID:       "PAL-DF-039",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "package-managers",
	Title:    "Download is piped into a shell or interpreter",
	Doc: "curl … | sh runs whatever the server returns at build time, as root, with no chance to check it first: a " +
		"compromised host or CDN, a changed script, or a truncated download (a half-received script still runs) all " +
		"go straight into the image. The same holds for bash <(curl …) and sh -c \"$(curl …)\".",
	Remediation: "Download the script or binary to a file, check it against a pinned checksum or its signature, then " +
		"run it: `curl -fsSLo install.sh \"$URL\" && echo \"$SHA256  install.sh\" | sha256sum -c - && sh install.sh`. " +
		"Better, install from a package repository with signature checks.",
}

var checkPipeToShell = Check{Rule: PipeToShell, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		if d, ok := igDownloadOf(c); ok && d.Out == "-" {
			if sink := igPipeSink(c.PipesTo); sink != "" {
				issues.add(in, d.Tool+" "+d.URL+" | "+sink)
			}
		}
		if !igIsInterpreter(c.Name) && c.Name != "eval" && c.Name != "source" && c.Name != "." {
			continue
		}
		for i, a := range c.Args {
			for _, inner := range igSubstCalls(a, 0) {
				if d, ok := igDownloadOf(inner); ok && d.Out == "-" {
					form := `"$(` + d.Tool + ` …)"`
					if strings.Contains(a, "<(") {
						form = "<(" + d.Tool + " …)"
					}
					if i > 0 && strings.HasPrefix(c.Args[i-1], "-") {
						form = c.Args[i-1] + " " + form
					}
					issues.add(in, c.Name+" "+form+" runs "+d.URL)
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": the downloaded code runs without any check of what was received"
	})
}}

// igPipeSink follows a pipe through tee and names the interpreter at
// its end, or "".
func igPipeSink(c *Call) string {
	for i := 0; c != nil && i < 4; i++ {
		if igIsInterpreter(c.Name) {
			if igRunsArgNotStdin(c) {
				return ""
			}
			return c.Name
		}
		if c.Name != "tee" {
			return ""
		}
		c = c.PipesTo
	}
	return ""
}

// igRunsArgNotStdin reports interpreter calls that run code given on the
// command line or a module, not their stdin: `| python3 -c '…json…'`,
// `| python3 -m json.tool`, `| sh -c 'cat > f'`, `| node -e …`, `| perl -ne …`.
func igRunsArgNotStdin(c *Call) bool {
	base := strings.TrimRight(c.Name, "0123456789.")
	switch base {
	case "python":
		return c.HasFlag("-c", "-m")
	case "perl", "ruby":
		return c.HasFlag("-e", "-E")
	case "node":
		return c.HasFlag("-e", "-p", "--eval", "--print")
	case "php":
		return c.HasFlag("-r", "-R", "-B", "-E")
	case "pwsh":
		return c.HasFlag("-c", "-Command", "-File", "-f")
	default: // shells
		_, pos := igOptions(c.Args, "o", nil)
		return c.HasFlag("-c") || len(pos) > 0 && pos[0] != "-" && !c.HasFlag("-s")
	}
}
