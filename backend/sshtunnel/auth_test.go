package sshtunnel_test

import (
	"context"
	"crypto/x509"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

func TestKeyAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tun := mustOpen(t, e.config(), e.deps())
	if hops := tun.Hops(); len(hops) != 1 || hops[0] != e.srv.Addr {
		t.Errorf("Hops() = %v, want [%s]", hops, e.srv.Addr)
	}
	roundTrip(t, tun, e.echo)
	if tun.Err() != nil {
		t.Fatalf("Err() = %v on a live tunnel", tun.Err())
	}
	if err := tun.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tun.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	waitDone(t, tun, time.Second)
	if !errors.Is(tun.Err(), sshtunnel.ErrClosed) {
		t.Fatalf("Err() after Close = %v, want ErrClosed", tun.Err())
	}
	_, err := tun.DialContext(context.Background(), "tcp", e.echo)
	if !errors.Is(err, sshtunnel.ErrClosed) || !sshtunnel.IsTunnelError(err) {
		t.Fatalf("DialContext after Close = %v", err)
	}
	if e.secretsOK.Load() != 0 {
		t.Fatal("an unencrypted key asked for a secret")
	}
}

func TestEncryptedKeyPassphraseFromSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	k := sshtest.NewKey(t, t.TempDir(), "id_enc", sshtest.ED25519, "correct horse")
	e.srv.Authorize(t, k.PublicKey())
	cfg := e.config()
	cfg.KeyPath = k.Path
	deps := e.deps()
	deps.Secrets = e.secrets("correct horse")
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)
	if n := e.secretsOK.Load(); n != 1 {
		t.Fatalf("SSHSecret called %d times, want 1", n)
	}
}

func TestEncryptedKeyWithoutPassphrase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	k := sshtest.NewKey(t, t.TempDir(), "id_enc", sshtest.ED25519, "s3cret")
	e.srv.Authorize(t, k.PublicKey())
	cfg := e.config()
	cfg.KeyPath = k.Path
	deps := e.deps()
	deps.Secrets = e.secrets("") // nothing stored

	_, err := open(t, cfg, deps)
	var need *sshtunnel.CredentialNeededError
	if !errors.As(err, &need) {
		t.Fatalf("got %v, want a *CredentialNeededError", err)
	}
	fp := ssh.FingerprintSHA256(k.PublicKey())
	if need.Kind != sshtunnel.CredentialPassphrase || need.KeyPath != k.Path || need.Fingerprint != fp ||
		need.TunnelID != cfg.ID || need.Hop != e.srv.Addr {
		t.Errorf("request = %+v", need.CredentialRequest)
	}
	var missing *ssh.PassphraseMissingError
	if !errors.As(err, &missing) {
		t.Errorf("%v does not wrap *ssh.PassphraseMissingError", err)
	}
	if !strings.Contains(err.Error(), k.Path) || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("message %q does not say which key needs a passphrase", err)
	}
	ae := wantKind(t, err, apperr.Authentication, e.srv.Addr)
	if !strings.Contains(ae.Message, fp) {
		t.Errorf("classified message %q lacks the fingerprint", ae.Message)
	}

	// The same key with a Prompt that answers.
	var asked []sshtunnel.CredentialRequest
	var mu sync.Mutex
	deps.Prompt = func(_ context.Context, req sshtunnel.CredentialRequest) (secret.String, error) {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, req)
		return secret.New("s3cret"), nil
	}
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)
	if len(asked) != 1 || asked[0].Kind != sshtunnel.CredentialPassphrase || asked[0].KeyPath != k.Path {
		t.Fatalf("prompts = %+v", asked)
	}

	// A Prompt that gets no answer gives the typed error again.
	deps.Prompt = func(context.Context, sshtunnel.CredentialRequest) (secret.String, error) { return secret.String{}, nil }
	if _, err := open(t, cfg, deps); !errors.As(err, &need) {
		t.Fatalf("unanswered prompt: %v", err)
	}
	// A Prompt the user cancels aborts with Cancelled.
	deps.Prompt = func(context.Context, sshtunnel.CredentialRequest) (secret.String, error) {
		return secret.String{}, context.Canceled
	}
	_, err = open(t, cfg, deps)
	if apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("cancelled prompt: %v classified %s", err, apperr.KindOf(err))
	}
}

func TestWrongPassphrase(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	k := sshtest.NewKey(t, t.TempDir(), "id_enc", sshtest.ED25519, "right")
	cfg := e.config()
	cfg.KeyPath = k.Path
	deps := e.deps()
	deps.Secrets = e.secrets("wrong")
	_, err := open(t, cfg, deps)
	if !errors.Is(err, x509.IncorrectPasswordError) {
		t.Fatalf("got %v, want x509.IncorrectPasswordError", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error text %q reveals the passphrase", err)
	}
	wantKind(t, err, apperr.Authentication, e.srv.Addr)
}

func TestPasswordAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	requirePassword(t, e.srv)
	cfg := e.config()
	cfg.AuthMethod, cfg.KeyPath = sshtunnel.AuthPassword, ""

	deps := e.deps()
	deps.Secrets = e.secrets(e.srv.Password)
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)

	deps.Secrets = e.secrets("not-the-password")
	_, err := open(t, cfg, deps)
	ae := wantKind(t, err, apperr.Authentication, e.srv.Addr)
	if strings.Contains(ae.Error(), "not-the-password") || strings.Contains(ae.Detail, "not-the-password") {
		t.Errorf("the password leaks into %q", ae.Error())
	}
	if !strings.Contains(ae.Detail, e.srv.Addr) {
		t.Errorf("detail %q does not name the hop", ae.Detail)
	}

	// Nothing stored, no prompt: the UI is told to ask for a password.
	deps.Secrets = nil
	_, err = open(t, cfg, deps)
	var need *sshtunnel.CredentialNeededError
	if !errors.As(err, &need) || need.Kind != sshtunnel.CredentialPassword || need.User != e.srv.User || need.Hop != e.srv.Addr {
		t.Fatalf("got %v, want a password CredentialNeededError", err)
	}
	if !sshtunnel.IsTunnelError(err) {
		t.Fatal("not a tunnel error")
	}

	// Nothing stored, the prompt answers — more slowly than the handshake
	// timeout: the user's time does not count. (The timeout leaves the
	// handshake itself room on a loaded machine; the prompt outlasts it.)
	cfg.HandshakeTimeout = 2 * time.Second
	deps.Prompt = func(_ context.Context, req sshtunnel.CredentialRequest) (secret.String, error) {
		if req.Kind != sshtunnel.CredentialPassword {
			t.Errorf("prompt for %s", req.Kind)
		}
		time.Sleep(cfg.HandshakeTimeout + 500*time.Millisecond)
		return secret.New(e.srv.Password), nil
	}
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)
}

func TestAgentAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agentKey := sshtest.NewKey(t, t.TempDir(), "id_agent", sshtest.ECDSA, "")
	encrypted := sshtest.NewKey(t, t.TempDir(), "id_agent_enc", sshtest.ED25519, "pw")
	e.srv.Authorize(t, agentKey.PublicKey())
	ag := sshtest.StartAgent(t, encrypted, agentKey) // the first key is not authorised
	t.Logf("real ssh-agent: %v", ag.Real)

	cfg := e.config()
	cfg.AuthMethod, cfg.KeyPath = sshtunnel.AuthAgent, ""
	deps := e.deps()
	deps.AgentSocket = ag.Socket
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)

	// An agent without an authorised key: rejected.
	other := sshtest.StartAgent(t, encrypted)
	deps.AgentSocket = other.Socket
	_, err := open(t, cfg, deps)
	wantKind(t, err, apperr.Authentication, e.srv.Addr)

	// No agent at all.
	deps.AgentSocket = e.noAgent
	_, err = open(t, cfg, deps)
	if err == nil || !strings.Contains(err.Error(), "agent") || !sshtunnel.IsTunnelError(err) {
		t.Fatalf("without an agent: %v", err)
	}
}

// Not parallel: it points $HOME at the fake home, which Validate uses for
// "~/" in KeyPath.
func TestDefaultKeyFromHome(t *testing.T) {
	e := newEnv(t)
	cfg := e.config()
	cfg.KeyPath = "" // ~/.ssh/id_ed25519 of the fake home
	roundTrip(t, mustOpen(t, cfg, e.deps()), e.echo)

	t.Setenv("HOME", e.home)
	cfg.KeyPath = "~/.ssh/id_ed25519"
	deps := e.deps()
	deps.Home = ""
	deps.UserKnownHosts = e.userKH
	roundTrip(t, mustOpen(t, cfg, deps), e.echo)

	deps = e.deps()
	deps.Home = t.TempDir() // no keys there
	_, err := open(t, sshtunnel.Config{Host: e.srv.Host, Port: e.srv.Port, User: e.srv.User, AuthMethod: sshtunnel.AuthKey}, deps)
	if err == nil || !strings.Contains(err.Error(), "no private key") {
		t.Fatalf("without keys: %v", err)
	}
}
