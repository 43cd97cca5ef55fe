package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image/assess"
	"github.com/palisade-sec/palisade/internal/registrywatch"
	"github.com/palisade-sec/palisade/internal/report"
	"github.com/palisade-sec/palisade/internal/vuln"
	"github.com/palisade-sec/palisade/internal/vuln/feed"
	"github.com/palisade-sec/palisade/internal/vuln/store"
	"github.com/palisade-sec/palisade/internal/vuln/vex"
)

// vulnCommands are the vulnerability-database and registry commands.
func vulnCommands(ios *IO) []*cobra.Command {
	return []*cobra.Command{newCmdDB(ios), newCmdRegistry(ios)}
}

// DBFlags locate the vulnerability database.
type DBFlags struct {
	DBDir string
}

func (f *DBFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.DBDir, "db-dir", "", "vulnerability database directory (default: $PALISADE_DB_DIR, else <user cache dir>/palisade/vuln)")
}

func (f *DBFlags) dir() (string, error) {
	if f.DBDir != "" {
		return f.DBDir, nil
	}
	if d := os.Getenv("PALISADE_DB_DIR"); d != "" {
		return d, nil
	}
	d, err := store.DefaultDir()
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return d, nil
}

func newCmdDB(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the local vulnerability database (OSV): update, import, status",
		Long: `palisade matches packages against a local copy of the OSV database
(osv.dev: the Go vulnerability database, PyPA, GitHub advisories and the
Debian, Ubuntu, Alpine, Red Hat, Rocky, Alma, Wolfi and Chainguard feeds).
Scans never touch the network; "db update" downloads, "db import" loads
files for air-gapped machines. Each update builds a new database beside
the old one and swaps it in, so an interrupted update changes nothing.`,
	}
	cmd.AddCommand(newCmdDBUpdate(ios, nil), newCmdDBImport(ios, nil), newCmdDBStatus(ios, nil))
	return cmd
}

// DBUpdateOptions are the inputs of `palisade db update`.
type DBUpdateOptions struct {
	IO *IO
	DBFlags
	// Config is the configuration file (default: .palisade.yaml found
	// upward from the working directory); its vuln section gives the
	// default ecosystems and mirror.
	Config     string
	Ecosystems []string
	BaseURL    string
	StateDir   string
	Now        func() time.Time
}

func newCmdDBUpdate(ios *IO, runF func(*DBUpdateOptions) error) *cobra.Command {
	opts := &DBUpdateOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the OSV data of the ecosystems you need",
		Long: `Download <base-url>/<ecosystem>/all.zip for each ecosystem and rebuild
those ecosystems in the local database. Ecosystems whose data has not
changed (modified_id.csv, or the archive's ETag) are not downloaded again.

Which ecosystems: --ecosystem when given; else vuln.ecosystems of
.palisade.yaml; else those already in the
database; else those the inventories stored by "registry watch" need;
else all of: ` + strings.Join(feed.Ecosystems, ", ") + `.`,
		Example: `  palisade db update
  palisade db update --ecosystem Debian --ecosystem Go --ecosystem PyPI
  palisade db update --base-url https://osv-mirror.example.com`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return dbUpdateRun(cmd.Context(), opts)
		},
	}
	opts.DBFlags.register(cmd)
	cmd.Flags().StringSliceVarP(&opts.Ecosystems, "ecosystem", "e", nil, "ecosystem to update, as osv.dev names it (Debian, Ubuntu, Alpine, Red Hat, Go, PyPI, npm, Maven, ...); repeatable")
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "OSV mirror holding <ecosystem>/all.zip (default: $PALISADE_OSV_URL, else "+feed.DefaultBaseURL+")")
	cmd.Flags().StringVar(&opts.Config, "config", "", "configuration file whose vuln.ecosystems and vuln.baseURL are the defaults (default: .palisade.yaml found upward)")
	cmd.Flags().StringVar(&opts.StateDir, "state-dir", "", "registry watch state directory whose inventories decide the default ecosystems")
	return cmd
}

func dbUpdateRun(ctx context.Context, opts *DBUpdateOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := opts.dir()
	if err != nil {
		return err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	cfg, err := config.Discover(opts.Config, ".")
	if err != nil {
		return &UsageError{Err: err}
	}
	base := opts.BaseURL
	if base == "" {
		base = os.Getenv("PALISADE_OSV_URL")
	}
	if base == "" {
		base = cfg.Vuln.BaseURL
	}
	if base == "" {
		base = feed.DefaultBaseURL
	}
	ecos := opts.Ecosystems
	if len(ecos) == 0 {
		ecos = cfg.Vuln.Ecosystems
	}
	if len(ecos) == 0 {
		ecos = defaultEcosystems(dir, opts.StateDir)
	}
	c := &feed.Client{BaseURL: base}
	if opts.IO.ErrTTY {
		c.Progress = func(eco string, done, total int64) {
			if total > 0 {
				fmt.Fprintf(opts.IO.Err, "\rdownloading %-12s %s / %s ", eco, humanSize(done), humanSize(total))
			} else {
				fmt.Fprintf(opts.IO.Err, "\rdownloading %-12s %s ", eco, humanSize(done))
			}
			if done == total {
				fmt.Fprintln(opts.IO.Err)
			}
		}
	}
	res, err := feed.Update(ctx, dir, ecos, c, now())
	if err != nil {
		return fmt.Errorf("updating the vulnerability database: %w", err)
	}
	if len(res.Fetched) == 0 {
		fmt.Fprintf(opts.IO.Out, "vulnerability database up to date (%s)\n", strings.Join(res.Current, ", "))
	} else {
		fmt.Fprintf(opts.IO.Out, "updated %s: %d records added, %d updated", strings.Join(res.Fetched, ", "), res.Added, res.Updated)
		if len(res.Current) > 0 {
			fmt.Fprintf(opts.IO.Out, "; unchanged: %s", strings.Join(res.Current, ", "))
		}
		fmt.Fprintln(opts.IO.Out)
	}
	if err := res.Errors.Err(); err != nil {
		fmt.Fprintf(opts.IO.Err, "palisade: warning: %v\n", err)
	}
	return nil
}

// defaultEcosystems: those already in the database, else those the
// stored registry inventories need, else all.
func defaultEcosystems(dbDir, stateDir string) []string {
	if s, err := store.Open(dbDir); err == nil {
		var out []string
		for _, e := range s.Info().Ecosystems {
			out = append(out, e.Name)
		}
		s.Close()
		if len(out) > 0 {
			return out
		}
	}
	if stateDir == "" {
		stateDir, _ = registrywatch.DefaultStateDir()
	}
	if stateDir != "" {
		if ecos, err := registrywatch.NeededEcosystems(stateDir); err == nil && len(ecos) > 0 {
			return ecos
		}
	}
	return feed.Ecosystems
}

// DBImportOptions are the inputs of `palisade db import`.
type DBImportOptions struct {
	IO *IO
	DBFlags
	Paths []string
	Now   func() time.Time
}

func newCmdDBImport(ios *IO, runF func(*DBImportOptions) error) *cobra.Command {
	opts := &DBImportOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Load OSV records from zips, directories or JSON files (offline)",
		Long: `Load OSV records from files: an ecosystem's all.zip as osv.dev serves
it, a directory searched recursively for *.json and *.zip, or single
JSON records. For each record the version with the newest "modified"
time is kept. Malformed records are counted and reported; the rest load.`,
		Example: `  palisade db import Debian-all.zip PyPI-all.zip
  palisade db import ./advisories/`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return dbImportRun(cmd.Context(), opts)
		},
	}
	opts.DBFlags.register(cmd)
	return cmd
}

func dbImportRun(ctx context.Context, opts *DBImportOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := opts.dir()
	if err != nil {
		return err
	}
	for _, p := range opts.Paths {
		if _, err := os.Stat(p); err != nil {
			return usageErrorf("cannot import %s: %w", p, err)
		}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	var progress func(int)
	if opts.IO.ErrTTY {
		progress = func(n int) { fmt.Fprintf(opts.IO.Err, "\rimporting: %d records read ", n) }
	}
	res, err := feed.Import(ctx, dir, opts.Paths, now(), progress)
	if progress != nil {
		fmt.Fprintln(opts.IO.Err)
	}
	if err != nil {
		return fmt.Errorf("importing: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "imported %d new and %d updated records (%d unchanged, %d without a known package) into %s\n",
		res.Added, res.Updated, res.Unchanged, res.Skipped, strings.Join(res.Ecosystems, ", "))
	if err := res.Errors.Err(); err != nil {
		if res.Added+res.Updated+res.Unchanged == 0 {
			return usageErrorf("nothing imported: %v", err)
		}
		fmt.Fprintf(opts.IO.Err, "palisade: warning: %v\n", err)
	}
	return nil
}

// DBStatusOptions are the inputs of `palisade db status`.
type DBStatusOptions struct {
	IO *IO
	DBFlags
	Format string
	Now    func() time.Time
}

func newCmdDBStatus(ios *IO, runF func(*DBStatusOptions) error) *cobra.Command {
	opts := &DBStatusOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the database's ecosystems, record counts, newest record and age",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format != "table" && opts.Format != "json" {
				return usageErrorf("--format %q: use table or json", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return dbStatusRun(opts)
		},
	}
	opts.DBFlags.register(cmd)
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "table", "output format: table or json")
	return cmd
}

// DBStatus is the JSON shape of `palisade db status`.
type DBStatus struct {
	store.Info
	Records    int       `json:"records"`
	Newest     time.Time `json:"newest"`
	AgeSeconds int64     `json:"ageSeconds"`
	Stale      bool      `json:"stale"`
}

func dbStatusRun(opts *DBStatusOptions) error {
	dir, err := opts.dir()
	if err != nil {
		return err
	}
	s, err := store.Open(dir)
	if err != nil {
		return &UsageError{Err: err}
	}
	info := s.Info()
	s.Close()
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	age := now.Sub(info.Built)
	st := DBStatus{Info: info, Records: info.Records(), Newest: info.Newest(), AgeSeconds: int64(age.Seconds()), Stale: age > vuln.StaleAfter}
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "Database: %s\nUpdated:  %s (%s ago)\nRecords:  %d\nNewest:   %s\n\n", info.Path, info.Built.UTC().Format(time.RFC3339), vuln.HumanAge(age), st.Records, st.Newest.UTC().Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ECOSYSTEM\tRECORDS\tNEWEST MODIFIED\tUPDATED\tSOURCE")
	for _, e := range info.Ecosystems {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", e.Name, e.Records, e.Newest.UTC().Format(time.RFC3339), e.Updated.UTC().Format(time.RFC3339), e.Source)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if st.Stale {
		fmt.Fprintf(w, "\nThe data is %s old: run `palisade db update`.\n", vuln.HumanAge(age))
	}
	return nil
}

// VulnFlags are the vulnerability options of `palisade image scan`.
type VulnFlags struct {
	DBFlags
	// Skip turns vulnerability matching off.
	Skip bool
	// MaxDBAge fails the scan when the database is older (0: warn only).
	MaxDBAge      time.Duration
	IgnoreUnfixed bool
	VEX           []string
	// BaseLayers is the number of layers that belong to the base image.
	BaseLayers int
	Now        func() time.Time
}

func (f *VulnFlags) register(cmd *cobra.Command) {
	f.DBFlags.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&f.Skip, "skip-vulns", false, "do not match packages against the vulnerability database")
	fl.DurationVar(&f.MaxDBAge, "max-db-age", 0, "fail when the vulnerability database is older than this (e.g. 24h); by default old data only warns")
	fl.BoolVar(&f.IgnoreUnfixed, "ignore-unfixed", false, "do not report vulnerabilities that have no fixed version yet")
	fl.StringArrayVar(&f.VEX, "vex", nil, "OpenVEX document whose not_affected and fixed statements suppress findings (repeatable)")
	fl.IntVar(&f.BaseLayers, "base-layers", 1, "number of leading layers that come from the base image (their fix hint is to upgrade the base image)")
}

// VulnResult is what vulnerability matching adds to an image report.
type VulnResult struct {
	Findings   []finding.Finding
	Suppressed []report.Suppressed
	Errors     []report.Error
}

// scanVulns matches an assessed image's inventory against the local
// database. cfg supplies the ignores that name vulnerability IDs. A
// missing database is an error entry in the report, not a failed scan;
// --max-db-age exceeded is a usage error.
func (f *VulnFlags) scanVulns(ios *IO, a *assess.Assessment, cfg *config.Config) (*VulnResult, error) {
	res := &VulnResult{}
	if f.Skip {
		return res, nil
	}
	var docs []*vex.Document
	for _, p := range f.VEX {
		d, err := vex.Load(p)
		if err != nil {
			return nil, usageErrorf("--vex: %w", err)
		}
		docs = append(docs, d)
	}
	dir, err := f.dir()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if f.Now != nil {
		now = f.Now()
	}
	s, warning, err := vuln.OpenDB(dir, f.MaxDBAge, now)
	switch {
	case errors.Is(err, store.ErrNoDatabase):
		res.Errors = append(res.Errors, report.Error{Target: a.Name, Message: "vulnerabilities not checked: " + err.Error()})
		return res, nil
	case err != nil:
		return nil, &UsageError{Err: err}
	}
	defer s.Close()
	if warning != "" {
		fmt.Fprintf(ios.Err, "palisade: warning: %s\n", warning)
	}
	opts := vuln.Options{
		Target: a.Name, BaseLayers: f.BaseLayers, IgnoreUnfixed: f.IgnoreUnfixed, VEX: docs, Now: now,
		Product: imageProduct(a),
	}
	if cfg != nil {
		opts.Ignores, opts.IgnoreSource = cfg.Ignores, cfg.Path
	}
	out, err := vuln.Scan(s, a.Inventory, opts)
	if err != nil {
		return nil, err
	}
	res.Findings, res.Suppressed, res.Errors = out.Findings, out.Suppressed, append(res.Errors, out.Errors...)
	return res, nil
}

// imageProduct lists the identifiers VEX statements may name the image
// by: its reference, its image ID and a pkg:oci purl of it.
func imageProduct(a *assess.Assessment) []string {
	ids := []string{a.Name}
	if a.Contents != nil && a.Contents.ID.Hex != "" {
		d := a.Contents.ID.String()
		repo := a.Name
		if i := strings.IndexAny(repo, "@"); i >= 0 {
			ids = append(ids, repo[i+1:])
			repo = repo[:i]
		}
		if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
			repo = repo[:i]
		}
		ids = append(ids, d, "pkg:oci/"+path.Base(repo)+"@"+d)
	}
	return slices.Compact(ids)
}

func newCmdRegistry(ios *IO) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Watch a registry: rescan every stored image as the vulnerability data changes",
	}
	cmd.AddCommand(newCmdRegistryWatch(ios, nil))
	return cmd
}

// RegistryWatchOptions are the inputs of `palisade registry watch`.
type RegistryWatchOptions struct {
	IO *IO
	DBFlags
	Target   string
	Once     bool
	Interval time.Duration
	Webhook  string
	StateDir string
	Insecure bool
	Update   bool
	BaseURL  string
}

func newCmdRegistryWatch(ios *IO, runF func(*RegistryWatchOptions) error) *cobra.Command {
	opts := &RegistryWatchOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "watch REGISTRY[/REPO]",
		Short: "Passively rescan the images of a registry as the vulnerability database changes",
		Long: `List the repositories (catalog API) and tags of a registry, record each
image's inventory once per digest in a local store (the package list,
not the image), and match every stored inventory against the local
vulnerability database whenever the database changes, without pulling
images again. Findings not reported before are written to stdout as
JSON lines and, with --webhook, POSTed as one JSON document per pass.

--once does one pass and exits; otherwise it polls every --interval.
With --update each pass first runs "db update" for the ecosystems the
stored inventories need.`,
		Example: `  palisade registry watch registry.example.com --once
  palisade registry watch registry.example.com/team/app --interval 1h --webhook https://hooks.example.com/palisade`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			if !opts.Once && opts.Interval <= 0 {
				return usageErrorf("--interval must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return registryWatchRun(cmd.Context(), opts)
		},
	}
	opts.DBFlags.register(cmd)
	fl := cmd.Flags()
	fl.BoolVar(&opts.Once, "once", false, "do one pass and exit")
	fl.DurationVar(&opts.Interval, "interval", time.Hour, "time between passes")
	fl.StringVar(&opts.Webhook, "webhook", "", "POST new findings of each pass to this URL as JSON")
	fl.StringVar(&opts.StateDir, "state-dir", "", "where inventories and reported findings are kept (default: <user cache dir>/palisade/registry)")
	fl.BoolVar(&opts.Insecure, "insecure-registry", false, "allow plain HTTP to the registry")
	fl.BoolVar(&opts.Update, "update", false, "run `db update` for the needed ecosystems before each pass")
	fl.StringVar(&opts.BaseURL, "base-url", "", "OSV mirror for --update (default: $PALISADE_OSV_URL, else "+feed.DefaultBaseURL+")")
	return cmd
}

func registryWatchRun(ctx context.Context, opts *RegistryWatchOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	dir, err := opts.dir()
	if err != nil {
		return err
	}
	state := opts.StateDir
	if state == "" {
		if state, err = registrywatch.DefaultStateDir(); err != nil {
			return &UsageError{Err: err}
		}
	}
	wopts := registrywatch.Options{
		Target: opts.Target, Insecure: opts.Insecure, StateDir: state, DBDir: dir,
		Webhook: opts.Webhook, Out: opts.IO.Out, Warn: opts.IO.Err,
	}
	if opts.Update {
		base := opts.BaseURL
		if base == "" {
			base = os.Getenv("PALISADE_OSV_URL")
		}
		if base == "" {
			base = feed.DefaultBaseURL
		}
		wopts.Update = func(ctx context.Context, ecosystems []string) error {
			_, err := feed.Update(ctx, dir, ecosystems, &feed.Client{BaseURL: base}, time.Now())
			return err
		}
	}
	w, err := registrywatch.New(wopts)
	if err != nil {
		return &UsageError{Err: err}
	}
	defer w.Close()
	if opts.Once {
		_, err := w.Pass(ctx)
		return err
	}
	return w.Run(ctx, opts.Interval)
}
