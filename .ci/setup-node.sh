#!/usr/bin/env bash
# Installs what the node-audit tests need (internal/node): Debian's
# containerd, docker.io and podman (the tests start their own daemons
# and Podman's API service under a temporary directory, never the system
# ones), and procps: dockerd runs ps for a container's process list. The real Debian bookworm
# root they also audit is the one .ci/setup-image.sh builds for every
# test. Idempotent and quiet; fast when already done. Needs root for
# apt-get (CI runs as root).
set -euo pipefail

missing=()
command -v containerd >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1 || missing+=(containerd)
[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || missing+=(docker.io)
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v ps >/dev/null 2>&1 || missing+=(procps)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
  echo "setup-node: installing ${missing[*]} needs root" >&2
  exit 1
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
