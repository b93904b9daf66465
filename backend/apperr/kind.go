package apperr

// Kind is the category of an error. The frontend branches on it (severity,
// icon, which action to offer), so the set is closed and exported to
// TypeScript through Wails' EnumBind (see AllKinds).
type Kind string

// The kinds of error Tusk reports.
const (
	// Connection: the server could not be reached or the connection broke.
	Connection Kind = "connection"
	// Authentication: the server or SSH host rejected the credentials.
	Authentication Kind = "authentication"
	// SSL: TLS negotiation or certificate verification failed.
	SSL Kind = "ssl"
	// SSH: the SSH tunnel could not be opened or died.
	SSH Kind = "ssh"
	// Query: the server rejected or aborted a statement.
	Query Kind = "query"
	// Storage: the local SQLite store or a local file failed.
	Storage Kind = "storage"
	// Keyring: the OS keychain failed or is unavailable.
	Keyring Kind = "keyring"
	// PoolTimeout: no pooled connection became free in time (in Tusk's own
	// pool, or in a connection pooler such as PgBouncer).
	PoolTimeout Kind = "pool_timeout"
	// Pooler: a connection pooler between Tusk and the server (PgBouncer or
	// similar) refused or ended the connection: a session setting it does
	// not accept, no more client connections, its own login to the server
	// failing, one of its timeouts.
	Pooler Kind = "pooler"
	// ReadOnly: the connection is marked read-only and Tusk could not make
	// the server enforce that, so it refused to run the statement.
	ReadOnly Kind = "read_only"
	// Cancelled: the user cancelled the operation.
	Cancelled Kind = "cancelled"
	// Validation: user input was rejected before anything ran.
	Validation Kind = "validation"
	// Internal: a bug or an unexpected condition.
	Internal Kind = "internal"
	// Pending is not a failure: the call's work outlasted the bound on a
	// call's answer and goes on as a job (Error.Job names it). The
	// frontend's api layer waits for the job's outcome with AwaitJob and
	// never shows this kind to the user.
	Pending Kind = "pending"
)

// AllKinds lists every Kind, in the order the UI documents them. Pass it to
// options.App.EnumBind as KindEnum values to export the set to TypeScript.
var AllKinds = []Kind{Connection, Authentication, SSL, SSH, Query, Storage, Keyring, PoolTimeout, Pooler, ReadOnly, Cancelled, Validation, Internal, Pending}

// Title is a short heading for the kind, suitable for a dialog or toast title.
func (k Kind) Title() string {
	switch k {
	case Connection:
		return "Connection failed"
	case Authentication:
		return "Authentication failed"
	case SSL:
		return "SSL/TLS error"
	case SSH:
		return "SSH tunnel error"
	case Query:
		return "Query error"
	case Storage:
		return "Local storage error"
	case Keyring:
		return "Keychain error"
	case PoolTimeout:
		return "Connection pool exhausted"
	case Pooler:
		return "Connection pooler error"
	case ReadOnly:
		return "Read-only not enforced"
	case Cancelled:
		return "Cancelled"
	case Validation:
		return "Invalid input"
	case Pending:
		return "Still working"
	default:
		return "Internal error"
	}
}

// KindEnum pairs a Kind with its TypeScript name for options.App.EnumBind.
type KindEnum struct {
	Value  Kind
	TSName string
}

// Enum returns the values for options.App.EnumBind.
func Enum() []KindEnum {
	names := map[Kind]string{
		Connection: "Connection", Authentication: "Authentication", SSL: "SSL", SSH: "SSH",
		Query: "Query", Storage: "Storage", Keyring: "Keyring", PoolTimeout: "PoolTimeout",
		Pooler: "Pooler", ReadOnly: "ReadOnly",
		Cancelled: "Cancelled", Validation: "Validation", Internal: "Internal", Pending: "Pending",
	}
	out := make([]KindEnum, 0, len(AllKinds))
	for _, k := range AllKinds {
		out = append(out, KindEnum{Value: k, TSName: names[k]})
	}
	return out
}
