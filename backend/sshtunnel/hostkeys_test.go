package sshtunnel_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/sshtunnel"
)

func TestUnknownHostThenAccept(t *testing.T) {
	t.Parallel()
	for _, hashed := range []bool{false, true} {
		name := "plain"
		if hashed {
			name = "hashed"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			sshtest.WriteKnownHosts(t, e.userKH) // the user's file knows nothing

			_, err := open(t, e.config(), e.deps())
			var hk *sshtunnel.HostKeyError
			if !errors.As(err, &hk) {
				t.Fatalf("got %v, want a *HostKeyError", err)
			}
			if hk.Changed() || len(hk.Known) != 0 {
				t.Fatalf("an unknown host reported as changed: %+v", hk)
			}
			// Like OpenSSH, an unknown host is asked for its ed25519 key first.
			want := e.srv.HostKeys[sshtest.ED25519].PublicKey()
			if hk.KeyType != ssh.KeyAlgoED25519 || hk.Fingerprint != ssh.FingerprintSHA256(want) ||
				hk.Host != e.srv.Host || hk.Port != e.srv.Port {
				t.Fatalf("HostKeyError = %+v, want ed25519 %s of %s", hk, ssh.FingerprintSHA256(want), e.srv.Addr)
			}
			wantLine := sshtest.KnownHostsLine(e.srv.Host, e.srv.Port, want)
			if hk.Line != wantLine || !strings.HasPrefix(hk.Line, "[127.0.0.1]:") {
				t.Fatalf("Line = %q, want %q", hk.Line, wantLine)
			}
			var ke *knownhosts.KeyError
			if !errors.As(err, &ke) || len(ke.Want) != 0 {
				t.Fatalf("%v does not wrap an unknown-host *knownhosts.KeyError", err)
			}
			ae := wantKind(t, err, apperr.SSH, e.srv.Addr)
			if !strings.Contains(ae.Message, "unknown") {
				t.Errorf("classified message %q", ae.Message)
			}

			accept := sshtunnel.AcceptHostKey
			if hashed {
				accept = sshtunnel.AcceptHostKeyHashed
			}
			if err := accept(e.tuskKH, hk.Host, hk.Port, hk.Key); err != nil {
				t.Fatal(err)
			}
			if err := accept(e.tuskKH, hk.Host, hk.Port, hk.Key); err != nil { // idempotent
				t.Fatal(err)
			}
			b, err := os.ReadFile(e.tuskKH)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			if len(lines) != 1 {
				t.Fatalf("Tusk's known_hosts has %d lines:\n%s", len(lines), b)
			}
			if hashed != strings.HasPrefix(lines[0], "|1|") || (!hashed && lines[0] != wantLine) {
				t.Fatalf("written line %q", lines[0])
			}
			if st, err := os.Stat(e.tuskKH); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v, %v", st.Mode(), err)
			}
			roundTrip(t, mustOpen(t, e.config(), e.deps()), e.echo)
		})
	}
}

func TestChangedHostKeyRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wrong := e.srv.WrongKnownHosts(t, sshtest.ED25519)
	sshtest.WriteKnownHosts(t, e.userKH, wrong...)

	_, err := open(t, e.config(), e.deps())
	var hk *sshtunnel.HostKeyError
	if !errors.As(err, &hk) || !hk.Changed() {
		t.Fatalf("got %v, want a changed *HostKeyError", err)
	}
	if len(hk.Known) != 1 || hk.Known[0].File != e.userKH || hk.Known[0].Line != 1 || hk.Known[0].KeyType != ssh.KeyAlgoED25519 {
		t.Fatalf("Known = %+v", hk.Known)
	}
	if hk.Fingerprint != ssh.FingerprintSHA256(e.srv.HostKeys[sshtest.ED25519].PublicKey()) {
		t.Fatalf("presented fingerprint %s is not the server's ed25519 key", hk.Fingerprint)
	}
	if !strings.Contains(err.Error(), "WARNING") || !strings.Contains(err.Error(), "changed") {
		t.Errorf("message %q is no clear warning", err)
	}
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) || len(ke.Want) == 0 {
		t.Fatalf("%v does not wrap a mismatch *knownhosts.KeyError", err)
	}
	ae := wantKind(t, err, apperr.SSH, e.srv.Addr)
	if !strings.Contains(ae.Message, "does not match") {
		t.Errorf("classified message %q", ae.Message)
	}

	// Once the user has corrected the entry, the connection works.
	sshtest.WriteKnownHosts(t, e.userKH, e.srv.KnownHosts(sshtest.ED25519)...)
	roundTrip(t, mustOpen(t, e.config(), e.deps()), e.echo)
}

func TestHostKeyAlgorithmsFromKnownHosts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, typ := range []sshtest.KeyType{sshtest.ED25519, sshtest.ECDSA} {
		t.Run(string(typ), func(t *testing.T) {
			kh := filepath.Join(t.TempDir(), "known_hosts")
			sshtest.WriteKnownHosts(t, kh, e.srv.KnownHosts(typ)...)

			// Control: x/crypto's default order asks for ECDSA first, so an
			// ed25519-only file gives a false mismatch.
			if typ == sshtest.ED25519 {
				cb, err := knownhosts.New(kh)
				if err != nil {
					t.Fatal(err)
				}
				_, err = ssh.Dial("tcp", e.srv.Addr, &ssh.ClientConfig{
					User: e.srv.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(e.key.Signer)},
					HostKeyCallback: cb, Timeout: 5 * time.Second,
				})
				var ke *knownhosts.KeyError
				if !errors.As(err, &ke) || len(ke.Want) == 0 {
					t.Fatalf("control dial without HostKeyAlgorithms: %v (want a false mismatch)", err)
				}
			}

			deps := e.deps()
			deps.UserKnownHosts = kh
			roundTrip(t, mustOpen(t, e.config(), deps), e.echo)

			// The same line, passed as the tunnel's extra file instead.
			deps.UserKnownHosts = filepath.Join(t.TempDir(), "absent")
			cfg := e.config()
			cfg.KnownHostsPath = kh
			roundTrip(t, mustOpen(t, cfg, deps), e.echo)
		})
	}
}

func TestAcceptHostKeyAppends(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "sub", "known_hosts")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("# no newline at the end"), 0o600); err != nil {
		t.Fatal(err)
	}
	k1 := sshtest.NewKey(t, t.TempDir(), "a", sshtest.ED25519, "")
	k2 := sshtest.NewKey(t, t.TempDir(), "b", sshtest.ECDSA, "")
	if err := sshtunnel.AcceptHostKey(file, "db.example.com", 22, k1.PublicKey()); err != nil {
		t.Fatal(err)
	}
	if err := sshtunnel.AcceptHostKey(file, "db.example.com", 2222, k2.PublicKey()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(file)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "db.example.com ssh-ed25519 ") ||
		!strings.HasPrefix(lines[2], "[db.example.com]:2222 ecdsa-sha2-nistp256 ") {
		t.Fatalf("file:\n%s", b)
	}
	if err := sshtunnel.AcceptHostKey("", "h", 22, k1.PublicKey()); err == nil {
		t.Fatal("accepted into no file")
	}
}
