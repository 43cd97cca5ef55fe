# The image uses both curl and wget.
FROM alpine:3.20
RUN curl -fsSLo /a https://example.com/a
# want: PAL-DF-166
RUN wget -q -O /b https://example.com/b
