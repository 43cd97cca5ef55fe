# A HEALTHCHECK in a build stage does not reach the final image.
FROM alpine:3.20 AS build
HEALTHCHECK CMD ["true"]
RUN echo build
# want: PAL-DF-164
FROM alpine:3.20
RUN echo final
