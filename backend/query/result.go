package query

import (
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/resultset"
)

// Statuses of a statement and of a whole query.
const (
	StatusRunning   = "running"
	StatusDone      = "done"
	StatusError     = "error"
	StatusCancelled = "cancelled"
	// StatusSkipped: a script statement after an error or a cancel.
	StatusSkipped = "skipped"
)

// Notice is a message the server sent while a statement ran (RAISE NOTICE,
// warnings).
type Notice struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Detail   string `json:"detail,omitempty"`
	Hint     string `json:"hint,omitempty"`
}

// StatementResult is what one statement of a query did (T056).
type StatementResult struct {
	Index int `json:"index"`
	// Start and End locate the statement in the editor text, in UTF-16 code
	// units (what the editor counts), including Request.Offset.
	Start int    `json:"start"`
	End   int    `json:"end"`
	Kind  Kind   `json:"kind"`
	SQL   string `json:"sql"`
	// Columns is empty for statements that return no rows (T055).
	Columns []resultset.Column `json:"columns"`
	// Rows is the number of rows returned (statements with columns) or
	// affected (INSERT/UPDATE/DELETE/MERGE/COPY …, from the command tag).
	Rows       int64    `json:"rows"`
	CommandTag string   `json:"commandTag"`
	Notices    []Notice `json:"notices"`
	DurationMs float64  `json:"durationMs"`
	Status     string   `json:"status"`
	// Error is set for StatusError and StatusCancelled.
	Error *apperr.ErrorInfo `json:"error,omitempty"`
	// ErrorOffset is where the error points in the editor text (UTF-16 code
	// units), -1 when the server gave no position.
	ErrorOffset int `json:"errorOffset"`
	// Partial is set when rows arrived but the statement did not complete
	// (cancelled, or the connection broke): the rows are kept and the
	// result is incomplete.
	Partial bool `json:"partial"`
	// SessionStateLost is set for a statement that changed session state
	// (SET, RESET, PREPARE, CREATE TEMP …, DECLARE, LISTEN) outside a
	// transaction behind a pooler in transaction mode: it applied to a
	// server connection the pooler now lends to others, and the tab's next
	// run may not see it. The UI explains once (connection.Route.Notice).
	SessionStateLost bool `json:"sessionStateLost,omitempty"`

	started time.Time // when the statement was sent, for its history entry
	plan    string    // the EXPLAIN (FORMAT JSON) output, for its history entry
	err     error     // the failure, for the engine
}

// Summary is a whole query's outcome: the payload of query:done and
// query:error.
type Summary struct {
	QueryID      string            `json:"queryId"`
	SessionID    string            `json:"sessionId"`
	ConnectionID string            `json:"connectionId"`
	Status       string            `json:"status"`
	DurationMs   float64           `json:"durationMs"`
	Statements   []StatementResult `json:"statements"`
	// Error is set when the query could not run at all (no connection, the
	// session is busy) or failed.
	Error *apperr.ErrorInfo `json:"error,omitempty"`
	// Transaction is the session's state afterwards: "idle", "in
	// transaction" or "failed transaction" (the user must see an open one),
	// or "closed" when the session ended.
	Transaction string `json:"transaction"`
	// BackendPID is the server process that ran the query's last
	// statement; 0 when it is not known for certain — behind a connection
	// pooler outside a transaction — rather than the process ID the pooler
	// made up.
	BackendPID uint32 `json:"backendPid"`
	// Pooled is set when a connection pooler sits between Tusk and the
	// server (connection.Route has the details).
	Pooled bool `json:"pooled"`
	// ServerVersion is the server's version string.
	ServerVersion string `json:"serverVersion"`
	// Partial is set when a statement's rows are incomplete (see
	// StatementResult.Partial).
	Partial bool `json:"partial"`
	// Holds names what the tab's server session keeps after the query (an
	// open transaction, temporary tables, SET values, …); empty when it
	// holds nothing and its connection went back to the pool.
	Holds []string `json:"holds"`
	// SessionLost is set when the tab's server session ended before or
	// during the query, naming what went with it; the next run starts on a
	// fresh session.
	SessionLost *SessionLost `json:"sessionLost,omitempty"`
}

// Progress is the payload of query:progress: sent when a statement's first
// page exists, then at most every ProgressInterval while rows arrive; and
// for a statement of a script that runs longer than AnnounceAfter, once
// (without columns), so the UI can say which statement is running.
type Progress struct {
	QueryID   string `json:"queryId"`
	SessionID string `json:"sessionId"`
	// Statement is the index of the statement the event is about, of
	// Statements in the query.
	Statement  int                `json:"statement"`
	Statements int                `json:"statements"`
	Columns    []resultset.Column `json:"columns"`
	Rows       int64              `json:"rows"`
	ElapsedMs  float64            `json:"elapsedMs"`
	// FirstPage is the statement's first rows, sent once (in the first
	// progress event of a statement that returns rows).
	FirstPage *resultset.Page `json:"firstPage,omitempty"`
	// Waiting is set while the query waits before Statement reaches the
	// server, announced after connection.PoolerWaitNotice: WaitingPool
	// (all of the connection's own connections are busy) or WaitingPooler
	// (a connection pooler has no free server connection). A progress
	// event with Waiting empty follows when the wait ends. Cancel works
	// while waiting.
	Waiting WaitReason `json:"waiting,omitempty"`
}

// Started is what Execute returns at once.
type Started struct {
	QueryID string `json:"queryId"`
	// Statements is how many statements the script holds.
	Statements int `json:"statements"`
}

// Stuck is the payload of query:stuck: the server did not stop the query
// after a CancelRequest and pg_cancel_backend; the UI offers to terminate
// the backend (when Terminable) or drop the connection.
type Stuck struct {
	QueryID   string `json:"queryId"`
	SessionID string `json:"sessionId"`
	// PID is the server process running the statement, 0 when it is not
	// known (behind a pooler, when it could not be identified).
	PID uint32 `json:"pid"`
	// Terminable is set when Terminate can target that process; without
	// it the UI offers only Drop.
	Terminable bool    `json:"terminable"`
	ElapsedMs  float64 `json:"elapsedMs"`
}
