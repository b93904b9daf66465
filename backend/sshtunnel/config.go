package sshtunnel

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/storage"
)

// AuthMethod says how the client authenticates to the SSH server.
type AuthMethod string

// The authentication methods; their values are those of storage.SSHAuth*.
const (
	// AuthKey authenticates with a private key file (Config.KeyPath, or the
	// IdentityFile of ~/.ssh/config, or ~/.ssh/id_ed25519, id_ecdsa, id_rsa).
	// An encrypted key's passphrase comes from Deps.Secrets or Deps.Prompt.
	AuthKey AuthMethod = storage.SSHAuthKey
	// AuthPassword authenticates with a password from Deps.Secrets or
	// Deps.Prompt.
	AuthPassword AuthMethod = storage.SSHAuthPassword
	// AuthAgent authenticates with the keys of a running SSH agent
	// (SSH_AUTH_SOCK, or Deps.AgentSocket).
	AuthAgent AuthMethod = storage.SSHAuthAgent
)

// Defaults for the zero values of Config's timing fields.
const (
	// DefaultPort is the SSH port used when neither Config.Port nor
	// ~/.ssh/config sets one.
	DefaultPort = 22
	// DefaultKeepAliveInterval is the keepalive interval for a zero
	// Config.KeepAliveInterval.
	DefaultKeepAliveInterval = 30 * time.Second
	// DefaultKeepAliveMaxMissed is the number of unanswered keepalives after
	// which the tunnel is declared dead, for a zero Config.KeepAliveMaxMissed.
	DefaultKeepAliveMaxMissed = 3
	// DefaultHandshakeTimeout bounds the TCP connect plus the SSH handshake
	// of each hop for a zero Config.HandshakeTimeout.
	DefaultHandshakeTimeout = 15 * time.Second
	// MaxHandshakeTimeout is the largest HandshakeTimeout Validate accepts.
	MaxHandshakeTimeout = 10 * time.Minute
)

// Config describes one SSH tunnel: the SSH server (reached directly or
// through jump hosts) that forwards connections to the database. Fields set
// here win over ~/.ssh/config; a zero field is taken from ~/.ssh/config when
// it has a value for the host, else from the documented default.
//
// A Config is a plain value: copy it freely. Secrets are never part of it.
// The bound API exchanges storage.SSHTunnelRecord (durations in whole
// seconds); in Config's own JSON, durations are nanoseconds.
type Config struct {
	// ID is the tunnel's identifier (a UUID for saved tunnels). It is the
	// key passed to Secrets; it may be empty for an unsaved tunnel.
	ID string `json:"id"`
	// Name is the display name.
	Name string `json:"name"`
	// Host is the SSH server's host name or address, or a Host alias of
	// ~/.ssh/config (whose HostName, Port, User, IdentityFile and ProxyJump
	// then apply where this Config leaves them zero).
	Host string `json:"host"`
	// Port is the SSH port, 1–65535; 0 means ~/.ssh/config's Port, else 22.
	Port int `json:"port"`
	// User is the SSH login; "" means ~/.ssh/config's User, else the local
	// user name.
	User string `json:"user"`
	// AuthMethod is AuthKey, AuthPassword or AuthAgent.
	AuthMethod AuthMethod `json:"authMethod"`
	// KeyPath is the private key file for AuthKey ("~/" is expanded); ""
	// means ~/.ssh/config's IdentityFile entries, else the default
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa that exist.
	KeyPath string `json:"keyPath,omitempty"`
	// KnownHostsPath is an extra known_hosts file consulted besides
	// ~/.ssh/known_hosts and Tusk's own file (Deps.TuskKnownHosts); "" for
	// none.
	KnownHostsPath string `json:"knownHostsPath,omitempty"`
	// JumpHost lists the jump hosts in the order they are crossed, as in
	// OpenSSH's ProxyJump: "[user@]host[:port]" or a ~/.ssh/config alias,
	// separated by commas. "" means ~/.ssh/config's ProxyJump for Host, if
	// any; "none" forces a direct connection.
	JumpHost string `json:"jumpHost,omitempty"`
	// KeepAliveInterval is the time between keepalive@openssh.com requests;
	// 0 means DefaultKeepAliveInterval, a negative value disables them.
	KeepAliveInterval time.Duration `json:"keepAliveInterval"`
	// KeepAliveMaxMissed is how many keepalives in a row may go unanswered
	// before the tunnel is declared dead; 0 means DefaultKeepAliveMaxMissed.
	// It is not stored (storage keeps the default).
	KeepAliveMaxMissed int `json:"keepAliveMaxMissed,omitempty"`
	// HandshakeTimeout bounds the TCP connect and the SSH handshake of each
	// hop; 0 means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration `json:"handshakeTimeout"`
}

// FromRecord converts a stored tunnel to a Config.
func FromRecord(r storage.SSHTunnelRecord) Config {
	return Config{
		ID:                r.ID,
		Name:              r.Name,
		Host:              r.Host,
		Port:              r.Port,
		User:              r.Username,
		AuthMethod:        AuthMethod(r.AuthMethod),
		KeyPath:           r.KeyPath,
		KnownHostsPath:    r.KnownHostsPath,
		JumpHost:          r.JumpHost,
		KeepAliveInterval: time.Duration(r.KeepAliveSeconds) * time.Second,
		HandshakeTimeout:  time.Duration(r.HandshakeTimeoutSeconds) * time.Second,
	}
}

// Record converts c to the stored form. Durations are rounded up to whole
// seconds; a negative KeepAliveInterval (disabled) and KeepAliveMaxMissed
// are not stored and come back as the defaults. The store requires a Port
// (1–65535) and, for AuthKey, a KeyPath, which a Config may leave to
// ~/.ssh/config.
func (c Config) Record() storage.SSHTunnelRecord {
	return storage.SSHTunnelRecord{
		ID:                      c.ID,
		Name:                    c.Name,
		Host:                    c.Host,
		Port:                    c.Port,
		Username:                c.User,
		AuthMethod:              string(c.AuthMethod),
		KeyPath:                 c.KeyPath,
		KnownHostsPath:          c.KnownHostsPath,
		JumpHost:                c.JumpHost,
		KeepAliveSeconds:        seconds(c.KeepAliveInterval),
		HandshakeTimeoutSeconds: seconds(c.HandshakeTimeout),
	}
}

// seconds rounds d up to whole seconds; negative durations give 0.
func seconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// Validate checks c without touching the network and returns every problem
// at once as an apperr Validation error whose Fields name the JSON fields
// (host, port, user, authMethod, keyPath, knownHostsPath, jumpHost,
// keepAliveInterval, keepAliveMaxMissed, handshakeTimeout). It checks that
// the key and known_hosts files exist when given ("~/" is expanded with the
// process's home directory). It returns nil for a valid Config.
func (c Config) Validate() error {
	var fields []apperr.FieldError
	add := func(field, format string, args ...any) {
		fields = append(fields, apperr.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	home, _ := os.UserHomeDir()

	host := strings.TrimSpace(c.Host)
	switch {
	case host == "":
		add("host", "a host is required")
	case strings.ContainsAny(host, " \t\r\n,@"):
		add("host", "the host %q must not contain spaces, commas or @ (put the user in the user field)", host)
	}
	if c.Port < 0 || c.Port > 65535 {
		add("port", "the port must be between 1 and 65535, not %d", c.Port)
	}
	if strings.ContainsAny(c.User, " \t\r\n:") {
		add("user", "the user name %q must not contain spaces or colons", c.User)
	}
	switch c.AuthMethod {
	case AuthKey:
		if c.KeyPath != "" {
			checkFile(add, "keyPath", "private key", expandTilde(c.KeyPath, home))
		}
	case AuthPassword, AuthAgent:
	case "":
		add("authMethod", "choose an authentication method: key, password or agent")
	default:
		add("authMethod", "the authentication method must be key, password or agent, not %q", c.AuthMethod)
	}
	if c.KnownHostsPath != "" {
		checkFile(add, "knownHostsPath", "known_hosts", expandTilde(c.KnownHostsPath, home))
	}
	if _, err := parseJumpHosts(c.JumpHost); err != nil {
		add("jumpHost", "%v", err)
	}
	if c.KeepAliveMaxMissed < 0 {
		add("keepAliveMaxMissed", "the number of missed keepalives cannot be negative")
	}
	if c.HandshakeTimeout < 0 || c.HandshakeTimeout > MaxHandshakeTimeout {
		add("handshakeTimeout", "the handshake timeout must be between 0 (default) and %s", MaxHandshakeTimeout)
	}
	if len(fields) > 0 {
		return apperr.ValidationError(fields...)
	}
	return nil
}

// checkFile reports a missing, unreadable or non-regular file.
func checkFile(add func(field, format string, args ...any), field, what, path string) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		add(field, "the %s file %s does not exist", what, path)
	case err != nil:
		add(field, "the %s file %s cannot be read: %v", what, path, errors.Unwrap(err))
	case !st.Mode().IsRegular():
		add(field, "the %s file %s is not a regular file", what, path)
	}
}

// keepAlive returns the effective keepalive interval (0: disabled) and
// count.
func (c Config) keepAlive() (time.Duration, int) {
	interval, max := c.KeepAliveInterval, c.KeepAliveMaxMissed
	switch {
	case interval < 0:
		interval = 0
	case interval == 0:
		interval = DefaultKeepAliveInterval
	}
	if max <= 0 {
		max = DefaultKeepAliveMaxMissed
	}
	return interval, max
}

// handshakeTimeout returns the effective per-hop handshake timeout.
func (c Config) handshakeTimeout() time.Duration {
	if c.HandshakeTimeout <= 0 {
		return DefaultHandshakeTimeout
	}
	return c.HandshakeTimeout
}
