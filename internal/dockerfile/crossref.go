package dockerfile

import (
	"cmp"
	"slices"
	"strings"

	"github.com/palisade-sec/palisade/internal/finding"
)

// CrossRef is one check of another Dockerfile linter and how palisade
// covers it: by a rule (whose aliases include the check's ID), by a rule
// family, or not at all, with the reason.
type CrossRef struct {
	// Tool is "hadolint", "buildkit", "trivy" or "checkov".
	Tool string `json:"tool"`
	// ID is the check's ID in that tool (DL3008, JSONArgsRecommended,
	// DS-0017, CKV_DOCKER_5).
	ID string `json:"id"`
	// Title says what the other tool checks, in a few words.
	Title string `json:"title"`
	// Rule is the palisade rule that carries ID as an alias, when there is
	// one in the registry.
	Rule string `json:"rule,omitempty"`
	// Family is the palisade rule family that covers the meaning.
	Family string `json:"family,omitempty"`
	// Note explains a partial match, a retired check, or why the check is
	// not covered.
	Note string `json:"note,omitempty"`
}

// Covered reports whether palisade covers the check (by a rule or a
// family).
func (c CrossRef) Covered() bool { return c.Rule != "" || c.Family != "" }

// CrossReference lists every known check of hadolint, BuildKit, Trivy
// and Checkov with the palisade rule covering it, sorted by tool and ID.
// The rule is looked up in rules by alias, so the table follows the
// registry; aliases in rules that the static list below does not know
// are added too, so no alias is missing from the table.
func CrossReference(rules []*finding.Rule) []CrossRef {
	byAlias := map[string]*finding.Rule{}
	for _, r := range rules {
		for _, a := range r.Aliases {
			byAlias[strings.ToLower(a.String())] = r
		}
	}
	seen := map[string]bool{}
	var out []CrossRef
	for _, c := range crossRefs {
		k := strings.ToLower(c.Tool + ":" + c.ID)
		seen[k] = true
		if r, ok := byAlias[k]; ok {
			c.Rule = r.ID
			c.Family = r.Family
		}
		out = append(out, c)
	}
	for _, r := range rules {
		for _, a := range r.Aliases {
			k := strings.ToLower(a.String())
			if seen[k] || !crossRefTools[a.Tool] {
				continue
			}
			seen[k] = true
			out = append(out, CrossRef{Tool: a.Tool, ID: a.ID, Title: r.Title, Rule: r.ID, Family: r.Family})
		}
	}
	slices.SortFunc(out, func(a, b CrossRef) int {
		return cmp.Or(cmp.Compare(a.Tool, b.Tool), compareIDs(a.ID, b.ID))
	})
	return out
}

var crossRefTools = map[string]bool{"hadolint": true, "buildkit": true, "trivy": true, "checkov": true}

// compareIDs orders IDs with their numbers compared numerically, so
// CKV2_DOCKER_2 comes before CKV2_DOCKER_10.
func compareIDs(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	return cmp.Or(cmp.Compare(pa, pb), cmp.Compare(na, nb), cmp.Compare(a, b))
}

func splitNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n := 0
	for _, r := range s[i:] {
		n = n*10 + int(r-'0')
	}
	return s[:i], n
}

// Families of rules other than hygiene, for checks whose rule lives in
// another family.
const (
	famParse    = "parse"
	famTags     = "tags"
	famAllow    = "allowlist"
	famRoot     = "root-user"
	famVolumes  = "volumes"
	famPackages = "package-managers"
	famSecrets  = "secrets"
)

// crossRefs is the static list. Rule is filled from the registry;
// Family is given for checks a family other than hygiene covers, so the
// table says where they belong even before that family's rule lists the
// alias.
var crossRefs = []CrossRef{
	// hadolint: the 67 rules of the v2.14 README, the 4 rules hadolint
	// retired (DL3005, DL3017, DL3031, DL3039) and the rules added since
	// (DL3064 to DL3077, DL4007).
	{Tool: "hadolint", ID: "DL1001", Title: "Inline ignore pragmas"},
	{Tool: "hadolint", ID: "DL3000", Title: "Use absolute WORKDIR", Family: famVolumes},
	{Tool: "hadolint", ID: "DL3001", Title: "Commands that make no sense in a container (ssh, vim, shutdown, service, ps, free, top, kill, mount)"},
	{Tool: "hadolint", ID: "DL3002", Title: "Last USER should not be root", Family: famRoot},
	{Tool: "hadolint", ID: "DL3003", Title: "Use WORKDIR to switch to a directory"},
	{Tool: "hadolint", ID: "DL3004", Title: "Do not use sudo"},
	{Tool: "hadolint", ID: "DL3005", Title: "Do not use apt-get dist-upgrade (retired by hadolint)", Note: "hadolint retired the rule; palisade keeps its dist-upgrade half"},
	{Tool: "hadolint", ID: "DL3006", Title: "Always tag the version of an image explicitly", Family: famTags},
	{Tool: "hadolint", ID: "DL3007", Title: "Do not use the latest tag", Family: famTags},
	{Tool: "hadolint", ID: "DL3008", Title: "Pin versions in apt-get install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3009", Title: "Delete the apt-get lists after installing"},
	{Tool: "hadolint", ID: "DL3010", Title: "Use ADD for extracting archives into an image"},
	{Tool: "hadolint", ID: "DL3011", Title: "Valid UNIX ports range from 0 to 65535"},
	{Tool: "hadolint", ID: "DL3012", Title: "Multiple HEALTHCHECK instructions"},
	{Tool: "hadolint", ID: "DL3013", Title: "Pin versions in pip", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3014", Title: "Use the -y switch with apt-get"},
	{Tool: "hadolint", ID: "DL3015", Title: "Avoid additional packages with --no-install-recommends"},
	{Tool: "hadolint", ID: "DL3016", Title: "Pin versions in npm", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3017", Title: "Do not use apk upgrade (retired by hadolint)", Note: "not covered: hadolint retired it because upgrading packages during the build applies security fixes; palisade does not discourage upgrades"},
	{Tool: "hadolint", ID: "DL3018", Title: "Pin versions in apk add", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3019", Title: "Use apk add --no-cache"},
	{Tool: "hadolint", ID: "DL3020", Title: "Use COPY instead of ADD for files and folders"},
	{Tool: "hadolint", ID: "DL3021", Title: "COPY with more than 2 arguments requires the last to end with /"},
	{Tool: "hadolint", ID: "DL3022", Title: "COPY --from should reference a previously defined FROM alias"},
	{Tool: "hadolint", ID: "DL3023", Title: "COPY --from cannot reference its own FROM alias"},
	{Tool: "hadolint", ID: "DL3024", Title: "FROM aliases must be unique"},
	{Tool: "hadolint", ID: "DL3025", Title: "Use JSON notation for CMD and ENTRYPOINT"},
	{Tool: "hadolint", ID: "DL3026", Title: "Use only an allowed registry in FROM", Family: famAllow},
	{Tool: "hadolint", ID: "DL3027", Title: "Do not use apt, use apt-get or apt-cache"},
	{Tool: "hadolint", ID: "DL3028", Title: "Pin versions in gem install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3029", Title: "Do not use --platform with FROM", Note: "palisade, like BuildKit, flags constant platforms only: $BUILDPLATFORM for cross-compilation is good practice"},
	{Tool: "hadolint", ID: "DL3030", Title: "Use the -y switch with yum install"},
	{Tool: "hadolint", ID: "DL3031", Title: "Do not use yum update (retired by hadolint)", Note: "not covered: hadolint retired it because updating packages during the build applies security fixes; palisade does not discourage updates"},
	{Tool: "hadolint", ID: "DL3032", Title: "yum clean all missing after yum"},
	{Tool: "hadolint", ID: "DL3033", Title: "Specify version with yum install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3034", Title: "Non-interactive switch missing from zypper"},
	{Tool: "hadolint", ID: "DL3035", Title: "Do not use zypper dist-upgrade"},
	{Tool: "hadolint", ID: "DL3036", Title: "zypper clean missing after zypper use"},
	{Tool: "hadolint", ID: "DL3037", Title: "Specify version with zypper install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3038", Title: "Use the -y switch with dnf install"},
	{Tool: "hadolint", ID: "DL3039", Title: "Do not use dnf update (retired by hadolint)", Note: "not covered: hadolint retired it because updating packages during the build applies security fixes; palisade does not discourage updates"},
	{Tool: "hadolint", ID: "DL3040", Title: "dnf clean all missing after dnf"},
	{Tool: "hadolint", ID: "DL3041", Title: "Specify version with dnf install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3042", Title: "Avoid the pip cache with --no-cache-dir"},
	{Tool: "hadolint", ID: "DL3043", Title: "ONBUILD, FROM or MAINTAINER triggered from within ONBUILD", Rule: ParseError.ID, Family: famParse, Note: "BuildKit refuses these ONBUILD triggers, so palisade reports them as parse errors"},
	{Tool: "hadolint", ID: "DL3044", Title: "Do not refer to a variable within the same ENV that defines it"},
	{Tool: "hadolint", ID: "DL3045", Title: "COPY to a relative destination without WORKDIR"},
	{Tool: "hadolint", ID: "DL3046", Title: "useradd without -l and a high UID"},
	{Tool: "hadolint", ID: "DL3047", Title: "wget without --progress"},
	{Tool: "hadolint", ID: "DL3048", Title: "Invalid label key"},
	{Tool: "hadolint", ID: "DL3049", Title: "Label is missing (user label schema)", Note: "optional; palisade's built-in schema requires org.opencontainers.image.source (no user label schema yet)"},
	{Tool: "hadolint", ID: "DL3050", Title: "Superfluous labels present (strict user label schema)", Note: "not covered: needs a user-defined list of allowed labels, which palisade's configuration does not have yet"},
	{Tool: "hadolint", ID: "DL3051", Title: "Label is empty", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3052", Title: "Label is not a valid URL", Note: "optional; applied to the OCI URL labels"},
	{Tool: "hadolint", ID: "DL3053", Title: "Label is not an RFC 3339 date-time", Note: "optional; applied to org.opencontainers.image.created"},
	{Tool: "hadolint", ID: "DL3054", Title: "Label is not an SPDX license identifier", Note: "optional; applied to org.opencontainers.image.licenses"},
	{Tool: "hadolint", ID: "DL3055", Title: "Label is not a git hash", Note: "optional; applied to org.opencontainers.image.revision"},
	{Tool: "hadolint", ID: "DL3056", Title: "Label is not a semantic version", Note: "optional; applied to org.opencontainers.image.version"},
	{Tool: "hadolint", ID: "DL3057", Title: "HEALTHCHECK instruction missing", Note: "info: Kubernetes ignores HEALTHCHECK and uses probes"},
	{Tool: "hadolint", ID: "DL3058", Title: "Label is not a valid e-mail address", Note: "optional; applied to maintainer and org.opencontainers.image.authors"},
	{Tool: "hadolint", ID: "DL3059", Title: "Multiple consecutive RUN instructions"},
	{Tool: "hadolint", ID: "DL3060", Title: "yarn cache clean missing after yarn install"},
	{Tool: "hadolint", ID: "DL3061", Title: "Dockerfile must begin with FROM, ARG or a comment", Rule: ParseError.ID, Family: famParse, Note: "an instruction other than ARG before the first FROM is a parse error in palisade, as in BuildKit"},
	{Tool: "hadolint", ID: "DL3062", Title: "Pin versions in go install", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3063", Title: "Stage name should not be a reserved word"},
	{Tool: "hadolint", ID: "DL3064", Title: "Potentially sensitive data in ARG or ENV", Family: famSecrets},
	{Tool: "hadolint", ID: "DL3065", Title: "FROM --platform=$TARGETPLATFORM is redundant"},
	{Tool: "hadolint", ID: "DL3066", Title: "Non-numeric user ID", Family: famRoot},
	{Tool: "hadolint", ID: "DL3067", Title: "Do not copy an entire file system from another stage"},
	{Tool: "hadolint", ID: "DL3068", Title: "Use a BuildKit cache mount for npm", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3069", Title: "Use BuildKit cache mounts for cargo", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3070", Title: "Use BuildKit cache mounts for Go", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3071", Title: "Use a BuildKit cache mount for Maven", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3072", Title: "Use a BuildKit cache mount for Gradle", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3073", Title: "Use a BuildKit cache mount for Composer", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3074", Title: "Use a BuildKit cache mount for NuGet", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3075", Title: "Use a BuildKit cache mount for pnpm", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3076", Title: "Use BuildKit cache mounts for Mix", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL3077", Title: "Use a BuildKit cache mount for gem/bundler", Note: "optional rule"},
	{Tool: "hadolint", ID: "DL4000", Title: "MAINTAINER is deprecated"},
	{Tool: "hadolint", ID: "DL4001", Title: "Either use wget or curl but not both"},
	{Tool: "hadolint", ID: "DL4003", Title: "Multiple CMD instructions"},
	{Tool: "hadolint", ID: "DL4004", Title: "Multiple ENTRYPOINT instructions"},
	{Tool: "hadolint", ID: "DL4005", Title: "Use SHELL to change the default shell"},
	{Tool: "hadolint", ID: "DL4006", Title: "Set -o pipefail before RUN with a pipe"},
	{Tool: "hadolint", ID: "DL4007", Title: "COPY . can leak sensitive files", Note: "optional rule"},

	// BuildKit: frontend/dockerfile/linter/ruleset.go (v0.34).
	{Tool: "buildkit", ID: "ConsistentInstructionCasing", Title: "All commands should use the same casing"},
	{Tool: "buildkit", ID: "CopyIgnoredFile", Title: "COPY of a file excluded by .dockerignore", Note: "not covered: needs the build context's .dockerignore, and the linter is given only the Dockerfile"},
	{Tool: "buildkit", ID: "DuplicateStageName", Title: "Stage names should be unique"},
	{Tool: "buildkit", ID: "ExposeInvalidFormat", Title: "IP address or host-port mapping in EXPOSE"},
	{Tool: "buildkit", ID: "ExposeProtoCasing", Title: "EXPOSE protocol should be lower case"},
	{Tool: "buildkit", ID: "FromAsCasing", Title: "AS should match the casing of FROM"},
	{Tool: "buildkit", ID: "FromPlatformFlagConstDisallowed", Title: "FROM --platform should not use a constant"},
	{Tool: "buildkit", ID: "InvalidBaseImagePlatform", Title: "Base image platform does not match the target platform", Note: "not covered statically: needs the pulled image's platform (image scanning can check it)"},
	{Tool: "buildkit", ID: "InvalidDefaultArgInFrom", Title: "Default ARG value gives an empty or invalid base image", Family: famTags},
	{Tool: "buildkit", ID: "InvalidDefinitionDescription", Title: "Comment above a stage or ARG is not a description", Note: "optional rule (experimental in BuildKit)"},
	{Tool: "buildkit", ID: "JSONArgsRecommended", Title: "JSON arguments recommended for ENTRYPOINT and CMD"},
	{Tool: "buildkit", ID: "LegacyKeyValueFormat", Title: "Legacy key/value format with whitespace separator"},
	{Tool: "buildkit", ID: "MaintainerDeprecated", Title: "MAINTAINER is deprecated"},
	{Tool: "buildkit", ID: "MultipleInstructionsDisallowed", Title: "Multiple CMD, ENTRYPOINT or HEALTHCHECK in one stage"},
	{Tool: "buildkit", ID: "NoEmptyContinuation", Title: "Empty continuation lines"},
	{Tool: "buildkit", ID: "RedundantTargetPlatform", Title: "FROM --platform=$TARGETPLATFORM is redundant"},
	{Tool: "buildkit", ID: "ReservedStageName", Title: "Reserved words should not be stage names"},
	{Tool: "buildkit", ID: "SecretsUsedInArgOrEnv", Title: "Sensitive data in ARG or ENV", Family: famSecrets},
	{Tool: "buildkit", ID: "StageNameCasing", Title: "Stage names should be lower case"},
	{Tool: "buildkit", ID: "UndefinedArgInFrom", Title: "FROM must use declared ARGs"},
	{Tool: "buildkit", ID: "UndefinedVar", Title: "Variables should be defined before use", Note: "statically, without the base image's environment: reported when the variable is certainly undefined or a likely typo"},
	{Tool: "buildkit", ID: "WorkdirRelativePath", Title: "Relative WORKDIR without an absolute one before", Family: famVolumes},

	// Trivy: trivy-checks checks/docker (DS-0003, DS-0018 and DS-0028 do
	// not exist).
	{Tool: "trivy", ID: "DS-0001", Title: "':latest' tag used", Family: famTags},
	{Tool: "trivy", ID: "DS-0002", Title: "Image user should not be root", Family: famRoot},
	{Tool: "trivy", ID: "DS-0004", Title: "Port 22 exposed"},
	{Tool: "trivy", ID: "DS-0005", Title: "ADD instead of COPY"},
	{Tool: "trivy", ID: "DS-0006", Title: "COPY --from referring to the current image"},
	{Tool: "trivy", ID: "DS-0007", Title: "Multiple ENTRYPOINT instructions"},
	{Tool: "trivy", ID: "DS-0008", Title: "Exposed port out of range"},
	{Tool: "trivy", ID: "DS-0009", Title: "WORKDIR path not absolute", Family: famVolumes},
	{Tool: "trivy", ID: "DS-0010", Title: "RUN using sudo"},
	{Tool: "trivy", ID: "DS-0011", Title: "COPY with more than two arguments not ending with a slash"},
	{Tool: "trivy", ID: "DS-0012", Title: "Duplicate aliases in different FROMs"},
	{Tool: "trivy", ID: "DS-0013", Title: "RUN cd to change directory"},
	{Tool: "trivy", ID: "DS-0014", Title: "RUN using both wget and curl"},
	{Tool: "trivy", ID: "DS-0015", Title: "yum clean all missing"},
	{Tool: "trivy", ID: "DS-0016", Title: "Multiple CMD instructions"},
	{Tool: "trivy", ID: "DS-0017", Title: "Package-manager update instruction alone"},
	{Tool: "trivy", ID: "DS-0019", Title: "dnf clean all missing"},
	{Tool: "trivy", ID: "DS-0020", Title: "zypper clean missing"},
	{Tool: "trivy", ID: "DS-0021", Title: "apt-get missing -y"},
	{Tool: "trivy", ID: "DS-0022", Title: "Deprecated MAINTAINER used"},
	{Tool: "trivy", ID: "DS-0023", Title: "Multiple HEALTHCHECK instructions"},
	{Tool: "trivy", ID: "DS-0024", Title: "apt-get dist-upgrade used (deprecated in Trivy)"},
	{Tool: "trivy", ID: "DS-0025", Title: "apk add missing --no-cache"},
	{Tool: "trivy", ID: "DS-0026", Title: "No HEALTHCHECK defined", Note: "info: Kubernetes ignores HEALTHCHECK and uses probes"},
	{Tool: "trivy", ID: "DS-0027", Title: "microdnf clean all missing"},
	{Tool: "trivy", ID: "DS-0029", Title: "apt-get missing --no-install-recommends"},
	{Tool: "trivy", ID: "DS-0030", Title: "WORKDIR in system directories", Family: famVolumes},
	{Tool: "trivy", ID: "DS-0031", Title: "Secrets in the Dockerfile", Family: famSecrets},
	{Tool: "trivy", ID: "DS-0032", Title: "RUN with a pipe without pipefail"},

	// Checkov: CKV_DOCKER_* and CKV2_DOCKER_* of the Dockerfile policy
	// index.
	{Tool: "checkov", ID: "CKV_DOCKER_1", Title: "Port 22 is not exposed"},
	{Tool: "checkov", ID: "CKV_DOCKER_2", Title: "HEALTHCHECK instruction added", Note: "info: Kubernetes ignores HEALTHCHECK and uses probes"},
	{Tool: "checkov", ID: "CKV_DOCKER_3", Title: "A user for the container has been created", Family: famRoot},
	{Tool: "checkov", ID: "CKV_DOCKER_4", Title: "COPY is used instead of ADD"},
	{Tool: "checkov", ID: "CKV_DOCKER_5", Title: "Update instructions are not used alone"},
	{Tool: "checkov", ID: "CKV_DOCKER_6", Title: "LABEL maintainer instead of MAINTAINER"},
	{Tool: "checkov", ID: "CKV_DOCKER_7", Title: "Base image uses a non-latest version tag", Family: famTags},
	{Tool: "checkov", ID: "CKV_DOCKER_8", Title: "The last USER is not root", Family: famRoot},
	{Tool: "checkov", ID: "CKV_DOCKER_9", Title: "APT is not used (apt-get instead)"},
	{Tool: "checkov", ID: "CKV_DOCKER_10", Title: "WORKDIR values are absolute paths", Family: famVolumes},
	{Tool: "checkov", ID: "CKV_DOCKER_11", Title: "FROM aliases are unique"},
	{Tool: "checkov", ID: "CKV_DOCKER_1005", Title: "No secrets in ENV or ARG", Family: famSecrets},
	{Tool: "checkov", ID: "CKV2_DOCKER_1", Title: "sudo is not used"},
	{Tool: "checkov", ID: "CKV2_DOCKER_2", Title: "curl certificate validation is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_3", Title: "wget certificate validation is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_4", Title: "pip --trusted-host is not used", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_5", Title: "PYTHONHTTPSVERIFY is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_6", Title: "NODE_TLS_REJECT_UNAUTHORIZED is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_7", Title: "apk --allow-untrusted is not used", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_8", Title: "apt-get --allow-unauthenticated is not used", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_9", Title: "yum/dnf/tdnf --nogpgcheck is not used", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_10", Title: "rpm package signature validation is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_11", Title: "apt-get --force-yes is not used", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_12", Title: "NPM_CONFIG_STRICT_SSL is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_13", Title: "npm/yarn strict-ssl is not set to false", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_14", Title: "GIT_SSL_NO_VERIFY is not set", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_15", Title: "yum/dnf sslverify is not disabled", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_16", Title: "PIP_TRUSTED_HOST is not set", Family: famPackages},
	{Tool: "checkov", ID: "CKV2_DOCKER_17", Title: "chpasswd is not used", Family: famSecrets},
	{Tool: "checkov", ID: "CKV2_DOCKER_18", Title: "GOINSECURE is not set", Family: famPackages},
}
