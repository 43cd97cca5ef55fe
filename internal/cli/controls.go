package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/ruleset"
)

func newCmdControls(ios *IO) *cobra.Command {
	return &cobra.Command{
		Use:   "controls",
		Short: "Print the control matrix (layer x phase) and the rules implementing each control",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return controlsRun(ios)
		},
	}
}

func controlsRun(ios *IO) error {
	reg := ruleset.All()
	tw := tabwriter.NewWriter(ios.Out, 0, 0, 2, ' ', 0)
	for _, l := range control.Layers {
		for _, p := range control.Phases {
			fmt.Fprintf(tw, "%s / %s\n", strings.ToUpper(string(l)), p)
			for _, c := range control.In(l, p) {
				rules := reg.ForControl(c.ID)
				ids := make([]string, len(rules))
				for i, r := range rules {
					ids[i] = r.ID
				}
				list := "(no rules yet)"
				if len(ids) > 0 {
					list = fmt.Sprintf("%d rules: %s", len(ids), compactIDs(ids))
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.ID, c.Name, list)
			}
		}
	}
	return tw.Flush()
}

// compactIDs shortens long rule lists for a terminal line.
func compactIDs(ids []string) string {
	const max = 6
	if len(ids) <= max {
		return strings.Join(ids, ", ")
	}
	return strings.Join(ids[:max], ", ") + fmt.Sprintf(", … (+%d)", len(ids)-max)
}
