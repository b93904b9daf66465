package sshtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// KeyType selects the algorithm of a generated key.
type KeyType string

// The key types the harness generates.
const (
	ED25519 KeyType = "ed25519"
	ECDSA   KeyType = "ecdsa" // P-256
)

// Key is a generated key pair written to a file in OpenSSH format.
type Key struct {
	// Private is the private key (ed25519.PrivateKey or *ecdsa.PrivateKey).
	Private crypto.PrivateKey
	// Signer signs with Private.
	Signer ssh.Signer
	// Path is the private key file (mode 0600, OpenSSH PEM).
	Path string
	// Passphrase encrypts the file; "" for an unencrypted key.
	Passphrase string
}

// PublicKey returns the key's public half.
func (k *Key) PublicKey() ssh.PublicKey { return k.Signer.PublicKey() }

// AuthorizedKey returns the key as an authorized_keys line (no newline).
func (k *Key) AuthorizedKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.PublicKey())))
}

// NewKey generates a key of type typ and writes it to dir/name in OpenSSH
// format, encrypted with passphrase unless it is "". It fails the test on
// error.
func NewKey(t testing.TB, dir, name string, typ KeyType, passphrase string) *Key {
	t.Helper()
	priv, err := generate(typ)
	if err != nil {
		t.Fatalf("sshtest: generate %s key: %v", typ, err)
	}
	path := filepath.Join(dir, name)
	if err := writeKey(path, priv, passphrase, name); err != nil {
		t.Fatalf("sshtest: %v", err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatalf("sshtest: signer: %v", err)
	}
	return &Key{Private: priv, Signer: signer, Path: path, Passphrase: passphrase}
}

func generate(typ KeyType) (crypto.PrivateKey, error) {
	if typ == ECDSA {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return priv, err
}

// writeKey writes priv as an OpenSSH private key file (0600).
func writeKey(path string, priv crypto.PrivateKey, passphrase, comment string) error {
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, comment)
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, comment, []byte(passphrase))
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}

// KnownHostsLine returns the known_hosts line for key at host:port, the
// host normalised as OpenSSH writes it ("[host]:port" unless port is 22).
func KnownHostsLine(host string, port int, key ssh.PublicKey) string {
	return knownhosts.Line([]string{net.JoinHostPort(host, strconv.Itoa(port))}, key)
}

// WriteKnownHosts writes lines (a newline after each) to path, mode 0600,
// replacing the file. It fails the test on error.
func WriteKnownHosts(t testing.TB, path string, lines ...string) {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("sshtest: write known_hosts: %v", err)
	}
}
