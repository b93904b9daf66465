package sshtunnel_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// jumpEnv adds a bastion in front of env's server (the target). Both know
// the env's key; the user's known_hosts knows both.
func jumpEnv(t *testing.T) (*env, *sshtest.Server) {
	t.Helper()
	e := newEnv(t)
	bastion := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{e.key.PublicKey()}})
	sshtest.WriteKnownHosts(t, e.userKH, append(e.srv.KnownHosts(), bastion.KnownHosts()...)...)
	return e, bastion
}

func TestProxyJump(t *testing.T) {
	t.Parallel()
	e, bastion := jumpEnv(t)
	cfg := e.config()
	cfg.JumpHost = fmt.Sprintf("%s@%s", bastion.User, bastion.Addr)
	cfg.KeepAliveInterval = 100 * time.Millisecond
	tun := mustOpen(t, cfg, e.deps())
	if hops := tun.Hops(); len(hops) != 2 || hops[0] != bastion.Addr || hops[1] != e.srv.Addr {
		t.Fatalf("Hops() = %q", hops)
	}
	roundTrip(t, tun, e.echo)

	// The route really crosses the bastion: killing it kills the tunnel,
	// and the error blames the jump host.
	if err := bastion.Kill(); err != nil {
		t.Fatal(err)
	}
	waitDone(t, tun, 5*time.Second)
	err := tun.Err()
	var he *sshtunnel.HopError
	if !errors.As(err, &he) || !he.Jump || he.Hop != bastion.Addr || !errors.Is(err, sshtunnel.ErrTunnelDown) {
		t.Fatalf("Err() = %v, want the jump host %s down", err, bastion.Addr)
	}
	if !strings.HasPrefix(err.Error(), "ssh to jump host "+bastion.Addr+": ") {
		t.Errorf("Err() text %q", err)
	}
}

func TestProxyJumpFromSSHConfig(t *testing.T) {
	t.Parallel()
	e, bastion := jumpEnv(t)
	writeFile(t, filepath.Join(e.home, ".ssh", "config"), fmt.Sprintf(`
Host gate
    HostName %s
    Port %d
    User %s

Host target
    HostName %s
    Port %d
    User %s
    ProxyJump gate
`, bastion.Host, bastion.Port, bastion.User, e.srv.Host, e.srv.Port, e.srv.User))
	cfg := sshtunnel.Config{Host: "target", AuthMethod: sshtunnel.AuthKey, KeyPath: e.key.Path}
	tun := mustOpen(t, cfg, e.deps())
	if hops := tun.Hops(); len(hops) != 2 || hops[0] != "gate ("+bastion.Addr+")" {
		t.Fatalf("Hops() = %q", hops)
	}
	roundTrip(t, tun, e.echo)

	// "none" in Tusk overrides the file's ProxyJump: a direct connection.
	cfg.JumpHost = "none"
	tun = mustOpen(t, cfg, e.deps())
	if hops := tun.Hops(); len(hops) != 1 {
		t.Fatalf("Hops() with JumpHost none = %q", hops)
	}
}

func TestProxyJumpChain(t *testing.T) {
	t.Parallel()
	e, first := jumpEnv(t)
	second := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{e.key.PublicKey()}})
	sshtest.WriteKnownHosts(t, e.userKH, append(append(e.srv.KnownHosts(), first.KnownHosts()...), second.KnownHosts(sshtest.ECDSA)...)...)
	cfg := e.config()
	cfg.JumpHost = fmt.Sprintf("%s@%s, ssh://%s@%s", first.User, first.Addr, second.User, second.Addr)
	tun := mustOpen(t, cfg, e.deps())
	if hops := tun.Hops(); len(hops) != 3 {
		t.Fatalf("Hops() = %q", hops)
	}
	roundTrip(t, tun, e.echo)
}

func TestProxyJumpErrorsNameTheHop(t *testing.T) {
	t.Parallel()
	e, bastion := jumpEnv(t)
	jump := fmt.Sprintf("%s@%s", bastion.User, bastion.Addr)

	t.Run("unknown jump host", func(t *testing.T) {
		sshtest.WriteKnownHosts(t, e.userKH, e.srv.KnownHosts()...)
		defer sshtest.WriteKnownHosts(t, e.userKH, append(e.srv.KnownHosts(), bastion.KnownHosts()...)...)
		cfg := e.config()
		cfg.JumpHost = jump
		_, err := open(t, cfg, e.deps())
		var he *sshtunnel.HopError
		var hk *sshtunnel.HostKeyError
		if !errors.As(err, &he) || !he.Jump || he.Hop != bastion.Addr || !errors.As(err, &hk) || hk.Port != bastion.Port {
			t.Fatalf("got %v, want an unknown host key on the jump host", err)
		}
		if !strings.HasPrefix(err.Error(), "ssh to jump host "+bastion.Addr) {
			t.Errorf("message %q", err)
		}
		wantKind(t, err, apperr.SSH, "jump host "+bastion.Addr)
	})
	t.Run("unknown target behind the jump host", func(t *testing.T) {
		sshtest.WriteKnownHosts(t, e.userKH, bastion.KnownHosts()...)
		defer sshtest.WriteKnownHosts(t, e.userKH, append(e.srv.KnownHosts(), bastion.KnownHosts()...)...)
		cfg := e.config()
		cfg.JumpHost = jump
		_, err := open(t, cfg, e.deps())
		var he *sshtunnel.HopError
		var hk *sshtunnel.HostKeyError
		if !errors.As(err, &he) || he.Jump || he.Hop != e.srv.Addr || !errors.As(err, &hk) || hk.Port != e.srv.Port {
			t.Fatalf("got %v, want an unknown host key on the target", err)
		}
		wantKind(t, err, apperr.SSH, e.srv.Addr)
	})
	t.Run("jump host cannot reach the target", func(t *testing.T) {
		cfg := e.config()
		cfg.JumpHost = jump
		cfg.Port = closedPort(t)
		_, err := open(t, cfg, e.deps())
		var oce *ssh.OpenChannelError
		if !errors.As(err, &oce) || !strings.HasPrefix(err.Error(), fmt.Sprintf("ssh to %s:%d: ", e.srv.Host, cfg.Port)) {
			t.Fatalf("got %v, want the jump host's refusal attributed to the target", err)
		}
		wantKind(t, err, apperr.SSH, fmt.Sprintf("%s:%d", e.srv.Host, cfg.Port))
	})
	t.Run("jump host rejects the login", func(t *testing.T) {
		cfg := e.config()
		cfg.JumpHost = "intruder@" + bastion.Addr
		_, err := open(t, cfg, e.deps())
		ae := wantKind(t, err, apperr.Authentication, "jump host "+bastion.Addr)
		if !strings.Contains(ae.Detail, "jump host "+bastion.Addr) {
			t.Errorf("detail %q does not name the jump host", ae.Detail)
		}
	})
	t.Run("password of a jump host comes only from the prompt", func(t *testing.T) {
		requirePassword(t, bastion)
		cfg := e.config()
		cfg.AuthMethod, cfg.KeyPath = sshtunnel.AuthPassword, ""
		cfg.JumpHost = jump
		deps := e.deps()
		deps.Secrets = e.secrets(e.srv.Password) // the target's password
		_, err := open(t, cfg, deps)
		var need *sshtunnel.CredentialNeededError
		if !errors.As(err, &need) || !need.Jump || need.Hop != bastion.Addr {
			t.Fatalf("got %v, want the jump host's password requested", err)
		}
	})
}
