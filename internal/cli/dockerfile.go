package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/dockerfile"
	"github.com/palisade-sec/palisade/internal/scan"
)

func newCmdDockerfile(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dockerfile",
		Short: "Lint Dockerfiles and list what they install",
	}
	cmd.AddCommand(newCmdDockerfileLint(ios, nil), newCmdDockerfilePackages(ios, nil))
	return cmd
}

// PackagesOptions are the inputs of `palisade dockerfile packages`.
type PackagesOptions struct {
	IO     *IO
	Files  []string
	Format string
}

func newCmdDockerfilePackages(ios *IO, runF func(*PackagesOptions) error) *cobra.Command {
	opts := &PackagesOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "packages FILE...",
		Short: "List what each stage installs, per package manager, with version pins",
		Long: `List the packages each stage of a Dockerfile installs: apt, apk,
yum/dnf/microdnf/tdnf, zypper, pip, npm/yarn/pnpm, gem, go install, bundler
and cargo, with the version pin when there is one. This is the static half of
"inspect containers"; 'palisade image inspect' lists what a built image holds.`,
		Example: "  palisade dockerfile packages Dockerfile\n  palisade dockerfile packages --format json Dockerfile",
		Args:    argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			if runF != nil {
				return runF(opts)
			}
			return packagesRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "table or json")
	return cmd
}

// packageListing is one file's packages in JSON output.
type packageListing struct {
	File     string               `json:"file"`
	Packages []dockerfile.Package `json:"packages"`
}

func packagesRun(opts *PackagesOptions) error {
	if opts.Format != "table" && opts.Format != "json" {
		return usageErrorf("unknown format %q: use table or json", opts.Format)
	}
	var listings []packageListing
	for _, name := range opts.Files {
		var data []byte
		var err error
		if name == "-" {
			data, err = io.ReadAll(io.LimitReader(opts.IO.In, dockerfile.MaxSize+1))
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			return usageErrorf("reading %s: %w", name, err)
		}
		f, err := dockerfile.Parse(name, data)
		if err != nil {
			return &UsageError{Err: err}
		}
		pkgs := dockerfile.Packages(f)
		if pkgs == nil {
			pkgs = []dockerfile.Package{}
		}
		listings = append(listings, packageListing{File: name, Packages: pkgs})
	}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(listings)
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	for _, l := range listings {
		fmt.Fprintf(tw, "%s\n", l.File)
		if len(l.Packages) == 0 {
			fmt.Fprintf(tw, "  (installs nothing through a known package manager)\n")
			continue
		}
		fmt.Fprintf(tw, "  STAGE\tLINE\tMANAGER\tPACKAGE\tVERSION\tPINNED\n")
		for _, p := range l.Packages {
			version := p.Constraint + p.Version
			if version == "" {
				version = "-"
			}
			name := p.Name
			if p.Kind != "package" {
				name += " (" + p.Kind + ")"
			}
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%v\n", p.Stage, p.Line, p.Manager, name, version, p.Pinned)
		}
	}
	return tw.Flush()
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
