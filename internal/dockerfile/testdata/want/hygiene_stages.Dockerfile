# Stage names, FROM flags and COPY --from references.
ARG BASE=alpine:3.20
# pass: PAL-DF-105 PAL-DF-106 PAL-DF-110 PAL-DF-113 PAL-DF-103 PAL-DF-104
FROM ${BASE} AS builder
RUN echo build > /out
# want: PAL-DF-103
FROM alpine:3.20 AS builder
# want: PAL-DF-105
FROM alpine:3.20 AS Tools
# want: PAL-DF-106
FROM alpine:3.20 as casing
# want: PAL-DF-104
FROM alpine:3.20 AS scratch
# want: PAL-DF-110
FROM ${REGISTRY}alpine:3.20 AS undeclared
# want: PAL-DF-113
FROM --platform=linux/amd64 alpine:3.20 AS pinned
# pass: PAL-DF-113
FROM --platform=linux/arm64 alpine:3.20 AS tools-arm64
# pass: PAL-DF-113 PAL-DF-112 PAL-DF-110
FROM --platform=$BUILDPLATFORM alpine:3.20 AS cross
# want: PAL-DF-112
FROM --platform=$TARGETPLATFORM alpine:3.20 AS redundant
# want: PAL-DF-150
COPY --from=redundant /a /b
# want: PAL-DF-149
COPY --from=later /a /b
# want: PAL-DF-149
COPY --from=bulider /a /b
# want: PAL-DF-149
COPY --from=20 /a /b
# pass: PAL-DF-149 PAL-DF-150
COPY --from=builder /out /out
# pass: PAL-DF-149 PAL-DF-150
COPY --from=1 /out /out
# pass: PAL-DF-149
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
# want: PAL-DF-170
COPY --from=builder / /
# pass: PAL-DF-170
COPY --from=builder /out /
# pass: PAL-DF-170
COPY / /copy/
FROM alpine:3.20 AS later
RUN echo later
