#!/usr/bin/env bash
# Prints the node-audit figures the issue asks for: a full audit of the
# kubeadm control-plane fixture (target: under 1 s), and the pure judging
# step alone. Needs root (the fixture sets file owners).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(go test ./internal/node/ -run '^$' -bench 'BenchmarkAuditControlPlane|BenchmarkJudge' -benchtime "${BENCHTIME:-20x}" -count 1)
echo "$out" | grep -E '^Benchmark'
echo "$out" | awk '/^BenchmarkAuditControlPlane/ {
  for (i = 1; i <= NF; i++) if ($(i+1) == "ns/op") ns = $i
  ms = ns / 1e6
  verdict = (ms < 1000) ? "meets" : "MISSES"
  printf "full audit of the control-plane fixture: %.1f ms (%s the < 1 s target)\n", ms, verdict
}'
