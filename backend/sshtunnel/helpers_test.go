package sshtunnel_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/sshtunnel"
	"golang.org/x/crypto/ssh"
)

func TestMain(m *testing.M) {
	// Run as a ProxyCommand by TestProxyCommand: carry stdin/stdout to the
	// address in the variable, as `nc %h %p` would.
	if to := os.Getenv(proxyToEnv); to != "" {
		os.Exit(proxyStdio(to))
	}
	// pgx in TestPostgresThroughTunnel must not see PG* variables or
	// ~/.postgresql of the machine.
	restore, err := pgtest.IsolateEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	restore()
	os.Exit(code)
}

// env is one SSH server with a fake home directory: ~/.ssh/known_hosts
// knows the server, ~/.ssh/id_ed25519 is authorised, and Tusk's own
// known_hosts lives in a separate data directory.
type env struct {
	t         *testing.T
	srv       *sshtest.Server
	home      string
	key       *sshtest.Key // unencrypted, authorised
	userKH    string       // <home>/.ssh/known_hosts
	tuskKH    string       // <data>/known_hosts (absent at first)
	echo      string       // a TCP echo service to forward to
	noAgent   string       // an agent socket path that does not exist
	secretsOK atomic.Int32 // SSHSecret calls made through env.secrets
}

func newEnv(t *testing.T) *env {
	t.Helper()
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, home: home}
	e.key = sshtest.NewKey(t, filepath.Join(home, ".ssh"), "id_ed25519", sshtest.ED25519, "")
	e.srv = sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{e.key.PublicKey()}})
	e.userKH = filepath.Join(home, ".ssh", "known_hosts")
	sshtest.WriteKnownHosts(t, e.userKH, e.srv.KnownHosts()...)
	e.tuskKH = filepath.Join(t.TempDir(), "data", "known_hosts")
	e.echo = sshtest.EchoServer(t)
	e.noAgent = filepath.Join(home, "no-agent.sock")
	return e
}

// deps are the Deps of a test: everything under the fake home, no agent.
func (e *env) deps() sshtunnel.Deps {
	return sshtunnel.Deps{Home: e.home, TuskKnownHosts: e.tuskKH, AgentSocket: e.noAgent}
}

// config is a direct key-auth tunnel to the env's server.
func (e *env) config() sshtunnel.Config {
	return sshtunnel.Config{
		ID: "6f1c7a4e-4b8e-4d8a-9a59-0c4d3c5b7e21", Name: "test",
		Host: e.srv.Host, Port: e.srv.Port, User: e.srv.User,
		AuthMethod: sshtunnel.AuthKey, KeyPath: e.key.Path,
		HandshakeTimeout: 10 * time.Second,
	}
}

// secrets returns a Secrets that hands out value and counts the calls.
func (e *env) secrets(value string) sshtunnel.Secrets {
	return sshtunnel.SecretsFunc(func(_ context.Context, id string) (secret.String, error) {
		e.secretsOK.Add(1)
		if id != e.config().ID {
			return secret.String{}, fmt.Errorf("unexpected tunnel id %q", id)
		}
		return secret.New(value), nil
	})
}

// open opens a tunnel with a 20 s limit.
func open(t *testing.T, cfg sshtunnel.Config, deps sshtunnel.Deps) (*sshtunnel.Tunnel, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tun, err := sshtunnel.Open(ctx, cfg, deps)
	if tun != nil {
		t.Cleanup(func() { _ = tun.Close() })
	}
	return tun, err
}

func mustOpen(t *testing.T, cfg sshtunnel.Config, deps sshtunnel.Deps) *sshtunnel.Tunnel {
	t.Helper()
	tun, err := open(t, cfg, deps)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return tun
}

// roundTrip sends a line through the tunnel to the echo service and checks
// it comes back.
func roundTrip(t *testing.T, tun *sshtunnel.Tunnel, echo string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := tun.DialContext(ctx, "tcp", echo)
	if err != nil {
		t.Fatalf("dial %s through the tunnel: %v", echo, err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatalf("set deadline: %v", err)
	}
	msg := "hello through " + strings.Join(tun.Hops(), " → ") + "\n"
	if _, err := io.WriteString(c, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("read: %v", err)
	}
	if string(got) != msg {
		t.Fatalf("echo returned %q, want %q", got, msg)
	}
}

// wantKind checks that apperr classifies err as kind and that the logged
// text of the classified error names the hop.
func wantKind(t *testing.T, err error, kind apperr.Kind, hop string) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a %s error", kind)
	}
	ae := apperr.Classify(err)
	if ae.Kind != kind {
		t.Errorf("Classify(%v).Kind = %s (%q), want %s", err, ae.Kind, ae.Message, kind)
	}
	if msg := apperr.Info(err).Message; hop != "" && !strings.Contains(msg, hop) {
		t.Errorf("the message the user reads, %q, does not name the hop %q", msg, hop)
	}
	if !sshtunnel.IsTunnelError(err) {
		t.Errorf("IsTunnelError(%v) = false", err)
	}
	return ae
}

// waitDone waits for the tunnel to end.
func waitDone(t *testing.T, tun *sshtunnel.Tunnel, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-tun.Done():
		return time.Since(start)
	case <-time.After(limit):
		t.Fatalf("tunnel still up %s later (Err = %v)", limit, tun.Err())
		return 0
	}
}

// requirePassword skips a test that needs password login when the harness
// cannot provide it (not root), and fails it in CI.
func requirePassword(t *testing.T, srv *sshtest.Server) {
	t.Helper()
	if srv.Password != "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("password login needs root (CI=true)")
	}
	t.Skip("password login needs root")
}
