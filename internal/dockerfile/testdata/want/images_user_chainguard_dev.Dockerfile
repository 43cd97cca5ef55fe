# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Chainguard -dev variants run as root.
# want: PAL-DF-019
FROM cgr.dev/chainguard/python:latest-dev
RUN echo dev
