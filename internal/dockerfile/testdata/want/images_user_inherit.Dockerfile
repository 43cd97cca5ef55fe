# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# The final stage inherits USER 0:0 from the stage it is built FROM.
FROM debian:12-slim AS base
# want: PAL-DF-018
USER 0:0
RUN echo base

FROM golang:1.22 AS build
USER 10001
RUN echo build

# pass: PAL-DF-019
FROM base
COPY --from=build /etc/hostname /hostname
