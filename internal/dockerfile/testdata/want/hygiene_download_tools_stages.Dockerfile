# curl only in a build stage that is copied from: one tool per image.
FROM alpine:3.20 AS fetch
RUN curl -fsSLo /a https://example.com/a
FROM alpine:3.20
COPY --from=fetch /a /a
# pass: PAL-DF-166
RUN wget -q -O /b https://example.com/b
# pass: PAL-DF-166
RUN apk add --no-cache curl wget
