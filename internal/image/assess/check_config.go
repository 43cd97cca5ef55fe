package assess

import (
	"fmt"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/hostpath"
)

// checkConfig judges the image config: the user it runs as, exposed
// ports, declared volumes and the health check.
func checkConfig(target string, cfg *v1.ConfigFile) []finding.Finding {
	var out []finding.Finding
	c := cfg.Config
	if runsAsRoot(c.User) {
		msg := fmt.Sprintf("the image config sets user %q: processes run as root", c.User)
		if c.User == "" {
			msg = "the image config sets no user: processes run as root"
		}
		f := RootUser.New(msg)
		f.Target, f.Location.File = target, "config:User"
		f.Fix = "USER 65532:65532"
		out = append(out, f)
	}
	for p := range c.ExposedPorts {
		port, proto, _ := strings.Cut(p, "/")
		if port == "22" && (proto == "" || proto == "tcp") {
			f := SSHPort.New("the image exposes port 22 (SSH)")
			f.Target, f.Location.File = target, "config:ExposedPorts"
			out = append(out, f)
		}
	}
	vols := make([]string, 0, len(c.Volumes))
	for v := range c.Volumes {
		vols = append(vols, v)
	}
	slices.Sort(vols)
	for _, v := range vols {
		if reason, ok := hostpath.Sensitive(path.Clean("/" + v)); ok {
			f := SensitiveVolume.New(fmt.Sprintf("volume %s is a sensitive host path: %s", v, reason))
			f.Target, f.Location.File = target, "config:Volumes"
			out = append(out, f)
		}
	}
	if c.Healthcheck == nil || len(c.Healthcheck.Test) == 0 || c.Healthcheck.Test[0] == "NONE" {
		f := NoHealthcheck.New("the image defines no HEALTHCHECK")
		f.Target, f.Location.File = target, "config:Healthcheck"
		out = append(out, f)
	}
	return out
}

// runsAsRoot reports whether a config User means root: empty, "root",
// "0", or those with any group.
func runsAsRoot(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "" || u == "root" || strings.TrimLeft(u, "0") == "" && u != ""
}
