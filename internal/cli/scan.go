package cli

import (
	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/scan"
)

// ScanOptions are the inputs of `palisade scan`.
type ScanOptions struct {
	IO   *IO
	Path string
	ReportFlags
}

func newCmdScan(ios *IO, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Scan a directory: every Dockerfile (and more target kinds as they land)",
		Long: `Scan walks PATH (default ".") and judges every target it finds:
Dockerfiles (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*).
.git, node_modules and vendor directories are skipped.`,
		Example: "  palisade scan .\n  palisade scan examples/ --format sarif --output palisade.sarif --fail-on high",
		Args:    argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = "."
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return scanRun(opts)
		},
	}
	opts.ReportFlags.register(cmd)
	return cmd
}

func scanRun(opts *ScanOptions) error {
	p, err := opts.prepare(opts.Path)
	if err != nil {
		return err
	}
	inputs, walkErrs, err := scan.Discover(opts.Path)
	if err != nil {
		return &UsageError{Err: err}
	}
	rep := scan.Run(inputs, walkErrs, p.scanOpts)
	return opts.emit(opts.IO, p, rep)
}
