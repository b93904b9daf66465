package state_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/internal/sshtest"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

// TestConnectThroughSSHTunnel goes the whole way a user does: an unknown SSH
// host is reported with its fingerprint, accepted, the connection then runs
// through the tunnel (TestConnection reports both steps), and when the SSH
// server dies the connection is dropped and the UI told.
func TestConnectThroughSSHTunnel(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	var events event.Recorder
	st := newStateWith(t, &events)
	key := sshtest.NewKey(t, t.TempDir(), "id_ed25519", sshtest.ED25519, "")
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}})

	tun, err := st.Store().SaveSSHTunnel(ctx, storage.SSHTunnelRecord{
		Name: "bastion", Host: srv.Host, Port: srv.Port, Username: srv.User,
		AuthMethod: storage.SSHAuthKey, KeyPath: key.Path,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := connection.NewConfig("via ssh", "127.0.0.1", cluster.Port, cluster.Database, cluster.ScramUser)
	cfg.SSLMode = connection.SSLRequire
	cfg.SSHTunnelID = tun.ID
	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	cfg = connection.FromRecord(rec)
	opts := state.ConnectOptions{
		Password: secret.New(cluster.ScramPassword),
		SSHDeps:  sshtunnelDeps(t), // an empty home: no ~/.ssh of the machine's user
	}

	// 1. Unknown host: SSH kind, the fingerprint for the user to compare.
	_, err = st.Connect(ctx, cfg.ID, opts)
	info := apperr.Info(err)
	if info.Kind != apperr.SSH || info.HostKey == nil || info.HostKey.Changed {
		t.Fatalf("first connect: %+v", info)
	}
	if want := ssh.FingerprintSHA256(srv.HostKeys[sshtest.ED25519].PublicKey()); info.HostKey.Fingerprint != want {
		t.Fatalf("fingerprint %q, want %q", info.HostKey.Fingerprint, want)
	}

	// 2. Accept it (once).
	if err := st.AcceptHostKey(info.HostKey.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if err := st.AcceptHostKey(info.HostKey.Fingerprint); apperr.KindOf(err) != apperr.SSH {
		t.Fatalf("accepting twice: %v", err)
	}

	// 3. Test and connect through the tunnel.
	rep, err := st.TestConnection(ctx, cfg, opts)
	if err != nil || !rep.OK || len(rep.Steps) != 2 || rep.Steps[0].Name != "ssh" || rep.Steps[1].Name != "database" {
		t.Fatalf("test connection: %+v, %v", rep, err)
	}
	t.Logf("ssh step %.1f ms, database step %.1f ms", rep.Steps[0].DurationMs, rep.Steps[1].DurationMs)
	if _, err := st.Connect(ctx, cfg.ID, opts); err != nil {
		t.Fatalf("connect through the tunnel: %v", err)
	}
	p, ok := st.Pool(cfg.ID)
	if !ok {
		t.Fatal("no pool")
	}
	c, err := p.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ssl bool
	rows, err := c.Query(ctx, "select ssl from pg_stat_ssl where pid = pg_backend_pid()")
	if err == nil {
		for rows.Next() {
			err = rows.Scan(&ssl)
		}
		rows.Close()
	}
	c.Release()
	if err != nil || !ssl {
		t.Fatalf("query through the tunnel: ssl=%v err=%v", ssl, err)
	}

	// 4. The SSH server dies: the connection is dropped and the UI told.
	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var lost *state.ConnectionLost
	for lost == nil && time.Now().Before(deadline) {
		for _, ev := range events.Events() {
			if l, ok := ev.Payload.(state.ConnectionLost); ok && ev.Name == event.ConnectionLost {
				lost = &l
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if lost == nil || lost.ConnectionID != cfg.ID || lost.Error.Kind != apperr.SSH {
		t.Fatalf("connection:lost = %+v", lost)
	}
	if _, ok := st.Pool(cfg.ID); ok || !p.IsClosed() {
		t.Fatal("the pool of a dead tunnel is still registered")
	}
	t.Logf("connection lost: %s", lost.Error.Message)
}

// TestSSHPassphraseAskedOnceThenRemembered: an encrypted key with no stored
// passphrase fails with a request for it; connecting with the answer (and
// "remember") works and keeps it in the keychain for the next connect.
func TestSSHPassphraseAskedOnceThenRemembered(t *testing.T) {
	pgtest.Need(t)
	ctx := context.Background()
	st := newStateWith(t, nil)
	key := sshtest.NewKey(t, t.TempDir(), "id_enc", sshtest.ED25519, "key-passphrase")
	srv := sshtest.Start(t, sshtest.Options{AuthorizedKeys: []ssh.PublicKey{key.PublicKey()}})
	sshtest.WriteKnownHosts(t, filepath.Join(st.DataDir(), state.KnownHostsFile), srv.KnownHosts()...)

	tun, err := st.Store().SaveSSHTunnel(ctx, storage.SSHTunnelRecord{
		Name: "enc", Host: srv.Host, Port: srv.Port, Username: srv.User, AuthMethod: storage.SSHAuthKey, KeyPath: key.Path,
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := connection.NewConfig("enc", "127.0.0.1", cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	cfg.SSHTunnelID = tun.ID
	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	opts := state.ConnectOptions{SSHDeps: sshtunnelDeps(t)}

	_, err = st.Connect(ctx, rec.ID, opts)
	if info := apperr.Info(err); info.Kind != apperr.Authentication || !strings.Contains(info.Message, "passphrase") {
		t.Fatalf("without a passphrase: %+v", info)
	}
	opts.SSHSecret, opts.RememberSSHSecret = secret.New("key-passphrase"), true
	if _, err := st.Connect(ctx, rec.ID, opts); err != nil {
		t.Fatalf("with the passphrase: %v", err)
	}
	if ok, err := st.Credentials().HasSSHSecret(ctx, tun.ID); err != nil || !ok {
		t.Fatalf("passphrase not remembered: %v %v", ok, err)
	}
	st.Disconnect(rec.ID)
	if _, err := st.Connect(ctx, rec.ID, state.ConnectOptions{SSHDeps: sshtunnelDeps(t)}); err != nil {
		t.Fatalf("with the remembered passphrase: %v", err)
	}
}
