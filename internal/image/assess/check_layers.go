package assess

import (
	"fmt"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
)

// checkLayers turns the walker's issues (hostile or malformed entries,
// files not analysed) into findings.
func checkLayers(target string, c *image.Contents) []finding.Finding {
	var out []finding.Finding
	for _, l := range c.Layers {
		for _, is := range l.Issues {
			var rule *finding.Rule
			switch is.Kind {
			case image.IssuePathTraversal:
				rule = PathTraversal
			case image.IssueLinkEscape:
				rule = SymlinkEscape
			case image.IssueDevice:
				rule = DeviceFile
			case image.IssueDuplicate:
				rule = DuplicateEntry
			case image.IssueTooLarge, image.IssueAnalyzer, image.IssueTooManyEntries, image.IssueBadWhiteout:
				rule = NotAnalysed
			default:
				continue
			}
			f := rule.New(fmt.Sprintf("layer %d (%s): %s", l.Index, shortDigest(l.DiffID.String()), is.Detail))
			f.Target = target
			if is.Path != "" {
				f.Location.File = "/" + is.Path
			}
			out = append(out, f)
		}
	}
	return out
}
