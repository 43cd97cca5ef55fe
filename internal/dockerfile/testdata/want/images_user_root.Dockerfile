# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Sub-control 5, root users: the last USER of the final stage is root.
FROM golang:1.22 AS build
# A builder's USER is irrelevant to the final image.
# pass: PAL-DF-018 PAL-DF-020
USER builder
RUN echo build

FROM debian:12-slim
# pass: PAL-DF-018
USER 10001
RUN echo as-10001
# want: PAL-DF-018
USER root
