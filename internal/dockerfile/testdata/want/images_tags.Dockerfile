# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Sub-control 1, specific tags: PAL-DF-010 (no tag), PAL-DF-011 (latest),
# PAL-DF-013 (invalid reference) in FROM, COPY --from and RUN --mount from=.
ARG ALPINE=alpine:3.20
ARG NOTAG=alpine
ARG LATEST=alpine:latest
ARG MAYBE

# want: PAL-DF-010
FROM ubuntu AS untagged
RUN echo untagged

# want: PAL-DF-011
FROM ubuntu:latest AS latest
RUN echo latest

# pass: PAL-DF-010 PAL-DF-011 PAL-DF-013
FROM ubuntu:24.04 AS tagged
RUN echo tagged

# A digest decides what is pulled, with or without a tag.
# pass: PAL-DF-010 PAL-DF-011
FROM ubuntu@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 AS digest
RUN echo digest

# pass: PAL-DF-010 PAL-DF-011
FROM ubuntu:latest@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 AS latestdigest
RUN echo latestdigest

# A stage alias is not an image.
# pass: PAL-DF-010 PAL-DF-011
FROM tagged AS fromstage
RUN echo fromstage

# ARG defaults are resolved before judging.
# want: PAL-DF-010
FROM ${NOTAG} AS argnotag
RUN echo argnotag

# want: PAL-DF-011
FROM $LATEST AS arglatest
RUN echo arglatest

# pass: PAL-DF-010 PAL-DF-011
FROM ${ALPINE} AS argtagged
RUN echo argtagged

# pass: PAL-DF-010 PAL-DF-011
FROM ${MAYBE:-debian:12-slim} AS argdefault
RUN echo argdefault

# Docker refuses upper-case repositories; no tag rule can judge them.
# want: PAL-DF-013
FROM Ubuntu:24.04 AS upper
RUN echo upper

# No policy is configured for this file, so nothing is judged by it.
# pass: PAL-DF-014
FROM someuser/node:20 AS nopolicy
RUN echo nopolicy

# pass: PAL-DF-010 PAL-DF-011
FROM scratch AS empty
# PAL-DF-149 also fires: "busybox" could be a misspelt stage name.
# want: PAL-DF-010 PAL-DF-149
COPY --from=busybox /bin/busybox /busybox
# want: PAL-DF-011
COPY --from=busybox:latest /bin/busybox /busybox2
# pass: PAL-DF-010 PAL-DF-011
COPY --from=busybox:1.36 /bin/busybox /busybox3
# Stage names (any case) and indexes are not images.
# pass: PAL-DF-010 PAL-DF-013
COPY --from=tagged /etc/os-release /os-release
# pass: PAL-DF-010 PAL-DF-013
COPY --from=Tagged /etc/os-release /os-release2
# pass: PAL-DF-010
COPY --from=0 /etc/os-release /os-release3
# want: PAL-DF-013
COPY --from=BusyBox:1.36 /bin/busybox /busybox4

FROM debian:12-slim AS mounts
# want: PAL-DF-010
RUN --mount=type=bind,from=golang,source=/usr/local/go,target=/usr/local/go /usr/local/go/bin/go version
# pass: PAL-DF-010 PAL-DF-011
RUN --mount=type=bind,from=golang:1.22,source=/usr/local/go,target=/usr/local/go /usr/local/go/bin/go version
# pass: PAL-DF-010
RUN --mount=type=bind,from=tagged,target=/mnt/tagged ls /mnt/tagged
# pass: PAL-DF-010
RUN --mount=type=cache,target=/var/cache/apt ls /var/cache/apt
# want: PAL-DF-010 PAL-DF-011
RUN --mount=type=bind,from=busybox,target=/a --mount=type=bind,from=alpine:latest,target=/b ls /a /b
USER 10001
