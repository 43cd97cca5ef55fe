# PAL-DF-033: apk signature bypass and plain-HTTP repositories.
FROM alpine:3.20

# want: PAL-DF-033
RUN apk add --no-cache --allow-untrusted /tmp/tool.apk

# want: PAL-DF-033
RUN apk add --no-cache --repository http://dl-cdn.alpinelinux.org/alpine/edge/testing tool

# want: PAL-DF-033
RUN apk add --no-cache -X http://mirror.example.com/alpine/v3.20/main tool

# want: PAL-DF-033
RUN echo "http://dl-cdn.alpinelinux.org/alpine/v3.20/community" >> /etc/apk/repositories

# want: PAL-DF-033
RUN sed -i 's/https/http/' /etc/apk/repositories

# want: PAL-DF-033 PAL-DF-041
RUN wget -q -O /tmp/tool-1.0-r0.apk https://files.example.com/tool-1.0-r0.apk && apk add --no-cache --allow-untrusted /tmp/tool-1.0-r0.apk

# pass: PAL-DF-033
RUN echo "https://dl-cdn.alpinelinux.org/alpine/v3.20/community" >> /etc/apk/repositories

# pass: PAL-DF-033
RUN apk add --no-cache --repository https://dl-cdn.alpinelinux.org/alpine/edge/testing tool

# A repository on the build host is not on any network.
# pass: PAL-DF-033
RUN apk add --no-cache --repository http://localhost:8080/alpine tool

USER 10001
