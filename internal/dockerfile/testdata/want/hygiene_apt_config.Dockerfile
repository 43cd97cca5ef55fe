# apt options written to apt.conf.d apply to later RUNs.
FROM debian:12-slim
RUN printf 'APT::Get::Assume-Yes "true";\nAPT::Install-Recommends "false";\n' > /etc/apt/apt.conf.d/90docker
# pass: PAL-DF-122 PAL-DF-123
RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*
FROM debian:12-slim AS builder
# pass: PAL-DF-124 PAL-DF-123
RUN apt-get update && apt-get install -y gcc
FROM debian:12-slim
COPY --from=builder /usr/bin/gcc /usr/local/bin/gcc
