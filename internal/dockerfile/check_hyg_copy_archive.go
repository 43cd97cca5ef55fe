package dockerfile

// COPY of an archive that a later RUN extracts.
//
// Checks COPY (from the build context) of an archive (.tar, .tar.gz,
// .tgz, .zip, ...) that a later RUN of the same stage unpacks with tar
// -x, unzip, gunzip and the like. The archive stays in the COPY layer
// even when the RUN deletes it. ADD unpacks local tar archives in one
// layer; for other formats, extract in the RUN that downloads or mounts
// the archive (RUN --mount=type=bind,source=app.zip ...).

import (
	"path"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/finding"
)

var CopyArchive = hygieneRule(finding.Rule{
	ID:          "PAL-DF-147",
	Severity:    finding.Info,
	Title:       "Archive copied then extracted in a later RUN",
	Doc:         "COPY app.tar.gz followed by RUN tar -xzf app.tar.gz keeps the compressed archive in its own layer forever, even when the RUN deletes it, so the image carries the content twice. ADD unpacks local tar archives in a single layer, and a bind mount lets a RUN read any archive without copying it.",
	Remediation: "Use ADD app.tar.gz /dest/ for tar archives, or RUN --mount=type=bind,source=app.zip,target=/tmp/app.zip unzip /tmp/app.zip -d /dest.",
	Aliases:     []finding.Alias{hygHadolint("DL3010")},
})

var checkCopyArchive = Check{Rule: CopyArchive, Run: func(p *Pass) {
	for _, s := range p.File.Stages {
		for i, in := range s.Instructions {
			c, ok := in.Cmd.(*instructions.CopyCommand)
			if !ok || c.From != "" {
				continue
			}
			archives := map[string]bool{}
			if hygIsArchiveOrZip(c.DestPath) && !strings.HasSuffix(c.DestPath, "/") {
				archives[path.Base(c.DestPath)] = true
			} else {
				for _, src := range c.SourcePaths {
					if hygIsArchiveOrZip(src) {
						archives[path.Base(src)] = true
					}
				}
			}
			if len(archives) == 0 {
				continue
			}
		later:
			for _, run := range s.Instructions[i+1:] {
				for _, cl := range hygCalls(run) {
					if !hygExtracts(cl) {
						continue
					}
					for _, a := range cl.Args {
						if archives[path.Base(a)] {
							f := p.Report(in, "%s is copied here and extracted by the RUN at line %d: the archive stays in this layer", path.Base(a), run.Loc.StartLine)
							f.Related = append(f.Related, run.Loc)
							break later
						}
					}
				}
			}
		}
	}
}}

func hygIsArchiveOrZip(name string) bool {
	return hygIsArchiveName(name) || strings.HasSuffix(strings.ToLower(name), ".zip")
}

// hygExtracts reports whether c unpacks an archive.
func hygExtracts(c *Call) bool {
	switch c.Name {
	case "unzip", "gunzip", "bunzip2", "unxz", "unlzma", "uncompress", "zcat", "gzcat", "unzstd", "7z", "bsdtar":
		return true
	case "tar":
		if c.HasFlag("-x", "--extract", "--get") {
			return true
		}
		// Old-style flags without a dash: tar xzf file.tgz.
		return len(c.Args) > 0 && !strings.HasPrefix(c.Args[0], "-") && strings.Contains(c.Args[0], "x") && strings.Trim(c.Args[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
	}
	return false
}
