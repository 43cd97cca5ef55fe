package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/ruleset"
)

// RulesOptions are the inputs of `palisade rules`.
type RulesOptions struct {
	IO     *IO
	Format string
}

func newCmdRules(ios *IO, runF func(*RulesOptions) error) *cobra.Command {
	opts := &RulesOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List every rule: ID, control, default severity, aliases in other tools, meaning",
		Long: `List every rule. --format markdown renders docs/rules.md, which a test
keeps in step with the code.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return rulesRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "table, json or markdown")
	return cmd
}

func rulesRun(opts *RulesOptions) error {
	reg := ruleset.All()
	switch opts.Format {
	case "table":
		tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCONTROL\tSEVERITY\tALIASES\tTITLE")
		for _, r := range reg.All() {
			sev := r.Severity.String()
			if r.Optional {
				sev += " (opt-in)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Control, sev, aliasList(r), r.Title)
		}
		return tw.Flush()
	case "json":
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rulesJSON(reg.All()))
	case "markdown":
		_, err := fmt.Fprint(opts.IO.Out, ruleset.Markdown(reg))
		return err
	}
	return usageErrorf("unknown format %q: use table, json or markdown", opts.Format)
}

func aliasList(r *finding.Rule) string {
	parts := make([]string, len(r.Aliases))
	for i, a := range r.Aliases {
		parts[i] = a.String()
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ",")
}

type ruleJSON struct {
	ID          string          `json:"id"`
	Control     string          `json:"control"`
	Severity    string          `json:"severity"`
	Family      string          `json:"family,omitempty"`
	Title       string          `json:"title"`
	Doc         string          `json:"doc"`
	Remediation string          `json:"remediation,omitempty"`
	Aliases     []finding.Alias `json:"aliases,omitempty"`
	OptIn       bool            `json:"optIn,omitempty"`
}

func rulesJSON(rules []*finding.Rule) []ruleJSON {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		out[i] = ruleJSON{r.ID, string(r.Control), r.Severity.String(), r.Family, r.Title, r.Doc, r.Remediation, r.Aliases, r.Optional}
	}
	return out
}
