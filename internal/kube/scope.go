package kube

import "k8s.io/apimachinery/pkg/runtime/schema"

// clusterScoped are the built-in kinds (and common add-on kinds) that
// have no namespace.
var clusterScoped = map[schema.GroupKind]bool{
	{Group: "", Kind: "Namespace"}:                                                      true,
	{Group: "", Kind: "Node"}:                                                           true,
	{Group: "", Kind: "PersistentVolume"}:                                               true,
	{Group: "", Kind: "ComponentStatus"}:                                                true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:                           true,
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}:                    true,
	{Group: "apiextensions.k8s.io", Kind: "CustomResourceDefinition"}:                   true,
	{Group: "apiregistration.k8s.io", Kind: "APIService"}:                               true,
	{Group: "storage.k8s.io", Kind: "StorageClass"}:                                     true,
	{Group: "storage.k8s.io", Kind: "CSIDriver"}:                                        true,
	{Group: "storage.k8s.io", Kind: "CSINode"}:                                          true,
	{Group: "storage.k8s.io", Kind: "VolumeAttachment"}:                                 true,
	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}:                                 true,
	{Group: "node.k8s.io", Kind: "RuntimeClass"}:                                        true,
	{Group: "networking.k8s.io", Kind: "IngressClass"}:                                  true,
	{Group: "networking.k8s.io", Kind: "IPAddress"}:                                     true,
	{Group: "networking.k8s.io", Kind: "ServiceCIDR"}:                                   true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingWebhookConfiguration"}:     true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingWebhookConfiguration"}:       true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicy"}:          true,
	{Group: "admissionregistration.k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}:   true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicy"}:            true,
	{Group: "admissionregistration.k8s.io", Kind: "MutatingAdmissionPolicyBinding"}:     true,
	{Group: "certificates.k8s.io", Kind: "CertificateSigningRequest"}:                   true,
	{Group: "certificates.k8s.io", Kind: "ClusterTrustBundle"}:                          true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "FlowSchema"}:                         true,
	{Group: "flowcontrol.apiserver.k8s.io", Kind: "PriorityLevelConfiguration"}:         true,
	{Group: "policy", Kind: "PodSecurityPolicy"}:                                        true,
	{Group: "extensions", Kind: "PodSecurityPolicy"}:                                    true,
	{Group: "resource.k8s.io", Kind: "DeviceClass"}:                                     true,
	{Group: "resource.k8s.io", Kind: "ResourceSlice"}:                                   true,
	{Group: "cert-manager.io", Kind: "ClusterIssuer"}:                                   true,
	{Group: "crd.projectcalico.org", Kind: "GlobalNetworkPolicy"}:                       true,
	{Group: "projectcalico.org", Kind: "GlobalNetworkPolicy"}:                           true,
	{Group: "cilium.io", Kind: "CiliumClusterwideNetworkPolicy"}:                        true,
	{Group: "policy.networking.k8s.io", Kind: "AdminNetworkPolicy"}:                     true,
	{Group: "policy.networking.k8s.io", Kind: "BaselineAdminNetworkPolicy"}:             true,
	{Group: "policy.networking.k8s.io", Kind: "ClusterNetworkPolicy"}:                   true,
	{Group: "external-secrets.io", Kind: "ClusterSecretStore"}:                          true,
	{Group: "external-secrets.io", Kind: "ClusterExternalSecret"}:                       true,
	{Group: "apiserver.config.k8s.io", Kind: "EncryptionConfiguration"}:                 true,
	{Group: "audit.k8s.io", Kind: "Policy"}:                                             true,
	{Group: "kubeadm.k8s.io", Kind: "ClusterConfiguration"}:                             true,
	{Group: "kubelet.config.k8s.io", Kind: "KubeletConfiguration"}:                      true,
	{Group: "kustomize.config.k8s.io", Kind: "Kustomization"}:                           true,
	{Group: "kyverno.io", Kind: "ClusterPolicy"}:                                        true,
	{Group: "constraints.gatekeeper.sh", Kind: "K8sRequiredLabels"}:                     true,
	{Group: "templates.gatekeeper.sh", Kind: "ConstraintTemplate"}:                      true,
	{Group: "secrets-store.csi.x-k8s.io", Kind: "SecretProviderClassPodStatus"}:         false,
	{Group: "storage.k8s.io", Kind: "StorageVersionMigration"}:                          true,
	{Group: "storagemigration.k8s.io", Kind: "StorageVersionMigration"}:                 true,
	{Group: "internal.apiserver.k8s.io", Kind: "StorageVersion"}:                        true,
	{Group: "authentication.k8s.io", Kind: "TokenReview"}:                               true,
	{Group: "authorization.k8s.io", Kind: "SubjectAccessReview"}:                        true,
	{Group: "authorization.k8s.io", Kind: "SelfSubjectAccessReview"}:                    true,
	{Group: "authorization.k8s.io", Kind: "SelfSubjectRulesReview"}:                     true,
	{Group: "metrics.k8s.io", Kind: "NodeMetrics"}:                                      true,
	{Group: "snapshot.storage.k8s.io", Kind: "VolumeSnapshotClass"}:                     true,
	{Group: "snapshot.storage.k8s.io", Kind: "VolumeSnapshotContent"}:                   true,
	{Group: "gateway.networking.k8s.io", Kind: "GatewayClass"}:                          true,
	{Group: "monitoring.coreos.com", Kind: "PrometheusAgent"}:                           false,
	{Group: "operator.tigera.io", Kind: "Installation"}:                                 true,
	{Group: "operator.tigera.io", Kind: "APIServer"}:                                    true,
	{Group: "crd.projectcalico.org", Kind: "IPPool"}:                                    true,
	{Group: "crd.projectcalico.org", Kind: "FelixConfiguration"}:                        true,
	{Group: "crd.projectcalico.org", Kind: "BGPConfiguration"}:                          true,
	{Group: "crd.antrea.io", Kind: "ClusterNetworkPolicy"}:                              true,
	{Group: "config.openshift.io", Kind: "ClusterVersion"}:                              true,
	{Group: "apiextensions.crossplane.io", Kind: "CompositeResourceDefinition"}:         true,
	{Group: "admissionregistration.x-k8s.io", Kind: "ValidatingAdmissionPolicy"}:        true,
	{Group: "admissionregistration.x-k8s.io", Kind: "ValidatingAdmissionPolicyBinding"}: true,
}

// Namespaced reports whether objects of o's kind live in a namespace.
// CustomResourceDefinitions in the snapshot decide for their own kinds;
// unknown kinds are taken as namespaced, like most custom resources.
func (s *Snapshot) Namespaced(o *Object) bool {
	gk := o.GVK.GroupKind()
	if scoped, ok := clusterScoped[gk]; ok {
		return !scoped
	}
	if scope, ok := s.crdScope(gk); ok {
		return scope != "Cluster"
	}
	return true
}

// ClusterScoped reports whether a built-in or well-known kind has no
// namespace; false for unknown kinds.
func ClusterScoped(gk schema.GroupKind) bool { return clusterScoped[gk] }

func (s *Snapshot) crdScope(gk schema.GroupKind) (string, bool) {
	for _, o := range s.OfKind("apiextensions.k8s.io", "CustomResourceDefinition") {
		spec, _ := o.Raw["spec"].(map[string]any)
		if spec == nil {
			continue
		}
		group, _ := spec["group"].(string)
		names, _ := spec["names"].(map[string]any)
		kind, _ := names["kind"].(string)
		if group == gk.Group && kind == gk.Kind {
			scope, _ := spec["scope"].(string)
			return scope, true
		}
	}
	return "", false
}
