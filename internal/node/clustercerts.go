package node

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// Certificates kept in a cluster: TLS Secrets (kubernetes.io/tls, and
// tls.crt in Secrets of other types, as some tools store them), read
// read-only, with the host names of the Ingresses that serve them so the
// certificate can be checked to cover them. Keys are never read into
// anything palisade keeps.

// ClusterCertOptions tune ClusterCerts.
type ClusterCertOptions struct {
	// Namespaces limits the read to these; empty reads all namespaces.
	Namespaces []string
	// PageSize is the list page size (default 100: Secrets can be large).
	PageSize int64
}

// skippedSecretTypes are never read: Helm release Secrets are large and
// never hold certificates.
var skippedSecretTypes = []string{"helm.sh/release.v1"}

// ClusterCerts lists the certificates of the cluster's TLS Secrets and
// the Ingress host names each must cover. It returns errors for what
// could not be read (a namespace it may not list, a certificate that does
// not parse) and fails only when no Secret could be listed at all.
func ClusterCerts(ctx context.Context, client kubernetes.Interface, o ClusterCertOptions) ([]CertInfo, []string, error) {
	if o.PageSize <= 0 {
		o.PageSize = 100
	}
	namespaces := o.Namespaces
	if len(namespaces) == 0 {
		namespaces = []string{metav1.NamespaceAll}
	}
	var certs []CertInfo
	var errs []string
	listed := 0
	var firstErr error
	for _, ns := range namespaces {
		n, c, e, err := listSecretCerts(ctx, client, ns, o.PageSize)
		certs = append(certs, c...)
		errs = append(errs, e...)
		if err != nil {
			where := "namespace " + ns
			if ns == metav1.NamespaceAll {
				where = "all namespaces"
			}
			msg := fmt.Sprintf("listing Secrets in %s: %v", where, err)
			if apierrors.IsForbidden(err) {
				msg += " (palisade certs needs list on secrets; name the namespaces you may read with -n)"
			}
			errs = append(errs, msg)
			if firstErr == nil {
				firstErr = fmt.Errorf("%s", msg)
			}
			continue
		}
		listed += n
	}
	if listed == 0 && firstErr != nil {
		return nil, errs, firstErr
	}
	want, e := ingressNames(ctx, client, namespaces)
	errs = append(errs, e...)
	for i := range certs {
		c := &certs[i]
		if !strings.HasSuffix(c.Source, " tls.crt") {
			continue
		}
		secret := strings.TrimSuffix(strings.TrimPrefix(c.Source, "secret "), " tls.crt")
		if hosts := want[secret]; len(hosts) > 0 && !c.IsCA {
			c.Role = "ingress-serving"
			c.Want = hosts
		}
	}
	return certs, errs, nil
}

// listSecretCerts reads one namespace (or all) page by page.
func listSecretCerts(ctx context.Context, client kubernetes.Interface, ns string, page int64) (int, []CertInfo, []string, error) {
	var certs []CertInfo
	var errs []string
	n := 0
	sel := "type!=" + strings.Join(skippedSecretTypes, ",type!=")
	opts := metav1.ListOptions{Limit: page, FieldSelector: sel}
	for {
		list, err := client.CoreV1().Secrets(ns).List(ctx, opts)
		if err != nil {
			return n, certs, errs, err
		}
		for i := range list.Items {
			c, e := SecretCerts(&list.Items[i])
			certs = append(certs, c...)
			errs = append(errs, e...)
		}
		n += len(list.Items)
		if list.Continue == "" {
			return n, certs, errs, nil
		}
		opts.Continue = list.Continue
	}
}

// SecretCerts reads the certificates of one Secret: tls.crt, and ca.crt
// beside it. A Secret without tls.crt gives none; tls.key is never read.
func SecretCerts(s *corev1.Secret) ([]CertInfo, []string) {
	crt, ok := s.Data[corev1.TLSCertKey]
	if !ok {
		return nil, nil
	}
	name := "secret " + s.Namespace + "/" + s.Name
	certs, errs := ParseCertificates(name+" "+corev1.TLSCertKey, crt)
	if len(certs) == 0 && len(errs) == 0 && len(crt) > 0 {
		errs = append(errs, fmt.Sprintf("%s: %s holds no PEM certificate", name, corev1.TLSCertKey))
	}
	if ca, ok := s.Data[corev1.ServiceAccountRootCAKey]; ok {
		c, e := ParseCertificates(name+" "+corev1.ServiceAccountRootCAKey, ca)
		certs = append(certs, c...)
		errs = append(errs, e...)
	}
	return certs, errs
}

// ingressNames maps "namespace/secret" to the host names the Ingresses
// serve with that Secret.
func ingressNames(ctx context.Context, client kubernetes.Interface, namespaces []string) (map[string][]string, []string) {
	out := map[string][]string{}
	var errs []string
	for _, ns := range namespaces {
		opts := metav1.ListOptions{Limit: 500}
		for {
			list, err := client.NetworkingV1().Ingresses(ns).List(ctx, opts)
			if err != nil {
				if !apierrors.IsNotFound(err) {
					errs = append(errs, fmt.Sprintf("listing Ingresses (to check the names certificates must cover): %v", err))
				}
				break
			}
			for _, ing := range list.Items {
				for _, t := range ing.Spec.TLS {
					if t.SecretName == "" {
						continue
					}
					k := ing.Namespace + "/" + t.SecretName
					for _, h := range t.Hosts {
						if h != "" && !slices.Contains(out[k], h) {
							out[k] = append(out[k], h)
						}
					}
				}
			}
			if list.Continue == "" {
				break
			}
			opts.Continue = list.Continue
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out, errs
}
