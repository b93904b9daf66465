package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// sslModes are the ssl_mode values a ConnectionRecord may hold (libpq's
// sslmode).
var sslModes = []string{"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}

// ConnectionOptions are the per-connection session settings, stored as one
// JSON column. Durations are in milliseconds; 0 means "not set" (the
// connection package applies its defaults).
type ConnectionOptions struct {
	// ConnectTimeoutMs bounds dialling, TLS and authentication.
	ConnectTimeoutMs int64 `json:"connectTimeoutMs,omitempty"`
	// StatementTimeoutMs becomes the session's statement_timeout.
	StatementTimeoutMs int64 `json:"statementTimeoutMs,omitempty"`
	// IdleInTransactionTimeoutMs becomes idle_in_transaction_session_timeout.
	IdleInTransactionTimeoutMs int64 `json:"idleInTransactionTimeoutMs,omitempty"`
	// ReadOnly opens every session with default_transaction_read_only.
	ReadOnly bool `json:"readOnly,omitempty"`
	// ApplicationName is sent as application_name ("" for the default).
	ApplicationName string `json:"applicationName,omitempty"`
	// SafeMode is "", "off", "confirm" or "block" (connection.SafeMode).
	SafeMode string `json:"safeMode,omitempty"`
	// Marker labels a production connection; the zero value marks none.
	Marker ConnectionMarker `json:"marker,omitzero"`
	// ManualCommit keeps a transaction open until the user ends it.
	ManualCommit bool `json:"manualCommit,omitempty"`
	// CommitWithoutReview lets a data tab commit without the review step.
	CommitWithoutReview bool `json:"commitWithoutReview,omitempty"`
}

// ConnectionMarker is a connection's environment label and its colour
// (connection.Marker).
type ConnectionMarker struct {
	Name  string `json:"name,omitempty"`
	Color string `json:"color,omitempty"`
}

// ConnectionRecord is a saved PostgreSQL connection as the store keeps it.
// It holds no password: that lives in the OS keychain under account
// "db:<ID>". The connection package converts it to and from its Config.
type ConnectionRecord struct {
	// ID is a UUID; leave it empty on save to have one assigned.
	ID   string `json:"id"`
	Name string `json:"name"`
	Host string `json:"host"`
	// Port is 1–65535.
	Port     int    `json:"port"`
	Database string `json:"database"`
	Username string `json:"username"`
	// SSLMode is libpq's sslmode: disable, allow, prefer, require, verify-ca
	// or verify-full. "" is saved as "prefer", libpq's default.
	SSLMode           string `json:"sslMode"`
	SSLRootCertPath   string `json:"sslRootCertPath,omitempty"`
	SSLClientCertPath string `json:"sslClientCertPath,omitempty"`
	SSLClientKeyPath  string `json:"sslClientKeyPath,omitempty"`
	// SSHTunnelID refers to a saved SSHTunnelRecord; "" for a direct
	// connection. Deleting the tunnel clears it.
	SSHTunnelID string            `json:"sshTunnelId,omitempty"`
	Options     ConnectionOptions `json:"options"`
	// Color is the UI accent for the connection, e.g. "#e5484d"; "" for none.
	Color string `json:"color,omitempty"`
	// GroupID is the ConnectionGroup it is filed under; "" for none.
	// Deleting the group clears it.
	GroupID string `json:"groupId,omitempty"`
	// Position orders connections within their group (ties by name); it is
	// set by ArrangeConnections, and SaveConnection keeps it.
	Position int `json:"position"`
	// CreatedAt and UpdatedAt are set by the store (UTC, millisecond precision).
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// LastConnectedAt is nil until SetLastConnected is first called.
	LastConnectedAt *time.Time `json:"lastConnectedAt,omitempty"`
}

// validate checks c and returns it normalised (canonical ID, default SSL
// mode, trimmed name).
func (c ConnectionRecord) validate() (ConnectionRecord, error) {
	var err error
	if c.ID, err = normaliseID("id", c.ID); err != nil {
		return c, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		return c, invalid("name", "a name is required")
	}
	if c.Port < 1 || c.Port > 65535 {
		return c, invalid("port", "port must be between 1 and 65535, not %d", c.Port)
	}
	if c.SSLMode == "" {
		c.SSLMode = "prefer"
	}
	if !slices.Contains(sslModes, c.SSLMode) {
		return c, invalid("sslMode", "ssl mode must be one of %s", strings.Join(sslModes, ", "))
	}
	if c.SSHTunnelID != "" {
		if c.SSHTunnelID, err = normaliseID("sshTunnelId", c.SSHTunnelID); err != nil {
			return c, err
		}
	}
	if c.GroupID != "" {
		if c.GroupID, err = normaliseID("groupId", c.GroupID); err != nil {
			return c, err
		}
	}
	return c, nil
}

// SaveConnection inserts c, or replaces the saved connection with the same ID
// (upsert). An empty ID gets a new UUID. CreatedAt and LastConnectedAt of an
// existing record are kept; UpdatedAt is set to now. It returns the record as
// stored. Rejected input (bad port, unknown SSH tunnel, …) is a
// *ValidationError.
func (s *Store) SaveConnection(ctx context.Context, c ConnectionRecord) (ConnectionRecord, error) {
	c, err := c.validate()
	if err != nil {
		return ConnectionRecord{}, fmt.Errorf("save connection: %w", err)
	}
	opts, err := json.Marshal(c.Options)
	if err != nil {
		return ConnectionRecord{}, fmt.Errorf("save connection %s: encode options: %w", c.ID, err)
	}
	t := ms(now())
	var created int64
	var lastConnected sql.NullInt64
	err = s.w.QueryRowContext(ctx, `
INSERT INTO connections (id, name, host, port, database, username, ssl_mode,
	ssl_root_cert_path, ssl_client_cert_path, ssl_client_key_path,
	ssh_tunnel_id, options, color, group_id, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	name = excluded.name, host = excluded.host, port = excluded.port,
	database = excluded.database, username = excluded.username, ssl_mode = excluded.ssl_mode,
	ssl_root_cert_path = excluded.ssl_root_cert_path,
	ssl_client_cert_path = excluded.ssl_client_cert_path,
	ssl_client_key_path = excluded.ssl_client_key_path,
	ssh_tunnel_id = excluded.ssh_tunnel_id, options = excluded.options,
	color = excluded.color, group_id = excluded.group_id, updated_at = excluded.updated_at
RETURNING created_at, last_connected_at, position`,
		c.ID, c.Name, c.Host, c.Port, c.Database, c.Username, c.SSLMode,
		c.SSLRootCertPath, c.SSLClientCertPath, c.SSLClientKeyPath,
		nullString(c.SSHTunnelID), string(opts), c.Color, nullString(c.GroupID), t, t,
	).Scan(&created, &lastConnected, &c.Position)
	if err != nil {
		if isForeignKeyViolation(err) {
			field, what, id := "sshTunnelId", "ssh tunnel", c.SSHTunnelID
			if c.GroupID != "" {
				if ok, _ := s.exists(ctx, "connection_groups", c.GroupID); !ok {
					field, what, id = "groupId", "connection group", c.GroupID
				}
			}
			return ConnectionRecord{}, fmt.Errorf("save connection %s: %w", c.ID, invalid(field, "%s %s does not exist", what, id))
		}
		return ConnectionRecord{}, fmt.Errorf("save connection %s: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(t)
	c.LastConnectedAt = nil
	if lastConnected.Valid {
		at := fromMS(lastConnected.Int64)
		c.LastConnectedAt = &at
	}
	return c, nil
}

const connectionColumns = `id, name, host, port, database, username, ssl_mode,
	ssl_root_cert_path, ssl_client_cert_path, ssl_client_key_path,
	ssh_tunnel_id, options, color, created_at, updated_at, last_connected_at, group_id, position`

func scanConnection(row interface{ Scan(...any) error }) (ConnectionRecord, error) {
	var (
		c                ConnectionRecord
		tunnel, group    sql.NullString
		opts             string
		created, updated int64
		lastConnected    sql.NullInt64
	)
	err := row.Scan(&c.ID, &c.Name, &c.Host, &c.Port, &c.Database, &c.Username, &c.SSLMode,
		&c.SSLRootCertPath, &c.SSLClientCertPath, &c.SSLClientKeyPath,
		&tunnel, &opts, &c.Color, &created, &updated, &lastConnected, &group, &c.Position)
	if err != nil {
		return ConnectionRecord{}, err
	}
	c.SSHTunnelID, c.GroupID = tunnel.String, group.String
	if err := json.Unmarshal([]byte(opts), &c.Options); err != nil {
		return ConnectionRecord{}, fmt.Errorf("decode options of connection %s: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if lastConnected.Valid {
		at := fromMS(lastConnected.Int64)
		c.LastConnectedAt = &at
	}
	return c, nil
}

// LoadConnection returns the saved connection with the given ID, or an error
// matching ErrNotFound.
func (s *Store) LoadConnection(ctx context.Context, id string) (ConnectionRecord, error) {
	c, err := scanConnection(s.r.QueryRowContext(ctx,
		"SELECT "+connectionColumns+" FROM connections WHERE id = ?", canonicalID(id)))
	if err == sql.ErrNoRows {
		return ConnectionRecord{}, fmt.Errorf("connection %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return ConnectionRecord{}, fmt.Errorf("load connection %s: %w", id, err)
	}
	return c, nil
}

// LoadConnections returns every saved connection ordered by position (the
// user's order within a group), then name (case insensitive), then ID. It returns an empty, non-nil slice when there are
// none.
func (s *Store) LoadConnections(ctx context.Context) ([]ConnectionRecord, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT "+connectionColumns+" FROM connections ORDER BY position, name COLLATE NOCASE, name, id")
	if err != nil {
		return nil, fmt.Errorf("load connections: %w", err)
	}
	defer rows.Close()
	out := []ConnectionRecord{}
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, fmt.Errorf("load connections: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load connections: %w", err)
	}
	return out, nil
}

// DeleteConnection deletes the saved connection and, with it, its query
// history; saved queries written for it are kept with no connection. It
// returns an error matching ErrNotFound if there was no such connection. The
// caller removes the keychain entry.
func (s *Store) DeleteConnection(ctx context.Context, id string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM connections WHERE id = ?", canonicalID(id))
	if err != nil {
		return fmt.Errorf("delete connection %s: %w", id, err)
	}
	return expectOne(res, "connection", id)
}

// SetLastConnected records that the connection was opened at at (stored in
// UTC, millisecond precision). It does not change UpdatedAt. It returns an
// error matching ErrNotFound if there is no such connection.
func (s *Store) SetLastConnected(ctx context.Context, id string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, "UPDATE connections SET last_connected_at = ? WHERE id = ?", ms(at), canonicalID(id))
	if err != nil {
		return fmt.Errorf("set last connected of connection %s: %w", id, err)
	}
	return expectOne(res, "connection", id)
}

// exists reports whether table has a row with the given id.
func (s *Store) exists(ctx context.Context, table, id string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, "SELECT 1 FROM "+table+" WHERE id = ?", canonicalID(id)).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}
