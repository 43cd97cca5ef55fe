package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/dockerfile"
	"github.com/palisade-sec/palisade/internal/scan"
)

func newCmdDockerfile(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dockerfile",
		Short: "Lint Dockerfiles and list what they install",
	}
	cmd.AddCommand(newCmdDockerfileLint(ios, nil))
	return cmd
}

// LintOptions are the inputs of `palisade dockerfile lint`.
type LintOptions struct {
	IO    *IO
	Files []string
	ReportFlags
}

func newCmdDockerfileLint(ios *IO, runF func(*LintOptions) error) *cobra.Command {
	opts := &LintOptions{IO: ios}
	cmd := &cobra.Command{
		Use:     "lint FILE...",
		Short:   "Lint the named Dockerfiles (- reads standard input)",
		Example: "  palisade dockerfile lint Dockerfile\n  cat Dockerfile | palisade dockerfile lint -",
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return lintRun(opts)
		},
	}
	opts.ReportFlags.register(cmd)
	return cmd
}

func lintRun(opts *LintOptions) error {
	p, err := opts.prepare(opts.Files[0])
	if err != nil {
		return err
	}
	var inputs []scan.Input
	for _, f := range opts.Files {
		in := scan.Input{Path: f, Kind: scan.KindDockerfile}
		if f == "-" {
			data, err := io.ReadAll(io.LimitReader(opts.IO.In, dockerfile.MaxSize+1))
			if err != nil {
				return usageErrorf("reading standard input: %w", err)
			}
			in = scan.Input{Path: "<stdin>", Kind: scan.KindDockerfile, Data: data}
		}
		inputs = append(inputs, in)
	}
	return opts.emit(opts.IO, p, scan.Run(inputs, nil, p.scanOpts))
}
