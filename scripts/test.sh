#!/usr/bin/env bash
# The whole test suite: formatting, vet, every unit and integration test.
# The README and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:--buildvcs=false}"

unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need formatting (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi

go vet ./...
go test -count=1 -timeout 60m "$@" ./...
