#!/usr/bin/env bash
# setup-vuln.sh: what the vulnerability tests (internal/vuln/...) need on the
# machine. Idempotent, quiet, fast when already done.
#
# The version comparators are checked against each format's reference
# implementation: dpkg (dpkg --compare-versions), rpm (rpm.vercmp through
# rpm's Lua), Python's packaging (PEP 440), Maven's own ComparableVersion
# (maven-artifact, with a JRE) and Ruby's Gem::Version. The distribution
# matching test uses the Debian root built by setup-image.sh.
set -euo pipefail

need=()
command -v dpkg >/dev/null 2>&1 || need+=(dpkg)
command -v rpm >/dev/null 2>&1 || need+=(rpm)
/usr/bin/python3 -c 'import packaging.version' >/dev/null 2>&1 || need+=(python3-packaging)
command -v ruby >/dev/null 2>&1 || need+=(ruby)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[[ -f /usr/share/java/maven-artifact-3.x.jar ]] || need+=(libmaven3-core-java)
if ((${#need[@]})); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The CVSS calculators are checked against an independent implementation
# of the FIRST specifications (metaeffekt's ae-cvss-calculator, npm).
cvssjs=/var/cache/palisade-test/npm-cvss
if [[ ! -f $cvssjs/node_modules/ae-cvss-calculator/package.json ]]; then
	command -v npm >/dev/null 2>&1 || {
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null
		apt-get install -y -qq --no-install-recommends npm >/dev/null
	}
	mkdir -p "$cvssjs"
	(cd "$cvssjs" && npm install --silent --no-audit --no-fund --no-save ae-cvss-calculator@1.0.13 >/dev/null)
fi
