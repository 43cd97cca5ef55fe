#!/usr/bin/env bash
# bench-vuln.sh: the figures of the vulnerability-scanning issue.
#
#  1. import 100,000 generated OSV records (Debian, PyPI, npm and Go shapes)
#     into a new database: wall time (target < 30 s) and peak memory
#     (bounded: records are streamed and written in batches);
#  2. open a store of 300,000 advisories (target < 50 ms) and match an
#     inventory of 2,000 packages against it (target < 200 ms after open);
#  3. a registry rescan of 1,000 stored inventories after a database update
#     (target < 10 s, no image pulled), against a loopback registry.
#
# WORK keeps the generated data between runs. Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

WORK=${WORK:-/tmp/palisade-bench-vuln}
mkdir -p "$WORK"
[[ -x /usr/bin/time ]] || { echo "bench-vuln: /usr/bin/time missing: apt-get install time" >&2; exit 2; }

go build -o "$WORK/benchvuln" ./internal/vuln/benchvuln
B=$WORK/benchvuln

[[ -f $WORK/100k/Go.zip ]] || { mkdir -p "$WORK/100k" && "$B" gen -dir "$WORK/100k" -records 100000; }
[[ -f $WORK/300k/Go.zip ]] || { mkdir -p "$WORK/300k" && "$B" gen -dir "$WORK/300k" -records 300000; }

echo "== import 100,000 records (target: < 30 s, bounded memory)"
rm -rf "$WORK/db100k"
/usr/bin/time -f '%e %M' -o "$WORK/time.out" "$B" import -db "$WORK/db100k" "$WORK"/100k/*.zip
read -r secs kb <"$WORK/time.out"
printf 'import: %s s, peak RSS %d MB, database %s\n' "$secs" "$((kb / 1024))" "$(du -h "$WORK/db100k/osv.db" | cut -f1)"

if [[ ! -f $WORK/db300k/osv.db ]]; then
	echo "== building the 300,000-advisory store"
	/usr/bin/time -f '%e %M' -o "$WORK/time.out" "$B" import -db "$WORK/db300k" "$WORK"/300k/*.zip
	read -r secs kb <"$WORK/time.out"
	printf 'import of 300,000: %s s, peak RSS %d MB\n' "$secs" "$((kb / 1024))"
fi

echo "== open (target < 50 ms) and match 2,000 packages (target < 200 ms), fastest of 5"
"$B" match -db "$WORK/db300k" -packages 2000 -runs 5

echo "== registry rescan of 1,000 stored inventories after a database update (target < 10 s, no pull)"
rm -rf "$WORK/dbrescan" && cp -r "$WORK/db300k" "$WORK/dbrescan"
"$B" rescan -db "$WORK/dbrescan" -images 1000
