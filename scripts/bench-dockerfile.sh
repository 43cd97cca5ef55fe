#!/usr/bin/env bash
# Dockerfile linting figures: files per second on one core (testing.B and
# the whole palisade process), peak memory, and palisade against
# `trivy config` on the same ~300 real Dockerfiles, side by side.
#
#   scripts/bench-dockerfile.sh            # uses trivy from PATH or ~/go/bin if present
#
# Trivy v0.74.0 installs as a Go module (about 12 minutes to build):
#   GOEXPERIMENT=jsonv2 go install github.com/aquasecurity/trivy/cmd/trivy@v0.74.0
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== testing.B, one core (GOMAXPROCS=1)"
GOMAXPROCS=1 go test -run '^$' -bench BenchmarkLintCorpus -benchtime 20x -count 3 ./internal/dockerfile/ | grep -E 'Benchmark|files/s'

# Lay the corpus out as one Dockerfile per directory, as in a real repo.
corpus="$work/corpus"
i=0
while IFS= read -r f; do
	i=$((i + 1))
	mkdir -p "$corpus/$i"
	cp "$f" "$corpus/$i/Dockerfile"
done < <(find internal/dockerfile/testdata/corpus -type f ! -name SOURCES.tsv | sort)
echo "== corpus: $i Dockerfiles"

go build -o "$work/palisade" ./cmd/palisade

timeit() { # prints wall seconds and peak RSS (KiB) of a command
	/usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1
}

runs=5
best_p=""
for _ in $(seq $runs); do
	read -r wall rss < <(timeit taskset -c 0 env GOMAXPROCS=1 "$work/palisade" scan "$corpus" --format json)
	echo "palisade scan (1 core): ${wall}s, peak ${rss} KiB"
	if [ -z "$best_p" ] || awk "BEGIN{exit !($wall < $best_p)}"; then best_p=$wall; fi
done
echo "palisade: $(awk "BEGIN{printf \"%.0f\", $i / ($best_p > 0 ? $best_p : 0.01)}") files/s on one core (best of $runs, whole process)"
best_a=""
for _ in $(seq $runs); do
	read -r wall rss < <(timeit "$work/palisade" scan "$corpus" --format json)
	echo "palisade scan (all cores): ${wall}s, peak ${rss} KiB"
	if [ -z "$best_a" ] || awk "BEGIN{exit !($wall < $best_a)}"; then best_a=$wall; fi
done
echo "palisade: $(awk "BEGIN{printf \"%.0f\", $i / ($best_a > 0 ? $best_a : 0.01)}") files/s on all $(nproc) cores (best of $runs, whole process)"

trivy=$(command -v trivy || true)
[ -z "$trivy" ] && [ -x "$HOME/go/bin/trivy" ] && trivy="$HOME/go/bin/trivy"
if [ -z "$trivy" ]; then
	echo "trivy not installed: skipping the side-by-side comparison"
	exit 0
fi
best_t=""
for _ in $(seq 3); do
	read -r wall rss < <(timeit "$trivy" config --skip-check-update --quiet -f json "$corpus")
	echo "trivy config (all cores): ${wall}s, peak ${rss} KiB"
	if [ -z "$best_t" ] || awk "BEGIN{exit !($wall < $best_t)}"; then best_t=$wall; fi
done
echo "trivy: $(awk "BEGIN{printf \"%.0f\", $i / $best_t}") files/s"
echo "palisade is $(awk "BEGIN{printf \"%.1f\", $best_t / ($best_a > 0 ? $best_a : 0.01)}")x faster than trivy config, both on all cores"
echo "palisade on one core is $(awk "BEGIN{printf \"%.1f\", $best_t / ($best_p > 0 ? $best_p : 0.01)}")x faster than trivy config on all cores"
