# Commands inside RUN.
FROM alpine:3.20
# want: PAL-DF-119
RUN sudo apk add --no-cache curl
# pass: PAL-DF-119
RUN su-exec nobody true
# want: PAL-DF-119
RUN sudo -u app make install
# want: PAL-DF-120
RUN service nginx start
# pass: PAL-DF-120
RUN nginx -t
# want: PAL-DF-121
RUN cd /app && make
WORKDIR /app
# pass: PAL-DF-121
RUN cd /tmp && make
# pass: PAL-DF-121
RUN make && cd /app
# want: PAL-DF-153
RUN useradd -u 100000000 app
# pass: PAL-DF-153
RUN useradd -l -u 100000000 app2 && useradd -u 1000 app3
# want: PAL-DF-154
RUN wget https://example.com/a.tgz
# pass: PAL-DF-154
RUN wget -q https://example.com/a.tgz && wget -nv https://example.com/b && wget --progress=dot:giga https://example.com/c
# want: PAL-DF-167
RUN ln -sf /bin/bash /bin/sh
# pass: PAL-DF-167
RUN ln -s /usr/bin/python3 /usr/bin/python
# want: PAL-DF-168
RUN curl -fsSL https://example.com/a.tgz | tar -xz
# pass: PAL-DF-168
RUN set -eo pipefail; curl -fsSL https://example.com/a.tgz | tar -xz
# pass: PAL-DF-168
RUN echo "abc  file" | sha256sum -c -
# pass: PAL-DF-168
RUN ["bash", "-o", "pipefail", "-c", "curl -fsSL https://example.com/c.tgz | tar -xz"]
# want: PAL-DF-168
RUN ["sh", "-c", "curl -fsSL https://example.com/d.tgz | tar -xz"]
SHELL ["/bin/ash", "-o", "pipefail", "-c"]
# pass: PAL-DF-168
RUN curl -fsSL https://example.com/b.tgz | tar -xz
