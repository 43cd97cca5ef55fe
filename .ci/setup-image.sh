#!/usr/bin/env bash
# setup-image.sh: what the image-analysis tests (internal/image, internal/inventory,
# internal/sbom) need on the machine. Idempotent, quiet, fast when already done.
#
#  - debootstrap, rpm (rpm + rpmbuild, for a real SQLite RPM database), gzip, dpkg;
#  - libjansi-java and libslf4j-java: jars built by Maven, with the pom.xml
#    (and its <licenses>) inside;
#  - a Debian bookworm minbase root at /var/cache/palisade-test/bookworm-minbase,
#    shared with other tests (node): built into a temporary directory and renamed
#    into place, so a concurrent or interrupted build never leaves a half root;
#    skipped when it exists.
set -euo pipefail

need=()
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
command -v rpmbuild >/dev/null 2>&1 || need+=(rpm)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
[[ -x /usr/bin/time ]] || need+=(time)
command -v bc >/dev/null 2>&1 || need+=(bc)
# Real Maven-built jars with their pom.xml inside (Maven license tests).
[[ -f /usr/share/java/jansi.jar ]] || need+=(libjansi-java)
[[ -f /usr/share/java/slf4j-api.jar && -f /usr/share/java/jcl-over-slf4j.jar ]] || need+=(libslf4j-java)
if ((${#need[@]})); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cache=/var/cache/palisade-test
root=$cache/bookworm-minbase
mkdir -p "$cache"
if [[ ! -d $root ]]; then
	mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
	mirror=${mirror:-http://deb.debian.org/debian}
	tmp=$(mktemp -d "$cache/.bookworm-minbase.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	if ! debootstrap --variant=minbase bookworm "$tmp/root" "$mirror" >"$tmp.log" 2>&1; then
		echo "setup-image: debootstrap failed; last lines of its log:" >&2
		tail -n 20 "$tmp.log" >&2
		rm -f "$tmp.log"
		exit 1
	fi
	rm -f "$tmp.log"
	# Another run may have finished first: keep its root, drop ours.
	mv -T "$tmp/root" "$root" 2>/dev/null || true
	rm -rf "$tmp"
	trap - EXIT
fi
