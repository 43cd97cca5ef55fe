package inventory

import (
	"path"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/image"
)

// databases are the analyzers whose file is a whole package database,
// rewritten by each layer that installs a package: a package's layer is
// the earliest layer since which every version of the database lists it.
var databases = []string{AnalyzerDpkg, AnalyzerAPK, AnalyzerRPM}

// FromContents assembles the inventory of a walked image: the OS from the
// final os-release and friends, and the packages of every file the final
// file system still shows (a package database deleted or replaced by a
// later layer no longer counts), each with its layer.
func FromContents(c *image.Contents) *Inventory {
	inv := &Inventory{}
	osFiles := map[string][]byte{}
	for _, r := range c.ResultsOf(AnalyzerOS) {
		if c.View.Visible(r.Layer, r.Path) {
			osFiles[r.Path] = []byte(r.Value.(string))
		}
	}
	licenses := map[string][]string{} // dpkg package -> licenses
	for _, r := range c.ResultsOf(AnalyzerDpkgLic) {
		if c.View.Visible(r.Layer, r.Path) {
			licenses[path.Base(path.Dir(r.Path))] = r.Value.([]string)
		}
	}

	goLic := goLicenses(c)

	hasDB := false
	for _, a := range []string{AnalyzerDpkg, AnalyzerAPK, AnalyzerRPM, AnalyzerOS} {
		for _, r := range c.ResultsOf(a) {
			if c.View.Visible(r.Layer, r.Path) {
				hasDB = true
			}
		}
	}
	_, hasStatus := c.View.Lookup("var/lib/dpkg/status")
	statusD, hasStatusD := c.View.Lookup("var/lib/dpkg/status.d")
	inv.OS = DetectOS(osFiles, hasDB, !hasStatus && hasStatusD && statusD.Type == image.TypeDir)

	// Group results by analyzer and path, in layer order.
	type key struct{ analyzer, path string }
	byFile := map[key][]image.LayerResult{}
	var keys []key
	for _, l := range c.Layers {
		for _, r := range l.Results {
			if _, ok := r.Value.(FileResult); !ok {
				continue
			}
			k := key{r.Analyzer, r.Path}
			if byFile[k] == nil {
				keys = append(keys, k)
			}
			byFile[k] = append(byFile[k], image.LayerResult{Layer: l.Index, Result: r})
		}
	}
	for _, k := range keys {
		rs := byFile[k]
		final := rs[len(rs)-1]
		if !c.View.Visible(final.Layer, k.path) {
			continue
		}
		fr := final.Value.(FileResult)
		if fr.Err != "" {
			inv.Errors = append(inv.Errors, FileError{File: k.path, Layer: final.Layer, Message: fr.Err})
		}
		isDB := slices.Contains(databases, k.analyzer)
		for _, p := range fr.Packages {
			p.Layer = final.Layer
			if isDB {
				p.Layer = firstLayerWith(rs, p)
			}
			if p.File == "" {
				p.File = k.path
			}
			if p.Type == Deb && len(p.Licenses) == 0 {
				p.Licenses = licenses[p.Name]
			}
			if p.Type == Golang && len(p.Licenses) == 0 {
				p.Licenses = goPackageLicenses(&p, goLic)
			}
			if p.Layer >= 0 && p.Layer < len(c.Layers) {
				p.LayerDiffID = c.Layers[p.Layer].DiffID.String()
			}
			p.PURL = PURL(&p, inv.OS)
			inv.Packages = append(inv.Packages, p)
		}
	}
	Sort(inv.Packages)
	slices.SortFunc(inv.Errors, func(a, b FileError) int { return strings.Compare(a.File, b.File) })
	return inv
}

// firstLayerWith walks back from the final version of a database and
// returns the earliest layer from which every later version lists the
// same name, version and architecture.
func firstLayerWith(rs []image.LayerResult, p Package) int {
	layer := rs[len(rs)-1].Layer
	for i := len(rs) - 2; i >= 0; i-- {
		fr := rs[i].Value.(FileResult)
		if !slices.ContainsFunc(fr.Packages, func(q Package) bool {
			return q.Name == p.Name && q.Version == p.Version && q.Arch == p.Arch
		}) {
			break
		}
		layer = rs[i].Layer
	}
	return layer
}
