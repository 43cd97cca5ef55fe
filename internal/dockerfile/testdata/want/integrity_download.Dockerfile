# PAL-DF-038 (TLS off), PAL-DF-039 (pipe to shell), PAL-DF-040 (ADD without
# checksum) and PAL-DF-041 (downloaded file used unverified).
FROM debian:12-slim
ARG TOOL_SHA256=3ab628a51d92fdf0d2b5835e93564857aea73e0c1de00313864a94a6255cb645

# want: PAL-DF-038
RUN curl -fsSLk -o /tmp/data.json https://example.com/data.json

# want: PAL-DF-038
RUN curl --insecure -fsSL -o /tmp/data.json https://example.com/data.json

# want: PAL-DF-038
RUN wget --no-check-certificate -q -O /tmp/data.json https://example.com/data.json

# want: PAL-DF-038
RUN echo insecure >> ~/.curlrc

# want: PAL-DF-038
RUN echo "check_certificate = off" >> /etc/wgetrc

# The k of -ok is the output file name, not --insecure.
# pass: PAL-DF-038
RUN curl -fsSL -ok https://example.com/data.json

# pass: PAL-DF-038
RUN curl -fsSL --cacert /etc/ssl/certs/internal-ca.pem -o /tmp/data.json https://internal.example.com/data.json

# want: PAL-DF-039
RUN curl -fsSL https://get.example.com/install.sh | sh

# want: PAL-DF-039
RUN wget -qO- https://get.example.com/install.sh | sudo -E bash -

# want: PAL-DF-039
RUN curl -sSL https://bootstrap.example.com/get-pip.py | python3 -

# want: PAL-DF-039
RUN bash <(curl -fsSL https://get.example.com/install.sh)

# want: PAL-DF-039
RUN sh -c "$(curl -fsSL https://raw.example.com/install.sh)"

# Piping into something that does not execute it is fine.
# pass: PAL-DF-039
RUN curl -fsSL https://api.example.com/releases | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])'

# pass: PAL-DF-039
RUN curl -fsSL https://repo.example.com/key.asc | gpg --dearmor -o /usr/share/keyrings/example.gpg

# want: PAL-DF-040
ADD https://example.com/tool.tar.gz /tmp/

# want: PAL-DF-040
ADD https://github.com/example/repo.git#v1.2.3 /src

# want: PAL-DF-040
ADD git@github.com:example/repo.git /src

# pass: PAL-DF-040
ADD --checksum=sha256:3ab628a51d92fdf0d2b5835e93564857aea73e0c1de00313864a94a6255cb645 https://example.com/tool.tar.gz /tmp/verified/

# pass: PAL-DF-040
ADD https://github.com/example/repo.git#8f0f8c7a3b1e6d5c4f2a1b0c9d8e7f6a5b4c3d2e /src

# want: PAL-DF-041
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh && sh /tmp/install.sh

# want: PAL-DF-041
RUN wget -q https://example.com/tool_1.0_amd64.deb && dpkg -i tool_1.0_amd64.deb

# want: PAL-DF-041
RUN curl -fsSL -o /usr/local/bin/tool https://example.com/tool-linux-amd64 && chmod +x /usr/local/bin/tool

# want: PAL-DF-041
RUN curl -fsSLO https://example.com/tool.tar.gz && tar -xzf tool.tar.gz -C /usr/local

# want: PAL-DF-041
RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin

# A checksum of another file does not verify this one.
# want: PAL-DF-041
RUN curl -fsSLo a.sh https://example.com/a.sh && curl -fsSLo b.sh https://example.com/b.sh && echo "$TOOL_SHA256  b.sh" | sha256sum -c - && sh a.sh

# MD5 is not a verification.
# want: PAL-DF-041
RUN curl -fsSLo /tmp/tool.sh https://example.com/tool.sh && echo "0cc175b9c0f1b6a831c399e269772661  /tmp/tool.sh" | md5sum -c - && sh /tmp/tool.sh

# The ADD above has no checksum; running the file it fetched is unverified.
# want: PAL-DF-041
RUN tar -xzf /tmp/tool.tar.gz -C /opt

# The file of an ADD with --checksum is verified by BuildKit.
# pass: PAL-DF-041
RUN tar -xzf /tmp/verified/tool.tar.gz -C /opt

# pass: PAL-DF-041
RUN curl -fsSL https://example.com/tool.sh -o tool.sh && echo "$TOOL_SHA256  tool.sh" | sha256sum -c && sh tool.sh

# pass: PAL-DF-041
RUN curl -fsSLo go.tgz https://go.dev/dl/go1.23.4.linux-amd64.tar.gz && echo "$TOOL_SHA256 *go.tgz" | sha256sum --check --strict - && tar -C /usr/local -xzf go.tgz

# pass: PAL-DF-041
RUN curl -fsSLo tool.tgz https://example.com/tool.tgz && curl -fsSLo tool.tgz.asc https://example.com/tool.tgz.asc && gpg --batch --verify tool.tgz.asc tool.tgz && tar -xzf tool.tgz -C /usr/local

# pass: PAL-DF-041
RUN curl -fsSLO https://example.com/SHA256SUMS && curl -fsSLO https://example.com/tool.tgz && sha256sum -c --ignore-missing SHA256SUMS && tar -xzf tool.tgz

# pass: PAL-DF-041
RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool && [ "$(sha256sum /usr/local/bin/tool | cut -d' ' -f1)" = "$TOOL_SHA256" ] && chmod +x /usr/local/bin/tool

# pass: PAL-DF-041
RUN curl -fsSLo tool https://example.com/tool && curl -fsSLo tool.sig https://example.com/tool.sig && cosign verify-blob --key cosign.pub --signature tool.sig tool && install -m 0755 tool /usr/local/bin/tool

# Downloaded but only read, not run or installed.
# pass: PAL-DF-041
RUN curl -fsSLo /tmp/data.json https://example.com/data.json && cat /tmp/data.json

USER 10001
