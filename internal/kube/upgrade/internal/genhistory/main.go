// Command genhistory writes removed_apis.json, the lifecycle of the API
// versions the k8s.io/api palisade builds with no longer defines. It
// downloads one release of every minor from v0.19 (the first with
// prerelease-lifecycle methods) to the one go.mod requires through the
// Go module proxy, reads each API package's generated lifecycle methods
// with go/ast (old modules are never imported), and keeps the newest
// statement about each kind with a removal release that the client-go
// scheme lacks. It needs the network: run it with
// `go generate ./internal/kube/upgrade`.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/palisade-sec/palisade/internal/kube/upgrade"
)

// source is a module with API packages under dir.
type source struct{ module, dir string }

// apiextensions.k8s.io is not in k8s.io/api, but its v1beta1
// CustomResourceDefinition is among the most common removed APIs.
var sources = []source{
	{"k8s.io/api", "."},
	{"k8s.io/apiextensions-apiserver", "pkg/apis/apiextensions"},
}

func main() {
	out := flag.String("o", "removed_apis.json", "file to write")
	first := flag.Int("from", 19, "first minor (v0.N) to read")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("genhistory: ")
	if err := run(*out, *first); err != nil {
		log.Fatal(err)
	}
}

func run(out string, first int) error {
	cur, err := currentMinor()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "genhistory")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	merged := map[schema.GroupVersionKind]upgrade.RemovedAPI{}
	lastSeen := map[schema.GroupVersionKind]int{}
	var derived []string
	// Minor by minor, so that a newer release's statement replaces an
	// older one's whichever module it comes from. The current minor is
	// read too (at the versions go.mod requires): it tells which kinds
	// are still defined, and apiextensions-apiserver's statements.
	for minor := first; minor <= cur; minor++ {
		for _, s := range sources {
			ver, dir, err := download(tmp, s.module, minor, minor == cur)
			if err != nil {
				return err
			}
			ref := s.module + "@" + ver
			apis, err := readModule(filepath.Join(dir, s.dir), ref)
			if err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
			for _, a := range apis {
				merged[a.GVK()] = a
				lastSeen[a.GVK()] = minor
			}
			derived = append(derived, ref)
			log.Printf("%s: %d API kinds with a lifecycle", ref, len(apis))
		}
	}
	current := scheme.Scheme.AllKnownTypes()
	h := upgrade.History{DerivedFrom: derived, APIs: []upgrade.RemovedAPI{}}
	for gvk, a := range merged {
		// Only versions with a removal release: GA kinds client-go does
		// not register (admission.k8s.io/v1, apiextensions.k8s.io/v1)
		// are not removed APIs.
		if _, ok := current[gvk]; ok || a.Removed == "" {
			continue
		}
		if n := lastSeen[gvk]; n < cur {
			a.DroppedIn = fmt.Sprintf("1.%d", n+1)
		}
		h.APIs = append(h.APIs, a)
	}
	slices.SortFunc(h.APIs, upgrade.RemovedAPI.Compare)
	data, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if _, err := upgrade.ParseHistory(data); err != nil {
		return fmt.Errorf("generated history is invalid: %w", err)
	}
	log.Printf("%d removed API kinds the current scheme lacks -> %s", len(h.APIs), out)
	return os.WriteFile(out, data, 0o644)
}

// currentMinor is N of the k8s.io/api v0.N.x the main module requires.
func currentMinor() (int, error) {
	v, err := required("k8s.io/api")
	if err != nil {
		return 0, err
	}
	n, err := minorOf(v)
	if err != nil {
		return 0, fmt.Errorf("k8s.io/api version in go.mod: %w", err)
	}
	return n, nil
}

// required is the version of a module the main module builds with.
func required(module string) (string, error) {
	v, err := goCmd("", "list", "-m", "-f", "{{.Version}}", module)
	return strings.TrimSpace(string(v)), err
}

func minorOf(v string) (int, error) {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) < 2 || parts[0] != "0" {
		return 0, fmt.Errorf("%q is not a v0.N.x version", v)
	}
	return strconv.Atoi(parts[1])
}

// download fetches the newest patch of v0.minor the proxy lists (v0.N.0
// when it lists none), or with pinned the version go.mod requires, and
// returns the version and its directory.
func download(tmp, module string, minor int, pinned bool) (string, string, error) {
	var cands []string
	if pinned {
		if v, err := required(module); err == nil {
			if m, err := minorOf(v); err == nil && m == minor {
				cands = append(cands, v)
			}
		}
	}
	versions, err := listVersions(tmp, module)
	if err != nil {
		return "", "", err
	}
	for _, v := range slices.Backward(versions) {
		if m, err := minorOf(v); err == nil && m == minor && !strings.Contains(v, "-") {
			cands = append(cands, v)
		}
	}
	cands = append(cands, fmt.Sprintf("v0.%d.0", minor))
	var errs []error
	for _, v := range cands {
		raw, err := goCmd(tmp, "mod", "download", "-json", module+"@"+v)
		var info struct{ Dir, Error string }
		if jerr := json.Unmarshal(raw, &info); jerr == nil && info.Dir != "" && info.Error == "" {
			return v, info.Dir, nil
		}
		errs = append(errs, fmt.Errorf("%s@%s: %v %s", module, v, err, info.Error))
	}
	return "", "", errors.Join(errs...)
}

var versionLists = map[string][]string{}

// listVersions asks the proxy once per module for its versions.
func listVersions(tmp, module string) ([]string, error) {
	if vs, ok := versionLists[module]; ok {
		return vs, nil
	}
	raw, err := goCmd(tmp, "list", "-m", "-json", "-versions", module+"@latest")
	if err != nil {
		return nil, err
	}
	var list struct{ Versions []string }
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("versions of %s: %w", module, err)
	}
	versionLists[module] = list.Versions
	return list.Versions, nil
}

// readModule reads every API package under root that has a generated
// lifecycle file and returns its registered kinds (Lists excluded).
func readModule(root, ref string) ([]upgrade.RemovedAPI, error) {
	var out []upgrade.RemovedAPI
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != lifecycleFile {
			return err
		}
		dir := filepath.Dir(path)
		p, err := readPackage(dir)
		if err != nil {
			return err
		}
		if !p.HasGroup {
			return fmt.Errorf("%s: no GroupName constant", dir)
		}
		version := filepath.Base(dir)
		for typ, l := range p.Lifecycles {
			if !p.Registered[typ] || strings.HasSuffix(typ, "List") {
				continue
			}
			a := upgrade.RemovedAPI{Group: p.Group, Version: version, Kind: typ,
				Introduced: l.Introduced, Deprecated: l.Deprecated, Removed: l.Removed, Source: ref}
			if r := l.Replacement; r != nil {
				a.Replacement = &upgrade.APIRef{Group: r[0], Version: r[1], Kind: r[2]}
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// readPackage reads the non-test Go files of one directory.
func readPackage(dir string) (*pkgFacts, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	p := newPkgFacts()
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := p.addFile(filepath.Join(dir, e.Name()), src); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// goCmd runs the go command; in dir "" it runs in the main module, else
// outside any module so that go.mod and go.sum stay untouched.
func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("go %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
