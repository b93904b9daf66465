package apperr_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	_ "github.com/mattn/go-sqlite3"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tusk-app/tusk/backend/apperr"
)

func TestCorruptSQLiteStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tusk.db")
	if err := os.WriteFile(path, bytes.Repeat([]byte("not a database, just garbage bytes\n"), 200), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Ping()
	if err == nil {
		_, err = db.Exec("select count(*) from sqlite_master")
	}
	e := expect(t, err, apperr.Storage)
	wantContains(t, "message", e.Message, "damaged")
	wantContains(t, "hint", e.Hint, "backup")
}

func TestSQLiteCannotOpen(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", filepath.Join(file, "tusk.db")) // below a regular file
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := expect(t, db.Ping(), apperr.Storage)
	wantContains(t, "message", e.Message, "cannot be opened")
}

func TestFileErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "settings.json")
	if err := os.WriteFile(file, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("not a directory", func(t *testing.T) {
		// Root bypasses permission bits; a path below a regular file fails
		// for everyone (ENOTDIR).
		bad := filepath.Join(file, "x.json")
		err := os.WriteFile(bad, []byte("{}"), 0o600)
		e := expect(t, fmt.Errorf("save settings: %w", err), apperr.Storage)
		if e.Detail != bad {
			t.Errorf("detail = %q, want %q", e.Detail, bad)
		}
	})
	t.Run("directory opened for writing", func(t *testing.T) {
		_, err := os.OpenFile(dir, os.O_WRONLY, 0)
		e := expect(t, err, apperr.Storage)
		wantContains(t, "message", e.Message, "directory")
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := os.ReadFile(filepath.Join(dir, "missing.json"))
		e := expect(t, err, apperr.Storage)
		wantContains(t, "message", e.Message, "does not exist")
	})
	t.Run("permission denied", func(t *testing.T) {
		locked := filepath.Join(dir, "locked.json")
		if err := os.WriteFile(locked, []byte("{}"), 0o000); err != nil {
			t.Fatal(err)
		}
		_, err := os.ReadFile(locked)
		if os.Geteuid() == 0 {
			// Root bypasses file modes, so the real call succeeds; classify the
			// error the kernel gives everyone else (ENOTDIR and EISDIR above
			// are real failures of the same path).
			err = &fs.PathError{Op: "open", Path: locked, Err: syscall.EACCES}
		}
		e := expect(t, err, apperr.Storage)
		wantContains(t, "message", e.Message, "permission denied")
	})
}

func TestBadJSON(t *testing.T) {
	var v struct {
		Port int `json:"port"`
	}
	e := expect(t, fmt.Errorf("load connections: %w", json.Unmarshal([]byte(`{"port": 5432,`), &v)), apperr.Storage)
	wantContains(t, "message", e.Message, "not valid JSON")
	e = expect(t, json.Unmarshal([]byte(`{"port": "5432"}`), &v), apperr.Storage)
	wantContains(t, "message", e.Message, "port", "string", "int")
}

func TestKeyringErrors(t *testing.T) {
	for _, err := range []error{keyring.ErrNotFound, keyring.ErrSetDataTooBig, keyring.ErrUnsupportedPlatform} {
		expect(t, fmt.Errorf("password of connection %q: %w", "prod", err), apperr.Keyring)
	}
}

func TestContextErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := expect(t, fmt.Errorf("load schema: %w", ctx.Err()), apperr.Cancelled)
	if e.Hint != "" {
		t.Errorf("cancelled hint = %q", e.Hint)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	e = expect(t, fmt.Errorf("load schema: %w", ctx.Err()), apperr.Connection)
	wantContains(t, "message", e.Message, "timed out")
}

func TestUnknownErrorIsInternal(t *testing.T) {
	err := fmt.Errorf("render: %w", errors.New("index out of range"))
	e := expect(t, err, apperr.Internal)
	if e.Message != "an unexpected error occurred" || e.Detail != "" {
		t.Errorf("internal error shows %q / %q", e.Message, e.Detail)
	}
	if !errors.Is(e, err) && e.Err != err {
		t.Error("cause not kept")
	}
}

// sshServer is an in-process SSH server on 127.0.0.1: it accepts the
// password "right", rejects every port forward and answers every exec
// request with exit status 3.
func sshServer(t *testing.T) (addr string, hostKey ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{PasswordCallback: func(_ ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
		if string(pw) == "right" {
			return nil, nil
		}
		return nil, errors.New("denied")
	}}
	cfg.AddHostKey(signer)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			go serveSSH(nc, cfg)
		}
	}()
	return l.Addr().String(), signer.PublicKey()
}

func serveSSH(nc net.Conn, cfg *ssh.ServerConfig) {
	defer nc.Close()
	_, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for newCh := range chans {
		if newCh.ChannelType() != "session" {
			_ = newCh.Reject(ssh.Prohibited, "port forwarding is disabled")
			continue
		}
		ch, chReqs, err := newCh.Accept()
		if err != nil {
			continue
		}
		go func() {
			for req := range chReqs {
				if req.Type != "exec" {
					_ = req.Reply(false, nil)
					continue
				}
				_ = req.Reply(true, nil)
				_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, 3))
				ch.Close()
			}
		}()
	}
}

func TestSSHFailures(t *testing.T) {
	addr, hostKey := sshServer(t)
	dial := func(password string, cb ssh.HostKeyCallback) (*ssh.Client, error) {
		return ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "tusk", Auth: []ssh.AuthMethod{ssh.Password(password)}, HostKeyCallback: cb})
	}
	t.Run("authentication", func(t *testing.T) {
		_, err := dial("wrong", ssh.FixedHostKey(hostKey))
		e := expect(t, fmt.Errorf("open tunnel: %w", err), apperr.Authentication)
		wantContains(t, "message", e.Message, "SSH")
	})
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	writeKnownHosts := func(key ssh.PublicKey) ssh.HostKeyCallback {
		line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, key)
		if err := os.WriteFile(knownHosts, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		cb, err := knownhosts.New(knownHosts)
		if err != nil {
			t.Fatal(err)
		}
		return cb
	}
	t.Run("host key mismatch", func(t *testing.T) {
		_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
		other, _ := ssh.NewSignerFromKey(otherPriv)
		_, err := dial("right", writeKnownHosts(other.PublicKey()))
		e := expect(t, err, apperr.SSH)
		wantContains(t, "message", e.Message, "does not match")
		wantContains(t, "hint", e.Hint, ssh.FingerprintSHA256(other.PublicKey()), knownHosts)
	})
	t.Run("unknown host", func(t *testing.T) {
		if err := os.WriteFile(knownHosts, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		cb, err := knownhosts.New(knownHosts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = dial("right", cb)
		e := expect(t, err, apperr.SSH)
		wantContains(t, "message", e.Message, "unknown")
	})
	t.Run("forwarding refused and remote command failure", func(t *testing.T) {
		client, err := dial("right", writeKnownHosts(hostKey))
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		_, err = client.Dial("tcp", "db.internal:5432")
		e := expect(t, err, apperr.SSH)
		wantContains(t, "message", e.Message, "refused the tunnel")
		sess, err := client.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		e = expect(t, sess.Run("false"), apperr.SSH)
		wantContains(t, "message", e.Message, "exit status 3")
	})
	t.Run("encrypted private key", func(t *testing.T) {
		_, priv, _ := ed25519.GenerateKey(rand.Reader)
		block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "tusk test", []byte("right"))
		if err != nil {
			t.Fatal(err)
		}
		pemBytes := pem.EncodeToMemory(block)
		_, err = ssh.ParsePrivateKey(pemBytes)
		e := expect(t, err, apperr.Authentication)
		wantContains(t, "message", e.Message, "passphrase", "SHA256:")
		_, err = ssh.ParsePrivateKeyWithPassphrase(pemBytes, []byte("wrong"))
		e = expect(t, err, apperr.Authentication)
		wantContains(t, "message", e.Message, "wrong passphrase")
	})
}
