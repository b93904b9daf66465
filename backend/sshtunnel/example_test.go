package sshtunnel_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/sshtunnel"
	"github.com/tusk-app/tusk/backend/storage"
)

// A database behind a bastion: open the tunnel, then let pgx dial through
// it. The host in the connection string is resolved by the SSH server.
func ExampleOpen() {
	ctx := context.Background()
	rec := storage.SSHTunnelRecord{
		ID: "5b0c1c9e-2f61-4a7e-9d5e-4b1f6c0e8a11", Name: "prod",
		Host: "db-ssh.example.com", Port: 22, Username: "ops",
		AuthMethod: storage.SSHAuthKey, KeyPath: "/home/ops/.ssh/id_ed25519",
		JumpHost: "ops@bastion.example.com:2222",
	}
	keychain := sshtunnel.SecretsFunc(func(ctx context.Context, tunnelID string) (secret.String, error) {
		return secret.String{}, nil // nothing stored: an unencrypted key
	})
	tun, err := sshtunnel.Open(ctx, sshtunnel.FromRecord(rec), sshtunnel.Deps{
		Secrets:        keychain,
		TuskKnownHosts: filepath.Join("/home/ops/.local/share/tusk", "known_hosts"),
	})
	var hostKey *sshtunnel.HostKeyError
	switch {
	case errors.As(err, &hostKey) && !hostKey.Changed():
		fmt.Println("ask the user to accept", hostKey.Fingerprint)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	defer tun.Close()

	cfg, err := pgx.ParseConfig("host=db.internal port=5432 user=app dbname=app")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg.DialFunc = tun.DialContext
	cfg.LookupFunc = sshtunnel.LookupPassthrough
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		fmt.Println("tunnel failed:", sshtunnel.IsTunnelError(err), err)
		return
	}
	defer conn.Close(ctx)
}
