package load

import (
	"fmt"
	"path/filepath"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/palisade-sec/palisade/internal/kube"
)

// Kustomize builds a kustomization directory with the Kustomize library,
// as `kubectl kustomize DIR` does (files outside DIR refused, no plugins,
// no Helm inflation), and loads the result.
func Kustomize(dir string) *kube.Snapshot {
	name := filepath.ToSlash(dir)
	s := &kube.Snapshot{Name: name, Kind: kube.FromKustomize}
	src := kube.Source{Kind: kube.FromKustomize, Root: name, File: name}
	for _, n := range KustomizationFiles {
		if isFile(filepath.Join(dir, n)) {
			src.File = name + "/" + n
			break
		}
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: fmt.Sprintf("kustomize build failed: %v", err)})
		return s
	}
	out, err := res.AsYaml()
	if err != nil {
		s.Errors = append(s.Errors, kube.LoadError{Source: src, Message: fmt.Sprintf("kustomize output: %v", err)})
		return s
	}
	objs, errs := Parse(out, src)
	for _, o := range objs {
		// Lines refer to kustomize's output, not to a file of DIR.
		o.Lines = nil
		o.Source.Line = 0
	}
	s.Add(objs...)
	s.Errors = append(s.Errors, errs...)
	return s
}
