# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Sub-control 2, base-image allowlist (PAL-DF-014), with the policy in
# images_allowlist.palisade.yaml.

# Approved by the pattern gcr.io/distroless/*.
# pass: PAL-DF-014
FROM gcr.io/distroless/static-debian12:nonroot AS distroless

# Approved by the tag glob registry.example.com/base/node:20-*.
# pass: PAL-DF-014
FROM registry.example.com/base/node:20-alpine AS node20

# The tag glob does not cover 18.
# want: PAL-DF-014
FROM registry.example.com/base/node:18-alpine AS node18

# Strategy (a): a Docker Official Image.
# pass: PAL-DF-014
FROM node:20-bookworm-slim AS official

# pass: PAL-DF-014
FROM docker.io/library/python:3.12-slim AS officiallong

# Not official: only docker.io/library/node is.
# want: PAL-DF-014
FROM someuser/node:20 AS impostor

# Strategy (b): pinned, and the digest matches images.pins.
# pass: PAL-DF-014
FROM ghcr.io/acme/tool:1.2@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 AS pinned

# Pinned, but to another digest.
# want: PAL-DF-014
FROM ghcr.io/acme/tool:1.2@sha256:0b1c7d6e5f4a3928172635445362718990a1b2c3d4e5f60718293a4b5c6d7e8f AS wrongpin

# Listed in images.pins but not pinned by digest.
# want: PAL-DF-014
FROM ghcr.io/acme/tool:1.2 AS unpinned

# Strategy (c): a rewrite rule suggests the approved equivalent.
# want: PAL-DF-014
FROM bitnami/redis:7.2 AS rewritten

# A stage alias is not judged.
# pass: PAL-DF-014
FROM distroless AS fromstage

FROM gcr.io/distroless/static-debian12:nonroot
# want: PAL-DF-014
COPY --from=quay.io/someone/tool:1.0 /tool /tool
# pass: PAL-DF-014
COPY --from=alpine:3.20 /etc/os-release /os-release
# pass: PAL-DF-014
COPY --from=official /usr/local/bin/node /node
# want: PAL-DF-014
RUN --mount=type=bind,from=someuser/node:20,target=/n ["/n/bin/node", "--version"]
USER 65532
