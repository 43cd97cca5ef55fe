# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
FROM debian:12-slim
# pass: PAL-DF-018 PAL-DF-020
USER 10001:app
