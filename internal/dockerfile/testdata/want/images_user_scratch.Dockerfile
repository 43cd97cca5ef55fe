# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# A final stage FROM scratch without USER runs as UID 0.
FROM golang:1.22 AS build
USER 10001
RUN echo build

# want: PAL-DF-019
FROM scratch
COPY --from=build /etc/hostname /hostname
