package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/image/assess"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/sbom"
	"github.com/palisade-sec/palisade/internal/scan"
)

func newCmdImage(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image",
		Short: "Scan container images: secrets in every layer, inventory, config, minimal OS, SBOM",
		Long: `Read a container image in one streaming pass: from a registry (REF),
a docker archive (--archive, from docker save), an OCI layout (--oci,
a directory or a tar file of one) or an unpacked root file system
(--rootfs). Layers are never extracted to disk; results per layer are
cached under the user cache directory (--no-cache disables it).

Private registries: credentials come from docker's config.json in
$DOCKER_CONFIG (default ~/.docker): its "auths" (what docker login
writes), and the credential helpers it names in "credHelpers" or
"credsStore" (docker-credential-<name> programs on PATH), then podman's
containers/auth.json. Run docker login REGISTRY first. Credentials are
never printed.`,
	}
	cmd.AddCommand(newCmdImageScan(ios, nil), newCmdImageInspect(ios, nil), newCmdImageSBOM(ios, nil))
	return cmd
}

// ImageFlags name the image and how to read it; shared by the image verbs.
type ImageFlags struct {
	Source   image.Source
	NoCache  bool
	CacheDir string
	Parallel int
}

func (f *ImageFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.Source.Archive, "archive", "", "read a `docker save` tar file")
	fl.StringVar(&f.Source.OCI, "oci", "", "read an OCI image layout directory or a tar file of one")
	fl.StringVar(&f.Source.Rootfs, "rootfs", "", "read an unpacked root file system directory")
	fl.StringVar(&f.Source.Platform, "platform", "", "pick an image of a multi-platform index, e.g. linux/arm64 (default linux/<this machine>)")
	fl.BoolVar(&f.Source.Insecure, "insecure-registry", false, "allow plain HTTP to the registry (loopback test registries)")
	fl.BoolVar(&f.NoCache, "no-cache", false, "do not read or write the layer cache")
	fl.StringVar(&f.CacheDir, "cache-dir", "", "layer cache directory (default: <user cache dir>/palisade)")
	fl.IntVar(&f.Parallel, "parallel", 0, "layers read at once (default: CPUs, at most 4)")
}

func (f *ImageFlags) setRef(args []string) error {
	if len(args) == 1 {
		f.Source.Ref = args[0]
	}
	if err := f.Source.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	return nil
}

// assess opens and judges the image.
func (f *ImageFlags) assess(ctx context.Context, ios *IO) (*assess.Assessment, error) {
	if ios.ErrTTY {
		fmt.Fprintf(ios.Err, "reading %s...\n", f.Source.Name())
	}
	a, err := scan.AssessImage(ctx, f.Source, scan.ImageOptions{CacheDir: f.CacheDir, NoCache: f.NoCache, Parallel: f.Parallel})
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	return a, nil
}

// ImageScanOptions are the inputs of `palisade image scan`.
type ImageScanOptions struct {
	IO *IO
	ImageFlags
	ReportFlags
	Vuln VulnFlags
}

func newCmdImageScan(ios *IO, runF func(*ImageScanOptions) error) *cobra.Command {
	opts := &ImageScanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan [REF]",
		Short: "Judge an image: secrets in every layer (deleted ones too), config, hostile layers, minimal OS",
		Example: `  palisade image scan registry.example.com/app:1.4
  palisade image scan --archive app.tar --fail-on high
  palisade image scan --oci ./layout --format sarif --output image.sarif`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.setRef(args); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return imageScanRun(cmd.Context(), opts)
		},
	}
	opts.ImageFlags.register(cmd)
	opts.ReportFlags.register(cmd)
	opts.Vuln.register(cmd)
	return cmd
}

func imageScanRun(ctx context.Context, opts *ImageScanOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	p, err := opts.prepare(".")
	if err != nil {
		return err
	}
	a, err := opts.assess(ctx, opts.IO)
	if err != nil {
		return err
	}
	vr, err := opts.Vuln.scanVulns(opts.IO, a, p.scanOpts.Policy.Config())
	if err != nil {
		return err
	}
	return opts.emit(opts.IO, p, buildImageReport(a, vr, p.scanOpts))
}

// buildImageReport folds an assessment and its vulnerability matches into
// a report with the configuration applied; optional rules run only when
// enabled.
func buildImageReport(a *assess.Assessment, vr *VulnResult, so scan.Options) *report.Report {
	results := scan.ImageResult(a, &so)
	if vr != nil {
		results = append(results, scan.Result{Findings: scan.Enabled(vr.Findings, &so), Suppressed: vr.Suppressed})
		for i := range vr.Errors {
			results = append(results, scan.Result{Err: &vr.Errors[i]})
		}
	}
	return scan.Assemble(results, so)
}

// ImageInspectOptions are the inputs of `palisade image inspect`.
type ImageInspectOptions struct {
	IO *IO
	ImageFlags
	Format string
	Output string
}

func newCmdImageInspect(ios *IO, runF func(*ImageInspectOptions) error) *cobra.Command {
	opts := &ImageInspectOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "inspect [REF]",
		Short: "List what is inside an image: OS, layers, every package (rpm -qa / dpkg -l without running it)",
		Example: `  palisade image inspect debian:bookworm
  palisade image inspect --archive app.tar --format json`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.setRef(args); err != nil {
				return err
			}
			if opts.Format != "table" && opts.Format != "json" {
				return usageErrorf("--format %q: use table or json", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return imageInspectRun(cmd.Context(), opts)
		},
	}
	opts.ImageFlags.register(cmd)
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table or json")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

// InspectResult is the JSON shape of `palisade image inspect`.
type InspectResult struct {
	Image     string               `json:"image"`
	OS        inventory.OS         `json:"os"`
	MinimalOS assess.MinimalOS     `json:"minimalOS"`
	Layers    []InspectLayer       `json:"layers"`
	Packages  []inventory.Package  `json:"packages"`
	Secrets   []assess.LayerSecret `json:"secrets,omitempty"`
	Errors    []report.Error       `json:"errors,omitempty"`
}

// InspectLayer is one layer in the inspect listing.
type InspectLayer struct {
	Index     int    `json:"index"`
	DiffID    string `json:"diffId"`
	Size      int64  `json:"size"`
	Files     int    `json:"files"`
	CreatedBy string `json:"createdBy,omitempty"`
	Packages  int    `json:"packages"`
}

func inspectResult(a *assess.Assessment) *InspectResult {
	r := &InspectResult{Image: a.Name, OS: a.Inventory.OS, MinimalOS: a.Minimal, Packages: a.Inventory.Packages, Secrets: a.Secrets, Errors: a.Errors}
	if r.Packages == nil {
		r.Packages = []inventory.Package{}
	}
	perLayer := map[int]int{}
	for _, p := range a.Inventory.Packages {
		perLayer[p.Layer]++
	}
	for _, l := range a.Contents.Layers {
		r.Layers = append(r.Layers, InspectLayer{Index: l.Index, DiffID: l.DiffID.String(), Size: l.Size, Files: len(l.Entries), CreatedBy: assess.RedactCommand(l.CreatedBy), Packages: perLayer[l.Index]})
	}
	for _, e := range a.Inventory.Errors {
		r.Errors = append(r.Errors, report.Error{Target: "/" + e.File, Message: e.Message})
	}
	return r
}

func imageInspectRun(ctx context.Context, opts *ImageInspectOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	a, err := opts.assess(ctx, opts.IO)
	if err != nil {
		return err
	}
	w, closeFn, err := openOutput(opts.IO, opts.Output)
	if err != nil {
		return err
	}
	res := inspectResult(a)
	if opts.Format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(res)
	} else {
		err = writeInspectTable(w, res)
	}
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	return err
}

func writeInspectTable(w io.Writer, r *InspectResult) error {
	m := r.MinimalOS
	fmt.Fprintf(w, "Image:    %s\nOS:       %s\nClass:    %s (%d OS packages, %d packages in all)\n", r.Image, r.OS, m.Class, m.OSPackages, len(r.Packages))
	yesNo := func(xs []string) string {
		if len(xs) == 0 {
			return "none"
		}
		return strings.Join(xs, ", ")
	}
	fmt.Fprintf(w, "Shells:   %s\nPackage managers: %s\nBuild tools: %s\nSetuid/setgid files: %d\nWorld-writable: %d\n\n",
		yesNo(m.Shells), yesNo(m.PackageManagers), yesNo(m.BuildTools), len(m.Setuid), len(m.WorldWritable))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LAYER\tDIFF ID\tSIZE\tFILES\tPACKAGES\tCREATED BY")
	for _, l := range r.Layers {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", l.Index, shortID(l.DiffID), humanSize(l.Size), l.Files, l.Packages, clipTo(strings.Join(strings.Fields(l.CreatedBy), " "), 70))
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tNAME\tVERSION\tSOURCE\tLAYER\tFILE")
	for _, p := range r.Packages {
		src := ""
		if p.SourceName != "" || p.SourceVersion != "" {
			n, v := p.Source()
			src = n + " " + v
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t/%s\n", p.Type, p.Name, p.Version, src, p.Layer, p.File)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Secrets) > 0 {
		fmt.Fprintf(w, "\n%d secret(s) in the layers; run `palisade image scan` for details.\n", len(r.Secrets))
	}
	for _, e := range r.Errors {
		fmt.Fprintf(w, "error: %s: %s\n", e.Target, e.Message)
	}
	return nil
}

func shortID(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[i+1 : i+13]
	}
	return d
}

func clipTo(s string, n int) string {
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// ImageSBOMOptions are the inputs of `palisade image sbom`.
type ImageSBOMOptions struct {
	IO *IO
	ImageFlags
	Format string
	Output string
	// Now fixes the document time (tests); zero means now.
	Now time.Time
}

func newCmdImageSBOM(ios *IO, runF func(*ImageSBOMOptions) error) *cobra.Command {
	opts := &ImageSBOMOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sbom [REF]",
		Short: "Write the image's software bill of materials: CycloneDX 1.6 or SPDX 2.3 JSON",
		Example: `  palisade image sbom --archive app.tar --format cyclonedx --output app.cdx.json
  palisade image sbom registry.example.com/app:1.4 --format spdx`,
		Args: argsUsage(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.setRef(args); err != nil {
				return err
			}
			if _, err := sbom.ParseFormat(opts.Format); err != nil {
				return &UsageError{Err: fmt.Errorf("--format: %w", err)}
			}
			if runF != nil {
				return runF(opts)
			}
			return imageSBOMRun(cmd.Context(), opts)
		},
	}
	opts.ImageFlags.register(cmd)
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "cyclonedx", "SBOM format: cyclonedx (1.6 JSON) or spdx (2.3 JSON)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

func imageSBOMRun(ctx context.Context, opts *ImageSBOMOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	format, err := sbom.ParseFormat(opts.Format)
	if err != nil {
		return &UsageError{Err: err}
	}
	a, err := opts.assess(ctx, opts.IO)
	if err != nil {
		return err
	}
	w, closeFn, err := openOutput(opts.IO, opts.Output)
	if err != nil {
		return err
	}
	subj := sbom.Subject{Name: a.Name, Tool: "palisade", ToolVersion: Version, Created: opts.Now}
	if a.Contents.ID.Hex != "" {
		subj.Digest = a.Contents.ID.String()
	}
	err = sbom.Write(w, format, subj, a.Inventory)
	if cerr := closeFn(); err == nil {
		err = cerr
	}
	for _, e := range a.Errors {
		fmt.Fprintf(opts.IO.Err, "palisade: warning: %s: %s\n", e.Target, e.Message)
	}
	return err
}
