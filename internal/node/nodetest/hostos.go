package nodetest

import "strings"

// hardenedSysctls are the kernel parameters of a hardened host (and a
// Kubernetes node's forwarding needs).
var hardenedSysctls = map[string]string{
	"net.ipv4.conf.all.send_redirects":          "0",
	"net.ipv4.conf.default.send_redirects":      "0",
	"net.ipv4.conf.all.accept_redirects":        "0",
	"net.ipv4.conf.default.accept_redirects":    "0",
	"net.ipv4.conf.all.accept_source_route":     "0",
	"net.ipv4.conf.default.accept_source_route": "0",
	"net.ipv4.conf.all.rp_filter":               "2",
	"net.ipv4.tcp_syncookies":                   "1",
	"net.ipv4.icmp_echo_ignore_broadcasts":      "1",
	"kernel.randomize_va_space":                 "2",
	"fs.suid_dumpable":                          "0",
	"kernel.kptr_restrict":                      "1",
	"kernel.dmesg_restrict":                     "1",
	"kernel.yama.ptrace_scope":                  "1",
	"fs.protected_hardlinks":                    "1",
	"fs.protected_symlinks":                     "1",
	"kernel.unprivileged_bpf_disabled":          "2",
	"vm.overcommit_memory":                      "1",
	"vm.panic_on_oom":                           "0",
	"kernel.panic":                              "10",
	"kernel.panic_on_oops":                      "1",
}

// defaultSysctls are a stock kernel's values for the same parameters.
var defaultSysctls = map[string]string{
	"net.ipv4.conf.all.send_redirects":          "1",
	"net.ipv4.conf.default.send_redirects":      "1",
	"net.ipv4.conf.all.accept_redirects":        "1",
	"net.ipv4.conf.default.accept_redirects":    "1",
	"net.ipv4.conf.all.accept_source_route":     "0",
	"net.ipv4.conf.default.accept_source_route": "1",
	"net.ipv4.conf.all.rp_filter":               "0",
	"net.ipv4.tcp_syncookies":                   "1",
	"net.ipv4.icmp_echo_ignore_broadcasts":      "1",
	"kernel.randomize_va_space":                 "2",
	"fs.suid_dumpable":                          "2",
	"kernel.kptr_restrict":                      "0",
	"kernel.dmesg_restrict":                     "0",
	"kernel.yama.ptrace_scope":                  "0",
	"fs.protected_hardlinks":                    "1",
	"fs.protected_symlinks":                     "1",
	"kernel.unprivileged_bpf_disabled":          "0",
	"vm.overcommit_memory":                      "0",
	"vm.panic_on_oom":                           "0",
	"kernel.panic":                              "0",
	"kernel.panic_on_oops":                      "0",
}

// hostOS writes the host side of a node: kernel parameters, modules,
// mounts, auditd, MAC, SSH, accounts, and (when failing) the usual
// leftovers: a stray set-ID binary, world-writable files, a compiler.
func (b *builder) hostOS(v Variant, kubelet bool) {
	sysctls := hardenedSysctls
	if v == Failing {
		sysctls = defaultSysctls
	}
	for k, val := range sysctls {
		b.file("/proc/sys/"+strings.ReplaceAll(k, ".", "/"), 0o644, val+"\n")
	}
	if !kubelet {
		b.file("/proc/sys/net/ipv4/ip_forward", 0o644, "0\n")
	}
	b.file("/etc/login.defs", 0o644, "MAIL_DIR /var/mail\nPASS_MAX_DAYS 99999\nPASS_MIN_DAYS 0\nUMASK 022\n")
	b.file("/etc/shadow", 0o640, "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nalice:$y$j9T$abc$def:19000:0:99999:7:::\n")
	b.file("/etc/ssh/sshd_config", 0o644, "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nSubsystem sftp /usr/lib/openssh/sftp-server\n")
	b.file("/usr/lib/systemd/system/auditd.service", 0o644, "[Unit]\nDescription=Security Auditing Service\n[Service]\nExecStart=/sbin/auditd\n[Install]\nWantedBy=multi-user.target\n")
	if v == Compliant {
		b.file("/etc/modprobe.d/palisade.conf", 0o644, "install cramfs /bin/false\ninstall freevxfs /bin/false\ninstall jffs2 /bin/false\ninstall hfs /bin/false\ninstall hfsplus /bin/false\ninstall udf /bin/false\ninstall dccp /bin/false\ninstall rds /bin/false\ninstall tipc /bin/false\ninstall usb-storage /bin/false\nblacklist usb-storage\n")
		b.file("/proc/1/mounts", 0o444, "/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev,noexec 0 0\ntmpfs /dev/shm tmpfs rw,nosuid,nodev,noexec 0 0\n/dev/sdb1 /var/lib/docker ext4 rw,nodev,relatime 0 0\n")
		b.symlink("/usr/lib/systemd/system/auditd.service", "/etc/systemd/system/multi-user.target.wants/auditd.service")
		b.file("/etc/audit/rules.d/identity.rules", 0o640, "-w /etc/passwd -p wa -k identity\n-w /etc/shadow -p wa -k identity\n-w /etc/group -p wa -k identity\n-w /etc/sudoers -p wa -k identity\n-w /etc/kubernetes -p wa -k kubernetes\n-w /var/lib/kubelet/config.yaml -p wa -k kubernetes\n")
		b.file("/sys/module/apparmor/parameters/enabled", 0o444, "Y\n")
		b.file("/sys/kernel/security/lsm", 0o444, "lockdown,capability,landlock,yama,apparmor\n")
		b.file("/etc/login.defs", 0o644, "MAIL_DIR /var/mail\nPASS_MAX_DAYS 365\nPASS_MIN_DAYS 1\nUMASK 027\n")
		b.file("/etc/ssh/sshd_config.d/hardening.conf", 0o600, "PermitRootLogin no\nPasswordAuthentication no\nX11Forwarding no\nMaxAuthTries 3\n")
		b.file("/etc/ssh/sshd_config", 0o600, "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nSubsystem sftp /usr/lib/openssh/sftp-server\n")
		b.file("/usr/bin/passwd", 0o4755, "#!/bin/true\n")
		b.file("/usr/bin/su", 0o4755, "#!/bin/true\n")
		return
	}
	b.file("/proc/1/mounts", 0o444, "/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n")
	b.file("/sys/module/apparmor/parameters/enabled", 0o444, "N\n")
	b.file("/sys/kernel/security/lsm", 0o444, "lockdown,capability\n")
	b.file("/etc/ssh/sshd_config.d/cloud.conf", 0o644, "PermitRootLogin yes\nPasswordAuthentication yes\nCiphers aes128-cbc,aes256-ctr\n")
	b.file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n")
	b.file("/etc/shadow", 0o644, "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nalice:$y$j9T$abc$def:19000:0:99999:7:::\ntoor::19000:0:99999:7:::\n")
	b.file("/usr/bin/passwd", 0o4755, "#!/bin/true\n")
	b.file("/usr/local/bin/rootshell", 0o4755, "#!/bin/true\n")
	b.file("/etc/cron.d/cleanup", 0o666, "0 * * * * root /usr/local/bin/cleanup\n")
	b.dir("/opt/shared", 0o777)
	b.file("/usr/bin/gcc", 0o755, "#!/bin/true\n")
	b.file("/usr/bin/make", 0o755, "#!/bin/true\n")
	b.file("/usr/bin/nc", 0o755, "#!/bin/true\n")
	b.file("/usr/bin/tcpdump", 0o755, "#!/bin/true\n")
	b.file("/usr/lib/systemd/system/cups.service", 0o644, "[Service]\nExecStart=/usr/sbin/cupsd -l\n")
	b.symlink("/usr/lib/systemd/system/cups.service", "/etc/systemd/system/multi-user.target.wants/cups.service")
	b.file("/proc/812/comm", 0o444, "avahi-daemon\n")
	b.file("/proc/812/cmdline", 0o444, "avahi-daemon: running [cp-1.local]\x00")
}
