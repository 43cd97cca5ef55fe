package dockerfile

// PAL-DF-040: ADD fetches remote content without pinning it.
//
// Checked: every ADD source that is a URL (http://, https://, with global
// ARGs expanded). An HTTP(S) source must carry --checksum=<algo>:<digest>;
// a Git source (git@host:…, git://, ssh://, or an http(s) URL ending in
// .git, with an optional #ref[:subdir]) must name a full commit hash as
// its ref, or carry --checksum with the commit.
//
// Allowed: ADD of local files and archives, ADD <url> with --checksum,
// and Git sources pinned to a 40- or 64-hex-digit commit. Whether ADD
// should be COPY is a hygiene rule, not this one.

import (
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// AddRemoteUnpinned is PAL-DF-040.
var AddRemoteUnpinned = &finding.Rule{
	ID:       "PAL-DF-040",
	Control:  control.DockerfileLint,
	Severity: finding.Medium,
	Family:   "package-managers",
	Title:    "ADD fetches remote content without a checksum or commit pin",
	Doc: "ADD <url> downloads whatever the server returns at build time, and ADD <git url>#<branch or tag> clones " +
		"whatever the ref points to then. Without --checksum (or a commit hash for Git) nothing detects a changed, " +
		"compromised or man-in-the-middled download, and builds stop being reproducible. BuildKit verifies " +
		"--checksum=sha256:<digest> before the file enters the layer.",
	Remediation: "Add --checksum=sha256:<digest> to ADD of an HTTP(S) URL (Dockerfile syntax 1.6 or later); pin Git " +
		"sources to a full commit hash (ADD https://github.com/org/repo.git#<40-hex commit> /src) or give the commit " +
		"in --checksum.",
}

var checkAddRemoteUnpinned = Check{Rule: AddRemoteUnpinned, Run: func(p *Pass) {
	var issues igIssues
	for _, in := range p.File.Instructions {
		c, ok := in.Cmd.(*instructions.AddCommand)
		if !ok || c.Checksum != "" {
			continue
		}
		for _, src := range c.SourcePaths {
			u, ok := igRemoteURL(p.File, src)
			if !ok {
				continue
			}
			if !igGitURL(u) {
				issues.add(in, "ADD downloads "+src+" without --checksum")
				continue
			}
			ref := igGitRef(u)
			switch {
			case ref == "":
				issues.add(in, "ADD clones "+src+" at its default branch, not a commit")
			case !igCommitHash(ref):
				issues.add(in, "ADD clones "+src+" at ref "+ref+", which is not a commit hash")
			}
		}
	}
	issues.report(p, func(in *Instruction, items []string) string {
		return igJoin(items) + ": the content can change or be replaced without the build noticing"
	})
}}

// igGitURL reports whether BuildKit treats an ADD source as a Git
// repository.
func igGitURL(u string) bool {
	l := strings.ToLower(u)
	if strings.HasPrefix(l, "git@") || strings.HasPrefix(l, "git://") || strings.HasPrefix(l, "ssh://") {
		return true
	}
	base, _, _ := strings.Cut(l, "#")
	base, _, _ = strings.Cut(base, "?")
	return strings.HasSuffix(base, ".git")
}

// igGitRef returns the ref of a Git URL fragment (#ref or #ref:subdir),
// or of a ?ref= / ?tag= / ?commit= query (Dockerfile 1.10).
func igGitRef(u string) string {
	if _, frag, ok := strings.Cut(u, "#"); ok {
		ref, _, _ := strings.Cut(frag, ":")
		return ref
	}
	if _, q, ok := strings.Cut(u, "?"); ok {
		for _, kv := range strings.Split(q, "&") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "commit", "checksum":
				return v
			case "ref", "tag", "branch":
				if v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// igCommitHash reports a full SHA-1 or SHA-256 commit hash.
func igCommitHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(strings.ToLower(s), "0123456789abcdef") == ""
}
