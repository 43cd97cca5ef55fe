# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Base images documented to run as non-root need no USER.
FROM cgr.dev/chainguard/go:latest-dev AS build
RUN echo build

# pass: PAL-DF-019
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /etc/hostname /hostname
