package apperr

import (
	"encoding/json"

	"github.com/tusk-app/tusk/backend/secret"
)

// ErrorInfo is the JSON shape of an error as the frontend receives it: every
// rejected promise from a bound method carries one (options.App.ErrorFormatter
// calls Info). All strings are redacted.
type ErrorInfo struct {
	Kind Kind `json:"kind"`
	// Reason says what happened to the connection for kind "connection"
	// (lost, terminated, shutdown, refused, unreachable, timeout).
	Reason  Reason `json:"reason,omitempty"`
	Title   string `json:"title"`
	Message string `json:"message"`
	Hint    string `json:"hint,omitempty"`
	Detail  string `json:"detail,omitempty"`
	// Code is the SQLSTATE for errors from PostgreSQL.
	Code string `json:"code,omitempty"`
	// Position is the 1-based character offset of the error in the statement,
	// 0 when unknown.
	Position int `json:"position,omitempty"`
	// Pg carries every field the server sent (where, schema, table, column,
	// constraint, …), nil for errors not from PostgreSQL.
	Pg *PgFields `json:"pg,omitempty"`
	// Fields lists rejected inputs of a Validation error.
	Fields []FieldError `json:"fields,omitempty"`
	// HostKey is set when an SSH host key needs the user's decision.
	HostKey *HostKeyInfo `json:"hostKey,omitempty"`
	// Job names the job whose outcome a Pending answer promises.
	Job string `json:"job,omitempty"`
}

// Info classifies err and returns what the UI shows. A nil error gives the
// zero ErrorInfo.
func Info(err error) ErrorInfo {
	if err == nil {
		return ErrorInfo{}
	}
	e := Classify(err)
	info := ErrorInfo{
		Kind:    e.Kind,
		Reason:  e.Reason,
		Title:   e.Kind.Title(),
		Message: secret.Redact(e.Message),
		Hint:    secret.Redact(e.Hint),
		Detail:  secret.Redact(e.Detail),
		Fields:  e.Fields,
		HostKey: e.HostKey,
		Job:     e.Job,
	}
	if e.Pg != nil {
		pg := *e.Pg
		pg.Message = secret.Redact(pg.Message)
		pg.Detail = secret.Redact(pg.Detail)
		pg.Hint = secret.Redact(pg.Hint)
		pg.Where = secret.Redact(pg.Where)
		pg.InternalQuery = secret.Redact(pg.InternalQuery)
		info.Pg = &pg
		info.Code = pg.Code
		info.Position = pg.Position
	}
	if info.Message == "" {
		info.Message = info.Title
	}
	return info
}

// Format is an options.App.ErrorFormatter: it turns any error returned by a
// bound method into the JSON text of its ErrorInfo.
//
// Why text and not the struct: Wails 2.16's runtime rejects the promise with
// new Error(message.error), which turns an object into "[object Object]". A
// JSON string survives as the Error's message, and the frontend's api layer
// parses it back (frontend/src/lib/api/errors.ts).
func Format(err error) any {
	b, mErr := json.Marshal(Info(err))
	if mErr != nil { // cannot happen: ErrorInfo holds only strings and ints
		return Info(err).Message
	}
	return string(b)
}
