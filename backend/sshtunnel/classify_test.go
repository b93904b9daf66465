package sshtunnel_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

// TestClassifyEveryFailure provokes each failure against real servers and
// checks what apperr.Classify makes of it: the kind the UI branches on, and
// the hop named in the classified error's text (what the log gets).
// Failures of the SSH protocol are SSH or Authentication; failures of the
// network under it are Connection.
func TestClassifyEveryFailure(t *testing.T) {
	t.Parallel()
	e, bastion := jumpEnv(t)
	jump := bastion.User + "@" + bastion.Addr
	enc := sshtest.NewKey(t, t.TempDir(), "id_enc", sshtest.ED25519, "pw")
	silent := sshtest.SilentServer(t)
	silentHost, silentPort, _ := net.SplitHostPort(silent)
	silentPortN, _ := strconv.Atoi(silentPort)
	refused := closedPort(t)

	wrongKH := func(t *testing.T) sshtunnel.Deps {
		kh := t.TempDir() + "/known_hosts"
		sshtest.WriteKnownHosts(t, kh, append(e.srv.WrongKnownHosts(t), bastion.KnownHosts()...)...)
		d := e.deps()
		d.UserKnownHosts = kh
		return d
	}
	emptyKH := func(t *testing.T) sshtunnel.Deps {
		d := e.deps()
		d.UserKnownHosts = t.TempDir() + "/absent"
		return d
	}
	target, gate := e.srv.Addr, "jump host "+bastion.Addr

	tests := []struct {
		name string
		run  func(t *testing.T) error
		kind apperr.Kind
		hop  string
	}{
		{"unknown host", func(t *testing.T) error {
			_, err := open(t, e.config(), emptyKH(t))
			return err
		}, apperr.SSH, target},
		{"changed host key", func(t *testing.T) error {
			_, err := open(t, e.config(), wrongKH(t))
			return err
		}, apperr.SSH, target},
		{"changed host key behind a jump host", func(t *testing.T) error {
			cfg := e.config()
			cfg.JumpHost = jump
			_, err := open(t, cfg, wrongKH(t))
			return err
		}, apperr.SSH, target},
		{"unknown jump host", func(t *testing.T) error {
			cfg := e.config()
			cfg.JumpHost = jump
			_, err := open(t, cfg, emptyKH(t))
			return err
		}, apperr.SSH, gate},
		{"passphrase missing", func(t *testing.T) error {
			cfg := e.config()
			cfg.KeyPath = enc.Path
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.Authentication, target},
		{"passphrase missing for the jump host's key", func(t *testing.T) error {
			cfg := e.config()
			cfg.KeyPath, cfg.JumpHost = enc.Path, jump
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.Authentication, gate},
		{"login rejected", func(t *testing.T) error {
			cfg := e.config()
			cfg.User = "intruder"
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.Authentication, target},
		{"jump host login rejected", func(t *testing.T) error {
			cfg := e.config()
			cfg.JumpHost = "intruder@" + bastion.Addr
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.Authentication, gate},
		{"forward refused", func(t *testing.T) error {
			tun, err := open(t, e.config(), e.deps())
			if err != nil {
				return fmt.Errorf("unexpected: %w", err)
			}
			_, err = tun.DialContext(context.Background(), "tcp", "127.0.0.1:"+strconv.Itoa(refused))
			return err
		}, apperr.SSH, target},
		{"jump host cannot reach the target", func(t *testing.T) error {
			cfg := e.config()
			cfg.JumpHost, cfg.Port = jump, refused
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.SSH, "127.0.0.1:" + strconv.Itoa(refused)},
		{"connection refused", func(t *testing.T) error {
			cfg := e.config()
			cfg.Port = refused
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.SSH, "127.0.0.1:" + strconv.Itoa(refused)},
		{"silent server", func(t *testing.T) error {
			cfg := e.config()
			cfg.Host, cfg.Port, cfg.HandshakeTimeout = silentHost, silentPortN, 200*time.Millisecond
			_, err := open(t, cfg, e.deps())
			return err
		}, apperr.SSH, silent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(t)
			ae := wantKind(t, err, tt.kind, tt.hop)
			info := apperr.Info(err)
			t.Logf("%s: %s — %s (log: %v)", info.Kind, info.Title, info.Message, ae.Err)
		})
	}
}
