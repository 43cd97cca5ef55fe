# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Kubernetes runAsNonRoot can only verify a numeric UID.
FROM debian:12-slim AS named
# want: PAL-DF-020
USER app:app
RUN echo named

FROM named
# pass: PAL-DF-018 PAL-DF-019
RUN echo inherits-app
