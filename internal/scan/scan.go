// Package scan finds what to judge under a path and runs the matching
// checks on each target, collecting one report.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/palisade-sec/palisade/internal/config"
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/dockerfile"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/kube/load"
	"github.com/palisade-sec/palisade/internal/report"
)

// Kind is a kind of target.
type Kind string

const KindDockerfile Kind = "dockerfile"

// Input is one target: found on disk, or given as Data (standard input).
type Input struct {
	Path string
	Kind Kind
	// Data, when set, is the content; Path is then only a name.
	Data []byte
	// Image, when set, says how to read an image input; Path is then
	// only its name.
	Image *image.Source
}

// skipDirs are never descended into: they hold dependencies or VCS data,
// not the project's own build files.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true, ".terraform": true}

// IsDockerfile reports whether a file name is a Dockerfile by the usual
// conventions: Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*.
func IsDockerfile(name string) bool {
	lower := strings.ToLower(name)
	for _, skip := range []string{".dockerignore", ".md", ".txt", ".orig", ".rej", ".swp"} {
		if strings.HasSuffix(lower, skip) {
			return false
		}
	}
	switch {
	case lower == "dockerfile", lower == "containerfile":
		return true
	case strings.HasSuffix(lower, ".dockerfile"), strings.HasSuffix(lower, ".containerfile"):
		return true
	case strings.HasPrefix(lower, "dockerfile."), strings.HasPrefix(lower, "containerfile."):
		return true
	}
	return false
}

// Discover lists the targets under root: Dockerfiles, `docker save`
// archives (.tar files holding manifest.json) and OCI layouts. A root that
// is a file is taken as a Dockerfile whatever its name, unless it is an
// image archive. Unreadable directories become errors
// in the report, not a failed scan.
func Discover(root string) ([]Input, []report.Error, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot scan %s: %w", root, err)
	}
	if !fi.IsDir() {
		if load.IsManifestName(root) {
			// A single manifest is judged by Kubernetes (Options.Root).
			return nil, nil, nil
		}
		kind := KindDockerfile
		if isImageArchive(root) {
			kind = KindImage
		}
		return []Input{{Path: filepath.ToSlash(root), Kind: kind}}, nil, nil
	}
	if isOCILayout(root) {
		return []Input{{Path: filepath.ToSlash(root), Kind: KindImage}}, nil, nil
	}
	var inputs []Input
	var errs []report.Error
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, report.Error{Target: filepath.ToSlash(p), Message: fmt.Sprintf("cannot read: %v", err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			if isOCILayout(p) {
				inputs = append(inputs, Input{Path: filepath.ToSlash(p), Kind: KindImage})
				return fs.SkipDir
			}
			return nil
		}
		switch {
		case !d.Type().IsRegular():
		case IsDockerfile(d.Name()):
			inputs = append(inputs, Input{Path: filepath.ToSlash(p), Kind: KindDockerfile})
		case isImageArchive(p):
			inputs = append(inputs, Input{Path: filepath.ToSlash(p), Kind: KindImage})
		}
		return nil
	})
	return inputs, errs, err
}

// Options configure a run.
type Options struct {
	Policy   *config.Policy
	Registry *finding.Registry
	Tool     report.Tool
	Now      time.Time
	// Parallel bounds concurrent targets; 0 means GOMAXPROCS.
	Parallel int
	// Root, when set, is also searched for Kubernetes manifests, Helm
	// charts and Kustomize directories, which are judged as snapshots.
	Root string
	// Images says how image targets are read.
	Images ImageOptions
	// Context cancels long reads (registries, big archives); nil is
	// context.Background().
	Context context.Context
}

// Result is what one target contributes to a report: its findings, or
// the error that kept it from being judged.
type Result struct {
	Target     report.Target
	Findings   []finding.Finding
	Suppressed []report.Suppressed
	Err        *report.Error
	// Summary, when set, describes the target beyond its findings.
	Summary *report.Summary
}

// Run judges every input and builds the report; walkErrs (from
// Discover) are carried into it.
func Run(inputs []Input, walkErrs []report.Error, opts Options) *report.Report {
	n := opts.Parallel
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	perInput := make([][]Result, len(inputs))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			perInput[i] = runOne(in, &opts)
		}()
	}
	wg.Wait()
	var results []Result
	for _, rs := range perInput {
		results = append(results, rs...)
	}
	for i := range walkErrs {
		results = append(results, Result{Err: &walkErrs[i]})
	}
	if opts.Root != "" {
		results = append(results, Kubernetes(opts.Root, &opts)...)
	}
	return Assemble(results, opts)
}

// Assemble applies the configuration (disabled rules, severity overrides,
// ignores) to results and builds the report.
func Assemble(results []Result, opts Options) *report.Report {
	var targets []report.Target
	var fs []finding.Finding
	var sup []report.Suppressed
	var errs []report.Error
	var sums []report.Summary
	for _, r := range results {
		if r.Summary != nil {
			sums = append(sums, *r.Summary)
		}
		if r.Err != nil {
			errs = append(errs, *r.Err)
			continue
		}
		if r.Target.Name != "" {
			targets = append(targets, r.Target)
		}
		fs = append(fs, r.Findings...)
		sup = append(sup, r.Suppressed...)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	kept, cfgSup := opts.Policy.Apply(fs, now)
	sup = append(sup, cfgSup...)
	rep := report.Build(opts.Tool, targets, kept, sup, errs, opts.Registry.Get)
	slices.SortStableFunc(sums, func(a, b report.Summary) int { return strings.Compare(a.Target, b.Target) })
	rep.Summaries = sums
	return rep
}

func runOne(in Input, opts *Options) []Result {
	switch in.Kind {
	case KindImage:
		return runImage(in, opts)
	case KindDockerfile:
		data := in.Data
		if data == nil {
			var err error
			if data, err = readCapped(in.Path, dockerfile.MaxSize); err != nil {
				return []Result{{Err: &report.Error{Target: in.Path, Message: err.Error()}}}
			}
		}
		return []Result{LintDockerfile(in.Path, data, opts)}
	}
	return []Result{{Err: &report.Error{Target: in.Path, Message: fmt.Sprintf("unknown target kind %q", in.Kind)}}}
}

// LintDockerfile parses and lints one Dockerfile's content.
func LintDockerfile(path string, data []byte, opts *Options) Result {
	f, err := dockerfile.Parse(path, data)
	if err != nil {
		return Result{Err: &report.Error{Target: path, Message: err.Error() + "; pass only Dockerfiles to palisade, or rename the file so it is not taken for one"}}
	}
	res := dockerfile.Lint(f, dockerfile.Checks(), dockerfile.Options{Images: opts.Policy.Config().Images, Enabled: opts.Policy.Enabled})
	return Result{
		Target:     report.Target{Name: path, Kind: string(KindDockerfile), Controls: []control.ID{control.DockerfileLint, control.SecureImages}},
		Findings:   res.Findings,
		Suppressed: res.Suppressed,
	}
}

// readCapped reads a file, refusing ones larger than limit.
func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, errors.New("file is larger than " + fmt.Sprint(limit>>20) + " MiB: not a Dockerfile")
	}
	return data, nil
}
