package apperr

// Reason says what happened to a connection when an error of kind
// Connection ended or prevented it, so the UI can tell a session that was
// lost from a server that never answered, and offer the right action. It is
// "" for every other kind, and for connection errors with nothing more to
// say (a closed pool, bad settings).
type Reason string

// The reasons of a Connection error.
const (
	// ReasonLost: an open connection broke — the server process ended or
	// the network dropped the connection (EOF, reset, closed socket).
	ReasonLost Reason = "lost"
	// ReasonTerminated: the server ended the session on purpose — an
	// administrator (pg_terminate_backend, or a fast shutdown, which the
	// server reports the same way), a session or idle-in-transaction
	// timeout, or the database was dropped.
	ReasonTerminated Reason = "terminated"
	// ReasonShutdown: the server is shutting down, starting up or
	// restarting after a crash.
	ReasonShutdown Reason = "shutdown"
	// ReasonRefused: nothing listens at the address (the server is down).
	ReasonRefused Reason = "refused"
	// ReasonUnreachable: no route to the host, or its name does not resolve.
	ReasonUnreachable Reason = "unreachable"
	// ReasonTimeout: the server or the network stayed silent too long.
	ReasonTimeout Reason = "timeout"
)

// AllReasons lists every Reason for options.App.EnumBind.
var AllReasons = []Reason{ReasonLost, ReasonTerminated, ReasonShutdown, ReasonRefused, ReasonUnreachable, ReasonTimeout}

// ReasonEnum pairs a Reason with its TypeScript name for options.App.EnumBind.
type ReasonEnum struct {
	Value  Reason
	TSName string
}

// ReasonEnums returns the values for options.App.EnumBind.
func ReasonEnums() []ReasonEnum {
	names := map[Reason]string{
		ReasonLost: "Lost", ReasonTerminated: "Terminated", ReasonShutdown: "Shutdown",
		ReasonRefused: "Refused", ReasonUnreachable: "Unreachable", ReasonTimeout: "Timeout",
	}
	out := make([]ReasonEnum, 0, len(AllReasons))
	for _, r := range AllReasons {
		out = append(out, ReasonEnum{Value: r, TSName: names[r]})
	}
	return out
}

// ReasonOf returns the Reason of err after classification; "" when err is
// nil or says nothing about a connection.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	return Classify(err).Reason
}

// SessionGone reports whether err means that the server session a
// statement ran in no longer exists: the connection broke, or the server
// ended the session. What the session held (a transaction, temporary
// tables, settings) went with it.
func SessionGone(err error) bool {
	switch ReasonOf(err) {
	case ReasonLost, ReasonTerminated, ReasonShutdown:
		return true
	}
	return false
}

// ServerDown reports whether err means that the server cannot be reached
// at the moment (refused, unreachable, silent, shutting down) — the
// condition in which Tusk keeps trying to reconnect.
func ServerDown(err error) bool {
	switch ReasonOf(err) {
	case ReasonRefused, ReasonUnreachable, ReasonTimeout, ReasonShutdown, ReasonLost:
		return true
	}
	return false
}
