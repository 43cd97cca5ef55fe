# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# No USER in the final stage chain; the builder's USER does not count.
FROM golang:1.22 AS build
USER 10001
RUN echo build

# want: PAL-DF-019
FROM debian:12-slim
COPY --from=build /etc/hostname /hostname
