package sshtest_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tusk-app/tusk/backend/internal/sshtest"
)

func dial(t *testing.T, srv *sshtest.Server, knownHosts string, auth ...ssh.AuthMethod) (*ssh.Client, error) {
	t.Helper()
	cb, err := knownhosts.New(knownHosts)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{
		User: srv.User, Auth: auth, HostKeyCallback: cb,
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519}, Timeout: 5 * time.Second,
	})
}

func TestServerAcceptsKeyPasswordAndAgent(t *testing.T) {
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id_ed25519", sshtest.ED25519, "")
	agentKey := sshtest.NewKey(t, dir, "id_agent", sshtest.ECDSA, "")
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}})
	srv.Authorize(t, agentKey.PublicKey())
	kh := dir + "/known_hosts"
	sshtest.WriteKnownHosts(t, kh, srv.KnownHosts()...)

	c, err := dial(t, srv, kh, ssh.PublicKeys(key.Signer))
	if err != nil {
		t.Fatalf("key login: %v\n%s", err, srv.Log())
	}
	_ = c.Close()

	if srv.Password == "" {
		t.Log("not root: password login not available")
	} else {
		c, err := dial(t, srv, kh, ssh.Password(srv.Password))
		if err != nil {
			t.Fatalf("password login: %v\n%s", err, srv.Log())
		}
		_ = c.Close()
		if _, err := dial(t, srv, kh, ssh.Password("wrong")); err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Fatalf("wrong password: %v", err)
		}
	}

	ag := sshtest.StartAgent(t, agentKey)
	if n, err := ag.Keys(); err != nil || n != 1 {
		t.Fatalf("agent holds %d keys, %v", n, err)
	}
	conn, err := net.Dial("unix", ag.Socket)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c, err = dial(t, srv, kh, ssh.PublicKeysCallback(agent.NewClient(conn).Signers))
	if err != nil {
		t.Fatalf("agent login (real agent: %v): %v\n%s", ag.Real, err, srv.Log())
	}
	_ = c.Close()
}

func TestWrongKnownHostsMismatch(t *testing.T) {
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id", sshtest.ED25519, "")
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}})
	kh := dir + "/known_hosts"
	sshtest.WriteKnownHosts(t, kh, srv.WrongKnownHosts(t, sshtest.ED25519)...)
	_, err := dial(t, srv, kh, ssh.PublicKeys(key.Signer))
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) || len(ke.Want) == 0 {
		t.Fatalf("want a key mismatch, got %v", err)
	}
}

func TestKillAndStop(t *testing.T) {
	dir := t.TempDir()
	key := sshtest.NewKey(t, dir, "id", sshtest.ED25519, "")
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}})
	kh := dir + "/known_hosts"
	sshtest.WriteKnownHosts(t, kh, srv.KnownHosts()...)
	c, err := dial(t, srv, kh, ssh.PublicKeys(key.Signer))
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }()
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-waited:
	case <-time.After(5 * time.Second):
		t.Fatal("client connection survived Kill")
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := net.DialTimeout("tcp", srv.Addr, time.Second); err == nil {
		t.Fatal("port still open after Stop")
	}
}

func TestSilentServerNeverSpeaks(t *testing.T) {
	addr := sshtest.SilentServer(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var b [1]byte
	if _, err := c.Read(b[:]); err == nil {
		t.Fatal("silent server spoke")
	}
}
