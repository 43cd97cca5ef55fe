package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/kube"
)

// Unit is one deployable thing found under a path: a set of manifest
// files (judged together, so a policy in one file covers the pods of
// another), a Helm chart, or a Kustomize directory.
type Unit struct {
	Kind kube.SourceKind
	// Path is the chart or kustomization directory; for FromFile, the
	// root that was walked.
	Path string
	// Files are the manifest files of a FromFile unit.
	Files []string
}

// KustomizationFiles are the names kustomize recognises.
var KustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// skipDirs are never descended into: dependencies and VCS data.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true, ".terraform": true}

// sniffSize is how much of a YAML file is read to tell whether it is a
// Kubernetes manifest.
const sniffSize = 64 << 10

// IsChartDir reports whether dir holds a Helm chart (a Chart.yaml).
func IsChartDir(dir string) bool { return isFile(filepath.Join(dir, "Chart.yaml")) }

// IsKustomizeDir reports whether dir holds a kustomization file.
func IsKustomizeDir(dir string) bool {
	for _, n := range KustomizationFiles {
		if isFile(filepath.Join(dir, n)) {
			return true
		}
	}
	return false
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// IsManifestName reports whether a file name may hold manifests.
func IsManifestName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

var (
	yamlAPIVersion = regexp.MustCompile(`(?m)^["']?apiVersion["']?\s*:`)
	yamlKind       = regexp.MustCompile(`(?m)^["']?kind["']?\s*:`)
	jsonAPIVersion = regexp.MustCompile(`"apiVersion"\s*:`)
	jsonKind       = regexp.MustCompile(`"kind"\s*:`)
)

// LooksLikeManifest reports whether the start of a file has the
// top-level apiVersion and kind of a Kubernetes object. It is a cheap
// filter for directory walks: Parse decides for real.
func LooksLikeManifest(head []byte) bool {
	if t := bytes.TrimLeft(head, " \t\r\n\ufeff"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return jsonAPIVersion.Match(head) && jsonKind.Match(head)
	}
	return yamlAPIVersion.Match(head) && yamlKind.Match(head)
}

// Discover walks root and returns its units: every directory with a
// Chart.yaml is a chart and every directory with a kustomization file a
// Kustomize unit (their subtrees belong to them and are not walked
// further); every other YAML or JSON file that looks like a manifest
// joins one file unit. A root that is a file is one file unit. Errors
// are unreadable directories and files; they never stop the walk.
func Discover(root string) ([]Unit, []kube.LoadError, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", root, err)
	}
	if !fi.IsDir() {
		// A file is a manifest by its name (.yaml, .yml, .json) or by
		// its content; anything else (a Dockerfile) holds no objects.
		if !IsManifestName(root) {
			head, err := readHead(root, sniffSize)
			if err != nil {
				return nil, []kube.LoadError{{Source: kube.Source{Kind: kube.FromFile, Root: root, File: root}, Message: err.Error()}}, nil
			}
			if !LooksLikeManifest(head) {
				return nil, nil, nil
			}
		}
		return []Unit{{Kind: kube.FromFile, Path: root, Files: []string{root}}}, nil, nil
	}
	var units []Unit
	var errs []kube.LoadError
	files := Unit{Kind: kube.FromFile, Path: root}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, kube.LoadError{Source: kube.Source{Kind: kube.FromFile, Root: root, File: p}, Message: fmt.Sprintf("cannot read: %v", err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && skipDirs[d.Name()] {
				return fs.SkipDir
			}
			switch {
			case IsChartDir(p):
				units = append(units, Unit{Kind: kube.FromHelm, Path: p})
				return fs.SkipDir
			case IsKustomizeDir(p):
				units = append(units, Unit{Kind: kube.FromKustomize, Path: p})
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !IsManifestName(d.Name()) {
			return nil
		}
		head, err := readHead(p, sniffSize)
		if err != nil {
			errs = append(errs, kube.LoadError{Source: kube.Source{Kind: kube.FromFile, Root: root, File: p}, Message: err.Error()})
			return nil
		}
		if LooksLikeManifest(head) {
			files.Files = append(files.Files, p)
		}
		return nil
	})
	if len(files.Files) > 0 {
		units = append([]Unit{files}, units...)
	}
	return units, errs, err
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	return b, nil
}

// ReadFile reads a manifest file, refusing files over MaxFileSize.
func ReadFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is larger than %d MiB: split it, or leave it out of the scan", MaxFileSize>>20)
	}
	return data, nil
}

// Files loads manifest files into one snapshot named name.
func Files(name string, paths []string) *kube.Snapshot {
	s := &kube.Snapshot{Name: name, Kind: kube.FromFile}
	for _, p := range paths {
		src := kube.Source{Kind: kube.FromFile, Root: name, File: filepath.ToSlash(p)}
		data, err := ReadFile(p)
		if err != nil {
			s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: err.Error()})
			continue
		}
		objs, errs := Parse(data, src)
		s.Add(objs...)
		s.Errors = append(s.Errors, errs...)
	}
	return s
}

// Bytes loads manifests from memory (standard input), named name.
func Bytes(name string, data []byte) *kube.Snapshot {
	s := &kube.Snapshot{Name: name, Kind: kube.FromFile}
	src := kube.Source{Kind: kube.FromFile, Root: name, File: name}
	if len(data) > MaxFileSize {
		s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: fmt.Sprintf("input is larger than %d MiB", MaxFileSize>>20)})
		return s
	}
	objs, errs := Parse(data, src)
	s.Add(objs...)
	s.Errors = append(s.Errors, errs...)
	return s
}

// Options configure how charts and kustomizations are rendered.
type Options struct {
	Helm HelmOptions
}

// Load loads one unit.
func Load(u Unit, opts Options) *kube.Snapshot {
	switch u.Kind {
	case kube.FromHelm:
		return Chart(u.Path, opts.Helm)
	case kube.FromKustomize:
		return Kustomize(u.Path)
	default:
		return Files(filepath.ToSlash(u.Path), u.Files)
	}
}

// Path loads everything under root: it discovers the units and loads
// each one into its own snapshot. A root that is a chart or a
// kustomization is loaded as one.
func Path(root string, opts Options) ([]*kube.Snapshot, error) {
	if IsChartDir(root) {
		return []*kube.Snapshot{Chart(root, opts.Helm)}, nil
	}
	if IsKustomizeDir(root) {
		return []*kube.Snapshot{Kustomize(root)}, nil
	}
	if strings.HasSuffix(root, ".tgz") && isFile(root) {
		return []*kube.Snapshot{Chart(root, opts.Helm)}, nil
	}
	units, errs, err := Discover(root)
	if err != nil && len(units) == 0 {
		return nil, err
	}
	var out []*kube.Snapshot
	for _, u := range units {
		out = append(out, Load(u, opts))
	}
	if len(errs) > 0 {
		if len(out) == 0 || out[0].Kind != kube.FromFile {
			out = append([]*kube.Snapshot{{Name: filepath.ToSlash(root), Kind: kube.FromFile}}, out...)
		}
		out[0].Errors = append(out[0].Errors, errs...)
	}
	if err != nil {
		return out, errors.Join(err)
	}
	slices.SortStableFunc(out, func(a, b *kube.Snapshot) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
