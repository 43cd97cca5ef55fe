// Package vuln finds the known vulnerabilities of an image's packages:
// it matches an inventory against the local OSV store (internal/vuln/store,
// filled by `palisade db update` or `palisade db import`), rates each
// vulnerability, applies --ignore-unfixed, ignores and OpenVEX
// statements, and turns what is left into findings of the PAL-VULN
// rules.
//
// Severity: for OS packages the distribution's own rating gates when it
// gives one (Debian urgency, Ubuntu priority, the Red Hat, Rocky and
// Alma advisory severity), because it rates the vulnerability in the
// package as the distribution builds and configures it; otherwise, and
// for language packages, the CVSS base score (v4.0 when given, else the
// highest v3.x) computed from the vector; otherwise GitHub's rating; a
// vulnerability no source rates is reported as medium and says so. Each
// finding shows every rating it saw.
package vuln

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// The PAL-VULN rules. Each finding carries the vulnerability's own
// severity; the rule's severity is only the default shown in listings.
var (
	VulnerableOSPackage = &finding.Rule{
		ID: "PAL-VULN-001", Control: control.ImageScanning, Severity: finding.High, Family: "os-packages",
		Title: "OS package with a known vulnerability that has a fix",
		Doc: "An operating-system package (dpkg, apk, rpm) of the image is affected by a vulnerability its distribution has published a fixed version for. " +
			"Packages are matched by source package and distribution release against that distribution's own advisories (Debian, Ubuntu, Alpine, Red Hat, Rocky, Alma, Wolfi, Chainguard), so backported fixes count as fixes. " +
			"The finding names every ID of the vulnerability (CVE, DSA/DLA, USN, RHSA, GHSA, ...), the installed and fixed versions, the layer that installed the package and the ratings behind its severity.",
		Remediation: "Rebuild on an updated base image when the package came from the base image's layers; otherwise upgrade the package to the fixed version in the Dockerfile step that installs it (apt-get install --only-upgrade, apk upgrade, dnf upgrade).",
	}
	VulnerableLanguagePackage = &finding.Rule{
		ID: "PAL-VULN-002", Control: control.ImageScanning, Severity: finding.High, Family: "language-packages",
		Title: "Language package with a known vulnerability that has a fix",
		Doc: "A Go module (or the Go standard library a binary was built with), Python distribution, npm package, Maven artifact, Rust crate or Ruby gem in the image is affected by a vulnerability of the OSV database (Go vulnerability database, PyPA, GitHub advisories, ...) that a later version fixes. " +
			"Versions are compared with the ecosystem's own rules (Go semver and pseudo-versions, PEP 440, npm semver, Maven, RubyGems).",
		Remediation: "Upgrade the dependency to the fixed version (go get, pip, npm, Maven, cargo, bundler) and rebuild the image; for Go's standard library, rebuild the binary with a fixed Go release.",
	}
	UnfixedVulnerability = &finding.Rule{
		ID: "PAL-VULN-003", Control: control.ImageScanning, Severity: finding.Medium, Family: "unfixed",
		Title: "Package with a known vulnerability that has no fix yet",
		Doc: "A package of the image is affected by a known vulnerability for which its distribution or ecosystem has published no fixed version (an open Debian or Ubuntu issue, a range with only last_affected, an advisory without a fix). " +
			"Nothing can be upgraded yet; the finding tells you the exposure exists. --ignore-unfixed drops these findings.",
		Remediation: "Check whether the vulnerable code is reachable in your use; remove the package if the image does not need it; record a VEX statement (not_affected with a justification) or a dated ignore when it is not exploitable, and watch for a fix.",
	}
	NotChecked = &finding.Rule{
		ID: "PAL-VULN-004", Control: control.ImageScanning, Severity: finding.Info, Family: "coverage",
		Title: "Packages that could not be checked for vulnerabilities",
		Doc: "Some packages of the image could not be matched: their distribution release has no OSV advisory feed (for example Fedora, CentOS, Amazon Linux), or the release could not be determined, or their ecosystem has no database, or the database lacks the ecosystem. " +
			"They are not known to be safe; they were not checked.",
		Remediation: "Use a base image whose distribution publishes OSV advisories (Debian, Ubuntu, Alpine, Red Hat UBI, Rocky, Alma, Wolfi, Chainguard), or import the missing ecosystem with `palisade db update --ecosystem NAME`.",
	}
	FixableInImage = &finding.Rule{
		ID: "PAL-VULN-010", Control: control.SecureImages, Severity: finding.High, Family: "gate",
		Title:       "Image ships high or critical vulnerabilities that have fixes",
		Doc:         "The image contains at least one high or critical vulnerability (after ignores and VEX) for which a fixed version exists. An image that can be fixed by a rebuild should not be promoted: this is the build-time gate of the \"enforce secure images\" control, one finding per image that counts them and says whether a base image update would fix them.",
		Remediation: "Rebuild on the current base image and upgrade the named packages, then scan again; gate the pipeline with --fail-on high.",
	}
)

// Rules returns the vulnerability rules.
func Rules() []*finding.Rule {
	return []*finding.Rule{VulnerableOSPackage, VulnerableLanguagePackage, UnfixedVulnerability, NotChecked, FixableInImage}
}
