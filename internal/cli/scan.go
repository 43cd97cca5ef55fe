package cli

import (
	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/scan"
)

// ScanOptions are the inputs of `palisade scan`.
type ScanOptions struct {
	IO   *IO
	Path string
	// Images are registry references to judge besides what PATH holds.
	Images   []string
	Insecure bool
	NoCache  bool
	ReportFlags
}

func newCmdScan(ios *IO, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Scan a directory: every Dockerfile (and more target kinds as they land)",
		Long: `Scan walks PATH (default ".") and judges every target it finds:
Dockerfiles (Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*),
image archives (.tar files from docker save, or tars of OCI layouts) and
OCI layout directories, Kubernetes manifests (YAML/JSON), Helm charts
and Kustomize directories, plus the registry images named with --image.
'palisade manifests audit' takes Helm values and the release namespace.
.git, node_modules and vendor directories are skipped.`,
		Example: "  palisade scan .\n  palisade scan examples/ --format sarif --output palisade.sarif --fail-on high\n  palisade scan . --image registry.example.com/app:1.4",
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
	cmd.Flags().StringArrayVar(&opts.Images, "image", nil, "also judge this registry image (repeatable)")
	cmd.Flags().BoolVar(&opts.Insecure, "insecure-registry", false, "allow plain HTTP to registries named with --image")
	cmd.Flags().BoolVar(&opts.NoCache, "no-cache", false, "do not read or write the image layer cache")
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
	for _, ref := range opts.Images {
		inputs = append(inputs, scan.Input{Path: ref, Kind: scan.KindImage, Image: &image.Source{Ref: ref, Insecure: opts.Insecure}})
	}
	p.scanOpts.Images.NoCache = opts.NoCache
	p.scanOpts.Root = opts.Path
	rep := scan.Run(inputs, walkErrs, p.scanOpts)
	return opts.emit(opts.IO, p, rep)
}
