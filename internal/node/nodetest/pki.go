package nodetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Now is the reference time of every fixture: certificates are issued
// relative to it, and tests judge expiry against it.
var Now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// keyPair is a certificate with its key, PEM-encoded.
type keyPair struct {
	cert    *x509.Certificate
	key     crypto.Signer
	CertPEM []byte
	KeyPEM  []byte
}

// certSpec describes one certificate to issue.
type certSpec struct {
	CN       string
	Org      []string
	CA       bool
	DNS      []string
	IPs      []string
	Client   bool
	Server   bool
	Days     int // validity from Now - 1 day
	Expired  bool
	RSABits  int // 0: ECDSA P-256
	Parent   *keyPair
	NotAfter time.Time
}

var serial int64 = 1000

// issue creates a certificate signed by spec.Parent (self-signed when nil).
func issue(spec certSpec) (*keyPair, error) {
	var key crypto.Signer
	var err error
	if spec.RSABits > 0 {
		key, err = rsa.GenerateKey(rand.Reader, spec.RSABits)
	} else {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	if err != nil {
		return nil, err
	}
	serial++
	days := spec.Days
	if days == 0 {
		days = 365
	}
	notBefore := Now.Add(-24 * time.Hour)
	notAfter := notBefore.Add(time.Duration(days) * 24 * time.Hour)
	if spec.Expired {
		notBefore = Now.Add(-400 * 24 * time.Hour)
		notAfter = Now.Add(-35 * 24 * time.Hour)
	}
	if !spec.NotAfter.IsZero() {
		notAfter = spec.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: spec.CN, Organization: spec.Org},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		IsCA:                  spec.CA,
		DNSNames:              spec.DNS,
	}
	for _, ip := range spec.IPs {
		tmpl.IPAddresses = append(tmpl.IPAddresses, net.ParseIP(ip))
	}
	if spec.CA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	} else {
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		if spec.RSABits > 0 {
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		}
		if spec.Server {
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
		}
		if spec.Client {
			tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
		}
	}
	parentCert, parentKey := tmpl, key
	if spec.Parent != nil {
		parentCert, parentKey = spec.Parent.cert, spec.Parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("issuing %s: %w", spec.CN, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &keyPair{
		cert:    cert,
		key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

// publicKeyPEM encodes a key pair's public key (sa.pub).
func (k *keyPair) publicKeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k.key.Public())
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ServingCert issues a throw-away CA and a serving certificate for names,
// valid from notBefore to notAfter, and returns the certificate, the CA
// certificate and the certificate's key, PEM-encoded: the content of a
// kubernetes.io/tls Secret.
func ServingCert(cn string, names []string, notBefore, notAfter time.Time) (cert, ca, key []byte, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	serial++
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn + " CA"},
		NotBefore: notBefore.Add(-time.Hour), NotAfter: notBefore.Add(5 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, nil, nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
		NotBefore: notBefore, NotAfter: notAfter, DNSNames: names, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, leafKey.Public(), caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	if err != nil {
		return nil, nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}
