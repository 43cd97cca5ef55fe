# The source label of a build stage does not reach the final image.
FROM alpine:3.20 AS build
LABEL org.opencontainers.image.source="https://github.com/example/demo"
# want: PAL-DF-156
FROM alpine:3.20
RUN echo final
