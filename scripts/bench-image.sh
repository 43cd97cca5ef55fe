#!/usr/bin/env bash
# bench-image.sh: the figures of the image-analysis issue, measured side by side.
#
#  1. whole scan (inventory + secrets in every layer) of a multi-layer Debian
#     image archive vs `gzip -dc` of every layer to /dev/null (target: <= 1.5x);
#  2. peak memory scanning a generated 2 GiB image (target: < 300 MB);
#  3. warm vs cold layer cache (target: warm >= 10x faster);
#  4. `trivy image --input ARCHIVE --scanners secret` on the same archive, when
#     trivy is installed (target: palisade faster, and it finds the secret
#     in the deleted layer).
#
# Needs .ci/setup-image.sh (the Debian root) and GNU time (/usr/bin/time).
# BIG_SIZE (bytes) overrides the size of the generated image; WORK keeps the
# images between runs.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-$(mktemp -d /tmp/palisade-bench.XXXXXX)}
BIG_SIZE=${BIG_SIZE:-$((2 << 30))}
TRIVY=${TRIVY:-$(command -v trivy || echo /root/go/bin/trivy)}
mkdir -p "$WORK"
[[ -x /usr/bin/time ]] || { echo "bench-image: /usr/bin/time missing: apt-get install time" >&2; exit 2; }

echo "== building palisade and the benchmark images in $WORK"
go build -o "$WORK/palisade" ./cmd/palisade
[[ -f $WORK/debian.tar ]] || go run ./internal/image/benchimage -debian "$WORK/debian.tar"
[[ -f $WORK/big.tar ]] || go run ./internal/image/benchimage -big "$WORK/big.tar" -size "$BIG_SIZE"

RUNS=${RUNS:-3}

# measure CMD... : run CMD $RUNS times (output discarded) and print the
# fastest wall-clock seconds and the fastest CPU (user+sys) seconds. The
# minimum is the figure least disturbed by other load on the machine.
measure() {
	local best_wall="" best_cpu="" w c
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %U %S' -o "$WORK/time.out" "$@" >/dev/null 2>&1 || true
		read -r w u sy <"$WORK/time.out"
		c=$(echo "$u + $sy" | bc -l)
		if [[ -z $best_wall ]] || (($(echo "$w < $best_wall" | bc -l))); then best_wall=$w; fi
		if [[ -z $best_cpu ]] || (($(echo "$c < $best_cpu" | bc -l))); then best_cpu=$c; fi
	done
	printf '%.2f %.2f\n' "$best_wall" "$best_cpu"
}
# peak_mb CMD... : peak resident memory in MB.
peak_mb() {
	/usr/bin/time -f '%M' -o "$WORK/time.out" "$@" >/dev/null 2>&1 || true
	echo "$(tail -n1 "$WORK/time.out") / 1024" | bc -l | xargs printf '%.0f'
}
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

# gunzip_all DIR: gzip -dc every layer of an extracted docker archive.
gunzip_all() {
	for l in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$1/manifest.json"); do
		gzip -dc "$1/$l" >/dev/null
	done
}
export -f gunzip_all

PAL=("$WORK/palisade" image scan --format json --cache-dir "$WORK/cache")

echo
nlayers=$(tar -xOf "$WORK/debian.tar" manifest.json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0]["Layers"]))')
echo "== 1. Debian archive ($(du -h "$WORK/debian.tar" | cut -f1), $nlayers layers): scan vs gzip -dc (best of $RUNS, wall and CPU seconds)"
rm -rf "$WORK/layers" && mkdir -p "$WORK/layers" && tar -xf "$WORK/debian.tar" -C "$WORK/layers"
read -r gzw gzc < <(measure bash -c "gunzip_all $WORK/layers")
read -r scw scc < <(measure "${PAL[@]}" --archive "$WORK/debian.tar" --no-cache)
rm -rf "$WORK/layers"
echo "gzip -dc of every layer:        wall ${gzw}s  cpu ${gzc}s"
echo "palisade image scan (no cache): wall ${scw}s  cpu ${scc}s"
echo "ratio scan / gunzip:            wall $(ratio "$scw" "$gzw")  cpu $(ratio "$scc" "$gzc")  (target <= 1.5)"

echo
echo "== 2. peak memory on the generated image ($(du -h "$WORK/big.tar" | cut -f1) archive, $((BIG_SIZE >> 20)) MiB uncompressed)"
mb=$(peak_mb "$WORK/palisade" image scan --archive "$WORK/big.tar" --no-cache --format json)
echo "peak RSS: ${mb} MB  (target < 300)"

echo
echo "== 3. layer cache: cold vs warm (wall seconds)"
for img in debian big; do
	rm -rf "$WORK/cache"
	read -r cold _ < <(RUNS=1 measure "${PAL[@]}" --archive "$WORK/$img.tar")
	read -r warm _ < <(measure "${PAL[@]}" --archive "$WORK/$img.tar")
	echo "$img: cold ${cold}s  warm ${warm}s  speed-up $(ratio "$cold" "$warm")x  (target >= 10)"
done
rm -rf "$WORK/cache"

echo "== 4. trivy image --input ARCHIVE --scanners secret (best of $RUNS, cold caches)"
found=$("${PAL[@]}" --archive "$WORK/debian.tar" --no-cache | grep -c '"ruleId": "PAL-IMG-002"' || true)
echo "palisade: wall ${scw}s  cpu ${scc}s; deleted-layer secret findings (PAL-IMG-002): $found"
if [[ -x $TRIVY ]]; then
	tcache=$WORK/trivy-cache
	trivy_secret() { rm -rf "$tcache"; "$TRIVY" image --input "$1" --scanners secret --cache-dir "$tcache" --skip-db-update --offline-scan --format json --quiet; }
	export -f trivy_secret
	export TRIVY tcache
	trivy_secret "$WORK/debian.tar" >"$WORK/trivy.json" 2>"$WORK/trivy.err" || true
	read -r tw tc < <(measure bash -c "trivy_secret $WORK/debian.tar")
	tfound=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for x in r.get("Results",[]) for s in x.get("Secrets",[]) if "id_rsa" in x["Target"]))' "$WORK/trivy.json" 2>/dev/null || echo "?")
	echo "trivy:    wall ${tw}s  cpu ${tc}s; secrets in root/.ssh/id_rsa: $tfound"
	echo "palisade / trivy: wall $(ratio "$scw" "$tw")  cpu $(ratio "$scc" "$tc")  (target < 1)"
	read -r pbw pbc < <(RUNS=1 measure "${PAL[@]}" --archive "$WORK/big.tar" --no-cache)
	read -r tbw tbc < <(RUNS=1 measure bash -c "trivy_secret $WORK/big.tar")
	echo "2 GiB image: palisade wall ${pbw}s cpu ${pbc}s; trivy wall ${tbw}s cpu ${tbc}s"
	rm -rf "$tcache"
else
	echo "trivy not found (set TRIVY=path): comparison skipped"
fi
echo
echo "images kept in $WORK (WORK=$WORK $0 reuses them)"
