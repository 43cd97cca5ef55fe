# PAL-DF-080 (secret file deleted in a later layer) and PAL-DF-081 (secret
# file copied into the image).

# A builder stage whose output is copied selectively: its secrets never
# reach the final image.
FROM golang:1.23-bookworm AS build
WORKDIR /src
# pass: PAL-DF-080 PAL-DF-081
COPY id_rsa /root/.ssh/id_rsa
# pass: PAL-DF-081
COPY .netrc /root/
RUN go build -o /out/app ./cmd/app

# A builder stage that nothing uses: low severity, it only ships with --target.
FROM golang:1.23-bookworm AS scratchpad
# want: PAL-DF-081
COPY .env /app/.env

# A stage whose secret is carried on by a COPY --from of the whole directory.
FROM alpine:3.20 AS config
# want: PAL-DF-081
COPY kubeconfig /config/kubeconfig

FROM debian:12-slim AS base
WORKDIR /app
# want: PAL-DF-080
COPY id_ed25519 /root/.ssh/id_ed25519
# want: PAL-DF-080
COPY .npmrc ./
# want: PAL-DF-080
COPY credentials /root/.aws/credentials
# want: PAL-DF-080
COPY .ssh /root/.ssh
# want: PAL-DF-080
COPY client-key.pem /root/tls/
# want: PAL-DF-081
COPY deploy.key /etc/app/
# want: PAL-DF-081
ADD .git-credentials /root/.git-credentials
# Public parts are not secrets.
# pass: PAL-DF-080 PAL-DF-081
COPY id_rsa.pub /root/.ssh/id_rsa.pub
# pass: PAL-DF-081
COPY certs/server.pem /etc/ssl/certs/
# pass: PAL-DF-081
COPY .env.example /app/
RUN rm -f /root/.ssh/id_ed25519 .npmrc && shred -u /root/.aws/credentials && rm -rf ~/.ssh && \
    find /root/tls -name '*.pem' -delete

FROM base
COPY --from=build /out/app /usr/local/bin/app
COPY --from=config /config /etc/app/config
# The rm of a file copied only into the builder stage concerns nothing here.
# pass: PAL-DF-080
RUN rm -f /root/.ssh/id_rsa
USER 10001
