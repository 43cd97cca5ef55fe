package checks

// Secrets management: late binding (the secret is fetched from a secret
// store when the pod starts) rather than secrets kept in etcd and handed
// to containers; no secrets in environment variables, ConfigMaps or
// annotations; no legacy long-lived service-account token Secrets; and
// an EncryptionConfiguration that actually encrypts Secrets at rest.
//
// Each workload's secret delivery is classified:
//   - late-bound: Vault Agent injector annotations (with a successful
//     injection status on pods), Secrets Store CSI volumes whose
//     SecretProviderClass does not sync to a Secret, or a Vault/OpenBao
//     client sidecar;
//   - stored in etcd: plain Secrets, Secrets synced by the External
//     Secrets Operator, Sealed Secrets or the CSI driver's secretObjects.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/palisade-sec/palisade/internal/control"
	"github.com/palisade-sec/palisade/internal/finding"
	"github.com/palisade-sec/palisade/internal/kube"
	"github.com/palisade-sec/palisade/internal/secret"
)

var SecretInEnv = &finding.Rule{
	ID: "PAL-SEC-001", Control: control.Secrets, Severity: finding.Medium, Family: "delivery",
	Title:       "Secret passed as an environment variable",
	Doc:         "Environment variables leak: they are inherited by every child process, printed by debug endpoints and crash reports, visible in /proc/<pid>/environ and in `kubectl describe`. Secrets mounted as files can be restricted by mode and are updated in place.",
	Remediation: "Mount the Secret as a volume and read the file, or bind it late from a secret store (Vault Agent, Secrets Store CSI).",
	Aliases:     aliases(alias("kubescape", "C-0207"), alias("checkov", "CKV_K8S_35")),
}

var LiteralEnvSecret = &finding.Rule{
	ID: "PAL-SEC-002", Control: control.Secrets, Severity: finding.High, Family: "literal-secret",
	Title:       "Secret written as a literal environment value",
	Doc:         "The value of a container environment variable looks like a credential (a known token format, a private key, or a high-entropy value under a sensitive name). It is stored in the manifest, in version control and in etcd without any protection Secrets get. Detected with palisade's shared secret detectors.",
	Remediation: "Revoke the credential, move it to a secret store or a Secret, and reference it (valueFrom.secretKeyRef, or better a mounted file).",
	Aliases:     aliases(alias("kubescape", "C-0012")),
}

var ConfigMapSecret = &finding.Rule{
	ID: "PAL-SEC-003", Control: control.Secrets, Severity: finding.High, Family: "literal-secret",
	Title:       "Secret in a ConfigMap",
	Doc:         "A ConfigMap value looks like a credential. ConfigMaps are readable by far more subjects than Secrets and are never encrypted at rest.",
	Remediation: "Revoke the credential and move it to a Secret or a secret store.",
}

var AnnotationSecret = &finding.Rule{
	ID: "PAL-SEC-004", Control: control.Secrets, Severity: finding.High, Family: "literal-secret",
	Title:       "Secret in an annotation",
	Doc:         "An annotation value looks like a credential. Annotations are metadata: listed by tools, dashboards and anyone who can read the object's metadata.",
	Remediation: "Revoke the credential and move it to a Secret or a secret store.",
}

var LastAppliedSecret = &finding.Rule{
	ID: "PAL-SEC-005", Control: control.Secrets, Severity: finding.Medium, Family: "literal-secret",
	Title:       "Secret values copied into last-applied-configuration",
	Doc:         "`kubectl apply` stores the applied manifest in the kubectl.kubernetes.io/last-applied-configuration annotation: for a Secret that includes its data. `kubectl describe secret` hides the data but prints the annotation, and tools that treat metadata as harmless expose it.",
	Remediation: "Create Secrets with server-side apply (kubectl apply --server-side), kubectl create, or a secret operator, and remove the annotation.",
}

var ServiceAccountTokenSecret = &finding.Rule{
	ID: "PAL-SEC-006", Control: control.Secrets, Severity: finding.Medium, Family: "tokens",
	Title:       "Legacy service-account token Secret",
	Doc:         "A Secret of type kubernetes.io/service-account-token holds a token that never expires and is not bound to a pod: whoever reads it acts as the service account until the Secret is deleted. Since Kubernetes 1.24 pods get short-lived projected tokens instead.",
	Remediation: "Delete the Secret and use projected tokens (the default) or `kubectl create token` for short-lived tokens.",
}

var EncryptionIdentityFirst = &finding.Rule{
	ID: "PAL-SEC-007", Control: control.Secrets, Severity: finding.High, Family: "encryption-at-rest",
	Title:       "EncryptionConfiguration writes Secrets unencrypted",
	Doc:         "The API server encrypts new data with the first provider of the list: when it is identity, Secrets are written to etcd in clear, whatever providers follow.",
	Remediation: "Put a kms (v2), aesgcm, aescbc or secretbox provider first and keep identity last, only to read old data; then rewrite all Secrets (kubectl get secrets -A -o json | kubectl replace -f -).",
}

var EncryptionNoProvider = &finding.Rule{
	ID: "PAL-SEC-008", Control: control.Secrets, Severity: finding.High, Family: "encryption-at-rest",
	Title:       "EncryptionConfiguration does not encrypt Secrets",
	Doc:         "The EncryptionConfiguration has no aescbc, aesgcm, secretbox or kms provider for Secrets (or no entry for Secrets at all): they are stored in etcd in clear.",
	Remediation: "Add a resources entry for secrets with a kms (v2), aesgcm, aescbc or secretbox provider first.",
}

var EtcdDelivery = &finding.Rule{
	ID: "PAL-SEC-009", Control: control.Secrets, Severity: finding.Low, Family: "late-binding",
	Title:       "Workload's secrets are stored in etcd, not late-bound",
	Doc:         "The workload receives secrets kept in Kubernetes Secrets (plain, or synced there by the External Secrets Operator, Sealed Secrets or the Secrets Store CSI driver's secretObjects): anyone who can read Secrets in the namespace, or etcd and its backups, has them. Late binding fetches the secret from the store when the pod starts (Vault Agent injector, Secrets Store CSI without sync, a Vault or OpenBao sidecar), so it never lands in etcd.",
	Remediation: "Deliver the secret late: Vault Agent injector annotations, a Secrets Store CSI volume without secretObjects, or the application's own secret-store client.",
}

var InjectionNotDone = &finding.Rule{
	ID: "PAL-SEC-010", Control: control.Secrets, Severity: finding.Medium, Family: "late-binding",
	Title:       "Vault Agent injection requested but not performed",
	Doc:         "The pod asks the Vault Agent injector for secrets (vault.hashicorp.com/agent-inject: true) but carries no vault.hashicorp.com/agent-inject-status: injected: the injector webhook did not run, so the application starts without its secrets or falls back to something else.",
	Remediation: "Check that the Vault Agent injector webhook is running and its MutatingWebhookConfiguration matches the namespace, then restart the pod.",
}

// Delivery is how a workload receives its secrets.
type Delivery string

const (
	NoSecrets    Delivery = "none"
	LateBound    Delivery = "late-bound"
	StoredInEtcd Delivery = "stored in etcd"
)

// SecretDelivery is a workload's classification with its reasons.
type SecretDelivery struct {
	Workload *kube.Object
	Class    Delivery
	// Late and Etcd list what makes the workload late-bound or stored in
	// etcd ("Vault Agent injector", "Secret db (env DB_PASSWORD)").
	Late, Etcd []string
}

const (
	vaultInject       = "vault.hashicorp.com/agent-inject"
	vaultInjectStatus = "vault.hashicorp.com/agent-inject-status"
	csiSecretsDriver  = "secrets-store.csi.k8s.io"
)

// ClassifySecrets classifies every workload's secret delivery.
func ClassifySecrets(s *kube.Snapshot, ws []kube.Workload) []SecretDelivery {
	var out []SecretDelivery
	for _, w := range ws {
		d := SecretDelivery{Workload: w.Object}
		spec := w.Spec()
		ann := w.Template.Annotations
		if ann[vaultInject] == "true" {
			if w.Object.Kind() != "Pod" || ann[vaultInjectStatus] == "injected" {
				d.Late = append(d.Late, "Vault Agent injector")
			}
		}
		if hasSecretStoreSidecar(spec) {
			d.Late = append(d.Late, "Vault/OpenBao client sidecar")
		}
		ns := w.Namespace()
		seen := map[string]bool{}
		etcd := func(name, how string) {
			if name == "" {
				return
			}
			key := name + how
			if seen[key] {
				return
			}
			seen[key] = true
			d.Etcd = append(d.Etcd, fmt.Sprintf("Secret %s%s (%s)", name, syncedBy(s, ns, name), how))
		}
		for _, v := range spec.Volumes {
			switch {
			case v.Secret != nil:
				etcd(v.Secret.SecretName, "volume "+v.Name)
			case v.Projected != nil:
				for _, src := range v.Projected.Sources {
					if src.Secret != nil {
						etcd(src.Secret.Name, "projected volume "+v.Name)
					}
				}
			case v.CSI != nil && v.CSI.Driver == csiSecretsDriver:
				spc := v.CSI.VolumeAttributes["secretProviderClass"]
				if synced := csiSyncedSecrets(s, ns, spc); len(synced) > 0 {
					for _, name := range synced {
						d.Etcd = append(d.Etcd, fmt.Sprintf("Secret %s (synced by the Secrets Store CSI driver from SecretProviderClass %s)", name, spc))
					}
				} else {
					d.Late = append(d.Late, "Secrets Store CSI volume "+v.Name)
				}
			}
		}
		kube.Containers(spec, func(c *corev1.Container, _ kube.Path) {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					etcd(e.ValueFrom.SecretKeyRef.Name, "env "+e.Name)
				}
			}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil {
					etcd(e.SecretRef.Name, "envFrom of container "+c.Name)
				}
			}
		})
		switch {
		case len(d.Etcd) > 0:
			d.Class = StoredInEtcd
		case len(d.Late) > 0:
			d.Class = LateBound
		default:
			d.Class = NoSecrets
		}
		out = append(out, d)
	}
	return out
}

// hasSecretStoreSidecar reports a Vault or OpenBao client container next
// to the application's containers.
func hasSecretStoreSidecar(spec *corev1.PodSpec) bool {
	n := len(spec.Containers) + len(spec.InitContainers)
	if n < 2 {
		return false
	}
	found := false
	kube.Containers(spec, func(c *corev1.Container, _ kube.Path) {
		img := strings.ToLower(c.Image)
		if strings.Contains(img, "hashicorp/vault") || strings.Contains(img, "openbao/openbao") ||
			strings.Contains(img, "/vault:") || strings.Contains(img, "bank-vaults/vault-env") {
			found = true
		}
	})
	return found
}

// syncedBy says which operator filled a Secret, from its owner or from
// an ExternalSecret/SealedSecret targeting it.
func syncedBy(s *kube.Snapshot, ns, name string) string {
	if o := s.Get("", "Secret", ns, name); o != nil {
		for _, ref := range o.Meta.OwnerReferences {
			switch ref.Kind {
			case "ExternalSecret":
				return ", synced by the External Secrets Operator"
			case "SealedSecret":
				return ", unsealed by Sealed Secrets"
			}
		}
	}
	for _, es := range s.OfKind("external-secrets.io", "ExternalSecret") {
		if es.Namespace() != ns {
			continue
		}
		target := es.Name()
		if spec, ok := es.Raw["spec"].(map[string]any); ok {
			if t, ok := spec["target"].(map[string]any); ok {
				if n, ok := t["name"].(string); ok && n != "" {
					target = n
				}
			}
		}
		if target == name {
			return ", synced by the External Secrets Operator"
		}
	}
	if ss := s.Get("bitnami.com", "SealedSecret", ns, name); ss != nil {
		return ", unsealed by Sealed Secrets"
	}
	return ""
}

// csiSyncedSecrets returns the Secrets a SecretProviderClass syncs to.
func csiSyncedSecrets(s *kube.Snapshot, ns, name string) []string {
	o := s.Get("secrets-store.csi.x-k8s.io", "SecretProviderClass", ns, name)
	if o == nil {
		return nil
	}
	content, err := o.Content()
	if err != nil {
		return nil
	}
	spec, _ := content["spec"].(map[string]any)
	objs, _ := spec["secretObjects"].([]any)
	var out []string
	for _, so := range objs {
		if m, ok := so.(map[string]any); ok {
			if n, ok := m["secretName"].(string); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// SecretDeliveries classifies the pass's workloads.
func (p *Pass) SecretDeliveries() []SecretDelivery {
	return ClassifySecrets(p.Snap, p.Workloads())
}

// redacted renders detector matches for a message.
func describeMatches(ms []secret.Match) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%s %s", m.Title, m.Redacted))
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), "; ")
}

// skipAnnotations are annotations that hold copies of the object or
// other tools' data, judged elsewhere or never secrets.
var skipAnnotations = map[string]bool{
	"kubectl.kubernetes.io/last-applied-configuration": true,
	"deployment.kubernetes.io/revision":                true,
	"meta.helm.sh/release-name":                        true,
	"meta.helm.sh/release-namespace":                   true,
}

var secretChecks = []Check{
	{Rule: SecretInEnv, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
				for i, e := range c.Env {
					if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
						p.Report(w.Object, w.SpecPath().Child(path...).Index("env", i), "container %q gets Secret %s key %s as environment variable %s",
							c.Name, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key, e.Name)
					}
				}
				for i, e := range c.EnvFrom {
					if e.SecretRef != nil {
						p.Report(w.Object, w.SpecPath().Child(path...).Index("envFrom", i), "container %q gets every key of Secret %s as environment variables", c.Name, e.SecretRef.Name)
					}
				}
			})
		}
	}},
	{Rule: LiteralEnvSecret, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			kube.Containers(w.Spec(), func(c *corev1.Container, path kube.Path) {
				for i, e := range c.Env {
					if e.Value == "" {
						continue
					}
					if ms := secret.Value(e.Name, e.Value); len(ms) > 0 {
						p.Report(w.Object, w.SpecPath().Child(path...).Index("env", i).Child("value"), "container %q sets %s to a literal secret: %s", c.Name, e.Name, describeMatches(ms))
					}
				}
			})
		}
	}},
	{Rule: ConfigMapSecret, Run: func(p *Pass) {
		for _, o := range p.Snap.OfKind("", "ConfigMap") {
			cm, ok := o.Typed.(*corev1.ConfigMap)
			if !ok {
				continue
			}
			keys := make([]string, 0, len(cm.Data))
			for k := range cm.Data {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if ms := secret.Value(k, cm.Data[k]); len(ms) > 0 {
					p.Report(o, kube.Path{"data", k}, "ConfigMap key %s holds a secret: %s", k, describeMatches(ms))
				}
			}
		}
	}},
	{Rule: AnnotationSecret, Run: func(p *Pass) {
		for _, o := range p.Snap.Objects {
			report := func(ann map[string]string, path kube.Path) {
				keys := make([]string, 0, len(ann))
				for k := range ann {
					if !skipAnnotations[k] {
						keys = append(keys, k)
					}
				}
				slices.Sort(keys)
				for _, k := range keys {
					if ms := secret.Value(k, ann[k]); len(ms) > 0 {
						p.Report(o, path.Child(k), "annotation %s holds a secret: %s", k, describeMatches(ms))
					}
				}
			}
			report(o.Meta.Annotations, kube.Path{"metadata", "annotations"})
			if tpl, path, ok := kube.PodTemplate(o); ok && len(path) > 0 {
				report(tpl.Annotations, path.Child("metadata", "annotations"))
			}
		}
	}},
	{Rule: LastAppliedSecret, Run: func(p *Pass) {
		for _, o := range p.Snap.OfKind("", "Secret") {
			la := o.Meta.Annotations["kubectl.kubernetes.io/last-applied-configuration"]
			if la == "" {
				continue
			}
			var doc struct {
				Data       map[string]any `json:"data"`
				StringData map[string]any `json:"stringData"`
			}
			if json.Unmarshal([]byte(la), &doc) != nil || len(doc.Data)+len(doc.StringData) == 0 {
				continue
			}
			p.Report(o, kube.Path{"metadata", "annotations"}, "Secret %s carries its %d value(s) in the last-applied-configuration annotation", o.Name(), len(doc.Data)+len(doc.StringData))
		}
	}},
	{Rule: ServiceAccountTokenSecret, Run: func(p *Pass) {
		for _, o := range p.Snap.OfKind("", "Secret") {
			s, ok := o.Typed.(*corev1.Secret)
			if !ok || s.Type != corev1.SecretTypeServiceAccountToken {
				continue
			}
			sa := s.Annotations[corev1.ServiceAccountNameKey]
			p.Report(o, kube.Path{"type"}, "Secret %s holds a long-lived token of service account %q that never expires", o.Name(), sa)
		}
	}},
	{Rule: EncryptionIdentityFirst, Run: func(p *Pass) {
		for _, o := range encryptionConfigs(p.Snap) {
			for _, e := range encryptionEntries(o) {
				if e.coversSecrets && len(e.providers) > 0 && e.providers[0] == "identity" && slices.ContainsFunc(e.providers, realProvider) {
					i := slices.IndexFunc(e.providers, realProvider)
					p.Report(o, e.path, "resources %s: the first provider is identity, so Secrets are written unencrypted (the %s provider only decrypts)", strings.Join(e.resources, ", "), e.providers[i])
				}
			}
		}
	}},
	{Rule: EncryptionNoProvider, Run: func(p *Pass) {
		for _, o := range encryptionConfigs(p.Snap) {
			covered := false
			for _, e := range encryptionEntries(o) {
				if !e.coversSecrets {
					continue
				}
				covered = true
				if !slices.ContainsFunc(e.providers, realProvider) {
					p.Report(o, e.path, "resources %s use only %s: Secrets are stored unencrypted", strings.Join(e.resources, ", "), strings.Join(e.providers, ", "))
				}
			}
			if !covered {
				p.Report(o, kube.Path{"resources"}, "no resources entry covers secrets: Secrets are stored unencrypted")
			}
		}
	}},
	{Rule: EtcdDelivery, Run: func(p *Pass) {
		for _, d := range p.SecretDeliveries() {
			if d.Class != StoredInEtcd {
				continue
			}
			msg := "secrets stored in etcd: " + strings.Join(d.Etcd, ", ")
			if len(d.Late) > 0 {
				msg += "; also late-bound: " + strings.Join(d.Late, ", ")
			}
			p.Report(d.Workload, nil, "%s", msg)
		}
	}},
	{Rule: InjectionNotDone, Run: func(p *Pass) {
		for _, w := range p.Workloads() {
			if w.Object.Kind() != "Pod" || w.Object.Source.Kind != kube.FromCluster {
				continue
			}
			ann := w.Template.Annotations
			if ann[vaultInject] == "true" && ann[vaultInjectStatus] != "injected" {
				p.Report(w.Object, kube.Path{"metadata", "annotations"}, "pod requests Vault Agent injection but its %s is %q", vaultInjectStatus, ann[vaultInjectStatus])
			}
		}
	}},
}

func realProvider(name string) bool {
	switch name {
	case "aescbc", "aesgcm", "secretbox", "kms":
		return true
	}
	return false
}

func encryptionConfigs(s *kube.Snapshot) []*kube.Object {
	var out []*kube.Object
	for _, o := range s.OfKind("apiserver.config.k8s.io", "EncryptionConfiguration") {
		out = append(out, o)
	}
	for _, o := range s.OfKind("apiserver.k8s.io", "EncryptionConfig") {
		out = append(out, o)
	}
	return out
}

type encryptionEntry struct {
	path          kube.Path
	resources     []string
	providers     []string
	coversSecrets bool
}

// encryptionEntries reads the resources entries of an
// EncryptionConfiguration: the resources each covers and its providers
// in order.
func encryptionEntries(o *kube.Object) []encryptionEntry {
	content, err := o.Content()
	if err != nil {
		return nil
	}
	list, _ := content["resources"].([]any)
	var out []encryptionEntry
	for i, it := range list {
		m, _ := it.(map[string]any)
		e := encryptionEntry{path: kube.Path{}.Index("resources", i)}
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			if s, ok := r.(string); ok {
				e.resources = append(e.resources, s)
				if s == "secrets" || s == "*.*" || s == "*." {
					e.coversSecrets = true
				}
			}
		}
		ps, _ := m["providers"].([]any)
		for _, pv := range ps {
			if pm, ok := pv.(map[string]any); ok {
				for k := range pm {
					e.providers = append(e.providers, k)
				}
			}
		}
		out = append(out, e)
	}
	return out
}
