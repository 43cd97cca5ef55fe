# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# PAL-DF-017: a WORKDIR from the base image's environment is not judged;
# ARG-resolved paths are.
FROM golang:1.22 AS gopath
# pass: PAL-DF-017
WORKDIR $GOPATH/src/app
RUN echo gopath

FROM debian:12-slim AS argrel
ARG DIR=build
# want: PAL-DF-017
WORKDIR ${DIR}
RUN echo argrel

# The parent stage set a WORKDIR, so this one is well defined.
FROM argrel AS child
# pass: PAL-DF-017
WORKDIR out
RUN echo child

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
# pass: PAL-DF-017
WORKDIR C:\app
USER ContainerUser
