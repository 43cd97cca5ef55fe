package scan

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/image/assess"
	"github.com/palisade-sec/palisade/internal/report"
)

// KindImage is a container image: a docker archive or an OCI layout
// found on disk, or a reference named with --image.
const KindImage Kind = "image"

// ImageOptions say how images are read.
type ImageOptions struct {
	// CacheDir holds the layer cache and scratch files; "" uses the user
	// cache directory.
	CacheDir string
	NoCache  bool
	// Parallel bounds the layers read at once; 0 is the walker's default.
	Parallel int
}

// walkOptions opens the layer cache. A cache that cannot be opened only
// costs speed, so it is logged, not fatal.
func (o ImageOptions) walkOptions() []image.Option {
	var opts []image.Option
	if o.Parallel > 0 {
		opts = append(opts, image.WithParallel(o.Parallel))
	}
	dir := o.CacheDir
	if dir == "" {
		var err error
		if dir, err = image.DefaultCacheDir(); err != nil {
			slog.Warn("no layer cache", "err", err)
			return opts
		}
	}
	cache, err := image.OpenCache(dir, 0)
	if err != nil {
		slog.Warn("no layer cache", "err", err)
		return opts
	}
	// The cache directory also holds scratch files of large layer files,
	// so it is opened even with NoCache.
	opts = append(opts, image.WithScratchDir(cache.ScratchDir()))
	if !o.NoCache {
		opts = append(opts, image.WithCache(cache))
	}
	return opts
}

// AssessImage opens and judges one image.
func AssessImage(ctx context.Context, src image.Source, o ImageOptions) (*assess.Assessment, error) {
	img, err := image.Open(ctx, src)
	if err != nil {
		return nil, err
	}
	return assess.Image(ctx, src.Name(), img, o.walkOptions()...)
}

// ImageResult folds an assessment into a result; rules that are off under
// the policy (optional ones not enabled, disabled ones) are dropped.
func ImageResult(a *assess.Assessment, opts *Options) []Result {
	results := []Result{{
		Target:   report.Target{Name: a.Name, Kind: string(KindImage), Controls: assess.Controls},
		Findings: Enabled(a.Findings, opts),
	}}
	for i := range a.Errors {
		results = append(results, Result{Err: &a.Errors[i]})
	}
	return results
}

// Enabled drops findings of rules that are off under the policy: optional
// rules not enabled, and disabled ones.
func Enabled(fs []finding.Finding, opts *Options) []finding.Finding {
	var kept []finding.Finding
	for _, f := range fs {
		if r, ok := opts.Registry.Get(f.RuleID); ok && opts.Policy != nil && !opts.Policy.Enabled(r) {
			continue
		}
		kept = append(kept, f)
	}
	return kept
}

func runImage(in Input, opts *Options) []Result {
	src := image.Source{Ref: in.Path}
	switch {
	case in.Image != nil:
		src = *in.Image
	case isOCILayout(in.Path):
		src = image.Source{OCI: in.Path}
	default:
		src = image.Source{Archive: in.Path}
	}
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	a, err := AssessImage(ctx, src, opts.Images)
	if err != nil {
		return []Result{{Err: &report.Error{Target: in.Path, Message: err.Error()}}}
	}
	return ImageResult(a, opts)
}

// isOCILayout reports whether dir is an OCI image layout.
func isOCILayout(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, "oci-layout"))
	return err == nil && fi.Mode().IsRegular()
}

// maxArchiveEntries bounds how many tar headers are read to decide
// whether a .tar file is an image archive.
const maxArchiveEntries = 10000

// isImageArchive reports whether a .tar file is a `docker save` archive
// or a tar of an OCI layout: it holds manifest.json or oci-layout at its
// top level. Only headers are read; file contents are skipped by seeking.
func isImageArchive(path string) bool {
	if !strings.HasSuffix(strings.ToLower(path), ".tar") {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for i := 0; i < maxArchiveEntries; i++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) || err != nil {
			return false
		}
		switch strings.TrimPrefix(h.Name, "./") {
		case "manifest.json", "oci-layout":
			return true
		}
	}
	return false
}
