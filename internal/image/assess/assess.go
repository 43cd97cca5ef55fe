// Package assess judges a container image: it walks the image once with
// the inventory and secret analyzers, then runs pure checks over what the
// walk found (secrets in every layer, the image config, hostile layer
// entries, how minimal the OS is) and returns findings of the PAL-IMG and
// PAL-OS-2NN rules with the inventory.
package assess

import (
	"context"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
	"github.com/palisade-sec/palisade/internal/report"
)

// Controls are the controls an image assessment judges.
var Controls = []control.ID{control.ImageScanning, control.SecureImages, control.DockerfileLint, control.MinimalOS}

// Assessment is everything known about one image.
type Assessment struct {
	Name      string
	Contents  *image.Contents
	Inventory *inventory.Inventory
	Minimal   MinimalOS
	Secrets   []LayerSecret
	Findings  []finding.Finding
	// Errors are layers that could not be read fully and package
	// databases that could not be parsed; the rest was judged.
	Errors []report.Error
}

// Analyzers returns every analyzer an assessment needs.
func Analyzers() []image.Analyzer {
	return append(inventory.Analyzers(), SecretAnalyzer())
}

// Image walks img (named name in findings) and judges it. opts configure
// the walker (cache, parallelism, limits); the analyzers are added here.
func Image(ctx context.Context, name string, img v1.Image, opts ...image.Option) (*Assessment, error) {
	opts = append([]image.Option{image.WithAnalyzers(Analyzers()...)}, opts...)
	c, err := image.Walk(ctx, img, opts...)
	if err != nil {
		return nil, fmt.Errorf("reading image %s: %w", name, err)
	}
	return Judge(name, c), nil
}

// Judge runs every check over a walked image. It is pure.
func Judge(name string, c *image.Contents) *Assessment {
	a := &Assessment{Name: name, Contents: c, Inventory: inventory.FromContents(c)}
	a.Secrets = LayerSecrets(c)
	a.Minimal = AssessMinimalOS(c.View, a.Inventory)
	a.Findings = append(a.Findings, checkSecrets(name, a.Secrets)...)
	a.Findings = append(a.Findings, checkConfigSecrets(name, c.Config)...)
	a.Findings = append(a.Findings, checkConfig(name, c.Config)...)
	a.Findings = append(a.Findings, checkLayers(name, c)...)
	a.Findings = append(a.Findings, checkMinimalOS(name, a.Minimal, a.Inventory)...)
	for _, l := range c.Layers {
		if l.Err != "" {
			a.Errors = append(a.Errors, report.Error{Target: fmt.Sprintf("%s layer %d (%s)", name, l.Index, shortDigest(l.DiffID.String())), Message: l.Err})
		}
	}
	for _, e := range a.Inventory.Errors {
		f := NotAnalysed.New(fmt.Sprintf("layer %d: %s", e.Layer, e.Message))
		f.Target, f.Location.File = name, "/"+e.File
		a.Findings = append(a.Findings, f)
	}
	finding.Sort(a.Findings)
	return a
}
