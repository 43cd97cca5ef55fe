package node

import (
	"testing"
)

// The config-file readers must never panic, whatever the node holds.

func FuzzParseConfigYAML(f *testing.F) {
	f.Add([]byte("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nauthentication:\n  anonymous:\n    enabled: false\nfeatureGates:\n  A: true\n"))
	f.Add([]byte("a: &x [1, *x]\n"))
	f.Add([]byte("? [a, b]\n: c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseConfig("yaml", data)
		if err == nil {
			lookupKey(v, "authentication.anonymous.enabled")
			lookupKey(v, "featureGates.@keys")
			stringify(v)
		}
	})
}

func FuzzParseConfigJSON(f *testing.F) {
	f.Add([]byte(`{"icc": false, "userns-remap": "default", "log-opts": {"max-size": "10m"}, "hosts": ["unix:///var/run/docker.sock"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if v, err := ParseConfig("json", data); err == nil {
			lookupKey(v, "log-opts.max-size")
			stringify(v)
		}
	})
}

func FuzzParseConfigTOML(f *testing.F) {
	f.Add([]byte("version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc.options]\nSystemdCgroup = true\n"))
	f.Add([]byte("[[a]]\nb = 1\n[[a]]\nb = 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if v, err := ParseConfig("toml", data); err == nil {
			lookupKey(v, `plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup`)
			stringify(v)
		}
	})
}

func FuzzParseSSHD(f *testing.F) {
	f.Add([]byte("Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nMatch User x\n PasswordAuthentication yes\n"))
	f.Add([]byte("A=\"b\"\n\tC  d e\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parseSSHD(data)
		parseKeyValue(data)
	})
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte("spec:\n  containers:\n  - command: [kube-apiserver, --a=b]\n    args: [--c]\n    image: registry.k8s.io/kube-apiserver:v1.33.2\n"))
	f.Add([]byte("spec:\n  containers:\n  - command: [sh, -c, \"exec etcd '--x=1'\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if argv, _, _, err := ParseManifest(data); err == nil {
			parseArgs(argv)
		}
	})
}

func FuzzParseUnit(f *testing.F) {
	f.Add([]byte("[Service]\nEnvironment=\"A=--x=1\"\nExecStart=\nExecStart=/usr/bin/kubelet $A ${B} \\\n --c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := map[string][]string{}
		parseUnit(data, s)
		for _, v := range s["Service.ExecStart"] {
			expandVars(v, map[string]string{"A": "x y"})
			shellWords(v)
		}
	})
}
