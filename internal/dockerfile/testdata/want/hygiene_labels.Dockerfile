# Label keys and, with hygiene_labels.palisade.yaml, the formats of OCI labels.
ARG BUILD_DATE
FROM alpine:3.20 AS base
# want: PAL-DF-155 PAL-DF-155
LABEL Maintainer="x" com.docker.thing="y"
# pass: PAL-DF-155
LABEL org.opencontainers.image.title="demo" com.example.build-id="42"
# want: PAL-DF-157
LABEL org.opencontainers.image.description=""
# want: PAL-DF-158
LABEL org.opencontainers.image.source="github.com/example/demo"
# want: PAL-DF-159
LABEL org.opencontainers.image.created="2024-05-01"
# want: PAL-DF-160
LABEL org.opencontainers.image.licenses="Apache License 2.0"
# want: PAL-DF-161
LABEL org.opencontainers.image.revision="main"
# want: PAL-DF-162
LABEL org.opencontainers.image.version="v1.2"
# want: PAL-DF-163
LABEL org.opencontainers.image.authors="The Demo Team"
# pass: PAL-DF-156
FROM alpine:3.20 AS ok
ARG BUILD_DATE
# pass: PAL-DF-157 PAL-DF-158 PAL-DF-159 PAL-DF-160 PAL-DF-161 PAL-DF-162 PAL-DF-163 PAL-DF-155
LABEL org.opencontainers.image.source="https://github.com/example/demo" org.opencontainers.image.created="2024-05-01T12:00:00Z" org.opencontainers.image.licenses="(MIT OR Apache-2.0) AND BSD-3-Clause" org.opencontainers.image.revision="3f4ff3c0a1b2" org.opencontainers.image.version="1.2.3-rc.1" org.opencontainers.image.authors="Demo Team <team@example.com>"
# pass: PAL-DF-159 PAL-DF-157
LABEL org.label-schema.build-date=$BUILD_DATE
