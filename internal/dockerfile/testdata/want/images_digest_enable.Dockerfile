# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# PAL-DF-012 (optional): enabled here by rules.enable.
# pass: PAL-DF-012
FROM alpine:3.20@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 AS build
# want: PAL-DF-012
RUN --mount=type=bind,from=golang:1.22,source=/usr/local/go,target=/go /go/bin/go version
# want: PAL-DF-012
FROM gcr.io/distroless/static-debian12:nonroot
