#!/usr/bin/env bash
# Installs what the node-audit tests need (internal/node): Debian's
# containerd and docker.io (the tests start their own daemons under a
# temporary directory, never the system ones), debootstrap, and a real
# Debian bookworm minbase root file system, built once and cached under
# $PALISADE_TEST_CACHE (default /var/cache/palisade-test). Idempotent and
# quiet; fast when already done. Needs root (apt-get and debootstrap do,
# and CI runs as root).
set -euo pipefail

cache=${PALISADE_TEST_CACHE:-/var/cache/palisade-test}
root=$cache/debian-bookworm-minbase
mirror=${PALISADE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

missing=()
command -v containerd >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1 || missing+=(containerd)
[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ] || [ ! -f "$root/.palisade-complete" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-node: installing ${missing[*]:-nothing} and building the Debian test root need root" >&2
    exit 1
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq >/dev/null
  # The packages' services are not started: policy-rc.d or the absence of
  # systemd stops that, and the tests run their own daemons.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/setup-node-apt.log" 2>&1; then
    echo "setup-node: apt-get install ${missing[*]} failed:" >&2
    tail -20 "${TMPDIR:-/tmp}/setup-node-apt.log" >&2
    exit 1
  fi
fi

if [ -f "$root/.palisade-complete" ]; then
  exit 0
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
