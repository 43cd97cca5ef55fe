# yum, dnf, microdnf and zypper hygiene.
FROM rockylinux:9
# want: PAL-DF-129 PAL-DF-130
RUN yum install httpd
# pass: PAL-DF-129 PAL-DF-130
RUN yum install -y httpd && yum clean all
# pass: PAL-DF-130
RUN yum install -y php && rm -rf /var/cache/yum
# want: PAL-DF-131 PAL-DF-132
RUN dnf install nginx
# pass: PAL-DF-131 PAL-DF-132
RUN dnf install -y nginx && dnf clean all
# want: PAL-DF-132
RUN microdnf install nginx
# pass: PAL-DF-131 PAL-DF-132
RUN microdnf install nginx && microdnf clean all
# want: PAL-DF-132
RUN dnf install -y git && dnf clean all && dnf install -y make
FROM opensuse/leap:15.6
# want: PAL-DF-133 PAL-DF-134
RUN zypper install curl
# pass: PAL-DF-133 PAL-DF-134
RUN zypper --non-interactive install curl && zypper clean --all
# pass: PAL-DF-133 PAL-DF-134
RUN zypper in -y curl && zypper cc -a
# want: PAL-DF-127
RUN zypper --non-interactive dup && zypper clean
