package dockerfile

// PAL-DF-041: a downloaded file is executed or installed without any
// checksum or signature verification.
//
// A download is `curl -o FILE`/`--output FILE` (also in short groups such
// as -fsSLo FILE, with --output-dir), `curl -O`/`--remote-name` (the
// URL's last path segment), `curl … > FILE`, `wget URL` (the URL's name,
// with -P), `wget -O FILE`, and `ADD <url> <dest>` without --checksum in
// the same stage chain. A use is running the file (`sh f`, `bash f`,
// `python f`, `. f`, `./f`, or the file's name as a command), making it
// executable (`chmod +x f`), installing it (`install f …`, `cp`/`mv` into
// a bin directory, `dpkg -i`, `apt-get install ./f.deb`, `rpm -i`/`-U`,
// `yum`/`dnf`/`zypper install f.rpm`, `apk add f.apk`, `pip install
// f.whl`, `npm install f.tgz`, `gem install f.gem`) or unpacking it
// (`tar -x`, `unzip`); and a download piped straight into tar or unzip.
//
// The use is allowed when the same RUN verified the same file before it
// (compared by path or, failing that, by file name): `sha256sum -c`,
// `sha384sum`, `sha512sum`, `sha224sum`, `b2sum`, `shasum -a 256+` or
// `cksum -a sha256+` checking a list fed by echo, printf, grep, a
// here-string or a checksum file (a checksum file counts for every
// download, as its content is not visible); a digest of the file compared
// in a substitution or a pipeline (`[ "$(sha256sum f | cut -d' ' -f1)" =
// "$SHA" ]`); `gpg --verify`/`gpgv` (f.asc also covers f); `cosign
// verify-blob`; `minisign -V -m f`; `signify -V -m f`; `openssl dgst
// -verify`; `rpm -K`/`--checksig`; `dpkg-sig --verify`; `debsig-verify`;
// `slsa-verifier verify-artifact`; `gh attestation verify`. MD5 and SHA-1
// checks do not count: they no longer resist forgery. Downloads piped
// into a shell are PAL-DF-039's.

import (
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// UnverifiedDownload is PAL-DF-041.
var UnverifiedDownload = &finding.Rule{
	ID:       "PAL-DF-041",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "package-managers",
	Title:    "Downloaded file is executed or installed without verification",
	Doc: "A file fetched with curl, wget or ADD is run, installed or unpacked in the image, but nothing checks that it " +
		"is the file its publisher released: a compromised download server, CDN or mirror, a moved tag or a " +
		"man-in-the-middle changes what the image runs, silently. Package managers verify signatures for you; a bare " +
		"download needs a pinned checksum or a signature check in the same RUN, before the file is used. MD5 and " +
		"SHA-1 checks are not counted.",
	Remediation: "Pin the expected digest next to the version and check it before use: `curl -fsSLo tool.tgz " +
		"\"$URL\" && echo \"$TOOL_SHA256  tool.tgz\" | sha256sum -c - && tar -xzf tool.tgz`, or verify the publisher's " +
		"signature (gpg --verify, cosign verify-blob, minisign -V). For ADD, use ADD --checksum=sha256:<digest>.",
}

var checkUnverifiedDownload = Check{Rule: UnverifiedDownload, Run: func(p *Pass) {
	var issues igIssues
	for _, s := range p.File.Stages {
		// ADDed files of the stage chain, in order, up to each RUN.
		var added []igDownload
		var chain []*Instruction
		for _, st := range slices.Backward(s.Chain()) {
			chain = append(chain, st.Instructions...)
		}
		for _, in := range chain {
			if c, ok := in.Cmd.(*instructions.AddCommand); ok {
				for _, src := range c.SourcePaths {
					u, ok := igRemoteURL(p.File, src)
					if !ok || igGitURL(u) {
						continue
					}
					// A later ADD to the same path replaces the file.
					dest := igAddDest(c, u)
					added = slices.DeleteFunc(added, func(d igDownload) bool { return path.Clean(d.Out) == path.Clean(dest) })
					if c.Checksum == "" {
						added = append(added, igDownload{Tool: "ADD", URL: u, Out: dest, In: in})
					}
				}
			}
			if in.Stage != s || in.Script == nil {
				continue
			}
			for _, u := range igUnverifiedUses(p.File, in, added) {
				issues.add(in, u.message)
				if u.d.Tool == "ADD" {
					issues.relate(in, u.d.In.Loc)
				}
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ", without verifying a checksum or signature first"
	})
}}

// igDownload is a file fetched by curl, wget or ADD.
type igDownload struct {
	Tool string // "curl", "wget", "ADD"
	Call *Call  // nil for ADD
	URL  string
	// Out is the file written; "-" when the download goes to stdout.
	Out string
	In  *Instruction
}

var (
	igCurlShortValue = "AbcCdDeEFHKmoPQrtTuUwxXyYz"
	igCurlLongValue  = []string{"--output", "--user", "--header", "--data", "--data-raw", "--data-binary", "--data-urlencode",
		"--data-ascii", "--request", "--user-agent", "--referer", "--range", "--write-out", "--proxy", "--upload-file",
		"--cookie", "--cookie-jar", "--cert", "--cacert", "--capath", "--key", "--config", "--max-time", "--continue-at",
		"--form", "--form-string", "--retry", "--retry-delay", "--retry-max-time", "--connect-timeout", "--output-dir",
		"--resolve", "--limit-rate", "--max-filesize", "--proto", "--proto-redir", "--url", "--dump-header",
		"--create-file-mode", "--interface", "--oauth2-bearer", "--pass", "--netrc-file", "--proxy-user", "--cert-type",
		"--key-type", "--pinnedpubkey", "--stderr", "--trace", "--trace-ascii", "--variable", "--url-query", "--json",
		"--aws-sigv4", "--connect-to", "--max-redirs", "--tls-max", "--ciphers", "--expect100-timeout", "--happy-eyeballs-timeout-ms",
		"--keepalive-time", "--local-port", "--mail-from", "--mail-rcpt", "--noproxy", "--proxy-header", "--speed-limit",
		"--speed-time", "--time-cond", "--tlsuser", "--tlspassword", "--unix-socket", "--abstract-unix-socket", "--dns-servers",
		"--ftp-port", "--hostpubmd5", "--hostpubsha256", "--krb", "--login-options", "--netrc-file", "--parallel-max",
		"--proxy-cacert", "--proxy-cert", "--proxy-key", "--retry-connrefused", "--sasl-authzid", "--service-name", "--socks5",
		"--socks5-hostname", "--socks4", "--socks4a", "--preproxy", "--etag-save", "--etag-compare", "--ip-tos", "--vlan-priority"}
	igWgetShortValue = "OoaPetTwUiBlARDIXQ"
	igWgetLongValue  = []string{"--output-document", "--output-file", "--append-output", "--directory-prefix", "--execute",
		"--tries", "--timeout", "--wait", "--user-agent", "--input-file", "--base", "--level", "--accept", "--reject",
		"--domains", "--header", "--user", "--password", "--http-user", "--http-password", "--post-data", "--post-file",
		"--ca-certificate", "--certificate", "--private-key", "--load-cookies", "--save-cookies", "--referer", "--quota",
		"--ftp-user", "--ftp-password", "--proxy-user", "--proxy-password", "--bind-address", "--limit-rate"}
)

// igDownloadOf reads a curl or wget call. Calls that send data rather
// than fetch a file (curl -d/-T) are downloads too; what matters is
// where the response goes.
func igDownloadOf(c *Call) (igDownload, bool) {
	switch c.Name {
	case "curl":
		opts, pos := igOptions(c.Args, igCurlShortValue, igCurlLongValue)
		d := igDownload{Tool: "curl", Call: c, Out: "-"}
		remoteName, outDir := false, ""
		for _, o := range opts {
			switch o.Name {
			case "-o", "--output":
				if o.Set && d.Out == "-" {
					d.Out = o.Value
				}
			case "-O", "--remote-name", "--remote-name-all":
				remoteName = true
			case "--output-dir":
				outDir = o.Value
			case "--url":
				pos = append(pos, o.Value)
			}
		}
		for _, a := range pos {
			if strings.Contains(a, "://") || strings.HasPrefix(a, "$") {
				d.URL = a
				break
			}
		}
		if d.URL == "" && len(pos) > 0 {
			d.URL = pos[0]
		}
		if d.URL == "" {
			return d, false
		}
		if d.Out == "-" && remoteName {
			d.Out = igURLName(d.URL)
		}
		if outDir != "" && d.Out != "-" && !path.IsAbs(d.Out) {
			d.Out = path.Join(outDir, d.Out)
		}
		return d, true
	case "wget":
		opts, pos := igOptions(c.Args, igWgetShortValue, igWgetLongValue)
		d := igDownload{Tool: "wget", Call: c}
		dir := ""
		for _, o := range opts {
			switch o.Name {
			case "-O", "--output-document":
				if o.Set {
					d.Out = o.Value
				}
			case "-P", "--directory-prefix":
				dir = o.Value
			}
		}
		for _, a := range pos {
			if strings.Contains(a, "://") || strings.HasPrefix(a, "$") || strings.Contains(a, ".") {
				d.URL = a
				break
			}
		}
		if d.URL == "" {
			return d, false
		}
		if d.Out == "" {
			d.Out = igURLName(d.URL)
			if dir != "" {
				d.Out = path.Join(dir, d.Out)
			}
		}
		return d, true
	}
	return igDownload{}, false
}

// igDownloadsOf is igDownloadOf for every URL of a call: wget and curl
// -O/--remote-name-all save each URL under its own name.
func igDownloadsOf(c *Call) []igDownload {
	d, ok := igDownloadOf(c)
	if !ok {
		return nil
	}
	out := []igDownload{d}
	if d.Out == "-" || d.Out != igURLName(d.URL) && !strings.HasSuffix(d.Out, "/"+igURLName(d.URL)) {
		return out // one named output file
	}
	dir := path.Dir(d.Out)
	for _, a := range c.Args {
		if a == d.URL || !strings.Contains(a, "://") {
			continue
		}
		more := d
		more.URL = a
		more.Out = igURLName(a)
		if d.Out != igURLName(d.URL) {
			more.Out = path.Join(dir, more.Out)
		}
		out = append(out, more)
	}
	return out
}

// igURLName is the file name curl -O and wget give a URL.
func igURLName(raw string) string {
	p := raw
	if u, err := url.Parse(raw); err == nil && u.Path != "" {
		p = u.Path
	} else if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	name := path.Base(p)
	if name == "/" || name == "." || name == "" || strings.HasSuffix(p, "/") {
		return "index.html"
	}
	return name
}

// igRemoteURL returns an ADD source that is a URL, with global ARGs
// expanded.
func igRemoteURL(f *File, src string) (string, bool) {
	u := src
	if strings.Contains(u, "$") {
		u, _ = f.ExpandGlobal(u)
	}
	l := strings.ToLower(u)
	for _, scheme := range []string{"http://", "https://", "git://", "ssh://", "git@"} {
		if strings.HasPrefix(l, scheme) {
			return u, true
		}
	}
	return "", false
}

// igAddDest is where ADD puts a downloaded URL.
func igAddDest(c *instructions.AddCommand, u string) string {
	dest := c.DestPath
	if strings.HasSuffix(dest, "/") || len(c.SourcePaths) > 1 {
		return path.Join(dest, igURLName(u))
	}
	return dest
}

type igUse struct {
	d       igDownload
	message string
}

// igUnverifiedUses finds the downloads of one RUN (and the earlier ADDs
// of its stage chain) that the RUN uses without verifying them first.
func igUnverifiedUses(f *File, in *Instruction, added []igDownload) []igUse {
	calls := igCalls(f, in)
	facts := igFacts(f, in)
	type dl struct {
		igDownload
		at int // index in calls; -1 for ADD
	}
	var downloads []dl
	for _, d := range added {
		downloads = append(downloads, dl{d, -1})
	}
	for i, c := range calls {
		for _, d := range igDownloadsOf(c) {
			d.In = in
			if d.Out == "-" {
				if target, ok := facts.stdout[c.String()]; ok {
					d.Out = target
				}
			}
			downloads = append(downloads, dl{d, i})
		}
	}
	if len(downloads) == 0 {
		return nil
	}
	var out []igUse
	for _, d := range downloads {
		if d.Out == "-" {
			// Piped straight into an unpacker: nothing can be verified.
			if next := d.Call.PipesTo; next != nil && d.at >= 0 {
				if what := igUnpackFromStdin(next); what != "" {
					out = append(out, igUse{d.igDownload, d.Tool + " pipes " + d.URL + " into " + what})
				}
			}
			continue
		}
		for j := d.at + 1; j < len(calls); j++ {
			what := igUseOf(calls[j], d.Out)
			if what == "" {
				continue
			}
			if !igVerifiedBefore(in.Script, calls, facts, j, d.Out) {
				src := d.Tool + " downloads " + d.URL
				if d.Tool == "ADD" {
					src = "ADD at line " + strconv.Itoa(d.In.Loc.StartLine) + " downloads " + d.URL
				}
				out = append(out, igUse{d.igDownload, src + " to " + d.Out + " and " + what})
			}
			break
		}
	}
	return out
}

// igSameFile compares two paths as written: equal after cleaning, or the
// same file name when either is relative.
func igSameFile(a, b string) bool {
	a = strings.TrimPrefix(strings.Trim(a, `"'`), "*")
	b = strings.TrimPrefix(strings.Trim(b, `"'`), "*")
	if a == "" || b == "" || a == "-" || b == "-" {
		return false
	}
	ca, cb := path.Clean(a), path.Clean(b)
	if ca == cb {
		return true
	}
	if path.IsAbs(ca) && path.IsAbs(cb) {
		return false
	}
	return path.Base(ca) == path.Base(cb)
}

var (
	igInterpreters = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true,
		"python": true, "python2": true, "python3": true, "perl": true, "ruby": true, "node": true, "php": true, "pwsh": true}
	igBinDirs = []string{"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"}
)

// igIsInterpreter reports shells and script interpreters, with version
// suffixes (python3.12).
func igIsInterpreter(name string) bool {
	if igInterpreters[name] {
		return true
	}
	base := strings.TrimRight(name, "0123456789.")
	return base != name && igInterpreters[base]
}

// igUseOf says how a call uses file f ("runs", "installs", ...), or "".
func igUseOf(c *Call, f string) string {
	has := func(args []string) bool {
		return slices.ContainsFunc(args, func(a string) bool { return igSameFile(a, f) })
	}
	// Package managers take names as well as files: only a path or a
	// package file name is the downloaded file.
	hasPkg := func(args []string) bool {
		return slices.ContainsFunc(args, func(a string) bool { return igSameFile(a, f) && (strings.Contains(a, "/") || igPackageFile(a)) })
	}
	if pc, ok := igPipCall(c); ok && pc != c {
		c = pc
	}
	switch {
	case igIsInterpreter(c.Name):
		_, pos := igOptions(c.Args, "cmoOW", nil)
		if len(pos) > 0 && igSameFile(pos[0], f) && !c.HasFlag("-c", "-m") {
			return "runs it with " + c.Name
		}
	case c.Name == "." || c.Name == "source":
		if len(c.Args) > 0 && igSameFile(c.Args[0], f) {
			return "sources it"
		}
	case c.Name == path.Base(strings.Trim(f, `"'`)) && c.Name != "":
		return "executes it"
	case c.Name == "chmod":
		pos := c.Positional()
		if len(pos) >= 2 && strings.ContainsAny(pos[0], "x7531") && has(pos[1:]) {
			return "makes it executable"
		}
	case c.Name == "install":
		if has(c.Positional("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory")) {
			return "installs it"
		}
	case c.Name == "cp" || c.Name == "mv":
		pos := c.Positional("-t", "--target-directory", "-S", "--suffix")
		if len(pos) >= 2 && has(pos[:len(pos)-1]) && igInBinDir(pos[len(pos)-1]) {
			return "installs it into " + pos[len(pos)-1]
		}
	case c.Name == "dpkg":
		if c.HasFlag("-i", "--install", "--unpack") && has(c.Args) {
			return "installs it with dpkg"
		}
	case c.Name == "apt-get" || c.Name == "apt" || c.Name == "gdebi" || c.Name == "yum" || c.Name == "dnf" || c.Name == "microdnf" || c.Name == "tdnf" || c.Name == "zypper":
		if hasPkg(c.Positional()) {
			return "installs it with " + c.Name
		}
	case c.Name == "rpm":
		if c.HasFlag("-i", "-U", "-F", "--install", "--upgrade", "--freshen") && has(c.Args) {
			return "installs it with rpm"
		}
	case c.Name == "apk":
		if c.Subcommand() == "add" && hasPkg(c.Positional()) {
			return "installs it with apk"
		}
	case strings.HasPrefix(c.Name, "pip") || c.Name == "npm" || c.Name == "gem" || c.Name == "yarn" || c.Name == "pnpm":
		sub := c.Subcommand()
		if (sub == "install" || sub == "add" || sub == "i") && hasPkg(c.Positional()) {
			return "installs it with " + c.Name
		}
	case c.Name == "tar" || c.Name == "bsdtar":
		if igTarExtracts(c) && has(c.Args) {
			return "unpacks it with " + c.Name
		}
	case c.Name == "unzip" || c.Name == "7z" || c.Name == "7za":
		if has(c.Args) {
			return "unpacks it with " + c.Name
		}
	case c.Name == "java":
		if v, ok := c.FlagValue("-jar"); ok && igSameFile(v, f) {
			return "runs it with java -jar"
		}
	}
	return ""
}

// igPackageFile reports file names of packages and archives.
func igPackageFile(a string) bool {
	a = strings.ToLower(a)
	for _, ext := range []string{".deb", ".rpm", ".apk", ".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".gem", ".egg"} {
		if strings.HasSuffix(a, ext) {
			return true
		}
	}
	return false
}

// igInBinDir reports a destination in a directory on PATH.
func igInBinDir(dest string) bool {
	d := path.Clean(strings.Trim(dest, `"'`))
	for _, b := range igBinDirs {
		if d == b || path.Dir(d) == b {
			return true
		}
	}
	return strings.HasPrefix(d, "/opt/") && (strings.HasSuffix(d, "/bin") || strings.HasSuffix(path.Dir(d), "/bin"))
}

// igTarExtracts reports tar in extract mode: -x, --extract, --get, or
// an old-style first argument such as "xzf".
func igTarExtracts(c *Call) bool {
	if c.HasFlag("-x", "--extract", "--get") {
		return true
	}
	if len(c.Args) > 0 && !strings.HasPrefix(c.Args[0], "-") && strings.Contains(c.Args[0], "x") && strings.Trim(c.Args[0], "xzjJvfpoOkmhPCaUW") == "" {
		return true
	}
	return false
}

// igUnpackFromStdin names an unpacker reading a download from a pipe.
func igUnpackFromStdin(c *Call) string {
	switch c.Name {
	case "tar", "bsdtar":
		if igTarExtracts(c) {
			return c.Name
		}
	case "unzip", "busybox":
		return c.Name
	case "dpkg", "rpm":
		return c.Name
	}
	return ""
}

// igHashTools are the checksum tools that count as verification, with
// the algorithms of shasum -a and cksum -a that do.
var (
	igHashTools     = map[string]bool{"sha256sum": true, "sha384sum": true, "sha512sum": true, "sha224sum": true, "b2sum": true, "b3sum": true}
	igStrongShasum  = map[string]bool{"224": true, "256": true, "384": true, "512": true, "512224": true, "512256": true}
	igStrongCksum   = map[string]bool{"sha224": true, "sha256": true, "sha384": true, "sha512": true, "blake2b": true, "sm3": true}
	igSignatureExts = []string{".asc", ".sig", ".sign", ".gpg", ".minisig", ".bundle", ".pem", ".cert", ".sigstore", ".sigstore.json", ".intoto.jsonl"}
)

// igVerifiedBefore reports whether a call before calls[use] verifies f.
func igVerifiedBefore(s *Script, calls []*Call, facts igRunFacts, use int, f string) bool {
	for i := 0; i < use; i++ {
		names, wildcard := igVerifies(s, calls, facts, calls[i])
		if wildcard {
			return true
		}
		for _, n := range names {
			if igSameFile(n, f) {
				return true
			}
		}
	}
	return false
}

// igVerifies returns the files a call verifies. wildcard is true when it
// verifies files that cannot be named statically (sha256sum -c SUMS).
func igVerifies(s *Script, calls []*Call, facts igRunFacts, c *Call) (names []string, wildcard bool) {
	strongHash := igHashTools[c.Name]
	switch c.Name {
	case "shasum":
		if a, ok := c.FlagValue("-a", "--algorithm"); ok && igStrongShasum[a] {
			strongHash = true
		}
	case "cksum":
		if a, ok := c.FlagValue("-a", "--algorithm"); ok && igStrongCksum[strings.ToLower(a)] {
			strongHash = true
		}
	}
	if strongHash {
		_, pos := igOptions(c.Args, "a", []string{"--algorithm", "--length"})
		if c.HasFlag("-c", "--check") {
			files := slices.DeleteFunc(slices.Clone(pos), func(a string) bool { return a == "-" })
			if len(files) > 0 {
				return nil, true // a checksum file: its names are not visible
			}
			// The list comes from stdin: a pipe or a redirection.
			if text, ok := facts.stdin[c.String()]; ok {
				if strings.HasPrefix(text, "<") {
					return nil, true
				}
				return strings.Fields(text), false
			}
			for _, prev := range calls {
				if prev.PipesTo != c {
					continue
				}
				switch prev.Name {
				case "echo", "printf", "grep", "egrep", "fgrep", "awk", "sed", "head", "tail":
					// Names in the checksum lines or patterns: "$SHA *go.tgz",
					// " node.tar.xz$", -v file="dotnet.tar.gz".
					var toks []string
					for _, a := range prev.Args {
						for _, t := range strings.FieldsFunc(a, func(r rune) bool { return strings.ContainsRune(" \t=\"'", r) }) {
							toks = append(toks, strings.TrimSuffix(strings.TrimPrefix(t, "*"), "$"))
						}
					}
					return toks, false
				}
				return nil, true
			}
			return nil, true
		}
		// A digest printed for a comparison: in a substitution or a pipe.
		if igInSubst(s, c) || c.PipesTo != nil {
			return pos, false
		}
		return nil, false
	}
	switch c.Name {
	case "gpg", "gpg2", "gpgv", "gpgv2":
		if c.Name == "gpg" || c.Name == "gpg2" {
			if !c.HasFlag("--verify", "--verify-files") {
				return nil, false
			}
		}
		_, pos := igOptions(c.Args, "oruk", []string{"--keyring", "--homedir", "--trust-model", "--status-fd", "--output", "--recipient", "--default-key", "--local-user", "--trusted-key"})
		return igWithSigStripped(pos), false
	case "cosign":
		if c.Subcommand() == "verify-blob" || c.Subcommand() == "verify-blob-attestation" {
			_, pos := igOptions(c.Args, "", []string{"--key", "--signature", "--certificate", "--bundle", "--certificate-identity",
				"--certificate-oidc-issuer", "--certificate-identity-regexp", "--certificate-oidc-issuer-regexp", "--type", "--rekor-url"})
			return igWithSigStripped(pos), false
		}
	case "minisign", "signify", "signify-openbsd":
		if c.HasFlag("-V") {
			if m, ok := igOptionValue(c.Args, "mpPxs", "-m"); ok {
				return []string{m}, false
			}
			return nil, true
		}
	case "openssl":
		if c.Subcommand() == "dgst" && c.HasFlag("-verify", "-prverify") {
			pos := c.Positional("-verify", "-prverify", "-signature", "-sigopt", "-keyform", "-passin")
			return pos, false
		}
		if (c.Subcommand() == "dgst" || c.Subcommand() == "sha256" || c.Subcommand() == "sha512") && (igInSubst(s, c) || c.PipesTo != nil) &&
			!c.HasFlag("-md5", "-sha1") {
			return c.Positional(), false
		}
	case "rpm", "rpmkeys":
		if c.HasFlag("-K", "--checksig") {
			return c.Positional(), false
		}
	case "dpkg-sig":
		if c.HasFlag("--verify", "-c") {
			return c.Positional(), false
		}
	case "debsig-verify":
		return c.Positional(), false
	case "slsa-verifier":
		if c.Subcommand() == "verify-artifact" {
			return c.Positional("--provenance-path", "--source-uri", "--source-tag", "--source-branch", "--builder-id"), false
		}
	case "gh":
		pos := c.Positional("--owner", "--repo", "--signer-workflow", "--signer-repo", "--predicate-type")
		if len(pos) >= 3 && pos[0] == "attestation" && pos[1] == "verify" {
			return pos[2:], false
		}
	}
	return nil, false
}

// igOptionValue finds the value of one short option in getopt groups.
func igOptionValue(args []string, shortValue, name string) (string, bool) {
	opts, _ := igOptions(args, shortValue, nil)
	for _, o := range opts {
		if o.Name == name && o.Set {
			return o.Value, true
		}
	}
	return "", false
}

// igWithSigStripped adds, for each signature file name, the name of the
// file it signs (tool.tgz.asc signs tool.tgz).
func igWithSigStripped(names []string) []string {
	out := slices.Clone(names)
	for _, n := range names {
		for _, ext := range igSignatureExts {
			if strings.HasSuffix(n, ext) {
				out = append(out, strings.TrimSuffix(n, ext))
			}
		}
	}
	return out
}
