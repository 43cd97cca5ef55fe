package inventory

import (
	"bufio"
	"strconv"
	"strings"
)

// OS is the operating system of an image.
type OS struct {
	// ID is os-release's ID: debian, ubuntu, alpine, rhel, rocky,
	// almalinux, centos, fedora, amzn, ol, wolfi, chainguard, sles,
	// opensuse-leap, ... Empty when no OS was found.
	ID string `json:"id,omitempty"`
	// Family groups IDs by package format and advisory source: debian,
	// redhat, alpine, wolfi, suse.
	Family string `json:"family,omitempty"`
	// Version is the release: VERSION_ID ("12", "22.04", "9.3", "2023"),
	// or the full release from alpine-release ("3.19.1").
	Version  string `json:"version,omitempty"`
	Codename string `json:"codename,omitempty"`
	Name     string `json:"name,omitempty"` // PRETTY_NAME
	// Distroless is set for GoogleContainerTools distroless images.
	Distroless bool `json:"distroless,omitempty"`
	// Scratch is set when the image has no operating system at all.
	Scratch bool `json:"scratch,omitempty"`
}

// String is "debian 12 (bookworm)", "distroless (debian 12)" or "scratch".
func (o OS) String() string {
	if o.Scratch {
		return "scratch (no operating system)"
	}
	if o.ID == "" {
		return "unknown"
	}
	s := o.ID
	if o.Version != "" {
		s += " " + o.Version
	}
	if o.Codename != "" {
		s += " (" + o.Codename + ")"
	}
	if o.Distroless {
		s = "distroless (" + s + ")"
	}
	return s
}

// OSFiles are the files OS detection reads.
var OSFiles = []string{
	"etc/os-release", "usr/lib/os-release",
	"etc/alpine-release", "etc/debian_version", "etc/lsb-release",
	"etc/redhat-release", "etc/system-release", "etc/centos-release",
}

// ParseOSRelease parses an os-release file (KEY=value, optionally quoted).
func ParseOSRelease(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if uq, err := strconv.Unquote(v); err == nil {
			v = uq
		} else if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
			v = v[1 : len(v)-1]
		}
		out[strings.TrimSpace(k)] = v
	}
	return out
}

var families = map[string]string{
	"debian": "debian", "ubuntu": "debian", "raspbian": "debian", "linuxmint": "debian",
	"rhel": "redhat", "centos": "redhat", "rocky": "redhat", "almalinux": "redhat", "fedora": "redhat",
	"amzn": "redhat", "ol": "redhat", "mariner": "redhat", "azurelinux": "redhat", "photon": "redhat",
	"alpine": "alpine", "wolfi": "wolfi", "chainguard": "wolfi",
	"sles": "suse", "sle-micro": "suse", "opensuse-leap": "suse", "opensuse-tumbleweed": "suse", "opensuse": "suse",
}

// DetectOS decides the OS from the final content of OSFiles (missing
// files absent from the map) and whether the image has any OS package
// database. distrolessDpkg is set when /var/lib/dpkg/status.d exists
// without /var/lib/dpkg/status, the layout of distroless images.
func DetectOS(files map[string][]byte, hasPackageDB, distrolessDpkg bool) OS {
	var o OS
	rel := files["etc/os-release"]
	if rel == nil {
		rel = files["usr/lib/os-release"]
	}
	if rel != nil {
		kv := ParseOSRelease(rel)
		o.ID = strings.ToLower(kv["ID"])
		o.Version = kv["VERSION_ID"]
		o.Codename = kv["VERSION_CODENAME"]
		o.Name = kv["PRETTY_NAME"]
		if strings.Contains(strings.ToLower(o.Name), "distroless") || strings.Contains(kv["HOME_URL"], "distroless") {
			o.Distroless = true
		}
	}
	if v := strings.TrimSpace(string(files["etc/alpine-release"])); v != "" && (o.ID == "" || o.ID == "alpine") {
		o.ID, o.Version = "alpine", v
	}
	if o.ID == "" {
		if v := strings.TrimSpace(string(files["etc/debian_version"])); v != "" {
			o.ID, o.Version = "debian", v
		}
	}
	if o.ID == "" {
		for _, f := range []string{"etc/redhat-release", "etc/centos-release", "etc/system-release"} {
			if s := strings.TrimSpace(string(files[f])); s != "" {
				o.ID, o.Version, o.Name = redhatRelease(s)
				break
			}
		}
	}
	if o.ID == "" {
		if kv := ParseOSRelease(files["etc/lsb-release"]); kv["DISTRIB_ID"] != "" {
			o.ID, o.Version, o.Codename = strings.ToLower(kv["DISTRIB_ID"]), kv["DISTRIB_RELEASE"], kv["DISTRIB_CODENAME"]
		}
	}
	if distrolessDpkg {
		o.Distroless = true
	}
	o.Family = families[o.ID]
	if o.ID == "" && !hasPackageDB {
		o.Scratch = true
	}
	return o
}

// redhatRelease parses "Rocky Linux release 9.3 (Blue Onyx)".
func redhatRelease(s string) (id, version, name string) {
	line, _, _ := strings.Cut(s, "\n")
	lower := strings.ToLower(line)
	switch {
	case strings.HasPrefix(lower, "red hat"):
		id = "rhel"
	case strings.HasPrefix(lower, "centos"):
		id = "centos"
	case strings.HasPrefix(lower, "rocky"):
		id = "rocky"
	case strings.HasPrefix(lower, "almalinux"):
		id = "almalinux"
	case strings.HasPrefix(lower, "fedora"):
		id = "fedora"
	case strings.HasPrefix(lower, "amazon"):
		id = "amzn"
	case strings.HasPrefix(lower, "oracle"):
		id = "ol"
	default:
		return "", "", ""
	}
	if _, after, ok := strings.Cut(lower, "release "); ok {
		version, _, _ = strings.Cut(after, " ")
	}
	return id, version, line
}
