package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// SSH authentication methods an SSHTunnelRecord may use.
const (
	// SSHAuthKey authenticates with the private key at KeyPath; its
	// passphrase, if any, is in the keychain under "ssh:<tunnel ID>".
	SSHAuthKey = "key"
	// SSHAuthPassword authenticates with a password kept in the keychain
	// under "ssh:<tunnel ID>".
	SSHAuthPassword = "password"
	// SSHAuthAgent authenticates through the running SSH agent.
	SSHAuthAgent = "agent"
)

// SSHTunnelRecord is a saved SSH tunnel (jump host) as the store keeps it.
// It holds no password or passphrase; those live in the OS keychain.
type SSHTunnelRecord struct {
	// ID is a UUID; leave it empty on save to have one assigned.
	ID   string `json:"id"`
	Name string `json:"name"`
	Host string `json:"host"`
	// Port is 1–65535 (22 for most servers).
	Port     int    `json:"port"`
	Username string `json:"username"`
	// AuthMethod is SSHAuthKey, SSHAuthPassword or SSHAuthAgent.
	AuthMethod string `json:"authMethod"`
	// KeyPath is the private key file for SSHAuthKey, "" otherwise.
	KeyPath string `json:"keyPath,omitempty"`
	// KnownHostsPath is an extra known_hosts file to verify the host
	// against, besides the user's ~/.ssh/known_hosts and Tusk's own file;
	// "" for none.
	KnownHostsPath string `json:"knownHostsPath,omitempty"`
	// JumpHost is an OpenSSH ProxyJump value: "[user@]host[:port]" or a
	// ~/.ssh/config alias, several hops separated by commas; "" for none.
	JumpHost string `json:"jumpHost,omitempty"`
	// KeepAliveSeconds is the interval between SSH keepalives; 0 means
	// Tusk's default.
	KeepAliveSeconds int `json:"keepAliveSeconds"`
	// HandshakeTimeoutSeconds bounds connecting and the SSH handshake to
	// each hop; 0 means Tusk's default.
	HandshakeTimeoutSeconds int `json:"handshakeTimeoutSeconds"`
	// CreatedAt and UpdatedAt are set by the store (UTC, millisecond precision).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

func (t SSHTunnelRecord) validate() (SSHTunnelRecord, error) {
	var err error
	if t.ID, err = normaliseID("id", t.ID); err != nil {
		return t, err
	}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		return t, invalid("name", "a name is required")
	}
	t.Host = strings.TrimSpace(t.Host)
	if t.Host == "" {
		return t, invalid("host", "a host is required")
	}
	if t.Port < 1 || t.Port > 65535 {
		return t, invalid("port", "port must be between 1 and 65535, not %d", t.Port)
	}
	t.JumpHost = strings.TrimSpace(t.JumpHost)
	if t.KeepAliveSeconds < 0 {
		return t, invalid("keepAliveSeconds", "the keepalive interval cannot be negative")
	}
	if t.HandshakeTimeoutSeconds < 0 {
		return t, invalid("handshakeTimeoutSeconds", "the handshake timeout cannot be negative")
	}
	switch t.AuthMethod {
	case SSHAuthKey:
		if t.KeyPath == "" {
			return t, invalid("keyPath", "key authentication needs a private key file")
		}
	case SSHAuthPassword, SSHAuthAgent:
	default:
		return t, invalid("authMethod", "auth method must be key, password or agent, not %q", t.AuthMethod)
	}
	return t, nil
}

// SaveSSHTunnel inserts t, or replaces the saved tunnel with the same ID
// (upsert). An empty ID gets a new UUID. CreatedAt of an existing record is
// kept; UpdatedAt is set to now. It returns the record as stored. Rejected
// input is a *ValidationError.
func (s *Store) SaveSSHTunnel(ctx context.Context, t SSHTunnelRecord) (SSHTunnelRecord, error) {
	t, err := t.validate()
	if err != nil {
		return SSHTunnelRecord{}, fmt.Errorf("save ssh tunnel: %w", err)
	}
	at := ms(now())
	var created int64
	err = s.w.QueryRowContext(ctx, `
INSERT INTO ssh_tunnels (id, name, host, port, username, auth_method, key_path, known_hosts_path,
	jump_host, keepalive_interval_s, handshake_timeout_s, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, host = excluded.host, port = excluded.port,
	username = excluded.username, auth_method = excluded.auth_method,
	key_path = excluded.key_path, known_hosts_path = excluded.known_hosts_path,
	jump_host = excluded.jump_host, keepalive_interval_s = excluded.keepalive_interval_s,
	handshake_timeout_s = excluded.handshake_timeout_s,
	updated_at = excluded.updated_at
RETURNING created_at`,
		t.ID, t.Name, t.Host, t.Port, t.Username, t.AuthMethod, t.KeyPath, t.KnownHostsPath,
		t.JumpHost, t.KeepAliveSeconds, t.HandshakeTimeoutSeconds, at, at,
	).Scan(&created)
	if err != nil {
		return SSHTunnelRecord{}, fmt.Errorf("save ssh tunnel %s: %w", t.ID, err)
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(at)
	return t, nil
}

const tunnelColumns = `id, name, host, port, username, auth_method, key_path, known_hosts_path,
	jump_host, keepalive_interval_s, handshake_timeout_s, created_at, updated_at`

func scanTunnel(row interface{ Scan(...any) error }) (SSHTunnelRecord, error) {
	var (
		t                SSHTunnelRecord
		created, updated int64
	)
	err := row.Scan(&t.ID, &t.Name, &t.Host, &t.Port, &t.Username, &t.AuthMethod,
		&t.KeyPath, &t.KnownHostsPath, &t.JumpHost, &t.KeepAliveSeconds, &t.HandshakeTimeoutSeconds,
		&created, &updated)
	if err != nil {
		return SSHTunnelRecord{}, err
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return t, nil
}

// LoadSSHTunnel returns the saved tunnel with the given ID, or an error
// matching ErrNotFound.
func (s *Store) LoadSSHTunnel(ctx context.Context, id string) (SSHTunnelRecord, error) {
	t, err := scanTunnel(s.r.QueryRowContext(ctx,
		"SELECT "+tunnelColumns+" FROM ssh_tunnels WHERE id = ?", canonicalID(id)))
	if err == sql.ErrNoRows {
		return SSHTunnelRecord{}, fmt.Errorf("ssh tunnel %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return SSHTunnelRecord{}, fmt.Errorf("load ssh tunnel %s: %w", id, err)
	}
	return t, nil
}

// LoadSSHTunnels returns every saved tunnel ordered by name (case
// insensitive), then ID; an empty, non-nil slice when there are none.
func (s *Store) LoadSSHTunnels(ctx context.Context) ([]SSHTunnelRecord, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT "+tunnelColumns+" FROM ssh_tunnels ORDER BY name COLLATE NOCASE, name, id")
	if err != nil {
		return nil, fmt.Errorf("load ssh tunnels: %w", err)
	}
	defer rows.Close()
	out := []SSHTunnelRecord{}
	for rows.Next() {
		t, err := scanTunnel(rows)
		if err != nil {
			return nil, fmt.Errorf("load ssh tunnels: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load ssh tunnels: %w", err)
	}
	return out, nil
}

// DeleteSSHTunnel deletes the saved tunnel; connections that used it become
// direct connections (their SSHTunnelID is cleared). It returns an error
// matching ErrNotFound if there was no such tunnel. The caller removes the
// keychain entry.
func (s *Store) DeleteSSHTunnel(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM ssh_tunnels WHERE id = ?", canonicalID(id))
	if err != nil {
		return fmt.Errorf("delete ssh tunnel %s: %w", id, err)
	}
	return expectOne(res, "ssh tunnel", id)
}
