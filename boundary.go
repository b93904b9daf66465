package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/state"
)

// The edge of the bound API.
//
// Wails decodes each JSON argument of a call into the method's parameter
// type before the method runs; when that fails (a string where a number
// belongs, an object where a string does), Wails never calls the method,
// answers in a shape the dev-mode IPC drops (the promise never settles) and
// logs the whole message, arguments included. So every bound method takes
// either nothing or one request struct whose UnmarshalJSON never fails: it
// keeps the decoding problem (argErr), and the method's prologue (begin)
// returns it as a Validation error naming the field — never its value.

// argErr is embedded in every bound request struct: the problem found while
// decoding it, if any. It has no exported fields, so it is invisible in JSON
// and in the generated TypeScript.
type argErr struct{ bad *apperr.Error }

// argError returns the decoding problem of the request, nil when none.
func (a argErr) argError() *apperr.Error { return a.bad }

// request is what begin accepts: a bound request struct.
type request interface{ argError() *apperr.Error }

// begin is the prologue of every bound method that takes a request: it
// rejects a request that did not decode and returns the state.
func (a *App) begin(req request) (*state.State, error) {
	if bad := req.argError(); bad != nil {
		return nil, bad
	}
	return a.state()
}

// decodeArg decodes the JSON argument b into v (a pointer to the plain
// twin of a request struct, without its UnmarshalJSON) and reports a
// problem as a Validation error that names the offending field and the
// expected type, never the value. JSON null decodes as the zero request.
func decodeArg(b []byte, v any) *apperr.Error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil
	}
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := jsonPath(typeErr.Field)
		if field == "" {
			field = "request"
			return argProblem(field, fmt.Sprintf("the request must be %s, not %s", jsType(typeErr.Type), article(typeErr.Value)))
		}
		return argProblem(field, fmt.Sprintf("%s must be %s, not %s", field, jsType(typeErr.Type), article(typeErr.Value)))
	case errors.As(err, &syntaxErr):
		return argProblem("request", "the request is not valid JSON")
	default:
		// A field type's own UnmarshalJSON refused its value (its message
		// names the field; values are never quoted by Tusk's types).
		return argProblem("request", "the request is not valid: "+err.Error())
	}
}

// jsonPath is the JSON path of a field as encoding/json reports it, without
// the Go names of embedded structs ("Request.offset" → "offset"): JSON
// field names here are camelCase, Go type names capitalised.
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	for len(parts) > 1 && parts[0] != "" && parts[0][0] >= 'A' && parts[0][0] <= 'Z' {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

func argProblem(field, msg string) *apperr.Error {
	e := apperr.ValidationError(apperr.FieldError{Field: field, Message: msg})
	return e.WithHint("The app sent a malformed request: reload the window; if it happens again, report it with the log file.")
}

// jsType names a Go type the way the frontend sees it.
func jsType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsType(t.Elem()) + " or null"
	}
	return strings.ToLower(t.Kind().String())
}

// article puts "a"/"an" before a JSON value kind ("string", "object", …).
func article(kind string) string {
	switch {
	case kind == "":
		return "something else"
	case strings.HasPrefix(kind, "number "):
		return "a number that does not fit" // json says "number 1.5": never repeat the value
	case strings.ContainsRune("aeiou", rune(kind[0])):
		return "an " + kind
	}
	return "a " + kind
}

// ConnectionRef names a saved connection.
type ConnectionRef struct {
	ConnectionID string `json:"connectionId"`
	argErr
}

// QueryRef names a query (Execute's QueryID).
type QueryRef struct {
	QueryID string `json:"queryId"`
	argErr
}

// SessionRef names an editor tab's session.
type SessionRef struct {
	SessionID string `json:"sessionId"`
	argErr
}

// ExportRef names a running export.
type ExportRef struct {
	ExportID string `json:"exportId"`
	argErr
}

// IDRequest names a saved item (a tunnel, a folder, a saved query) by ID.
type IDRequest struct {
	ID string `json:"id"`
	argErr
}

func (r *ConnectionRef) UnmarshalJSON(b []byte) error {
	type plain ConnectionRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *QueryRef) UnmarshalJSON(b []byte) error {
	type plain QueryRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *SessionRef) UnmarshalJSON(b []byte) error {
	type plain SessionRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *ExportRef) UnmarshalJSON(b []byte) error {
	type plain ExportRef
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

func (r *IDRequest) UnmarshalJSON(b []byte) error {
	type plain IDRequest
	r.bad = decodeArg(b, (*plain)(r))
	return nil
}

// CallBound is the longest a bound call that talks to a server waits for
// it before answering (Connect and TestConnection excepted: they are bound
// by the connection's connect timeout).
const CallBound = 2 * time.Second

// answerWithin is how long a bound call waits for its work before it
// answers without it: CallBound less room for the answer's way back to the
// webview, so that the answer arrives within CallBound.
const answerWithin = CallBound - 100*time.Millisecond

// serverLate is the error of a bound call whose server did not answer
// within CallBound; the work it started is abandoned.
func serverLate() error {
	e := apperr.New(apperr.Connection, fmt.Sprintf("the server did not answer within %s", CallBound))
	e.Reason = apperr.ReasonTimeout
	return e.WithHint("The server or the network is slow or silent; try again in a moment.")
}

// within runs fn on the state's background work and waits at most
// answerWithin for it. When fn is not done by then, onLate's error is
// returned (nil: the work goes on and reports by event) and fn finishes in
// the background, its result dropped.
func within[T any](st *state.State, fn func(ctx context.Context) (T, error), onLate func() error) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	var zero T
	if !st.Go(func(ctx context.Context) {
		v, err := fn(ctx)
		done <- result{v, err}
	}) {
		return zero, apperr.New(apperr.Cancelled, "the application is shutting down")
	}
	t := time.NewTimer(answerWithin)
	defer t.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-t.C:
		return zero, onLate()
	}
}
