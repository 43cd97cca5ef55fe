ARG BASE=debian
ARG TAG
ARG VARIANT
# pass: PAL-DF-002
FROM ${BASE}:${TAG:-12-slim} AS build
RUN echo hi
# want: PAL-DF-002
FROM debian:${VARIANT}
# want: PAL-DF-001
BOGUS instruction
RUN echo still linted
