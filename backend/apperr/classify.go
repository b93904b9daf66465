package apperr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/zalando/go-keyring"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tusk-app/tusk/backend/secret"
)

// Classify maps any error to an *Error. It returns nil for nil.
//
// An error that is or wraps an *Error is returned as that *Error, so
// classifying twice, or classifying a wrapped classified error, keeps its
// kind. Otherwise the chain is inspected with errors.As and errors.Is only;
// the first match in this order wins:
//
//   - *pgconn.PgError (also inside *pgconn.ConnectError): PgBouncer's own
//     errors (SQLSTATE 08P01 with one of its fixed messages, see
//     PgBouncerProtocolCode) → Pooler, PoolTimeout (query_wait_timeout),
//     Authentication (its login refusals) or Connection (no such
//     database); otherwise by SQLSTATE class —
//     28 → Authentication; 08, 3D000, 53300, 57P01–57P05, 25P03 →
//     Connection (with a Reason: terminated, shutdown or lost);
//     everything else (including 57014) → Query. Every field is copied into
//     Pg, and the server's HINT is preferred to ours.
//   - context.Canceled → Cancelled.
//   - SSH: *ssh.PassphraseMissingError and x509.IncorrectPasswordError →
//     Authentication (the user must supply the passphrase); *knownhosts.KeyError,
//     *knownhosts.RevokedError, *ssh.OpenChannelError, *ssh.ExitError → SSH.
//     SSH authentication failure has no type: it is the one error recognised
//     by its text ("ssh: unable to authenticate") → Authentication.
//   - TLS: x509.UnknownAuthorityError, x509.HostnameError,
//     x509.CertificateInvalidError, *tls.CertificateVerificationError,
//     tls.RecordHeaderError, tls.AlertError → SSL. pgx reports "sslmode=require
//     against a server with ssl=off" with an untyped errors.New("server
//     refused TLS connection"); it is matched by that exact leaf text inside a
//     *pgconn.ConnectError (the second and last text match).
//   - *pgconn.ParseConfigError → SSL when it wraps a file error (an
//     unreadable sslrootcert, sslcert or sslkey), else Validation.
//   - sqlite3.Error → Storage.
//   - keyring.ErrNotFound, ErrSetDataTooBig, ErrUnsupportedPlatform → Keyring.
//   - *fs.PathError → Storage, Detail is the path.
//   - network: *net.DNSError, timeouts (net.Error.Timeout,
//     context.DeadlineExceeded), ECONNREFUSED, ECONNRESET, EHOSTUNREACH,
//     ENETUNREACH, ETIMEDOUT, EPIPE, io.EOF and io.ErrUnexpectedEOF (the
//     server went away mid-conversation), pgconn.ErrConnClosed,
//     net.ErrClosed, any other *net.OpError or *pgconn.ConnectError →
//     Connection, with a Reason saying what happened to the connection.
//   - fs.ErrNotExist, fs.ErrPermission → Storage.
//   - *json.SyntaxError, *json.UnmarshalTypeError → Storage: the backend
//     decodes JSON only from files it wrote itself, so bad JSON means a
//     damaged file. Code that decodes user-supplied JSON (an import) checks
//     it and returns a Validation error itself.
//   - anything else → Internal, message "an unexpected error occurred"; the
//     cause stays in Err for the log only.
//
// Classify is safe for concurrent use and takes microseconds.
func Classify(err error) *Error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	for _, c := range classifiers {
		if e := c(err); e != nil {
			e.Err = err
			if e.Hint == "" && e.Kind != Cancelled {
				e.Hint = defaultHint(e.Kind)
			}
			return e
		}
	}
	return &Error{Kind: Internal, Message: "an unexpected error occurred", Hint: defaultHint(Internal), Err: err}
}

// ClassifyContext is Classify for an error returned by an operation bound to
// ctx. A server-side cancel (SQLSTATE 57014) is reported as Cancelled instead
// of Query when ctx was cancelled, because then the user asked for it rather
// than statement_timeout.
func ClassifyContext(ctx context.Context, err error) *Error {
	e := Classify(err)
	if e == nil || !errors.Is(ctx.Err(), context.Canceled) {
		return e
	}
	if e.Kind == Query && e.Pg != nil && e.Pg.Code == "57014" {
		return &Error{Kind: Cancelled, Message: "the statement was cancelled", Pg: e.Pg, Err: e.Err}
	}
	return e
}

// classifiers run in order; each returns nil when err is not its concern.
var classifiers = []func(error) *Error{
	classifyPg,
	classifyStore,
	classifyCancel,
	classifySSH,
	classifyTLS,
	classifyParseConfig,
	classifySQLite,
	classifyKeyring,
	classifyPath,
	classifyNet,
	classifyFS,
	classifyJSON,
}

// PgFieldsOf copies every field of a server error.
func PgFieldsOf(pe *pgconn.PgError) *PgFields {
	return &PgFields{
		Code:             pe.Code,
		Severity:         pe.Severity,
		Message:          pe.Message,
		Detail:           pe.Detail,
		Hint:             pe.Hint,
		Position:         int(pe.Position),
		InternalPosition: int(pe.InternalPosition),
		InternalQuery:    pe.InternalQuery,
		Where:            pe.Where,
		Schema:           pe.SchemaName,
		Table:            pe.TableName,
		Column:           pe.ColumnName,
		DataType:         pe.DataTypeName,
		Constraint:       pe.ConstraintName,
	}
}

// pgKind maps a SQLSTATE to a Kind.
func pgKind(code string) Kind {
	switch {
	case strings.HasPrefix(code, "28"):
		return Authentication
	case strings.HasPrefix(code, "08"):
		return Connection
	}
	switch code {
	case "3D000", // invalid_catalog_name: the database does not exist
		"53300",                                     // too_many_connections
		"57P01", "57P02", "57P03", "57P04", "57P05", // admin/crash shutdown, cannot connect now, database dropped, idle session timeout
		"25P03": // idle_in_transaction_session_timeout: the server ended the session
		return Connection
	}
	return Query
}

// pgReason says what a server error means for the connection.
func pgReason(code string) Reason {
	switch {
	case code == "57P01", code == "57P04", code == "57P05", code == "25P03":
		return ReasonTerminated
	case code == "57P02", code == "57P03":
		return ReasonShutdown
	case code == "08006", code == "08003", code == "08007":
		return ReasonLost // connection failure, connection does not exist, transaction resolution unknown
	}
	return ""
}

func classifyPg(err error) *Error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return nil
	}
	f := PgFieldsOf(pe)
	if e := classifyPooler(f); e != nil {
		return e
	}
	kind := pgKind(f.Code)
	if f.Code == "57014" && errors.Is(err, context.Canceled) {
		return &Error{Kind: Cancelled, Message: "the statement was cancelled", Pg: f}
	}
	return &Error{Kind: kind, Reason: pgReason(f.Code), Message: f.Message, Hint: pgHint(f, kind), Detail: f.Detail, Pg: f}
}

func classifyCancel(err error) *Error {
	if errors.Is(err, context.Canceled) {
		return &Error{Kind: Cancelled, Message: "the operation was cancelled"}
	}
	return nil
}

// tunnelHop is implemented by the SSH tunnel's errors: the hop (SSH server)
// that failed, so messages can say which one.
type tunnelHop interface{ SSHHop() string }

// proxyCommandFailer is implemented by the SSH tunnel's error for a
// ProxyCommand (from ~/.ssh/config) that failed or exited.
type proxyCommandFailer interface{ ProxyCommandFailed() string }

// credentialNeeder is implemented by the SSH tunnel's "secret needed" error.
type credentialNeeder interface{ NeededCredential() string }

// hostKeyer is implemented by the SSH tunnel's host-key error.
type hostKeyer interface{ HostKeyInfo() HostKeyInfo }

// classifySSH maps SSH failures and names the hop when the error came from
// a tunnel; inside a tunnel, network failures are SSH failures too.
func classifySSH(err error) *Error {
	var hop tunnelHop
	inTunnel := errors.As(err, &hop)
	e := classifySSHCause(err)
	if e == nil && inTunnel {
		if errors.Is(err, context.Canceled) {
			return nil // a cancel stays Cancelled
		}
		// A network failure on the way to an SSH server: keep the network
		// message and hint, but report it as the SSH step's failure.
		if e = classifyNet(err); e == nil {
			e = &Error{Message: "the SSH connection failed", Hint: defaultHint(SSH), Detail: err.Error()}
		}
		e.Kind = SSH
	}
	if e != nil && inTunnel && hop.SSHHop() != "" {
		e.Message += " (" + hop.SSHHop() + ")"
	}
	var hk hostKeyer
	if e != nil && errors.As(err, &hk) {
		info := hk.HostKeyInfo()
		e.HostKey = &info
	}
	return e
}

func classifySSHCause(err error) *Error {
	var proxy proxyCommandFailer
	if errors.As(err, &proxy) {
		return &Error{Kind: SSH, Message: proxy.ProxyCommandFailed(),
			Hint: "Tusk runs the ProxyCommand of ~/.ssh/config for this host, as ssh does: check that the command works in a terminal (ssh -v <host>), and what it printed."}
	}
	var need credentialNeeder
	if errors.As(err, &need) && need.NeededCredential() == "password" {
		return &Error{Kind: Authentication, Message: "an SSH password is needed", Hint: "Enter the SSH password (and choose whether the keychain should remember it)."}
	}
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		msg := "the SSH private key is protected by a passphrase"
		if missing.PublicKey != nil {
			msg += " (" + ssh.FingerprintSHA256(missing.PublicKey) + ")"
		}
		return &Error{Kind: Authentication, Message: msg, Hint: hintPassphrase}
	}
	if errors.Is(err, x509.IncorrectPasswordError) {
		return &Error{Kind: Authentication, Message: "wrong passphrase for the private key", Hint: hintBadPassword}
	}
	var keyErr *knownhosts.KeyError
	if errors.As(err, &keyErr) {
		if len(keyErr.Want) == 0 {
			return &Error{Kind: SSH, Message: "the SSH host is unknown", Hint: hintHostUnknown}
		}
		var known []string
		for _, k := range keyErr.Want {
			known = append(known, fmt.Sprintf("%s %s (%s line %d)", k.Key.Type(), ssh.FingerprintSHA256(k.Key), k.Filename, k.Line))
		}
		return &Error{
			Kind:    SSH,
			Message: "the SSH host key does not match known_hosts",
			Hint: "The host's key differs from the one recorded in known_hosts (" + strings.Join(known, "; ") +
				"): the server was reinstalled, or someone intercepts the connection. Confirm the new key with the server's administrator before replacing the entry.",
		}
	}
	var revoked *knownhosts.RevokedError
	if errors.As(err, &revoked) {
		return &Error{Kind: SSH, Message: "the SSH host key is revoked", Hint: hintHostRevoked}
	}
	var openErr *ssh.OpenChannelError
	if errors.As(err, &openErr) {
		return &Error{Kind: SSH, Message: "the SSH server refused the tunnel: " + openErr.Reason.String(), Detail: openErr.Message, Hint: hintSSHForward}
	}
	var exitErr *ssh.ExitError
	if errors.As(err, &exitErr) {
		return &Error{Kind: SSH, Message: fmt.Sprintf("the remote command failed with exit status %d", exitErr.ExitStatus()), Detail: exitErr.Msg()}
	}
	// x/crypto/ssh has no type for an authentication failure: the one
	// place where the message text is matched.
	if strings.Contains(err.Error(), "ssh: unable to authenticate") {
		return &Error{Kind: Authentication, Message: "the SSH server rejected the credentials", Hint: hintSSHAuth, Detail: err.Error()}
	}
	return nil
}

func classifyTLS(err error) *Error {
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return &Error{Kind: SSL, Message: "the server's certificate is not signed by a trusted certificate authority", Hint: hintUnknownCA, Detail: certSubject(unknownCA.Cert)}
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		var names []string
		if hostErr.Certificate != nil {
			names = append(names, hostErr.Certificate.DNSNames...)
			for _, ip := range hostErr.Certificate.IPAddresses {
				names = append(names, ip.String())
			}
		}
		return &Error{Kind: SSL, Message: fmt.Sprintf("the server's certificate is not valid for %q", hostErr.Host), Hint: hostnameHint(names)}
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		msg := "the server's certificate is not valid"
		if invalid.Reason == x509.Expired {
			msg = "the server's certificate has expired or is not yet valid"
		}
		return &Error{Kind: SSL, Message: msg, Hint: hintCertInvalid, Detail: invalid.Error()}
	}
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &verifyErr) {
		return &Error{Kind: SSL, Message: "the server's certificate could not be verified", Detail: verifyErr.Error()}
	}
	var recordErr tls.RecordHeaderError
	if errors.As(err, &recordErr) {
		return &Error{Kind: SSL, Message: "the server did not answer with TLS", Hint: hintNotTLS}
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		return &Error{Kind: SSL, Message: "the TLS handshake failed: " + alert.Error(), Hint: hintTLSAlert}
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) && hasLeaf(connectErr, "server refused TLS connection") {
		return &Error{Kind: SSL, Message: "the server" + target(err) + " does not support SSL", Hint: hintNoServerTLS, Detail: err.Error()}
	}
	return nil
}

func certSubject(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	return "certificate: " + c.Subject.String() + ", issued by " + c.Issuer.String()
}

// hasLeaf reports whether a leaf of err's chain (an error that wraps nothing)
// has exactly the text msg. It serves an untyped pgx error only.
func hasLeaf(err error, msg string) bool {
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil {
			return hasLeaf(inner, msg)
		}
	case interface{ Unwrap() []error }:
		for _, inner := range u.Unwrap() {
			if hasLeaf(inner, msg) {
				return true
			}
		}
		return false
	}
	return err.Error() == msg
}

func classifyParseConfig(err error) *Error {
	var pce *pgconn.ParseConfigError
	if !errors.As(err, &pce) {
		return nil
	}
	var pathErr *fs.PathError
	if errors.As(pce, &pathErr) {
		return &Error{Kind: SSL, Message: "a certificate or key file cannot be read: " + pathErr.Err.Error(), Hint: hintCertFile, Detail: pathErr.Path}
	}
	return &Error{Kind: Validation, Message: "the connection settings are not valid", Hint: hintBadSettings, Detail: pce.Error()}
}

func classifySQLite(err error) *Error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return sqliteError(se.Code, se.Error())
	}
	var no sqlite3.ErrNo
	if errors.As(err, &no) {
		return sqliteError(no, no.Error())
	}
	return nil
}

func sqliteError(code sqlite3.ErrNo, detail string) *Error {
	e := &Error{Kind: Storage, Detail: detail}
	switch code {
	case sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		e.Message, e.Hint = "the local store is damaged", hintStoreDamaged
	case sqlite3.ErrBusy, sqlite3.ErrLocked:
		e.Message, e.Hint = "the local store is in use by another process", hintStoreBusy
	case sqlite3.ErrFull:
		e.Message, e.Hint = "the disk is full", hintDiskFull
	case sqlite3.ErrReadonly, sqlite3.ErrPerm, sqlite3.ErrAuth:
		e.Message, e.Hint = "the local store cannot be written", hintReadOnly
	case sqlite3.ErrCantOpen:
		e.Message, e.Hint = "the local store cannot be opened", hintCantOpen
	case sqlite3.ErrIoErr:
		e.Message = "the local store could not be read or written"
	case sqlite3.ErrConstraint:
		e.Message = "the local store rejected the change (constraint violation)"
		e.Hint = "An entry with the same name or key may already exist."
	default:
		e.Message = "the local store failed"
	}
	return e
}

func classifyKeyring(err error) *Error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return &Error{Kind: Keyring, Message: "no secret is saved in the keychain for this entry", Hint: hintKeyNotFound}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return &Error{Kind: Keyring, Message: "the secret is too large for the keychain", Hint: hintKeyTooBig}
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return &Error{Kind: Keyring, Message: "no supported keychain is available", Hint: hintNoKeyring}
	}
	return nil
}

func classifyPath(err error) *Error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return nil
	}
	e := &Error{Kind: Storage, Detail: pe.Path}
	switch {
	case errors.Is(pe.Err, fs.ErrNotExist):
		e.Message, e.Hint = "the file or directory does not exist", hintNotExist
	case errors.Is(pe.Err, fs.ErrPermission):
		e.Message, e.Hint = "permission denied", hintPermission
	case errors.Is(pe.Err, syscall.ENOTDIR):
		e.Message, e.Hint = "a part of the path is not a directory", hintNotExist
	case errors.Is(pe.Err, syscall.EISDIR):
		e.Message, e.Hint = "the path is a directory, not a file", hintNotExist
	case errors.Is(pe.Err, syscall.ENOSPC):
		e.Message, e.Hint = "the disk is full", hintDiskFull
	case errors.Is(pe.Err, syscall.EROFS):
		e.Message, e.Hint = "the file system is read-only", hintReadOnly
	default:
		e.Message = fmt.Sprintf("cannot %s the file: %v", pe.Op, pe.Err)
	}
	return e
}

func classifyNet(err error) *Error {
	conn := func(reason Reason, msg, hint string) *Error {
		return &Error{Kind: Connection, Reason: reason, Message: msg, Hint: hint, Detail: err.Error()}
	}
	at := target(err)
	var connectErr *pgconn.ConnectError
	connecting := errors.As(err, &connectErr)
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsTimeout {
			return conn(ReasonUnreachable, fmt.Sprintf("looking up the host name %q timed out", dnsErr.Name), hintDNS)
		}
		return conn(ReasonUnreachable, fmt.Sprintf("the host name %q could not be resolved", dnsErr.Name), hintDNS)
	}
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return conn(ReasonRefused, "the server"+at+" refused the connection", hintRefused)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT),
		pgconn.Timeout(err), errors.As(err, &netErr) && netErr.Timeout():
		if connecting {
			return conn(ReasonTimeout, "the connection to the server"+at+" timed out", hintTimeout)
		}
		return conn(ReasonTimeout, "the operation timed out: the server"+at+" did not answer in time", hintSilent)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL),
		errors.Is(err, syscall.ENETDOWN), errors.Is(err, syscall.EHOSTDOWN):
		return conn(ReasonUnreachable, "the server"+at+" is unreachable", hintUnreachable)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE):
		return conn(ReasonLost, "the connection to the server"+at+" was reset", hintReset)
	case connecting && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return conn(ReasonLost, "the server"+at+" closed the connection during the handshake", "Check that the port belongs to a PostgreSQL server, and that the server is not shutting down.")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return conn(ReasonLost, "the server closed the connection unexpectedly", hintLost)
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, net.ErrClosed):
		return conn(ReasonLost, "the connection is closed", hintConnClosed)
	}
	if connecting {
		return conn("", "could not connect to the server"+at, "")
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return conn(ReasonLost, "a network error occurred"+at, hintReset)
	}
	return nil
}

// target returns " at host:port" for the first connection attempt or network
// address in err's chain, "" when there is none.
func target(err error) string {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) && connectErr.Config != nil {
		host := connectErr.Config.Host
		if strings.HasPrefix(host, "/") {
			return " at " + host
		}
		return " at " + net.JoinHostPort(host, strconv.Itoa(int(connectErr.Config.Port)))
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Addr != nil {
		return " at " + opErr.Addr.String()
	}
	return ""
}

func classifyFS(err error) *Error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Error{Kind: Storage, Message: "the file or directory does not exist", Hint: hintNotExist}
	case errors.Is(err, fs.ErrPermission):
		return &Error{Kind: Storage, Message: "permission denied", Hint: hintPermission}
	}
	return nil
}

func classifyJSON(err error) *Error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return &Error{Kind: Storage, Message: fmt.Sprintf("a data file is not valid JSON (at byte %d)", syntax.Offset), Hint: hintBadJSON, Detail: secret.Redact(err.Error())}
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "the document"
		}
		return &Error{Kind: Storage, Message: fmt.Sprintf("a data file holds a %s where %s expects %s", typeErr.Value, field, typeErr.Type), Hint: hintBadJSON}
	}
	return nil
}
