#!/usr/bin/env bash
# The whole test suite: install and build the real components the
# integration tests use (idempotent, cached under /var/cache/palisade-test,
# needs root for apt-get and debootstrap), then formatting, vet, and every
# unit and integration test. The README and .ci/run both call this script;
# extra arguments go to `go test` (e.g. -run TestCorpus).
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:--buildvcs=false}"

for setup in .ci/setup-*.sh; do
	[ -e "$setup" ] || continue
	echo "== $setup"
	bash "$setup"
done

unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
	echo "gofmt: these files need formatting (run gofmt -w):" >&2
	echo "$unformatted" >&2
	exit 1
fi

go vet ./...
go test -count=1 -timeout 60m "$@" ./...
