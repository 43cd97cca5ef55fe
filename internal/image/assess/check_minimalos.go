package assess

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/image"
	"github.com/palisade-sec/palisade/internal/inventory"
)

// Image classes, from most to least minimal.
const (
	ClassScratch    = "scratch"
	ClassDistroless = "distroless"
	ClassMinimal    = "minimal"
	ClassFull       = "full"
)

// MinimalOS is the minimal-OS assessment of an image's final file system.
type MinimalOS struct {
	Class           string   `json:"class"`
	OSPackages      int      `json:"osPackages"`
	Shells          []string `json:"shells,omitempty"`
	PackageManagers []string `json:"packageManagers,omitempty"`
	Setuid          []string `json:"setuid,omitempty"` // setuid or setgid files
	BuildTools      []string `json:"buildTools,omitempty"`
	WorldWritable   []string `json:"worldWritable,omitempty"`
}

var (
	shellNames   = []string{"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "tcsh", "csh", "fish"}
	pkgManagers  = []string{"apt", "apt-get", "dpkg", "apk", "rpm", "dnf", "yum", "microdnf", "zypper", "tdnf"}
	buildTools   = []string{"gcc", "cc", "c++", "g++", "clang", "make", "cmake", "go", "rustc", "cargo", "javac", "as", "ld"}
	binDirs      = []string{"bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin", "usr/local/go/bin"}
	minimalIDs   = []string{"alpine", "wolfi", "chainguard"}
	maxSlimCount = 100
)

// AssessMinimalOS classifies the image and lists what a minimal image
// would not hold. Pure: it reads only the final view and the inventory.
func AssessMinimalOS(v *image.View, inv *inventory.Inventory) MinimalOS {
	m := MinimalOS{OSPackages: inv.Count(inventory.OSTypes...)}
	find := func(names []string) []string {
		var out []string
		for _, n := range names {
			for _, d := range binDirs {
				p := d + "/" + n
				if node, ok := v.Resolve(p); ok && node.Type == image.TypeFile {
					if !slices.Contains(out, "/"+node.Path) {
						out = append(out, "/"+node.Path)
					}
					break
				}
			}
		}
		return out
	}
	m.Shells = find(shellNames)
	m.PackageManagers = find(pkgManagers)
	m.BuildTools = find(buildTools)
	manPages := false
	for _, n := range v.Nodes() {
		if strings.HasPrefix(n.Path, "usr/share/man/") && n.Type == image.TypeFile {
			manPages = true
		}
		if n.Type == image.TypeFile && n.Mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 {
			m.Setuid = append(m.Setuid, "/"+n.Path)
		}
		if (n.Type == image.TypeFile || n.Type == image.TypeDir) && n.Mode&0o002 != 0 && n.Mode&fs.ModeSticky == 0 {
			m.WorldWritable = append(m.WorldWritable, "/"+n.Path)
		}
	}
	switch {
	case inv.OS.Scratch:
		m.Class = ClassScratch
	case inv.OS.Distroless:
		m.Class = ClassDistroless
	case slices.Contains(minimalIDs, inv.OS.ID):
		m.Class = ClassMinimal
	case inv.OS.Family == "redhat" && !slices.ContainsFunc(m.PackageManagers, func(p string) bool {
		return path.Base(p) == "dnf" || path.Base(p) == "yum"
	}):
		m.Class = ClassMinimal // ubi-minimal and friends ship microdnf only
	case !manPages && m.OSPackages <= maxSlimCount:
		m.Class = ClassMinimal // -slim variants drop documentation
	case inv.OS.ID == "" && m.OSPackages == 0 && len(m.Shells) == 0:
		m.Class = ClassDistroless
	default:
		m.Class = ClassFull
	}
	return m
}

// checkMinimalOS turns the assessment into PAL-OS-2NN findings.
func checkMinimalOS(target string, m MinimalOS, inv *inventory.Inventory) []finding.Finding {
	var out []finding.Finding
	add := func(r *finding.Rule, msg string, files []string) {
		f := r.New(msg)
		f.Target = target
		if len(files) > 0 {
			f.Location.File = files[0]
			f.Evidence = listSome(files, 20)
		}
		out = append(out, f)
	}
	if m.Class == ClassFull {
		add(FullDistribution, fmt.Sprintf("the image is built on %s, a full distribution with %d OS packages", inv.OS, m.OSPackages), nil)
	}
	if len(m.Shells) > 0 {
		add(ShellPresent, fmt.Sprintf("the final image holds %d shell(s): %s", len(m.Shells), listSome(m.Shells, 5)), m.Shells)
	}
	if len(m.PackageManagers) > 0 {
		add(PackageManagerPresent, fmt.Sprintf("the final image holds package manager(s): %s", listSome(m.PackageManagers, 5)), m.PackageManagers)
	}
	if len(m.Setuid) > 0 {
		add(SetuidFiles, fmt.Sprintf("%d setuid or setgid file(s), e.g. %s", len(m.Setuid), listSome(m.Setuid, 5)), m.Setuid)
	}
	if len(m.BuildTools) > 0 {
		add(BuildTools, fmt.Sprintf("compilers or build tools in the final image: %s", listSome(m.BuildTools, 5)), m.BuildTools)
	}
	if len(m.WorldWritable) > 0 {
		add(WorldWritable, fmt.Sprintf("%d world-writable file(s) or directories without the sticky bit, e.g. %s", len(m.WorldWritable), listSome(m.WorldWritable, 5)), m.WorldWritable)
	}
	return out
}

func listSome(xs []string, n int) string {
	if len(xs) <= n {
		return strings.Join(xs, ", ")
	}
	return strings.Join(xs[:n], ", ") + fmt.Sprintf(" and %d more", len(xs)-n)
}
