// Package cli is palisade's command-line layer: cobra only parses flags
// into an options struct; each verb's run function does the work and
// can be tested without the command line.
package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X .../cli.Version=v1.2.3".
var Version = "dev"

// NewRoot builds the palisade command tree.
func NewRoot(ios *IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "palisade",
		Short: "Secure Kubernetes from the Dockerfile to the running cluster",
		Long: `palisade checks every control of the Kubernetes security matrix
(applications, clusters, infrastructure x build, operate) in one binary:
Dockerfile linting, image scanning, provenance, workloads, RBAC, node
benchmarks. Every finding belongs to one control of that matrix.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.Err)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &UsageError{Err: fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(
		newCmdScan(ios, nil),
		newCmdDockerfile(ios),
		newCmdControls(ios),
		newCmdRules(ios, nil),
	)
	root.AddCommand(newCmdImage(ios))
	root.AddCommand(nodeCommands(ios)...)
	root.AddCommand(vulnCommands(ios)...)
	root.AddCommand(newCmdKube(ios)...)
	root.AddCommand(newCmdRBACGroups(ios)...)
	return root
}

// Run executes palisade with args and returns the exit code.
func Run(args []string, ios *IO) int {
	root := NewRoot(ios)
	root.SetArgs(args)
	err := root.Execute()
	if err != nil {
		fmt.Fprintf(ios.Err, "palisade: %v\n", err)
	}
	return ExitCode(err)
}

// argsUsage wraps cobra's arity checks so they are usage errors.
func argsUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &UsageError{Err: err}
		}
		return nil
	}
}
