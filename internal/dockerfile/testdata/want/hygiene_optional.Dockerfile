# want: PAL-DF-118
FROM golang:1.22 AS builder
# pass: PAL-DF-118
# tools holds the helper binaries
FROM golang:1.22 AS tools
# pass: PAL-DF-169
RUN echo no-ignore
# hadolint ignore=DL3059
# want: PAL-DF-169
RUN echo ignored
# want: PAL-DF-171
RUN go build ./...
# pass: PAL-DF-171
RUN --mount=type=cache,target=/root/.cache/go-build go build ./...
# want: PAL-DF-172
COPY . /src
# pass: PAL-DF-172
COPY go.mod go.sum /src/
