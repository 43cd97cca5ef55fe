package image

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

type nopAnalyzer struct{}

func (nopAnalyzer) Name() string                                { return "nop" }
func (nopAnalyzer) Version() int                                { return 1 }
func (nopAnalyzer) Decode([]byte) (any, error)                  { return nil, nil }
func (nopAnalyzer) Required(string, fs.FileInfo) bool           { return true }
func (nopAnalyzer) Analyze(context.Context, *File) (any, error) { return nil, nil }

// BenchmarkWalk measures the layer walk and merge of a 4-layer image of
// 4,000 files (16 MiB), every file buffered for an analyzer.
func BenchmarkWalk(b *testing.B) {
	var layers [][]byte
	for l := range 4 {
		var files []tf
		for i := range 1000 {
			files = append(files, tf{name: fmt.Sprintf("srv/l%d/d%d/f%d.txt", l, i%50, i), body: strings.Repeat("x", 4096)})
		}
		layers = append(layers, tarBytes(b, files...))
	}
	img := rawImage(b, layers...)
	var total int64
	for _, l := range layers {
		total += int64(len(l))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Walk(context.Background(), img, WithAnalyzers(nopAnalyzer{})); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWalkWarmCache measures a re-walk served from the layer cache.
func BenchmarkWalkWarmCache(b *testing.B) {
	var layers [][]byte
	for l := range 4 {
		var files []tf
		for i := range 1000 {
			files = append(files, tf{name: fmt.Sprintf("srv/l%d/f%d.txt", l, i), body: strings.Repeat("y", 4096)})
		}
		layers = append(layers, tarBytes(b, files...))
	}
	img := rawImage(b, layers...)
	cache, err := OpenCache(b.TempDir(), 0)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Walk(context.Background(), img, WithAnalyzers(nopAnalyzer{}), WithCache(cache)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := Walk(context.Background(), img, WithAnalyzers(nopAnalyzer{}), WithCache(cache))
		if err != nil || !c.Layers[0].Cached {
			b.Fatal("not served from the cache", err)
		}
	}
}
