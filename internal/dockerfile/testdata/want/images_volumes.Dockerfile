# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Sub-control 4, sensitive volumes: PAL-DF-015 (VOLUME), PAL-DF-016
# (WORKDIR in a system directory), PAL-DF-017 (relative WORKDIR).
FROM debian:12-slim AS build
# A builder stage's WORKDIR never reaches the image.
# pass: PAL-DF-016 PAL-DF-017
WORKDIR /
# pass: PAL-DF-017
WORKDIR src
RUN echo build

FROM debian:12-slim
ARG SOCK=/var/run/docker.sock
ENV DATA=/srv/data KUBELET=/var/lib/kubelet
# want: PAL-DF-015
VOLUME /var/run/docker.sock
# want: PAL-DF-015
VOLUME ["/data", "/proc"]
# want: PAL-DF-015 PAL-DF-015
VOLUME /etc/shadow /run/containerd/containerd.sock
# want: PAL-DF-015
VOLUME $SOCK
# want: PAL-DF-015
VOLUME ["${KUBELET}/pods"]
# want: PAL-DF-015
VOLUME /var/lib/docker/
# want: PAL-DF-015
VOLUME /
# Application data is fine, also under /home, /var/lib and /var/log.
# pass: PAL-DF-015
VOLUME /data /var/lib/postgresql/data $DATA /home/app/data /var/log/nginx
# pass: PAL-DF-015
VOLUME ["/var/lib/mysql", "/tmp"]

# want: PAL-DF-017
WORKDIR app
# pass: PAL-DF-016 PAL-DF-017
WORKDIR /usr/src/app
# Relative after absolute is well defined: /usr/src/app/lib.
# pass: PAL-DF-016 PAL-DF-017
WORKDIR lib
# want: PAL-DF-016
WORKDIR /etc
# pass: PAL-DF-016
WORKDIR /etc/nginx
# want: PAL-DF-016
WORKDIR /usr/bin
# Resolved against the previous WORKDIR: /usr.
# want: PAL-DF-016
WORKDIR ..
# want: PAL-DF-016
WORKDIR /proc/self
# want: PAL-DF-016
WORKDIR /
# pass: PAL-DF-016
WORKDIR /app
USER 10001
