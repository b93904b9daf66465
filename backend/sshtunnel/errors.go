package sshtunnel

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tusk-app/tusk/backend/apperr"
)

// HopError is a failure of the SSH side of a tunnel, attributed to the hop
// where it happened: connecting to a jump host or the SSH server, the
// handshake, host key verification, authentication, a keepalive, the
// connection dropping, or the server refusing to forward. Every error Open
// returns after validation, every error of Tunnel.DialContext and Tunnel.Err
// is (or wraps) a *HopError, so a caller can tell the SSH step from the
// database step (see IsTunnelError).
//
// The cause stays reachable with errors.As / errors.Is: *HostKeyError
// (wrapping *knownhosts.KeyError), *CredentialNeededError (wrapping
// *ssh.PassphraseMissingError for a key), x509.IncorrectPasswordError,
// *ssh.OpenChannelError, net errors, context errors, ErrTunnelDown.
type HopError struct {
	// Hop names the SSH server: "host:port", or "alias (host:port)" when
	// it was given as a ~/.ssh/config alias.
	Hop string `json:"hop"`
	// Jump is true when the hop is a jump host rather than the SSH server
	// that forwards to the database.
	Jump bool `json:"jump"`
	// Err is the cause.
	Err error `json:"-"`
}

// Error implements error: "ssh to jump host bastion:2222: …" or
// "ssh to db-host:22: …". It holds no secret.
func (e *HopError) Error() string {
	if e.Jump {
		return "ssh to jump host " + e.Hop + ": " + e.Err.Error()
	}
	return "ssh to " + e.Hop + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *HopError) Unwrap() error { return e.Err }

// SSHHop returns the hop's name. It lets packages that cannot import
// sshtunnel (apperr) recognise the error with errors.As on
// interface{ SSHHop() string }.
func (e *HopError) SSHHop() string {
	if e.Jump {
		return "jump host " + e.Hop
	}
	return e.Hop
}

// IsTunnelError reports whether err failed in the SSH tunnel (it is or wraps
// a *HopError), as opposed to the database behind it. A pgx connect error
// wraps the DialFunc's error, so this works on pgx errors too.
func IsTunnelError(err error) bool {
	var he *HopError
	return errors.As(err, &he)
}

// closedError is an error that also matches net.ErrClosed.
type closedError struct{ msg string }

func (e *closedError) Error() string { return e.msg }

// Is makes errors.Is(err, net.ErrClosed) true: the tunnel's connection is
// closed.
func (e *closedError) Is(target error) bool { return target == net.ErrClosed }

var (
	// ErrTunnelDown is wrapped by Tunnel.Err and by every DialContext error
	// after the tunnel died (connection lost, keepalives unanswered). It
	// also matches net.ErrClosed.
	ErrTunnelDown error = &closedError{"the tunnel is down"}
	// ErrClosed is what Tunnel.Err returns after Close, and what
	// DialContext wraps afterwards. It also matches net.ErrClosed.
	ErrClosed error = &closedError{"the tunnel was closed"}
)

// KeepAliveError reports that the SSH server stopped answering keepalives;
// Tunnel.Err wraps it.
type KeepAliveError struct {
	// Missed is the number of keepalives in a row without a reply.
	Missed int
	// Interval is the time between keepalives.
	Interval time.Duration
}

// Error implements error.
func (e *KeepAliveError) Error() string {
	return fmt.Sprintf("no reply to %d keepalives sent every %s", e.Missed, e.Interval)
}

// HostKeyError reports a host key that known_hosts does not vouch for: an
// unknown host (ask the user: show Fingerprint, then AcceptHostKey) or a
// changed key (refuse: see Changed). It wraps the *knownhosts.KeyError.
type HostKeyError struct {
	// Host and Port are what known_hosts is searched for (the resolved
	// HostName, not an alias).
	Host string `json:"host"`
	Port int    `json:"port"`
	// Key is the key the server presented.
	Key ssh.PublicKey `json:"-"`
	// KeyType is the key's type, e.g. "ssh-ed25519".
	KeyType string `json:"keyType"`
	// Fingerprint is the key's SHA-256 fingerprint ("SHA256:…"), as
	// ssh-keygen -l shows it.
	Fingerprint string `json:"fingerprint"`
	// Line is the known_hosts line AcceptHostKey would append.
	Line string `json:"line"`
	// Known lists the keys known_hosts holds for the host (file, line, key
	// type and fingerprint); empty for an unknown host.
	Known []KnownHostKey `json:"known,omitempty"`
	// Err is the knownhosts error.
	Err *knownhosts.KeyError `json:"-"`
}

// KnownHostKey is a key recorded in a known_hosts file.
type KnownHostKey struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	KeyType     string `json:"keyType"`
	Fingerprint string `json:"fingerprint"`
}

// Changed reports whether known_hosts holds other keys for the host: the
// server's key changed, or someone intercepts the connection. Never accept
// such a key without confirmation from the server's administrator.
func (e *HostKeyError) Changed() bool { return len(e.Known) > 0 }

// Error implements error.
func (e *HostKeyError) Error() string {
	if !e.Changed() {
		return fmt.Sprintf("the host key is unknown (%s %s); verify the fingerprint before accepting it", e.KeyType, e.Fingerprint)
	}
	known := make([]string, 0, len(e.Known))
	for _, k := range e.Known {
		known = append(known, fmt.Sprintf("%s %s at %s:%d", k.KeyType, k.Fingerprint, k.File, k.Line))
	}
	return fmt.Sprintf("WARNING: the host key has changed: the server offers %s %s, known_hosts has %s; refusing to connect",
		e.KeyType, e.Fingerprint, strings.Join(known, ", "))
}

// Unwrap returns the *knownhosts.KeyError.
func (e *HostKeyError) Unwrap() error { return e.Err }

// HostKeyInfo describes the key for the UI (apperr.ErrorInfo.HostKey).
func (e *HostKeyError) HostKeyInfo() apperr.HostKeyInfo {
	return apperr.HostKeyInfo{Host: e.Host, Port: e.Port, KeyType: e.KeyType, Fingerprint: e.Fingerprint, Changed: e.Changed()}
}

// CredentialKind names the secret a CredentialRequest asks for.
type CredentialKind string

// The kinds of credential a tunnel may need.
const (
	// CredentialPassphrase is the passphrase of an encrypted private key.
	CredentialPassphrase CredentialKind = "passphrase"
	// CredentialPassword is an SSH login password.
	CredentialPassword CredentialKind = "password"
)

// CredentialRequest describes a secret the tunnel needs and does not have:
// what Prompt receives and what CredentialNeededError carries.
type CredentialRequest struct {
	// Kind is CredentialPassphrase or CredentialPassword.
	Kind CredentialKind `json:"kind"`
	// TunnelID is Config.ID.
	TunnelID string `json:"tunnelId"`
	// Hop names the SSH server that asks (see HopError.Hop).
	Hop string `json:"hop"`
	// Jump is true when Hop is a jump host.
	Jump bool `json:"jump"`
	// User is the SSH login on Hop.
	User string `json:"user"`
	// KeyPath is the encrypted key file (passphrase only).
	KeyPath string `json:"keyPath,omitempty"`
	// Fingerprint is the SHA-256 fingerprint of the encrypted key's public
	// part when the file holds it (passphrase only).
	Fingerprint string `json:"fingerprint,omitempty"`
}

// CredentialNeededError reports that a passphrase or password is needed but
// neither Secrets nor Prompt supplied one. The UI asks the user and calls
// Open again with the answer available (stored, or from Prompt). For a
// passphrase it wraps the *ssh.PassphraseMissingError.
type CredentialNeededError struct {
	CredentialRequest
	// Err is the *ssh.PassphraseMissingError for a passphrase, nil for a
	// password.
	Err error `json:"-"`
}

// Error implements error.
func (e *CredentialNeededError) Error() string {
	if e.Kind == CredentialPassphrase {
		msg := "a passphrase is needed for the private key " + e.KeyPath
		if e.Fingerprint != "" {
			msg += " (" + e.Fingerprint + ")"
		}
		return msg
	}
	return "a password is needed for " + e.User + " on " + e.Hop
}

// Unwrap returns the underlying error, if any.
func (e *CredentialNeededError) Unwrap() error { return e.Err }

// NeededCredential returns "passphrase" or "password". It lets packages
// that cannot import sshtunnel (apperr) recognise the error with errors.As
// on interface{ NeededCredential() string }.
func (e *CredentialNeededError) NeededCredential() string { return string(e.Kind) }
