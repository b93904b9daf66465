package sshtunnel

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/tusk-app/tusk/backend/secret"
)

// Secrets supplies the secret stored for a tunnel: the password for
// AuthPassword, the private key's passphrase for AuthKey. The credentials
// package implements it on top of the OS keychain.
//
// SSHSecret returns a zero secret.String and a nil error when nothing is
// stored (map a keychain's "not found" to that); any error aborts Open and
// is returned wrapped. It is called at most once per Open, and only when
// the secret is needed (an unencrypted key or the agent never asks).
type Secrets interface {
	SSHSecret(ctx context.Context, tunnelID string) (secret.String, error)
}

// SecretsFunc adapts a function to Secrets.
type SecretsFunc func(ctx context.Context, tunnelID string) (secret.String, error)

// SSHSecret implements Secrets.
func (f SecretsFunc) SSHSecret(ctx context.Context, tunnelID string) (secret.String, error) {
	return f(ctx, tunnelID)
}

// Prompt asks the user for a secret that Secrets does not have (and for the
// password of a jump host, which is never taken from Secrets: the stored
// password belongs to the SSH server). It returns a zero secret.String when
// the user gives none — Open then fails with a *CredentialNeededError — or
// an error (context.Canceled when the user cancels) that aborts Open. A
// prompted answer is used for this Open only; storing it is the caller's
// business. Open calls Prompt from its own goroutine, never concurrently.
type Prompt func(ctx context.Context, req CredentialRequest) (secret.String, error)

// credentials fetches secrets for one Open: from Secrets once, then from
// Prompt, remembering the answers.
type credentials struct {
	cfg     Config
	secrets Secrets
	prompt  Prompt

	mu        sync.Mutex // guards the fields below
	fetched   bool
	stored    secret.String
	prompted  map[string]secret.String // by kind + hop + key path
	agentConn net.Conn
	agent     agent.ExtendedAgent
}

// storedSecret returns the tunnel's stored secret (zero if none).
func (c *credentials) storedSecret(ctx context.Context) (secret.String, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fetched || c.secrets == nil {
		return c.stored, nil
	}
	s, err := c.secrets.SSHSecret(ctx, c.cfg.ID)
	if err != nil {
		return secret.String{}, fmt.Errorf("read the stored %s: %w", secretName(c.cfg.AuthMethod), err)
	}
	c.fetched, c.stored = true, s
	return s, nil
}

func secretName(m AuthMethod) string {
	if m == AuthPassword {
		return "ssh password"
	}
	return "ssh key passphrase"
}

// ask returns a prompted secret for req, asking at most once per request.
func (c *credentials) ask(ctx context.Context, req CredentialRequest) (secret.String, error) {
	k := string(req.Kind) + "\x00" + req.Hop + "\x00" + req.KeyPath
	c.mu.Lock()
	s, ok := c.prompted[k]
	c.mu.Unlock()
	if ok || c.prompt == nil {
		return s, nil
	}
	s, err := c.prompt(ctx, req)
	if err != nil {
		return secret.String{}, fmt.Errorf("ask for the %s: %w", req.Kind, err)
	}
	c.mu.Lock()
	if c.prompted == nil {
		c.prompted = map[string]secret.String{}
	}
	c.prompted[k] = s
	c.mu.Unlock()
	return s, nil
}

// close releases the agent connection.
func (c *credentials) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.agentConn != nil {
		_ = c.agentConn.Close()
		c.agentConn, c.agent = nil, nil
	}
}

// agentClient connects to the SSH agent once per Open.
func (c *credentials) agentClient(socket string) (agent.ExtendedAgent, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.agent != nil {
		return c.agent, nil
	}
	if socket == "" {
		return nil, errors.New("no SSH agent is running (SSH_AUTH_SOCK is not set)")
	}
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return nil, fmt.Errorf("connect to the SSH agent: %w", err)
	}
	c.agentConn, c.agent = conn, agent.NewClient(conn)
	return c.agent, nil
}

// keyFile is a private key file to offer, and whether failing to use it is
// fatal (the key the user chose) or skipped (a default or ~/.ssh/config key).
type keyFile struct {
	path     string
	explicit bool
}

// loadSigner reads a private key, decrypting it with the stored passphrase
// or a prompted one.
func (c *credentials) loadSigner(ctx context.Context, h hop, path string) (ssh.Signer, error) {
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read private key: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(pemBytes)
	if err == nil {
		return signer, nil
	}
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		return nil, fmt.Errorf("parse private key %s: %w", path, err)
	}
	req := CredentialRequest{Kind: CredentialPassphrase, TunnelID: c.cfg.ID, Hop: h.label(), Jump: h.jump, User: h.user, KeyPath: path}
	if missing.PublicKey != nil {
		req.Fingerprint = ssh.FingerprintSHA256(missing.PublicKey)
	}
	pass, err := c.storedSecret(ctx)
	if err != nil {
		return nil, err
	}
	if pass.IsZero() {
		if pass, err = c.ask(ctx, req); err != nil {
			return nil, err
		}
	}
	if pass.IsZero() {
		return nil, &CredentialNeededError{CredentialRequest: req, Err: missing}
	}
	signer, err = ssh.ParsePrivateKeyWithPassphrase(pemBytes, []byte(pass.Reveal()))
	if err != nil {
		return nil, fmt.Errorf("decrypt private key %s: %w", path, err)
	}
	return signer, nil
}

// authMethods builds the methods offered to one hop.
//
// The SSH server uses Config's method: its key (or ~/.ssh/config's
// IdentityFile entries, or the default key files), the agent, or the stored
// password. A jump host gets the keys of its own ~/.ssh/config entry, plus
// the tunnel's key or agent for AuthKey and AuthAgent; for AuthPassword it
// gets a password only from Prompt.
//
// A password is asked for during the handshake; clock is paused meanwhile.
func (c *credentials) authMethods(ctx context.Context, h hop, home, agentSocket string, clock *handshakeClock) ([]ssh.AuthMethod, error) {
	var files []keyFile
	for _, f := range h.identityFiles {
		files = append(files, keyFile{path: f})
	}
	if c.cfg.AuthMethod == AuthKey {
		switch {
		case c.cfg.KeyPath != "":
			files = append(files, keyFile{path: expandTilde(c.cfg.KeyPath, home), explicit: true})
		case len(h.identityFiles) == 0 && !h.jump:
			for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
				files = append(files, keyFile{path: filepath.Join(home, ".ssh", name)})
			}
		}
	}

	var signers []ssh.Signer
	var firstErr error
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f.path] {
			continue
		}
		seen[f.path] = true
		s, err := c.loadSigner(ctx, h, f.path)
		switch {
		case err == nil:
			signers = append(signers, s)
		case f.explicit:
			return nil, err
		case errors.Is(err, fs.ErrNotExist):
		case firstErr == nil:
			firstErr = err
		}
	}

	var methods []ssh.AuthMethod
	switch c.cfg.AuthMethod {
	case AuthAgent:
		ag, err := c.agentClient(agentSocket)
		if err != nil {
			return nil, err
		}
		fileSigners := signers
		methods = append(methods, ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			fromAgent, err := ag.Signers()
			if err != nil {
				return nil, fmt.Errorf("list the SSH agent's keys: %w", err)
			}
			return append(append([]ssh.Signer(nil), fileSigners...), fromAgent...), nil
		}))
	case AuthKey:
		if len(signers) == 0 {
			if firstErr != nil {
				return nil, firstErr
			}
			return nil, errors.New("no private key file found (set a key file, or an IdentityFile in ~/.ssh/config)")
		}
		methods = append(methods, ssh.PublicKeys(signers...))
	case AuthPassword:
		if len(signers) > 0 {
			methods = append(methods, ssh.PublicKeys(signers...))
		}
		password := func() (string, error) { return c.password(ctx, h, clock) }
		methods = append(methods,
			ssh.PasswordCallback(password),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, echos []bool) ([]string, error) {
				answers := make([]string, len(questions))
				if len(questions) == 0 {
					return answers, nil
				}
				if len(questions) != 1 || echos[0] {
					return nil, errors.New("the server asks questions other than a password (keyboard-interactive)")
				}
				pw, err := password()
				if err != nil {
					return nil, err
				}
				answers[0] = pw
				return answers, nil
			}))
	}
	return methods, nil
}

// password returns the password for h: the stored one for the SSH server,
// else (and always for a jump host) a prompted one. The handshake clock is
// paused meanwhile: a keychain or the user may take their time.
func (c *credentials) password(ctx context.Context, h hop, clock *handshakeClock) (string, error) {
	resume := clock.pause()
	defer resume()
	var pw secret.String
	if !h.jump {
		var err error
		if pw, err = c.storedSecret(ctx); err != nil {
			return "", err
		}
	}
	req := CredentialRequest{Kind: CredentialPassword, TunnelID: c.cfg.ID, Hop: h.label(), Jump: h.jump, User: h.user}
	if pw.IsZero() {
		var err error
		if pw, err = c.ask(ctx, req); err != nil {
			return "", err
		}
	}
	if pw.IsZero() {
		return "", &CredentialNeededError{CredentialRequest: req}
	}
	return pw.Reveal(), nil
}
