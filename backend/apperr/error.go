package apperr

import (
	"fmt"
	"time"

	"github.com/tusk-app/tusk/backend/secret"
)

// PgFields are the fields a PostgreSQL server sends with an error
// (ErrorResponse). Empty strings and zero positions mean the server did not
// send the field.
type PgFields struct {
	Code     string `json:"code"`               // SQLSTATE, e.g. "42601"
	Severity string `json:"severity,omitempty"` // ERROR, FATAL, PANIC
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	Hint     string `json:"hint,omitempty"`
	// Position is the 1-based character (not byte) offset of the error in the
	// statement as sent, 0 when absent.
	Position int `json:"position,omitempty"`
	// InternalPosition and InternalQuery locate errors inside internally
	// generated statements (PL/pgSQL).
	InternalPosition int    `json:"internalPosition,omitempty"`
	InternalQuery    string `json:"internalQuery,omitempty"`
	Where            string `json:"where,omitempty"`
	Schema           string `json:"schema,omitempty"`
	Table            string `json:"table,omitempty"`
	Column           string `json:"column,omitempty"`
	DataType         string `json:"dataType,omitempty"`
	Constraint       string `json:"constraint,omitempty"`
}

// HostKeyInfo describes an SSH host key the user must decide about: an
// unknown host (show the fingerprint and offer to trust it) or a changed key
// (Changed: refuse, and warn).
type HostKeyInfo struct {
	Host        string `json:"host"`
	Port        int    `json:"port"`
	KeyType     string `json:"keyType"`
	Fingerprint string `json:"fingerprint"` // SHA256:…, as ssh-keygen -l shows it
	Changed     bool   `json:"changed"`
}

// FieldError is one rejected input field of a Validation error; Field is the
// JSON name of the field so the UI can show the message next to it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is Tusk's typed error. The zero value is not useful; build it with a
// constructor or Classify. An *Error is immutable once returned.
type Error struct {
	Kind Kind
	// Reason refines a Connection error (see Reason); "" otherwise.
	Reason Reason
	// Message is what the user reads: lowercase-free prose, no secrets.
	Message string
	// Hint tells the user what to do about it; empty when nothing applies.
	Hint string
	// Detail is optional supporting text (server DETAIL, the failing path, …).
	Detail string
	// Pg holds the server's error fields for errors that came from PostgreSQL.
	Pg *PgFields
	// Fields lists the rejected inputs of a Validation error.
	Fields []FieldError
	// HostKey is set for SSH host-key errors.
	HostKey *HostKeyInfo
	// Job names the job of a Pending answer.
	Job string
	// Err is the underlying cause, for the log; never shown as is.
	Err error
}

// Error implements error. The text is redacted.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.Title()
	}
	if e.Err != nil {
		return secret.Redact(fmt.Sprintf("%s: %s: %v", e.Kind, msg, e.Err))
	}
	return secret.Redact(fmt.Sprintf("%s: %s", e.Kind, msg))
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a message and the kind's
// default hint.
func New(kind Kind, message string) *Error {
	return &Error{Kind: kind, Message: message, Hint: defaultHint(kind)}
}

// Wrap returns an error of the given kind that wraps cause.
func Wrap(kind Kind, message string, cause error) *Error {
	return &Error{Kind: kind, Message: message, Hint: defaultHint(kind), Err: cause}
}

// WithHint returns a copy of e with the hint replaced.
func (e *Error) WithHint(hint string) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// WithDetail returns a copy of e with the detail replaced.
func (e *Error) WithDetail(detail string) *Error {
	c := *e
	c.Detail = detail
	return &c
}

// ValidationError returns a Validation error listing every rejected field.
func ValidationError(fields ...FieldError) *Error {
	msg := "the input is not valid"
	if len(fields) == 1 {
		msg = fields[0].Message
	} else if len(fields) > 1 {
		msg = fmt.Sprintf("%d fields are not valid", len(fields))
	}
	return &Error{Kind: Validation, Message: msg, Hint: defaultHint(Validation), Fields: fields}
}

// PoolTimeoutError reports that no pooled connection became free within wait
// while waiting callers (including this one) were queued.
func PoolTimeoutError(wait time.Duration, waiting int) *Error {
	return &Error{
		Kind:    PoolTimeout,
		Message: fmt.Sprintf("no connection became free within %s (%d waiting)", wait, waiting),
		Hint:    defaultHint(PoolTimeout),
	}
}

// KindOf returns the Kind of err after classification; nil has no kind ("").
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	return Classify(err).Kind
}

// IsKind reports whether err classifies as kind.
func IsKind(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }
