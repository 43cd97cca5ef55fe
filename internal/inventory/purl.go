package inventory

import (
	"strconv"
	"strings"

	packageurl "github.com/package-url/packageurl-go"
)

// purlNamespaces maps os-release IDs to the namespaces package URLs use.
var purlNamespaces = map[string]string{"rhel": "redhat", "amzn": "amazon", "ol": "oracle"}

// PURL computes a package URL for p installed on os.
func PURL(p *Package, os OS) string {
	var ns, name, version = "", p.Name, p.Version
	var q []packageurl.Qualifier
	distro := func() {
		if os.ID != "" {
			d := os.ID
			if os.Version != "" {
				d += "-" + os.Version
			}
			q = append(q, packageurl.Qualifier{Key: "distro", Value: d})
		}
	}
	osNamespace := func(def string) string {
		if os.ID == "" {
			return def
		}
		if n, ok := purlNamespaces[os.ID]; ok {
			return n
		}
		return os.ID
	}
	switch p.Type {
	case Deb:
		ns = osNamespace("debian")
		if p.Arch != "" {
			q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
		}
		distro()
	case APK:
		ns = osNamespace("alpine")
		if p.Arch != "" {
			q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
		}
		distro()
	case RPM:
		ns = osNamespace("")
		if p.Arch != "" {
			q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
		}
		if e, v, ok := strings.Cut(version, ":"); ok {
			if _, err := strconv.Atoi(e); err == nil {
				version = v
				q = append(q, packageurl.Qualifier{Key: "epoch", Value: e})
			}
		}
		distro()
	case Golang:
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			ns, name = name[:i], name[i+1:]
		}
	case NPM:
		if strings.HasPrefix(name, "@") {
			if i := strings.IndexByte(name, '/'); i > 0 {
				ns, name = name[:i], name[i+1:]
			}
		}
	case PyPI:
		name = strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(name))
	case Maven:
		if g, a, ok := strings.Cut(name, ":"); ok {
			ns, name = g, a
		}
	}
	return packageurl.NewPackageURL(string(p.Type), ns, name, version, q, "").ToString()
}
