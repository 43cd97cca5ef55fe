#!/usr/bin/env bash
# Installs what the node-audit tests need (internal/node): debootstrap,
# and a real Debian bookworm minbase root file system, built once and
# cached under $PALISADE_TEST_CACHE (default /var/cache/palisade-test).
# Idempotent and quiet; fast when already done. Needs root (debootstrap
# does, and CI runs as root).
set -euo pipefail

cache=${PALISADE_TEST_CACHE:-/var/cache/palisade-test}
root=$cache/debian-bookworm-minbase
mirror=${PALISADE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ -f "$root/.palisade-complete" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-node: building the Debian test root needs root" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi
mkdir -p "$cache"
rm -rf "$root.tmp"
if ! debootstrap --variant=minbase bookworm "$root.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
  echo "setup-node: debootstrap failed; see $cache/debootstrap.log" >&2
  tail -20 "$cache/debootstrap.log" >&2
  exit 1
fi
touch "$root.tmp/.palisade-complete"
rm -rf "$root"
mv "$root.tmp" "$root"
