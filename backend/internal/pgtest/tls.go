package pgtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// tlsFiles are the PEM files a cluster's TLS setup consists of.
type tlsFiles struct {
	caCert, otherCACert, serverCert, serverKey string
}

// writeTLS generates a CA, a second unrelated CA and a server certificate
// (CN=localhost, SAN DNS:localhost and IP:127.0.0.1) signed by the first, and
// writes them into dir. ECDSA P-256 keeps generation under a millisecond.
func writeTLS(dir string, owner runAs) (tlsFiles, error) {
	f := tlsFiles{
		caCert:      filepath.Join(dir, "ca.crt"),
		otherCACert: filepath.Join(dir, "other-ca.crt"),
		serverCert:  filepath.Join(dir, "server.crt"),
		serverKey:   filepath.Join(dir, "server.key"),
	}
	now := time.Now()
	ca, caKey, caDER, err := newCA("tusk pgtest CA", now)
	if err != nil {
		return f, err
	}
	_, _, otherDER, err := newCA("tusk pgtest unrelated CA", now)
	if err != nil {
		return f, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, fmt.Errorf("generate server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return f, fmt.Errorf("sign server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return f, fmt.Errorf("marshal server key: %w", err)
	}
	for _, w := range []struct {
		path, typ string
		der       []byte
		mode      os.FileMode
	}{
		{f.caCert, "CERTIFICATE", caDER, 0o644},
		{f.otherCACert, "CERTIFICATE", otherDER, 0o644},
		{f.serverCert, "CERTIFICATE", der, 0o644},
		{f.serverKey, "PRIVATE KEY", keyDER, 0o600},
	} {
		if err := os.WriteFile(w.path, pem.EncodeToMemory(&pem.Block{Type: w.typ, Bytes: w.der}), w.mode); err != nil {
			return f, err
		}
	}
	// The server refuses a key file that anyone but its owner (or root with
	// group access) can read; it must belong to the server's OS user.
	if err := owner.chown(f.serverKey); err != nil {
		return f, err
	}
	return f, nil
}

func newCA(name string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, nil, err
	}
	return cert, key, der, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}
