package sshtunnel

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// hostKeys verifies server keys against several known_hosts files.
type hostKeys struct {
	check ssh.HostKeyCallback // nil when no file exists: every host is unknown
}

// loadHostKeys reads the known_hosts files that exist; "" entries and
// missing files are skipped.
func loadHostKeys(files ...string) (*hostKeys, error) {
	var existing []string
	for _, f := range files {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		existing = append(existing, f)
	}
	if len(existing) == 0 {
		return &hostKeys{}, nil
	}
	cb, err := knownhosts.New(existing...)
	if err != nil {
		return nil, fmt.Errorf("read known_hosts: %w", err)
	}
	return &hostKeys{check: cb}, nil
}

// callback is the ssh.HostKeyCallback: nil for a known key, a *HostKeyError
// for an unknown or changed one, *knownhosts.RevokedError for a revoked one.
func (h *hostKeys) callback(address string, remote net.Addr, key ssh.PublicKey) error {
	err := error(&knownhosts.KeyError{})
	if h.check != nil {
		err = h.check(address, remote, key)
	}
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) {
		return err
	}
	host, port := splitAddr(address)
	he := &HostKeyError{
		Host:        host,
		Port:        port,
		Key:         key,
		KeyType:     key.Type(),
		Fingerprint: ssh.FingerprintSHA256(key),
		Line:        knownhosts.Line([]string{address}, key),
		Err:         ke,
	}
	for _, k := range ke.Want {
		he.Known = append(he.Known, KnownHostKey{File: k.Filename, Line: k.Line, KeyType: k.Key.Type(), Fingerprint: ssh.FingerprintSHA256(k.Key)})
	}
	return he
}

// algorithms returns the host key algorithms to offer for address: those of
// the keys known_hosts holds for it, so that a server with several host keys
// presents the one on record (x/crypto prefers ECDSA: with only an ed25519
// line the default order reports a false mismatch). For an unknown host it
// returns OpenSSH's order (ed25519 first) without certificate algorithms.
func (h *hostKeys) algorithms(address string) []string {
	var known []string
	if h.check != nil {
		// A throwaway key never matches, so the error lists every key on
		// record for the host, whatever the file's hashing or wildcards.
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err == nil {
			probe, _ := ssh.NewSignerFromKey(priv)
			var ke *knownhosts.KeyError
			if errors.As(h.check(address, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}, probe.PublicKey()), &ke) {
				for _, k := range ke.Want {
					known = appendUnique(known, algorithmsFor(k.Key.Type())...)
				}
			}
		}
	}
	if len(known) > 0 {
		return known
	}
	return []string{
		ssh.KeyAlgoED25519,
		ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256,
	}
}

// algorithmsFor maps a key type to the signature algorithms that use it.
func algorithmsFor(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	}
	return []string{keyType}
}

func appendUnique(list []string, v ...string) []string {
	for _, s := range v {
		found := false
		for _, have := range list {
			if have == s {
				found = true
				break
			}
		}
		if !found {
			list = append(list, s)
		}
	}
	return list
}

// AcceptHostKey records key as the host key of host:port in the known_hosts
// file (Tusk's own file, normally), creating the file (0600) and its
// directory (0700) if needed. The host is written in plain text, normalised
// as OpenSSH does ("host" for port 22, "[host]:port" otherwise); see
// AcceptHostKeyHashed. A key already recorded for the host is not written
// twice. Appends are single writes to a file opened with O_APPEND, so
// concurrent calls do not interleave lines.
//
// Call it only after the user compared the fingerprint of a
// HostKeyError that is not Changed, passing its Host, Port and Key.
func AcceptHostKey(file, host string, port int, key ssh.PublicKey) error {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	return appendHostKey(file, addr, key, knownhosts.Line([]string{addr}, key))
}

// AcceptHostKeyHashed is AcceptHostKey writing the host name hashed
// (HashKnownHosts style, "|1|salt|hash"), so the file does not reveal which
// hosts the user connects to.
func AcceptHostKeyHashed(file, host string, port int, key ssh.PublicKey) error {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	line := knownhosts.HashHostname(knownhosts.Normalize(addr)) + " " +
		strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
	return appendHostKey(file, addr, key, line)
}

func appendHostKey(file, addr string, key ssh.PublicKey, line string) error {
	if file == "" {
		return errors.New("accept host key: no known_hosts file given")
	}
	if key == nil {
		return errors.New("accept host key: no key given")
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return fmt.Errorf("accept host key: %w", err)
	}
	if cb, err := knownhosts.New(file); err == nil {
		if cb(addr, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 22}, key) == nil {
			return nil // already recorded
		}
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("accept host key: %w", err)
	}
	prefix := ""
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err != nil && err != io.EOF {
			_ = f.Close()
			return fmt.Errorf("accept host key: %w", err)
		}
		if !bytes.Equal(last, []byte("\n")) {
			prefix = "\n"
		}
	}
	if _, err := f.WriteString(prefix + line + "\n"); err != nil {
		_ = f.Close()
		return fmt.Errorf("accept host key: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("accept host key: %w", err)
	}
	return nil
}

// splitAddr splits host:port; a missing or bad port gives 22.
func splitAddr(address string) (string, int) {
	host, p, err := net.SplitHostPort(address)
	if err != nil {
		return address, DefaultPort
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return host, DefaultPort
	}
	return host, port
}
