#!/usr/bin/env bash
# bench-kube.sh: the Kubernetes figures of issue 5.
#
#  1. Audit of a real kube-apiserver holding 500 namespaces, 5,000
#     Deployments (their pod templates judged as pods; there is no
#     controller manager to create pods) and 1,000 NetworkPolicies:
#     `palisade cluster audit` run as its own process, wall time from
#     its start (first API request) to the written report, and its peak
#     resident memory. Targets: < 10 s, < 500 MB.
#  2. Network-policy coverage of 5,000 pods against 1,000 policies,
#     spread over 500 namespaces and all in one namespace. Target: < 1 s.
#
# Needs the test control plane: `bash .ci/setup-kube.sh` (run here).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

bash .ci/setup-kube.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/palisade" ./cmd/palisade

echo "== cluster audit: 500 namespaces, 5,000 Deployments, 1,000 NetworkPolicies (real kube-apiserver)"
PALISADE_BIN="$tmp/palisade" go test -run '^$' -bench '^BenchmarkClusterAudit$' -benchtime 3x -timeout 30m -v \
	./internal/kube/audit/ 2>&1 | tee "$tmp/audit.txt" | grep -E 'setup:|BenchmarkClusterAudit|^ok|FAIL' || true
line=$(grep -E '^BenchmarkClusterAudit' "$tmp/audit.txt" | tail -n1)
wall=$(awk '{for (i=1;i<=NF;i++) if ($(i+1)=="worst-wall-s") print $i}' <<<"$line")
peak=$(awk '{for (i=1;i<=NF;i++) if ($(i+1)=="peak-MB") print $i}' <<<"$line")
[[ -n $wall && -n $peak ]] || { echo "bench-kube: the audit benchmark failed" >&2; exit 1; }
printf 'cluster audit: worst wall %.2f s (target < 10 s), peak RSS %.0f MB (target < 500 MB)\n' "$wall" "$peak"

echo "== network-policy coverage: 5,000 pods x 1,000 policies"
go test -run '^$' -bench '^BenchmarkCoverage$' -benchtime 20x ./internal/kube/netpol/ | tee "$tmp/np.txt" | grep -E '^Benchmark'
awk '/^BenchmarkCoverage/ {printf "coverage %s: %.1f ms (target < 1000 ms)\n", $1, $3/1e6}' "$tmp/np.txt"
