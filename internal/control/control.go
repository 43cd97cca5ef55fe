// Package control is palisade's control catalog: the matrix of security
// controls (three layers times two phases) that every finding belongs to.
package control

import "fmt"

// ID is a stable control identifier such as "app.dockerfile-lint".
type ID string

// Layer is a row of the control matrix.
type Layer string

// Phase is a column of the control matrix.
type Phase string

const (
	Applications   Layer = "applications"
	Clusters       Layer = "clusters"
	Infrastructure Layer = "infrastructure"

	Build   Phase = "build"
	Operate Phase = "operate"
)

// Layers and Phases list the matrix axes in display order.
var (
	Layers = []Layer{Applications, Clusters, Infrastructure}
	Phases = []Phase{Build, Operate}
)

// Control is one cell entry of the matrix.
type Control struct {
	ID          ID
	Name        string
	Layer       Layer
	Phase       Phase
	Description string
}

// The stable control IDs.
const (
	SecureImages    ID = "app.secure-images"
	DockerfileLint  ID = "app.dockerfile-lint"
	ImageScanning   ID = "app.image-scanning"
	ImageProvenance ID = "app.image-provenance"
	Secrets         ID = "app.secrets"
	Namespaces      ID = "app.namespaces"
	NetworkPolicies ID = "app.network-policies"
	RBAC            ID = "cluster.rbac"
	Audit           ID = "cluster.audit"
	Certificates    ID = "cluster.certificates"
	PodSecurity     ID = "cluster.pod-security"
	Identity        ID = "cluster.identity"
	Upgrades        ID = "cluster.upgrades"
	CIS             ID = "cluster.cis"
	MinimalOS       ID = "infra.minimal-os"
	OSHardening     ID = "infra.os-hardening"
	CISRuntime      ID = "infra.cis-runtime"
)

var catalog = []Control{
	{SecureImages, "Enforce secure images", Applications, Build, "Only build from trusted, pinned, non-root, integrity-checked images."},
	{DockerfileLint, "Dockerfile linting", Applications, Build, "Specific tags, base-image allowlist, package-manager integrity, sensitive volumes, non-root user, no secrets in layers, inspect what is installed."},
	{ImageScanning, "Image scanning", Applications, Build, "Vulnerable packages, secrets and malware in every layer; passive rescans of the registry."},
	{ImageProvenance, "Image provenance", Applications, Operate, "Run only scanned and approved images from trusted registries, verified by signature."},
	{Secrets, "Secrets management", Applications, Operate, "Late-bound secrets; none in environment variables, images or configuration."},
	{Namespaces, "Namespaces", Applications, Operate, "Applications isolated in their own namespaces with quotas and limits."},
	{NetworkPolicies, "Network policies", Applications, Operate, "Default-deny policies, per-workload coverage, and a CNI that enforces them."},
	{RBAC, "RBAC", Clusters, Build, "Least-privilege roles and bindings; no escalation paths."},
	{Audit, "Audit policies and logging", Clusters, Build, "An audit policy and backend configured on the API server."},
	{Certificates, "Certificate management", Clusters, Build, "Valid, strong, rotated certificates signed by a known CA."},
	{PodSecurity, "Pod security", Clusters, Build, "Pods meet the Pod Security Standards, enforced by Pod Security Admission."},
	{Identity, "Identity and access", Clusters, Operate, "Users come from a central identity provider; no static credentials."},
	{Upgrades, "Kubernetes upgrades", Clusters, Operate, "Supported versions, no removed APIs, version skew within policy."},
	{CIS, "CIS Kubernetes benchmark", Clusters, Operate, "Control-plane and worker configuration per the CIS Kubernetes Benchmark."},
	{MinimalOS, "Minimal OS", Infrastructure, Build, "Stripped-down distributions for containers and hosts."},
	{OSHardening, "OS hardening", Infrastructure, Build, "Hosts hardened per well-known standards, aware of what nodes need."},
	{CISRuntime, "CIS Docker benchmark", Infrastructure, Operate, "Container engine (Docker, containerd) configuration per the CIS Docker Benchmark."},
}

// All returns a copy of the catalog in matrix order.
func All() []Control {
	return append([]Control(nil), catalog...)
}

// Lookup returns the control with the given ID.
func Lookup(id ID) (Control, bool) {
	for _, c := range catalog {
		if c.ID == id {
			return c, true
		}
	}
	return Control{}, false
}

// In returns the controls of one matrix cell, in catalog order.
func In(l Layer, p Phase) []Control {
	var out []Control
	for _, c := range catalog {
		if c.Layer == l && c.Phase == p {
			out = append(out, c)
		}
	}
	return out
}

// Validate reports an unknown control ID.
func Validate(id ID) error {
	if _, ok := Lookup(id); !ok {
		return fmt.Errorf("unknown control %q", id)
	}
	return nil
}
