package dockerfile

// check_volume_sensitive: VOLUME on sensitive host or system paths.
//
// Checks every path of every VOLUME instruction, in JSON form
// (VOLUME ["/a", "/b"]) and shell form (VOLUME /a /b), with ARG and ENV
// values expanded where they are known statically. A path is sensitive
// when internal/hostpath says so: /, /proc, /sys, /dev, /etc, /boot,
// /root, /home, /run and /var/run and the container-runtime sockets under
// them, /var/lib/docker, /var/lib/containerd, /var/lib/kubelet,
// /var/lib/etcd, /etc/kubernetes, /lib/modules, /usr, /bin, /sbin, ...
// (sub-paths count for most, e.g. /proc/1 or /etc/shadow; see
// hostpath.Entries). Allowed: application data paths such as /data,
// /var/lib/postgresql/data, /home/app/data or /var/log/nginx. Paths that
// depend on unknown variables are not judged.

import (
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/hostpath"
)

// SensitiveVolume reports VOLUME instructions on sensitive paths.
var SensitiveVolume = &finding.Rule{
	ID:       "PAL-DF-015",
	Control:  control.DockerfileLint,
	Severity: finding.High,
	Family:   "volumes",
	Title:    "VOLUME declares a sensitive host or system path",
	Doc: "VOLUME marks a path of the image as a mount point. On a sensitive path that is harmful either way: the usual way to satisfy it is to bind-mount the same host path (docker run -v /var/run/docker.sock:/var/run/docker.sock, a hostPath volume), " +
		"which hands the container the host's processes, kernel settings, devices, credentials or container runtime, and is a well-known container escape; " +
		"and when nothing is mounted, an anonymous volume hides the image's own files at that path (/etc, /usr) and discards later changes to them. " +
		"The list of sensitive paths is shared with the Kubernetes hostPath checks (internal/hostpath).",
	Remediation: "Declare volumes only for application data (VOLUME /data, /var/lib/<app>). If the application really needs the Docker socket or host paths, grant that at run time, reviewed, and never bake it into the image.",
}

var checkSensitiveVolume = Check{Rule: SensitiveVolume, Run: func(p *Pass) {
	for _, st := range p.File.Stages {
		for _, in := range st.Instructions {
			c, ok := in.Cmd.(*instructions.VolumeCommand)
			if !ok {
				continue
			}
			sc := p.File.ScopeAt(in)
			for _, raw := range c.Volumes {
				v, ok := sc.Expand(raw)
				if !ok {
					continue
				}
				reason, bad := hostpath.Sensitive(v)
				if !bad {
					continue
				}
				subject := raw
				if clean := hostpath.Clean(v); clean != raw {
					subject = raw + " (" + clean + ")"
				}
				p.Report(in, "VOLUME %s: %s", subject, reason)
			}
		}
	}
}}
