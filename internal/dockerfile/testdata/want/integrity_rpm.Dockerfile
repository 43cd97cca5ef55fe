# PAL-DF-032: rpm, yum, dnf, microdnf, tdnf and zypper signature and TLS bypasses.
FROM registry.access.redhat.com/ubi9/ubi:9.4

# want: PAL-DF-032
RUN rpm -ivh --nosignature /tmp/tool.rpm

# want: PAL-DF-032
RUN rpm -Uvh --nodigest --nofiledigest /tmp/tool.rpm

# want: PAL-DF-032
RUN rpm -i --noverify /tmp/tool.rpm

# want: PAL-DF-032
RUN yum install -y --nogpgcheck tool && yum clean all

# want: PAL-DF-032
RUN dnf install -y --setopt=gpgcheck=0 tool && dnf clean all

# want: PAL-DF-032
RUN dnf install -y --setopt=myrepo.sslverify=False tool && dnf clean all

# want: PAL-DF-032
RUN microdnf install -y --nogpgcheck tool && microdnf clean all

# want: PAL-DF-032
RUN tdnf install -y --setopt repo_gpgcheck=0 tool && tdnf clean all

# want: PAL-DF-032
RUN yum-config-manager --save --setopt=myrepo.gpgcheck=0

# want: PAL-DF-032
RUN dnf config-manager --save --setopt=*.sslverify=0

# want: PAL-DF-032
RUN printf '[tool]\nname=Tool\nbaseurl=https://repo.example.com/el9\ngpgcheck=0\n' > /etc/yum.repos.d/tool.repo

# want: PAL-DF-032
RUN sed -i 's/gpgcheck=1/gpgcheck=0/' /etc/yum.repos.d/ubi.repo

# want: PAL-DF-032
RUN echo "sslverify=false" >> /etc/dnf/dnf.conf

# want: PAL-DF-032
COPY <<EOF /etc/yum.repos.d/tool.repo
[tool]
baseurl=https://repo.example.com/el9
gpgcheck = 0
EOF

# Kept checks, and repo_gpgcheck=0 in a file (the usual default) are fine.
# pass: PAL-DF-032
RUN dnf install -y --setopt=install_weak_deps=False tool && dnf clean all

# pass: PAL-DF-032
RUN printf '[tool]\nbaseurl=https://repo.example.com/el9\ngpgcheck=1\nrepo_gpgcheck=0\ngpgkey=https://repo.example.com/key\n' > /etc/yum.repos.d/tool.repo

# pass: PAL-DF-032
RUN rpm -K /tmp/tool.rpm && rpm -ivh /tmp/tool.rpm

USER 10001

FROM opensuse/leap:15.6 AS suse
# want: PAL-DF-032
RUN zypper --non-interactive --gpg-auto-import-keys refresh

# want: PAL-DF-032
RUN zypper --no-gpg-checks --non-interactive install -y tool && zypper clean --all

# want: PAL-DF-032
RUN zypper addrepo -G https://repo.example.com/suse tool

# want: PAL-DF-032
RUN zypper --non-interactive install -y --allow-unsigned-rpm /tmp/tool.rpm && zypper clean --all

# pass: PAL-DF-032
RUN zypper addrepo https://repo.example.com/suse tool && zypper --non-interactive refresh
USER 10001
