package dockerfile

// PAL-DF-038: curl, wget or aria2c download without verifying the
// server's TLS certificate.
//
// Checked, in RUN: curl with -k/--insecure (also inside short groups
// such as -fsSLk) or --proxy-insecure; wget with --no-check-certificate
// or -e/--execute check_certificate=off; aria2c with
// --check-certificate=false; `insecure` (or -k/--insecure) written into a
// .curlrc, and check_certificate = off (or check-certificate) written into
// a .wgetrc or /etc/wgetrc.
//
// Allowed: every other curl and wget option. Plain http:// downloads are
// judged by whether the file is verified (PAL-DF-041), not here.

import (
	"strings"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// InsecureDownload is PAL-DF-038.
var InsecureDownload = &finding.Rule{
	ID:       "PAL-DF-038",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "package-managers",
	Title:    "Download skips TLS certificate verification",
	Doc: "curl -k/--insecure, wget --no-check-certificate and their configuration-file equivalents accept any " +
		"certificate, so whoever sits on the network path (a proxy, a compromised router, a hostile Wi-Fi or cloud " +
		"network) can serve a different file. Written into .curlrc or .wgetrc, the bypass applies to every later " +
		"download in the image, including at runtime.",
	Remediation: "Remove the option. If the server uses a private CA, install that CA (COPY it to " +
		"/usr/local/share/ca-certificates/ and run update-ca-certificates) or pass it with curl --cacert / wget " +
		"--ca-certificate; verify the downloaded file's checksum as well.",
	Aliases: []finding.Alias{
		{Tool: "checkov", ID: "CKV2_DOCKER_2"},
		{Tool: "checkov", ID: "CKV2_DOCKER_3"},
	},
}

var checkInsecureDownload = Check{Rule: InsecureDownload, Run: func(p *Pass) {
	var issues igIssues
	for in, c := range igRunCalls(p.File) {
		switch c.Name {
		case "curl":
			opts, _ := igOptions(c.Args, igCurlShortValue, igCurlLongValue)
			for _, o := range opts {
				switch o.Name {
				case "-k", "--insecure", "--proxy-insecure", "--doh-insecure":
					issues.add(in, "curl "+o.Name)
				}
			}
		case "wget":
			opts, _ := igOptions(c.Args, igWgetShortValue, igWgetLongValue)
			for _, o := range opts {
				switch o.Name {
				case "--no-check-certificate":
					issues.add(in, "wget --no-check-certificate")
				case "-e", "--execute":
					if k, v, ok := strings.Cut(o.Value, "="); ok && igWgetCheckCertOff(k, v) {
						issues.add(in, "wget "+o.Name+" "+o.Value)
					}
				}
			}
		case "aria2c":
			for _, a := range c.Args {
				if v, ok := strings.CutPrefix(a, "--check-certificate="); ok {
					if b, ok := igBool(v); ok && !b {
						issues.add(in, "aria2c "+a)
					}
				}
			}
		}
	}
	for _, w := range igWrites(p.File) {
		t := strings.Trim(w.Path, `"'`)
		base := t[strings.LastIndexByte(t, '/')+1:]
		switch base {
		case ".curlrc", "_curlrc", "curlrc":
			for _, line := range strings.Split(w.Content, "\n") {
				opt := strings.TrimSpace(line)
				name, value, _ := strings.Cut(strings.TrimLeft(opt, "-"), "=")
				name, value = strings.TrimSpace(name), strings.TrimSpace(value)
				if opt == "-k" || (name == "insecure" || name == "proxy-insecure") && (value == "" || value == "true") {
					issues.add(w.In, w.Via+" writes "+opt+" to "+w.Path)
				}
			}
		case ".wgetrc", "wgetrc":
			for _, line := range strings.Split(w.Content, "\n") {
				if k, v, ok := strings.Cut(line, "="); ok && igWgetCheckCertOff(k, v) {
					issues.add(w.In, w.Via+" writes "+strings.TrimSpace(line)+" to "+w.Path)
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": the server's certificate is not verified, so the download can be replaced in transit"
	})
}}

// igWgetCheckCertOff reads wgetrc's check_certificate (dashes, underscores
// and case are equivalent there).
func igWgetCheckCertOff(key, value string) bool {
	k := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(strings.TrimSpace(key)))
	if k != "checkcertificate" {
		return false
	}
	b, ok := igBool(value)
	return ok && !b
}
