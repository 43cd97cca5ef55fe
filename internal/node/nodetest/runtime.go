package nodetest

import (
	"os"
	"syscall"
)

// socket creates a unix socket file (as a running daemon would leave it).
func (b *builder) socket(p string, mode os.FileMode, uid, gid int) {
	if b.err != nil {
		return
	}
	if err := os.MkdirAll(b.path(p[:len(p)-len(baseName(p))]), 0o755); err != nil {
		b.err = err
		return
	}
	if err := syscall.Mknod(b.path(p), syscall.S_IFSOCK|uint32(mode.Perm()), 0); err != nil {
		b.err = err
		return
	}
	b.err = os.Chmod(b.path(p), mode)
	b.chown(p, uid, gid)
}

func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[i+1:]
		}
	}
	return p
}

// containerd writes containerd as a kubeadm node runs it: the unit, the
// socket, config.toml and (when compliant) audit rules for its files.
func (b *builder) containerd(v Variant) {
	b.file("/usr/lib/systemd/system/containerd.service", 0o644, `[Unit]
Description=containerd container runtime
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd
Type=notify
Delegate=yes
KillMode=process

[Install]
WantedBy=multi-user.target
`)
	b.symlink("/usr/lib/systemd/system/containerd.service", "/etc/systemd/system/multi-user.target.wants/containerd.service")
	b.file("/usr/bin/containerd", 0o755, "#!/bin/true\n")
	b.file("/usr/bin/containerd-shim-runc-v2", 0o755, "#!/bin/true\n")
	b.file("/usr/sbin/runc", 0o755, "#!/bin/true\n")
	if v == Compliant {
		b.socket("/run/containerd/containerd.sock", 0o660, 0, 0)
		b.file("/etc/containerd/config.toml", 0o644, `version = 2

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true

[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
  endpoint = ["https://mirror.example.com"]
`)
		b.file("/etc/audit/rules.d/containerd.rules", 0o640, `-w /etc/containerd/config.toml -k containerd
-w /usr/bin/containerd -k containerd
-w /usr/bin/containerd-shim-runc-v2 -k containerd
-w /usr/sbin/runc -k containerd
-a exit,always -F path=/run/containerd -F perm=war -k containerd
-w /run/containerd/containerd.sock -k containerd
`)
		return
	}
	b.socket("/run/containerd/containerd.sock", 0o666, 0, 0)
	b.file("/etc/containerd/config.toml", 0o664, `version = 3

[plugins."io.containerd.cri.v1.images".registry.configs."registry.internal:5000".tls]
  insecure_skip_verify = true

[plugins."io.containerd.cri.v1.images".registry.mirrors."docker.io"]
  endpoint = ["http://mirror.internal:5000"]

[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
  SystemdCgroup = false
`)
}

// DockerHost builds a Docker host (a CI runner or build server) under
// root: dockerd's units, daemon.json, the socket, TLS files and audit
// rules.
func DockerHost(root string, v Variant) error {
	b := &builder{root: root}
	b.base("builder-1")
	b.file("/etc/group", 0o644, "root:x:0:\ndaemon:x:1:\ndocker:x:998:\nalice:x:1000:\n")
	b.file("/usr/lib/systemd/system/docker.service", 0o644, `[Unit]
Description=Docker Application Container Engine
After=network-online.target docker.socket containerd.service
Requires=docker.socket

[Service]
Type=notify
ExecStart=/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID

[Install]
WantedBy=multi-user.target
`)
	b.file("/usr/lib/systemd/system/docker.socket", 0o644, "[Socket]\nListenStream=/run/docker.sock\nSocketMode=0660\nSocketUser=root\nSocketGroup=docker\n")
	b.file("/usr/bin/dockerd", 0o755, "#!/bin/true\n")
	b.dir("/etc/docker", 0o755)
	b.dir("/var/lib/docker", 0o710)
	regCA, err := issue(certSpec{CN: "registry-ca", CA: true, Days: 3650})
	if err != nil {
		return err
	}
	b.bytes("/etc/docker/certs.d/registry.example.com/ca.crt", 0o444, regCA.CertPEM)
	b.file("/etc/docker/tls/ca.pem", 0o444, "ca\n")
	b.file("/etc/docker/tls/server-cert.pem", 0o444, "cert\n")
	b.file("/etc/docker/tls/server-key.pem", 0o400, "key\n")
	if v == Compliant {
		b.socket("/run/docker.sock", 0o660, 0, 998)
		b.file("/etc/docker/daemon.json", 0o644, `{
  "icc": false,
  "log-level": "info",
  "log-driver": "journald",
  "userns-remap": "default",
  "no-new-privileges": true,
  "live-restore": true,
  "userland-proxy": false,
  "authorization-plugins": ["opa-docker-authz"],
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 65536, "Soft": 65536}},
  "hosts": ["unix:///run/docker.sock", "tcp://0.0.0.0:2376"],
  "tlsverify": true,
  "tlscacert": "/etc/docker/tls/ca.pem",
  "tlscert": "/etc/docker/tls/server-cert.pem",
  "tlskey": "/etc/docker/tls/server-key.pem"
}
`)
		b.file("/etc/audit/rules.d/docker.rules", 0o640, `-w /usr/bin/dockerd -k docker
-w /var/lib/docker -k docker
-w /etc/docker -k docker
-w /usr/lib/systemd/system/docker.service -k docker
-w /usr/lib/systemd/system/docker.socket -k docker
`)
		b.hostOS(v, false)
	} else {
		b.socket("/run/docker.sock", 0o666, 0, 998)
		b.file("/etc/docker/daemon.json", 0o666, `{
  "log-level": "debug",
  "insecure-registries": ["registry.internal:5000"],
  "storage-driver": "aufs",
  "hosts": ["unix:///run/docker.sock", "tcp://0.0.0.0:2375"],
  "experimental": true,
  "iptables": false
}
`)
		b.file("/etc/docker/tls/server-key.pem", 0o644, "key\n")
		b.chown("/etc/docker", Alice, Alice)
		b.hostOS(v, false)
	}
	return b.err
}
