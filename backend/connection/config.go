package connection

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/storage"
)

// SSLMode is libpq's sslmode: how TLS is negotiated and what is verified.
// The semantics are libpq's, implemented by pgconn:
//
//   - SSLDisable: plain TCP only.
//   - SSLAllow: plain first; TLS (unverified) only if the server insists.
//   - SSLPrefer: TLS (unverified) first; plain if the server refuses TLS. The
//     default.
//   - SSLRequire: TLS, certificate not verified — unless SSLRootCert is set,
//     in which case it behaves like SSLVerifyCA (as libpq does).
//   - SSLVerifyCA: TLS; the server certificate must chain to SSLRootCert (or,
//     when that is empty, to the operating system's trust store).
//   - SSLVerifyFull: SSLVerifyCA plus the certificate must name Host.
//
// Unlike libpq, Tusk never reads ~/.postgresql/root.crt: a connection's
// trust is exactly what its Config says (see "What the environment does not
// change" in the package documentation).
type SSLMode string

// The SSL modes, in increasing order of protection.
const (
	SSLDisable    SSLMode = "disable"
	SSLAllow      SSLMode = "allow"
	SSLPrefer     SSLMode = "prefer"
	SSLRequire    SSLMode = "require"
	SSLVerifyCA   SSLMode = "verify-ca"
	SSLVerifyFull SSLMode = "verify-full"
)

// SSLModes lists every SSLMode in increasing order of protection, for pickers
// and validation.
var SSLModes = []SSLMode{SSLDisable, SSLAllow, SSLPrefer, SSLRequire, SSLVerifyCA, SSLVerifyFull}

// Valid reports whether m is one of SSLModes.
func (m SSLMode) Valid() bool {
	for _, k := range SSLModes {
		if m == k {
			return true
		}
	}
	return false
}

// Defaults applied by NewConfig and FromRecord.
const (
	// DefaultPort is PostgreSQL's port.
	DefaultPort = 5432
	// DefaultSSLMode is libpq's default.
	DefaultSSLMode = SSLPrefer
	// DefaultConnectTimeout bounds dialling, TLS and authentication of one
	// connection, and NewPool's test connection (SC-003).
	DefaultConnectTimeout = 10 * time.Second
	// DefaultApplicationName is sent as application_name and shows in
	// pg_stat_activity.
	DefaultApplicationName = "Tusk"
)

// Options are the per-connection session settings (FR-012, T038). The zero
// value of a timeout means: ConnectTimeout — DefaultConnectTimeout; the
// others — not sent, so the server's (or role's, or database's) setting
// applies.
//
// In JSON, and therefore in the generated TypeScript, the durations are whole
// milliseconds named connectTimeoutMs, statementTimeoutMs and
// idleInTransactionTimeoutMs; sub-millisecond parts are dropped.
type Options struct {
	// ConnectTimeout bounds establishing one connection: name lookup,
	// dialling, TLS and authentication. 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration `json:"connectTimeoutMs"`
	// StatementTimeout becomes the session's statement_timeout: the server
	// cancels any statement running longer (SQLSTATE 57014). 0 leaves the
	// server's setting.
	StatementTimeout time.Duration `json:"statementTimeoutMs"`
	// IdleInTransactionTimeout becomes idle_in_transaction_session_timeout:
	// the server ends a session that sits idle inside a transaction longer.
	// 0 leaves the server's setting.
	IdleInTransactionTimeout time.Duration `json:"idleInTransactionTimeoutMs"`
	// ReadOnly opens every session with default_transaction_read_only=on, so
	// the server rejects writes (SQLSTATE 25006). A statement can still run
	// SET default_transaction_read_only = off: it protects against mistakes,
	// not against a determined user; use a read-only role for that.
	ReadOnly bool `json:"readOnly"`
	// ApplicationName is sent as application_name (at most 63 bytes; the
	// server replaces non-ASCII characters with '?'). "" means
	// DefaultApplicationName, which NewConfig and FromRecord fill in.
	ApplicationName string `json:"applicationName"`
	// SafeMode guards against statements that destroy data; see
	// EffectiveSafeMode for the default.
	SafeMode SafeMode `json:"safeMode"`
	// Marker marks a production (or otherwise sensitive) connection.
	Marker Marker `json:"marker"`
	// ManualCommit runs every statement inside a transaction that stays
	// open until the user commits or rolls back.
	ManualCommit bool `json:"manualCommit"`
	// CommitWithoutReview lets a data tab commit its pending edits (still
	// in one transaction, still conflict-checked) without showing the
	// review of their SQL first. It never applies to a connection with a
	// production Marker: see SkipsReview.
	CommitWithoutReview bool `json:"commitWithoutReview"`
}

// optionsJSON is the wire shape of Options: durations as milliseconds.
type optionsJSON struct {
	ConnectTimeoutMs           int64    `json:"connectTimeoutMs"`
	StatementTimeoutMs         int64    `json:"statementTimeoutMs"`
	IdleInTransactionTimeoutMs int64    `json:"idleInTransactionTimeoutMs"`
	ReadOnly                   bool     `json:"readOnly"`
	ApplicationName            string   `json:"applicationName"`
	SafeMode                   SafeMode `json:"safeMode"`
	Marker                     Marker   `json:"marker"`
	ManualCommit               bool     `json:"manualCommit"`
	CommitWithoutReview        bool     `json:"commitWithoutReview"`
}

// MarshalJSON writes the durations as whole milliseconds.
func (o Options) MarshalJSON() ([]byte, error) {
	return json.Marshal(optionsJSON{
		ConnectTimeoutMs:           o.ConnectTimeout.Milliseconds(),
		StatementTimeoutMs:         o.StatementTimeout.Milliseconds(),
		IdleInTransactionTimeoutMs: o.IdleInTransactionTimeout.Milliseconds(),
		ReadOnly:                   o.ReadOnly,
		ApplicationName:            o.ApplicationName,
		SafeMode:                   o.SafeMode,
		Marker:                     o.Marker,
		ManualCommit:               o.ManualCommit,
		CommitWithoutReview:        o.CommitWithoutReview,
	})
}

// UnmarshalJSON reads the durations as milliseconds. Absent fields are zero.
func (o *Options) UnmarshalJSON(b []byte) error {
	var w optionsJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*o = Options{
		ConnectTimeout:           time.Duration(w.ConnectTimeoutMs) * time.Millisecond,
		StatementTimeout:         time.Duration(w.StatementTimeoutMs) * time.Millisecond,
		IdleInTransactionTimeout: time.Duration(w.IdleInTransactionTimeoutMs) * time.Millisecond,
		ReadOnly:                 w.ReadOnly,
		ApplicationName:          w.ApplicationName,
		SafeMode:                 w.SafeMode,
		Marker:                   w.Marker,
		ManualCommit:             w.ManualCommit,
		CommitWithoutReview:      w.CommitWithoutReview,
	}
	return nil
}

// applicationName is ApplicationName with the default applied.
func (o Options) applicationName() string {
	if o.ApplicationName == "" {
		return DefaultApplicationName
	}
	return o.ApplicationName
}

// connectTimeout is ConnectTimeout with the default applied.
func (o Options) connectTimeout() time.Duration {
	if o.ConnectTimeout <= 0 {
		return DefaultConnectTimeout
	}
	return o.ConnectTimeout
}

// Config describes one PostgreSQL connection (FR-012, T034). It holds no
// password: that travels separately as a secret.String (from the keychain)
// and is handed to NewPool. A Config is a plain value; copies are
// independent and safe to share between goroutines.
//
// Build one with NewConfig (defaults filled in), FromRecord (a saved
// connection) or ParseURL (an imported connection string), then call
// Validate. The JSON field names are what the frontend and Validate's
// FieldError.Field use.
type Config struct {
	// ID is the saved connection's UUID; "" for one not saved yet. Pools and
	// their status are keyed by it.
	ID string `json:"id"`
	// Name is what the user calls the connection: 1–255 characters.
	Name string `json:"name"`
	// Host is a host name, an IPv4 or IPv6 address (without brackets), or the
	// absolute path of a directory holding the server's unix socket.
	Host string `json:"host"`
	// Port is 1–65535; for a unix socket it selects the socket file.
	Port int `json:"port"`
	// Database is the database to open: 1–63 bytes.
	Database string `json:"database"`
	// User is the role to log in as.
	User string `json:"user"`
	// SSLMode is how TLS is negotiated; see SSLMode. Ignored for unix
	// sockets.
	SSLMode SSLMode `json:"sslMode"`
	// SSLRootCert is the path of a PEM file with the CA certificates that
	// sign the server's certificate; "" trusts the operating system's store
	// for SSLVerifyCA and SSLVerifyFull.
	SSLRootCert string `json:"sslRootCert"`
	// SSLCert and SSLKey are the paths of a client certificate and its
	// (unencrypted) private key, both or neither.
	SSLCert string `json:"sslCert"`
	SSLKey  string `json:"sslKey"`
	// SSHTunnelID names the saved SSH tunnel to connect through; "" for a
	// direct connection. The caller opens the tunnel and passes its dialer
	// in PoolOptions.Dial.
	SSHTunnelID string `json:"sshTunnelId"`
	// Options are the session settings.
	Options Options `json:"options"`
	// Color is the UI accent, "#RRGGBB", or "" for none.
	Color string `json:"color"`
	// GroupID is the sidebar folder the connection is filed under; "" for
	// none. Position orders it within that folder (set by arranging).
	GroupID  string `json:"groupId"`
	Position int    `json:"position"`
}

// NewConfig returns a Config with the given coordinates and every default
// filled in: SSLPrefer, a 10 s connect timeout, application name "Tusk", no
// statement or idle-in-transaction timeout, read-write. A port of 0 means
// DefaultPort. It does not validate.
func NewConfig(name, host string, port int, database, user string) Config {
	if port == 0 {
		port = DefaultPort
	}
	return Config{
		Name:     name,
		Host:     host,
		Port:     port,
		Database: database,
		User:     user,
		SSLMode:  DefaultSSLMode,
		Options: Options{
			ConnectTimeout:  DefaultConnectTimeout,
			ApplicationName: DefaultApplicationName,
		},
	}
}

// Address returns "host:port" ("[v6]:port" for IPv6), or the socket
// directory and port for a unix socket, for messages and logs.
func (c Config) Address() string {
	if c.isSocket() {
		return fmt.Sprintf("%s (port %d)", c.Host, c.Port)
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// target is what error messages say was being connected to.
func (c Config) target() string {
	return c.Address() + "/" + c.Database
}

func (c Config) isSocket() bool { return strings.HasPrefix(c.Host, "/") }

// FromRecord converts a saved connection to a Config. Zero option values
// become the defaults (connect timeout 10 s, application name "Tusk"), an
// empty SSL mode becomes SSLPrefer. Timestamps are not part of a Config.
func FromRecord(r storage.ConnectionRecord) Config {
	c := Config{
		ID:          r.ID,
		Name:        r.Name,
		Host:        r.Host,
		Port:        r.Port,
		Database:    r.Database,
		User:        r.Username,
		SSLMode:     SSLMode(r.SSLMode),
		SSLRootCert: r.SSLRootCertPath,
		SSLCert:     r.SSLClientCertPath,
		SSLKey:      r.SSLClientKeyPath,
		SSHTunnelID: r.SSHTunnelID,
		Options: Options{
			ConnectTimeout:           time.Duration(r.Options.ConnectTimeoutMs) * time.Millisecond,
			StatementTimeout:         time.Duration(r.Options.StatementTimeoutMs) * time.Millisecond,
			IdleInTransactionTimeout: time.Duration(r.Options.IdleInTransactionTimeoutMs) * time.Millisecond,
			ReadOnly:                 r.Options.ReadOnly,
			ApplicationName:          r.Options.ApplicationName,
			SafeMode:                 SafeMode(r.Options.SafeMode),
			Marker:                   Marker{Name: r.Options.Marker.Name, Color: r.Options.Marker.Color},
			ManualCommit:             r.Options.ManualCommit,
			CommitWithoutReview:      r.Options.CommitWithoutReview,
		},
		Color:    r.Color,
		GroupID:  r.GroupID,
		Position: r.Position,
	}
	if c.SSLMode == "" {
		c.SSLMode = DefaultSSLMode
	}
	if c.Options.ConnectTimeout <= 0 {
		c.Options.ConnectTimeout = DefaultConnectTimeout
	}
	if c.Options.ApplicationName == "" {
		c.Options.ApplicationName = DefaultApplicationName
	}
	return c
}

// Record converts c to the shape the store saves. Durations become whole
// milliseconds; the timestamps are left zero for the store to set.
// CommitWithoutReview is saved as SkipsReview: off on a marked connection.
func (c Config) Record() storage.ConnectionRecord {
	return storage.ConnectionRecord{
		ID:                c.ID,
		Name:              c.Name,
		Host:              c.Host,
		Port:              c.Port,
		Database:          c.Database,
		Username:          c.User,
		SSLMode:           string(c.SSLMode),
		SSLRootCertPath:   c.SSLRootCert,
		SSLClientCertPath: c.SSLCert,
		SSLClientKeyPath:  c.SSLKey,
		SSHTunnelID:       c.SSHTunnelID,
		Options: storage.ConnectionOptions{
			ConnectTimeoutMs:           c.Options.ConnectTimeout.Milliseconds(),
			StatementTimeoutMs:         c.Options.StatementTimeout.Milliseconds(),
			IdleInTransactionTimeoutMs: c.Options.IdleInTransactionTimeout.Milliseconds(),
			ReadOnly:                   c.Options.ReadOnly,
			ApplicationName:            c.Options.ApplicationName,
			SafeMode:                   string(c.Options.SafeMode),
			Marker:                     storage.ConnectionMarker{Name: c.Options.Marker.Name, Color: c.Options.Marker.Color},
			ManualCommit:               c.Options.ManualCommit,
			CommitWithoutReview:        c.Options.SkipsReview(),
		},
		Color:    c.Color,
		GroupID:  c.GroupID,
		Position: c.Position,
	}
}
