package assess

import (
	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
)

// Rules of image analysis. PAL-IMG-0NN judge the image's files and
// config; PAL-OS-2NN judge how minimal its operating system is (PAL-OS
// 0NN and 1NN are the host rules).
var (
	SecretInFile = &finding.Rule{
		ID: "PAL-IMG-001", Control: control.ImageScanning, Severity: finding.High, Family: "secrets",
		Title:       "Secret in an image file",
		Doc:         "A file of the final image file system holds a secret (private key, cloud or forge token, registry credential, kubeconfig token, password assignment), found by the shared secret detectors in every file of every layer. Anyone who can pull the image can read it. The finding names the layer that added the file and the build step that created that layer; the excerpt is redacted.",
		Remediation: "Remove the secret from the image and rotate it. Inject secrets at run time (Kubernetes Secrets mounted as files, a secrets manager) or use BuildKit secret mounts (RUN --mount=type=secret) during the build.",
	}
	SecretInDeletedFile = &finding.Rule{
		ID: "PAL-IMG-002", Control: control.DockerfileLint, Severity: finding.High, Family: "squash",
		Title:       "Secret left in an earlier layer",
		Doc:         "A secret was added by one layer and deleted or overwritten by a later one: it is not in the final file system, but every layer ships with the image, so `docker save` or any registry client still extracts it. This is the \"Squash Images\" row: a `RUN rm` after a `COPY` does not remove anything.",
		Remediation: "Rotate the secret. Rebuild without ever copying it into a layer: use a BuildKit secret mount (RUN --mount=type=secret,id=...), a multi-stage build whose final stage does not inherit the layer, or squash the layers.",
	}
	SecretInEnv = &finding.Rule{
		ID: "PAL-IMG-003", Control: control.ImageScanning, Severity: finding.High, Family: "secrets",
		Title:       "Secret in an image environment variable",
		Doc:         "The image config sets an environment variable whose value is a secret (a known token format, a private key, or a literal value under a sensitive name such as PASSWORD or API_KEY). Image config is readable by anyone who can pull the image and is shown by `docker inspect`.",
		Remediation: "Remove the ENV instruction and rotate the secret; pass it at run time from a Kubernetes Secret or a secrets manager.",
	}
	SecretInLabel = &finding.Rule{
		ID: "PAL-IMG-004", Control: control.ImageScanning, Severity: finding.Medium, Family: "secrets",
		Title:       "Secret in an image label",
		Doc:         "An image label holds a secret. Labels are public metadata of the image.",
		Remediation: "Remove the label and rotate the secret.",
	}
	SecretInHistory = &finding.Rule{
		ID: "PAL-IMG-005", Control: control.DockerfileLint, Severity: finding.High, Family: "squash",
		Title:       "Secret in the image build history",
		Doc:         "A build step recorded in the image history (`docker history --no-trunc`) carries a secret: a build ARG value, which BuildKit writes into the history of every RUN that sees it, or a token typed into a RUN command. Squashing does not remove history.",
		Remediation: "Rotate the secret. Pass build secrets with BuildKit secret mounts (RUN --mount=type=secret) instead of ARG or inline values.",
	}
	RootUser = &finding.Rule{
		ID: "PAL-IMG-010", Control: control.SecureImages, Severity: finding.Medium, Family: "root-user",
		Title:       "Image runs as root",
		Doc:         "The image config sets no user, or user root or UID 0, so its processes run as root unless the pod overrides it. A compromise of the application is then a compromise of root inside the container, one kernel bug away from the node.",
		Remediation: "Create an unprivileged user in the Dockerfile and end with USER <name or UID> (distroless images provide the `nonroot` user, UID 65532); set runAsNonRoot in the pod too.",
	}
	SSHPort = &finding.Rule{
		ID: "PAL-IMG-011", Control: control.SecureImages, Severity: finding.Medium, Family: "ports",
		Title:       "Image exposes port 22",
		Doc:         "The image config exposes port 22, which means an SSH server is meant to run in the container: an extra service with credentials to manage, and a way around Kubernetes' exec auditing.",
		Remediation: "Remove the SSH server and EXPOSE 22; use `kubectl exec` or ephemeral debug containers.",
	}
	SensitiveVolume = &finding.Rule{
		ID: "PAL-IMG-012", Control: control.DockerfileLint, Severity: finding.High, Family: "sensitive-volumes",
		Title:       "Image declares a volume at a sensitive path",
		Doc:         "The image config declares a VOLUME at a path that is sensitive on a host (/, /proc, /etc, /var/run/docker.sock, ...). Such a volume invites a bind mount of the host path, which exposes the host if the container is compromised.",
		Remediation: "Declare volumes only for application data directories (e.g. /var/lib/app/data).",
	}
	NoHealthcheck = &finding.Rule{
		ID: "PAL-IMG-013", Control: control.SecureImages, Severity: finding.Low, Family: "config",
		Title:       "Image has no health check",
		Doc:         "The image config defines no HEALTHCHECK. Kubernetes ignores it (probes replace it), so this rule is optional: enable it for images run by Docker or Compose.",
		Remediation: "Add a HEALTHCHECK instruction, or define liveness and readiness probes in the pod.",
		Aliases:     []finding.Alias{{Tool: "docker-bench", ID: "4.6"}},
		Optional:    true,
	}
	PathTraversal = &finding.Rule{
		ID: "PAL-IMG-020", Control: control.SecureImages, Severity: finding.Critical, Family: "hostile-layers",
		Title:       "Layer entry escapes the image root",
		Doc:         "A layer holds a tar entry whose name climbs out of the root with \"..\", or a hardlink to a path outside the root. Container runtimes refuse or neutralise these, but a tool that extracts the layer carelessly writes outside its target directory (a \"zip slip\"). No legitimate build produces them: the image was crafted.",
		Remediation: "Do not use the image; find out who produced it.",
	}
	DeviceFile = &finding.Rule{
		ID: "PAL-IMG-021", Control: control.SecureImages, Severity: finding.Medium, Family: "hostile-layers",
		Title:       "Layer contains a device file",
		Doc:         "A layer holds a character or block device node. Runtimes provide /dev themselves; a device node in an image gives raw access to a device if the container runs with the privileges to open it.",
		Remediation: "Remove device nodes from the image (they usually come from copying a host /dev).",
	}
	SymlinkEscape = &finding.Rule{
		ID: "PAL-IMG-022", Control: control.SecureImages, Severity: finding.Low, Family: "hostile-layers",
		Title:       "Symlink climbs above the image root",
		Doc:         "A relative symlink in a layer climbs above the image root with \"..\". Inside a container it stops at /, but a tool that extracts the image follows it outside the extraction directory.",
		Remediation: "Make the link absolute or relative within the image.",
	}
	DuplicateEntry = &finding.Rule{
		ID: "PAL-IMG-023", Control: control.SecureImages, Severity: finding.Low, Family: "hostile-layers",
		Title:       "Path appears twice in one layer",
		Doc:         "A layer's tar stream holds the same path twice. The last entry wins, so tools that take the first one see other content than the runtime: a way to hide files from scanners.",
		Remediation: "Rebuild the layer with a standard tool (docker build, buildah, ko).",
	}
	NotAnalysed = &finding.Rule{
		ID: "PAL-IMG-024", Control: control.ImageScanning, Severity: finding.Info, Family: "coverage",
		Title:       "File not fully analysed",
		Doc:         "A file was larger than an analyzer's limit, or an analyzer could not read it (a corrupt package database, a broken archive). The rest of the image was analysed; what this file holds is unknown.",
		Remediation: "Check the file by hand, or raise the limit.",
	}
	FullDistribution = &finding.Rule{
		ID: "PAL-OS-201", Control: control.MinimalOS, Severity: finding.Low, Family: "minimal-os",
		Title:       "Image is built on a full distribution",
		Doc:         "The image's operating system is a full distribution rather than a minimal one (scratch, distroless, Alpine, Wolfi, a -slim or -minimal variant). Every extra package is attack surface and a source of vulnerability findings the application does not need.",
		Remediation: "Use a multi-stage build: compile in a full image, copy the result into distroless, scratch, Wolfi or a -slim base.",
	}
	ShellPresent = &finding.Rule{
		ID: "PAL-OS-202", Control: control.MinimalOS, Severity: finding.Low, Family: "minimal-os",
		Title:       "Image contains a shell",
		Doc:         "The final file system holds a shell (sh, bash, dash, ash, busybox). An attacker who gets code execution in the container can then run arbitrary commands; without one, most exploit chains stop.",
		Remediation: "Ship the application on a base without a shell (distroless, scratch) through a multi-stage build.",
	}
	PackageManagerPresent = &finding.Rule{
		ID: "PAL-OS-203", Control: control.MinimalOS, Severity: finding.Low, Family: "minimal-os",
		Title:       "Image contains a package manager",
		Doc:         "The final file system holds an OS package manager (apt, dpkg, apk, rpm, dnf, yum, microdnf, zypper), which lets an intruder install tools.",
		Remediation: "Remove the package manager in the final stage or use a base without one (distroless).",
	}
	SetuidFiles = &finding.Rule{
		ID: "PAL-OS-204", Control: control.MinimalOS, Severity: finding.Medium, Family: "minimal-os",
		Title:       "Image contains setuid or setgid files",
		Doc:         "Files with the setuid or setgid bit let any user in the container gain their owner's or group's rights; they are the usual way from a non-root user back to root.",
		Remediation: "Strip the bits in the Dockerfile (RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +) or use a base without such files.",
		Aliases:     []finding.Alias{{Tool: "docker-bench", ID: "4.8"}},
	}
	BuildTools = &finding.Rule{
		ID: "PAL-OS-205", Control: control.MinimalOS, Severity: finding.Medium, Family: "minimal-os",
		Title:       "Image contains compilers or build tools",
		Doc:         "The final file system holds compilers or build tools (gcc, cc, clang, make, go, rustc, javac). They are needed to build, not to run, and let an intruder build tools inside the container.",
		Remediation: "Build in an earlier stage of a multi-stage build and copy only the artefacts into the final stage.",
	}
	WorldWritable = &finding.Rule{
		ID: "PAL-OS-206", Control: control.MinimalOS, Severity: finding.Medium, Family: "minimal-os",
		Title:       "Image contains world-writable files",
		Doc:         "Files or directories (other than sticky ones such as /tmp) are writable by every user, so any process in the container can change them: binaries, configuration, scripts run by root.",
		Remediation: "Fix the modes in the Dockerfile (chmod o-w) and give write access only to the user that needs it.",
	}
)

// Rules returns every image analysis rule.
func Rules() []*finding.Rule {
	return []*finding.Rule{
		SecretInFile, SecretInDeletedFile, SecretInEnv, SecretInLabel, SecretInHistory,
		RootUser, SSHPort, SensitiveVolume, NoHealthcheck,
		PathTraversal, DeviceFile, SymlinkEscape, DuplicateEntry, NotAnalysed,
		FullDistribution, ShellPresent, PackageManagerPresent, SetuidFiles, BuildTools, WorldWritable,
	}
}
