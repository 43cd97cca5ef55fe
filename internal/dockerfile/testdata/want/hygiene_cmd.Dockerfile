# CMD, ENTRYPOINT, HEALTHCHECK and MAINTAINER.
FROM alpine:3.20 AS base
# want: PAL-DF-102
MAINTAINER Jane Doe <jane@example.com>
# want: PAL-DF-100 PAL-DF-101
CMD echo first
# pass: PAL-DF-100 PAL-DF-101
CMD ["echo", "second"]
# want: PAL-DF-100 PAL-DF-101
ENTRYPOINT /bin/a
# pass: PAL-DF-100
ENTRYPOINT ["/bin/b"]
# want: PAL-DF-100
HEALTHCHECK CMD ["/bin/a", "health"]
# pass: PAL-DF-100
HEALTHCHECK NONE
# pass: PAL-DF-164 PAL-DF-102
FROM base AS app
SHELL ["/bin/ash", "-c"]
# pass: PAL-DF-101 PAL-DF-100
CMD exec /bin/app
