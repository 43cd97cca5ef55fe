package dockerfile

import (
	"os"
	"testing"
)

// BenchmarkLintCorpus parses and lints every real Dockerfile of the
// corpus once per iteration; files/s is the figure the issue asks for.
func BenchmarkLintCorpus(b *testing.B) {
	paths := corpusFiles(b)
	data := make([][]byte, len(paths))
	var total int64
	for i, p := range paths {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		data[i] = d
		total += int64(len(d))
	}
	checks := Checks()
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for i, d := range data {
			f, err := Parse(paths[i], d)
			if err != nil {
				b.Fatal(err)
			}
			Lint(f, checks, Options{})
		}
	}
	b.ReportMetric(float64(len(data))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
