# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# USER root for installation, then an unprivileged numeric user: fine.
ARG APP_UID=10001
FROM debian:12-slim AS base
USER root
RUN echo install

# pass: PAL-DF-019
FROM base
ARG APP_UID
# pass: PAL-DF-018 PAL-DF-020
USER ${APP_UID}:0
