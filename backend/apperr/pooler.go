package apperr

import "strings"

// PgBouncerProtocolCode is the SQLSTATE PgBouncer sends with every error of
// its own (protocol_violation, severity FATAL, after which it closes the
// connection): a refused startup parameter, a full pool, a wait that timed
// out, a failed login to the server. PgBouncer has no other field that
// tells these apart — no detail, no hint, no code of its own — so its fixed
// English message (from PgBouncer's source, unchanged since 1.7) is the
// only distinction. classifyPooler matches those messages, and only for
// errors carrying this code, so a server's own 08P01 is never mistaken for
// one of them.
const PgBouncerProtocolCode = "08P01"

// poolerError describes one of PgBouncer's messages.
type poolerError struct {
	prefix  string // the message, or its fixed start
	kind    Kind
	message string
	hint    string
}

// poolerErrors are PgBouncer's client-facing errors (disconnect_client in
// its source) that a user can meet, most specific first.
var poolerErrors = []poolerError{
	{
		prefix:  "unsupported startup parameter",
		kind:    Pooler,
		message: "the connection pooler refused a session setting sent when connecting",
		hint:    "The pooler in front of the server (PgBouncer) does not accept this setting at login. Ask its administrator to add it to ignore_startup_parameters, or remove the option from the connection: Tusk then applies it inside each transaction itself.",
	},
	{
		prefix:  "no more connections allowed",
		kind:    Pooler,
		message: "the connection pooler accepts no more client connections (max_client_conn)",
		hint:    "Close other connections to this pooler (other Tusk windows or applications), lower this connection's pool size, or ask the pooler's administrator to raise max_client_conn.",
	},
	{
		prefix:  "server login has been failing",
		kind:    Pooler,
		message: "the connection pooler cannot log in to the database server at the moment (server_login_retry)",
		hint:    "The pooler's own login to the server failed (server down, full, or a wrong password in the pooler's configuration). Try again in a moment; if it persists, ask the pooler's administrator.",
	},
	{
		prefix:  "query_wait_timeout",
		kind:    PoolTimeout,
		message: "the connection pooler had no free server connection within its query_wait_timeout",
		hint:    "Every server connection of the pooler's pool is in use — in session mode each open Tusk connection (tab, schema browser) keeps one. Close idle tabs or other clients, lower this connection's pool size, or ask the pooler's administrator to raise default_pool_size.",
	},
	{
		prefix:  "query_timeout",
		kind:    Pooler,
		message: "the connection pooler ended the query because it ran longer than its query_timeout",
		hint:    "The pooler limits how long a query may run. Make the query faster, or run it over a direct connection to the server.",
	},
	{
		prefix:  "idle transaction timeout",
		kind:    Pooler,
		message: "the connection pooler ended a transaction left idle for too long (idle_transaction_timeout)",
		hint:    "The open transaction was rolled back. Commit or roll back transactions promptly; connect again to continue.",
	},
	{
		prefix:  "client_idle_timeout",
		kind:    Pooler,
		message: "the connection pooler closed a connection that was idle for too long (client_idle_timeout)",
		hint:    "Run the query again: Tusk opens a new connection.",
	},
	{
		prefix:  "client_login_timeout",
		kind:    Pooler,
		message: "the connection pooler could not reach the database server in time to log in",
		hint:    "The server behind the pooler is down or unreachable from it; try again later or ask the pooler's administrator.",
	},
	{
		prefix:  "no such database",
		kind:    Connection,
		message: "the connection pooler has no database of this name",
		hint:    "Check the database name: it must be one the pooler's configuration lists (its [databases] section).",
	},
	{
		prefix:  "pgbouncer cannot connect to server",
		kind:    Pooler,
		message: "the connection pooler cannot connect to the database server",
		hint:    "The server behind the pooler is down or refuses the pooler; try again later or ask the pooler's administrator.",
	},
	{
		prefix:  "database \"",
		kind:    Pooler,
		message: "the connection pooler has disabled or paused this database",
		hint:    "An administrator disabled the database in the pooler (DISABLE/PAUSE); try again later.",
	},
}

// poolerAuthMessages are PgBouncer's login refusals; they come with 08P01,
// not the server's 28xxx codes, yet mean the credentials were rejected.
var poolerAuthMessages = []string{
	"password authentication failed",
	"SASL authentication failed",
	"no such user",
	"login rejected",
	"\"trust\" authentication failed",
	"certificate authentication failed",
}

// classifyPooler maps PgBouncer's own errors; nil for anything else.
func classifyPooler(f *PgFields) *Error {
	if f.Code != PgBouncerProtocolCode {
		return nil
	}
	for _, m := range poolerAuthMessages {
		if f.Message == m {
			return &Error{Kind: Authentication, Message: "the connection pooler rejected the credentials",
				Hint: "Check the user name and password; the pooler (PgBouncer) checks them against its own configuration.", Detail: f.Message, Pg: f}
		}
	}
	for _, pe := range poolerErrors {
		if strings.HasPrefix(f.Message, pe.prefix) {
			return &Error{Kind: pe.kind, Message: pe.message, Hint: pe.hint, Detail: f.Message, Pg: f}
		}
	}
	return nil
}

// IsUnsupportedStartupParameter reports whether err is a pooler's refusal of
// a startup parameter (PgBouncer: 08P01 "unsupported startup parameter: x").
// The name of the refused parameter is returned too. PostgreSQL itself
// answers an unknown parameter with 42704, never with this.
func IsUnsupportedStartupParameter(err error) (string, bool) {
	e := Classify(err)
	if e == nil || e.Pg == nil || e.Pg.Code != PgBouncerProtocolCode {
		return "", false
	}
	rest, ok := strings.CutPrefix(e.Pg.Message, "unsupported startup parameter")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(strings.TrimPrefix(rest, ":")), true
}

// IsPoolerError reports whether err came from a connection pooler rather
// than from PostgreSQL (one of PgBouncer's own messages).
func IsPoolerError(err error) bool {
	e := Classify(err)
	return e != nil && e.Pg != nil && classifyPooler(e.Pg) != nil
}
