package apperr

import (
	"fmt"
	"strings"
)

// defaultHint is the hint a kind gets when nothing more specific applies. It
// is empty only for Cancelled: the user asked for it, there is nothing to do.
func defaultHint(kind Kind) string {
	switch kind {
	case Connection:
		return "Check the host, port and network, and that the server is running."
	case Authentication:
		return "Check the user name and the password or key."
	case SSL:
		return "Check the SSL mode and the certificate settings of the connection."
	case SSH:
		return "Check the SSH host, user, key and known_hosts entry of the connection."
	case Query:
		return "Correct the statement and run it again."
	case Storage:
		return "Check the free disk space and the permissions of Tusk's data directory."
	case Keyring:
		return "Make sure the system keychain is available and unlocked, then try again."
	case PoolTimeout:
		return "Wait for running queries to finish or cancel them, or allow more connections in the connection settings."
	case Pooler:
		return "A connection pooler sits between Tusk and the server; check its configuration or ask its administrator."
	case ReadOnly:
		return "Tusk runs nothing on a read-only connection that the server does not enforce as read-only; connect directly to the server, or clear the read-only option."
	case Cancelled:
		return ""
	case Validation:
		return "Correct the highlighted fields."
	case Pending:
		return "The work goes on; its outcome follows."
	default:
		return "This is a bug in Tusk. Try again; if it keeps happening, report it with the log file."
	}
}

// pgHint returns an actionable hint for a server error. The server's own HINT
// wins when it sent one.
func pgHint(f *PgFields, kind Kind) string {
	if f.Hint != "" {
		return f.Hint
	}
	if h := sqlstateHint(f); h != "" {
		return h
	}
	return defaultHint(kind)
}

// sqlstateHint returns the hint for a SQLSTATE, "" when there is none beyond
// the kind's default. See https://www.postgresql.org/docs/current/errcodes-appendix.html.
func sqlstateHint(f *PgFields) string {
	switch f.Code {
	case "28P01":
		return "Check the user name and password. The server does not say which one is wrong, or whether the user exists."
	case "28000":
		return "The server's pg_hba.conf does not allow this user, database, client address and SSL mode; ask the server's administrator to allow it."
	case "3D000":
		return "Check the database name, or create the database first (CREATE DATABASE)."
	case "53300":
		return "The server has no free connection slots (max_connections): close idle sessions or ask the administrator to raise the limit."
	case "57P01":
		return "An administrator ended this session (pg_terminate_backend), or the server is shutting down. Whatever the session held (an open transaction, temporary tables, SET values) is gone; the next statement runs on a new session."
	case "57P02":
		return "The server restarted after another server process crashed. Whatever the session held is gone; the next statement runs on a new session once the server is back."
	case "57P03":
		return "The server is starting up or shutting down; Tusk tries again by itself. Run the statement again in a moment."
	case "57P04":
		return "The database was dropped while this session used it; connect to another database."
	case "57P05":
		return "The server ended the session because it was idle longer than idle_session_timeout; the next statement runs on a new session."
	case "25P03":
		return "The server ended the session because a transaction stayed idle longer than idle_in_transaction_session_timeout; the transaction was rolled back. Raise that timeout in the connection options if you need longer pauses."
	case "57014":
		return "The statement was cancelled, on request or because it ran longer than statement_timeout; raise statement_timeout in the connection options if it needs more time."
	case "42601":
		if f.Position > 0 {
			return fmt.Sprintf("Check the SQL syntax near position %d (highlighted in the editor).", f.Position)
		}
		return "Check the SQL syntax."
	case "42P01":
		return "Check the table name and its schema (search_path). Names with capital letters must be double-quoted, e.g. \"MyTable\"."
	case "42703":
		return "Check the column name and the table or alias it belongs to. Names with capital letters must be double-quoted."
	case "42883":
		return "No function matches this name and these argument types: check the name and schema, and add explicit casts to the arguments if needed."
	case "42501":
		return "Your role lacks the privilege for this; ask the object's owner or an administrator to GRANT it."
	case "23505":
		return withConstraint("Another row already has this value", f) + "; use a different value or update the existing row."
	case "23503":
		return withConstraint("The referenced row does not exist, or other rows still reference this one", f) + "; insert the referenced row first or remove the references."
	case "23502":
		if f.Column != "" {
			return fmt.Sprintf("Column %q needs a value (NOT NULL).", f.Column)
		}
		return "A NOT NULL column needs a value."
	case "23514":
		return withConstraint("A value violates a check constraint", f) + "; use a value the constraint accepts."
	case "40001":
		return "Another transaction changed the same data at the same time (serialization failure); run the transaction again."
	case "40P01":
		return "Two transactions waited for each other (deadlock) and this one was aborted; run it again."
	case "25006":
		return "The session is read-only (the connection is marked read-only, or the transaction was started READ ONLY): writes are refused by the server."
	case "25001":
		return "This statement cannot run inside a transaction block: end the transaction first (COMMIT or ROLLBACK). On a read-only connection Tusk runs every statement in a read-only transaction, so statements that must run outside one (VACUUM, CREATE DATABASE, CREATE INDEX CONCURRENTLY …) are not possible there."
	case "42P05", "26000":
		return "Behind a connection pooler in transaction mode, prepared statements do not survive from one transaction to the next: PREPARE and EXECUTE inside one transaction (BEGIN … COMMIT), or connect to the server directly."
	case "25P02":
		return "An earlier statement of this transaction failed; run ROLLBACK to end the transaction, then try again."
	case "55P03":
		return "Another session holds a lock on this object; try again when it has finished."
	}
	if strings.HasPrefix(f.Code, "08") {
		return "The connection to the server failed or broke; check the network and connect again."
	}
	return ""
}

// withConstraint appends the DETAIL key and the constraint name to a sentence.
func withConstraint(s string, f *PgFields) string {
	if f.Detail != "" {
		s += " (" + strings.TrimSuffix(f.Detail, ".") + ")"
	}
	if f.Constraint != "" {
		s += fmt.Sprintf(" – constraint %q", f.Constraint)
		if f.Table != "" {
			s += fmt.Sprintf(" on table %q", f.Table)
		}
	}
	return s
}

// Hints for failures that do not come from the server.
const (
	hintRefused      = "Check that the server is running and listens on this host and port, and that no firewall blocks the connection."
	hintTimeout      = "The server did not answer in time: check the host and port, the network (VPN, firewall), or raise the connect timeout."
	hintDNS          = "Check the spelling of the host name and your network's DNS."
	hintUnreachable  = "No route to the host: check the network connection, VPN and the host address."
	hintReset        = "The connection broke: check the network. Tusk reconnects by itself; run the statement again."
	hintLost         = "The server process ended (the server was stopped, restarted or crashed) or the network dropped the connection. Tusk reconnects by itself; run the statement again."
	hintSilent       = "The server or the network stopped answering (a VPN or firewall may have dropped the connection). Tusk gave up waiting; it reconnects once the server answers again."
	hintUnknownCA    = "The server's certificate is not signed by a CA you trust: set the CA certificate (sslrootcert) in the connection's SSL settings, or use sslmode=require to encrypt without verifying the server."
	hintCertInvalid  = "The server's certificate is expired, not yet valid or unusable: ask the administrator to renew it, and check this computer's clock."
	hintNoServerTLS  = "The server does not accept SSL connections: enable ssl on the server, or choose sslmode=prefer or disable."
	hintNotTLS       = "The server did not answer with TLS: check the port and the SSL negotiation setting."
	hintBadSettings  = "Check the connection settings: host, port, SSL mode and the other parameters."
	hintCertFile     = "Check the path of the certificate and key files in the connection's SSL settings."
	hintPassphrase   = "Enter the passphrase of the SSH private key."
	hintBadPassword  = "The passphrase is wrong; enter it again."
	hintHostUnknown  = "The SSH host is not in known_hosts: compare its key fingerprint with the one the server's administrator gives you, then accept it."
	hintHostRevoked  = "The SSH host's key is marked as revoked in known_hosts; ask the server's administrator."
	hintSSHAuth      = "The SSH server rejected every authentication method: check the SSH user, key, passphrase or agent."
	hintSSHForward   = "The SSH server refused to forward the connection: check that it allows TCP forwarding and can reach the database host and port."
	hintStoreDamaged = "The local store is damaged: restore it from a backup, or move the file aside so Tusk creates a new one."
	hintStoreBusy    = "Another Tusk window or process is using the local store; close it and try again."
	hintDiskFull     = "The disk is full: free some space and try again."
	hintReadOnly     = "Tusk cannot write its data: check the permissions of its data directory and that the disk is not read-only."
	hintCantOpen     = "Check that Tusk's data directory exists and is writable."
	hintNotExist     = "Check that the file exists and the path is right."
	hintPermission   = "Check the permissions of the file and of its directories."
	hintBadJSON      = "A file Tusk wrote is damaged: restore it from a backup, or move it aside so Tusk creates a new one."
	hintKeyNotFound  = "No password is saved in the keychain for this entry; enter it again."
	hintKeyTooBig    = "The keychain refused a secret this large."
	hintNoKeyring    = "This system has no supported keychain; enter the password when connecting."
	hintConnClosed   = "The connection is closed; connect again."
	hintTLSAlert     = "The server rejected the TLS handshake: check the SSL settings and the client certificate, if any."
)

// hostnameHint explains a verify-full host name mismatch.
func hostnameHint(names []string) string {
	h := "With sslmode=verify-full the host name must match the server's certificate"
	if len(names) > 0 {
		h += " (" + strings.Join(names, ", ") + "); connect by one of these names"
	} else {
		h += "; connect by a name the certificate lists"
	}
	return h + ", or use sslmode=verify-ca."
}
