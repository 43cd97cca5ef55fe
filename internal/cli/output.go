package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/imageref"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/ruleset"
	"github.com/palisade-sec/palisade/internal/scan"
)

// ReportFlags are shared by every command that produces a report.
type ReportFlags struct {
	Format string
	Output string
	FailOn string
	Config string
}

func (f *ReportFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.Format, "format", "f", "table", "output format: table, json, sarif, junit")
	cmd.Flags().StringVarP(&f.Output, "output", "o", "", "write the report to this file instead of stdout")
	cmd.Flags().StringVar(&f.FailOn, "fail-on", "", "exit 1 when a finding is at or above this severity: critical, high, medium, low, info, or none (default: failOn from the config, else none)")
	cmd.Flags().StringVar(&f.Config, "config", "", "configuration file (default: .palisade.yaml found upward from the target)")
}

// prepared is what a report command needs before it scans.
type prepared struct {
	format    report.Format
	threshold finding.Severity // 0: never fail
	scanOpts  scan.Options
}

// prepare validates the flags and loads the configuration for target.
func (f *ReportFlags) prepare(target string) (*prepared, error) {
	format, err := report.ParseFormat(f.Format)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	cfg, err := config.Discover(f.Config, target)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	if _, err := imageref.Compile(cfg.Images); err != nil {
		return nil, usageErrorf("%s: %w", configName(cfg), err)
	}
	reg := ruleset.All()
	pol, err := cfg.Resolve(reg)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	failOn := f.FailOn
	if failOn == "" {
		failOn = cfg.FailOn
	}
	var threshold finding.Severity
	if failOn != "" && failOn != "none" {
		threshold, err = finding.ParseSeverity(failOn)
		if err != nil {
			return nil, usageErrorf("--fail-on: %w", err)
		}
	}
	return &prepared{
		format:    format,
		threshold: threshold,
		scanOpts: scan.Options{
			Policy:   pol,
			Registry: reg,
			Tool:     report.Tool{Name: "palisade", Version: Version, URI: "https://github.com/palisade-sec/palisade"},
			Now:      time.Now(),
		},
	}, nil
}

func configName(cfg *config.Config) string {
	if cfg.Path == "" {
		return "configuration"
	}
	return cfg.Path
}

// emit writes the report and turns the threshold into an exit code.
func (f *ReportFlags) emit(ios *IO, p *prepared, rep *report.Report) error {
	color := f.Output == "" && ios.OutTTY && os.Getenv("NO_COLOR") == ""
	w, closeOut, err := openOutput(ios, f.Output)
	if err != nil {
		return err
	}
	if err := report.Write(w, rep, p.format, report.Options{Color: color}); err != nil {
		closeOut()
		return fmt.Errorf("writing the report: %w", err)
	}
	if err := closeOut(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	if len(rep.Targets) == 0 && len(rep.Errors) > 0 {
		// Nothing could be judged: that must not look like a clean result.
		return usageErrorf("no target could be read (%d error(s) in the report)", len(rep.Errors))
	}
	if p.threshold == 0 {
		return nil
	}
	n := 0
	for _, fd := range rep.Findings {
		if fd.Severity >= p.threshold {
			n++
		}
	}
	if n > 0 {
		return &FindingsError{Threshold: p.threshold.String(), Count: n}
	}
	return nil
}

// openOutput returns where a command writes: the file named by --output
// (its directory created), or standard output.
func openOutput(ios *IO, path string) (io.Writer, func() error, error) {
	if path == "" {
		return ios.Out, func() error { return nil }, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, usageErrorf("cannot create the output directory: %w", err)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, usageErrorf("cannot write the output: %w", err)
	}
	return f, f.Close, nil
}
