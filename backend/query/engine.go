package query

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/storage"
)

// Tunables of the engine.
const (
	// DefaultFirstPage is how many rows query:progress carries first.
	DefaultFirstPage = 200
	// ProgressInterval is the shortest time between two query:progress
	// events of one query.
	ProgressInterval = 250 * time.Millisecond
	// EscalateAfter is how long a cancelled query may keep running before
	// the engine calls pg_cancel_backend from another connection, and again
	// before it reports the query stuck (query:stuck).
	EscalateAfter = 2 * time.Second
	// MaxPageRows caps a page request.
	MaxPageRows = 10_000
	// AnnounceAfter is how long a statement of a script runs before a
	// query:progress names it (fast statements are not announced).
	AnnounceAfter = 100 * time.Millisecond
)

// Event names of the query engine (the catalogue is backend/event;
// mirrored in frontend/src/lib/api/events.ts).
const (
	EventProgress    = event.QueryProgress
	EventDone        = event.QueryDone
	EventError       = event.QueryError
	EventStuck       = event.QueryStuck
	EventSessionLost = event.SessionLost
)

// Request asks the engine to run SQL in a session (an editor tab).
type Request struct {
	// QueryID, when set, is the ID the query gets (a UUID the caller chose):
	// the UI names the query before it asks, so a query:* event that beats
	// Execute's answer still finds its tab. Empty: the engine picks one.
	QueryID string `json:"queryId"`
	// SessionID names the editor tab: its queries share one server session,
	// so transactions, SET and temporary tables carry over from one run to
	// the next.
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	// SQL is one statement or a script; scripts run statement by statement
	// and stop at the first error.
	SQL string `json:"sql"`
	// Offset is where SQL starts in the editor text, in UTF-16 code units,
	// so positions come back relative to the whole text.
	Offset int `json:"offset"`
	// Params are $1, $2, … as text (nil = NULL); a single statement only (T060).
	Params []*string `json:"params"`
	// FirstPage is how many rows the first query:progress carries; 0 means
	// DefaultFirstPage.
	FirstPage int `json:"firstPage"`
	// Cursor, when set, runs only the statement at this UTF-16 offset of SQL
	// (the one under the editor's cursor, or the nearest before it) instead
	// of the whole script.
	Cursor *int `json:"cursor"`
	// ConfirmDangerous says the user confirmed the statements safe mode
	// asks about (see Check); without it a connection in confirm mode
	// refuses them with a Validation error on FieldConfirmDangerous.
	ConfirmDangerous bool `json:"confirmDangerous"`

	rollback bool // run inside BEGIN … ROLLBACK (Explain of a data change)
}

// Deps are the engine's links to the rest of the app.
type Deps struct {
	// Pool returns the open pool of a connection.
	Pool func(connectionID string) (*connection.Pool, bool)
	// Register and Unregister track running queries (state.RegisterQuery).
	Register   func(h *Handle)
	Unregister func(id string)
	// Go runs background work owned by the app (state.Go).
	Go func(func(ctx context.Context)) bool
	// Emit sends events to the UI.
	Emit event.Emitter
	// History records every execution; nil records nothing.
	History func(ctx context.Context, e storage.HistoryEntry) error
	// Results tunes the result stores (memory budget, spill directory).
	Results resultset.Options
	// SchemaChanged is told when a query ran DDL (CREATE, ALTER, DROP …)
	// successfully, so the connection's schema cache can be refreshed; nil
	// ignores it.
	SchemaChanged func(connectionID string)
	// Trouble is told when a query failed because its session or its server
	// went away (apperr.SessionGone or apperr.ServerDown), so the state can
	// check whether the server is reachable and reconnect; nil ignores it.
	Trouble func(connectionID string, err error)
	Log     *logrus.Logger
}

// Engine executes queries (T059). Safe for concurrent use.
type Engine struct {
	deps  Deps
	types typeNames

	mu       sync.Mutex // guards the maps below
	sessions map[string]*session
	results  map[string]*results        // by query ID, until released
	running  map[*pgconn.PgConn]*runCtx // for notices
	// early holds the IDs cancelled before their Execute arrived (the UI
	// names a query before it calls Execute, and Esc can beat the call),
	// with when; Execute of such an ID ends at once as cancelled.
	early map[string]time.Time
	// onReleased is told how much memory freed results held (OnReleased).
	onReleased func(bytes int64)
}

// runCtx collects what arrives for the statement on the wire.
type runCtx struct {
	mu      sync.Mutex
	notices []Notice
}

// New returns an engine.
func New(deps Deps) *Engine {
	if deps.Log == nil {
		deps.Log = logrus.New()
	}
	if deps.Emit == nil {
		deps.Emit = event.EmitterFunc(func(string, any) {})
	}
	return &Engine{deps: deps, sessions: map[string]*session{}, results: map[string]*results{}, running: map[*pgconn.PgConn]*runCtx{},
		early: map[string]time.Time{}}
}

// Notice is the pools' OnNotice hook: it files a server notice under the
// statement running on that connection.
func (e *Engine) Notice(c *pgconn.PgConn, n *pgconn.Notice) {
	e.mu.Lock()
	rc := e.running[c]
	e.mu.Unlock()
	if rc == nil {
		return
	}
	rc.mu.Lock()
	rc.notices = append(rc.notices, Notice{Severity: n.Severity, Code: n.Code, Message: n.Message, Detail: n.Detail, Hint: n.Hint})
	rc.mu.Unlock()
}

// Execute starts req and returns its ID at once (FR-014); the statements run
// in a goroutine owned by the app, reporting through query:progress and
// query:done / query:error. A session runs one query at a time; it is free
// again before query:done or query:error is emitted.
//
// COPY … FROM STDIN is refused before anything runs: it would wait for data
// the editor cannot send.
func (e *Engine) Execute(req Request) (Started, error) {
	stmts := Split(req.SQL)
	if req.Cursor != nil {
		if st, ok := StatementAt(req.SQL, byteOffsetOfUTF16(req.SQL, *req.Cursor)); ok {
			stmts = []Statement{st}
		}
	}
	switch {
	case req.SessionID == "" || req.ConnectionID == "":
		return Started{}, apperr.ValidationError(apperr.FieldError{Field: "sessionId", Message: "a session and a connection are required"})
	case len(stmts) == 0:
		return Started{}, apperr.ValidationError(apperr.FieldError{Field: "sql", Message: "there is no statement to run"})
	case len(req.Params) > 0 && len(stmts) > 1:
		return Started{}, apperr.ValidationError(apperr.FieldError{Field: "params", Message: "parameters need a single statement"})
	}
	for _, st := range stmts {
		if CopyStreamOf(st.SQL) == CopyFromStdin {
			e := apperr.ValidationError(apperr.FieldError{Field: "sql",
				Message: "COPY … FROM STDIN waits for data the editor cannot send"})
			return Started{}, e.WithHint("Load the file with psql's \\copy, COPY … FROM a file on the server, or INSERT … VALUES. Nothing was run; the tab's session is unchanged.")
		}
	}
	id := req.QueryID
	if id == "" {
		id = uuid.NewString()
	} else if u, err := uuid.Parse(id); err != nil || u.String() != id {
		return Started{}, apperr.ValidationError(apperr.FieldError{Field: "queryId", Message: "the query ID must be a lowercase UUID"})
	}
	pool, ok := e.deps.Pool(req.ConnectionID)
	if !ok {
		return Started{}, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	if err := e.guard(pool, req, stmts); err != nil {
		return Started{}, err
	}
	sess := e.session(req.SessionID, req.ConnectionID)
	if !sess.busy.TryLock() {
		return Started{}, apperr.ValidationError(apperr.FieldError{Field: "sessionId", Message: "a query is already running in this tab; cancel it or wait"})
	}
	h := newHandle(id, req.ConnectionID, req.SessionID, req.SQL)
	h.statements = len(stmts)
	res := &results{sessionID: sess.id, sets: make([]*resultset.Set, len(stmts)), handle: h}
	// The tab may have been closed, or the connection dropped, between
	// finding the session and locking it: never pin a connection to a
	// session nobody will release.
	if err := e.adoptResults(sess, h.id, res); err != nil {
		sess.busy.Unlock()
		return Started{}, err
	}
	if p, ok := e.deps.Pool(req.ConnectionID); !ok || p != pool {
		h.cancelCtx()
		close(h.done)
		sess.busy.Unlock()
		return Started{}, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	if e.cancelledEarly(h.id) {
		h.cancel() // nothing is on the wire yet: the run ends before it starts
	}
	e.deps.Register(h)
	if !e.deps.Go(func(ctx context.Context) { e.run(ctx, pool, sess, h, req, stmts, res) }) {
		e.deps.Unregister(h.id)
		close(h.done)
		sess.busy.Unlock()
		return Started{}, apperr.New(apperr.Cancelled, "the application is shutting down")
	}
	return Started{QueryID: h.id, Statements: len(stmts)}, nil
}

// run executes the statements in order on the session's connection. It
// owns sess.busy until finish releases it.
func (e *Engine) run(ctx context.Context, pool *connection.Pool, sess *session, h *Handle, req Request, stmts []Statement, res *results) {
	sum := Summary{QueryID: h.id, SessionID: sess.id, ConnectionID: sess.connectionID, Status: StatusDone, Statements: []StatementResult{}}
	pol := policyOf(pool)
	sum.Pooled = pol.pooled
	if sess.lost != nil { // given up while the tab was idle: say so now
		sum.SessionLost, sess.lost = sess.lost, nil
	}
	pg, err := e.attach(pool, sess, h)
	if err != nil {
		if h.IsCancelled() && apperr.KindOf(err) != apperr.Connection {
			err = apperr.New(apperr.Cancelled, "the query was cancelled before it started")
		}
		if apperr.SessionGone(err) || apperr.ServerDown(err) {
			e.trouble(sess.connectionID, err)
		}
		e.finish(ctx, h, req, stmts, &sum, sess, apperr.Classify(err))
		return
	}
	undo, err := e.rollbackScope(ctx, pg, req)
	if err != nil {
		if pg.IsClosed() {
			e.dropSessionConn(sess)
		}
		e.finish(ctx, h, req, stmts, &sum, sess, apperr.Classify(err))
		return
	}
	held := sess.held // before the run, for "lost with the session"
	lastTx := pg.TxStatus()
	retried := false
	var failure error
	for i := 0; i < len(stmts); i++ {
		st := stmts[i]
		var announce *time.Timer
		if len(stmts) > 1 {
			announce = time.AfterFunc(AnnounceAfter, func() {
				e.deps.Emit.Emit(EventProgress, Progress{QueryID: h.id, SessionID: sess.id, Statement: i, Statements: len(stmts),
					Columns: []resultset.Column{}, ElapsedMs: ms(h.Elapsed())})
			})
		}
		h.stmt.Store(int32(i))
		e.autoBegin(ctx, pg, pool, st)
		r := e.step(ctx, pol, sess, pg, h, req, i, len(stmts), st, res)
		if announce != nil {
			announce.Stop()
		}
		e.keepPlan(&r, res)
		if r.Status == StatusError && !retried && i == 0 && r.Rows == 0 && held.Empty() && !req.rollback && !h.IsCancelled() && !h.ending.Load() && diedBeforeStatement(r) {
			// The connection was dead before the statement reached the
			// server: run it once more, on a fresh connection (never a
			// query the user cancelled or terminated).
			retried = true
			e.dropSessionConn(sess)
			e.clearSet(res, i)
			if pg, err = e.attach(pool, sess, h); err != nil {
				e.finish(ctx, h, req, stmts, &sum, sess, apperr.Classify(err))
				return
			}
			i--
			continue
		}
		if !pg.IsClosed() {
			lastTx = pg.TxStatus()
			if sess.tx.own { // Tusk's read-only transaction, not the user's
				lastTx = 'I'
			}
		}
		if r.Status == StatusDone {
			sess.held.noteEffect(st.SQL)
			held.noteEffect(st.SQL)
		}
		sum.Statements = append(sum.Statements, r)
		if r.Status == StatusError || r.Status == StatusCancelled {
			sum.Status = r.Status
			failure = r.err
			for j := i + 1; j < len(stmts); j++ {
				sum.Statements = append(sum.Statements, e.describe(req, j, stmts[j], StatusSkipped))
			}
			break
		}
	}
	undo()
	e.endRun(sess, h, pg)
	sum.BackendPID, sum.ServerVersion = lastServerPID(h), pg.ParameterStatus("server_version")
	if pg.IsClosed() { // broke, terminated or dropped: the session must start afresh
		if lastTx != 'I' {
			held.Transaction = "in transaction"
		}
		e.dropSessionConn(sess)
		if failure == nil {
			failure = pgconn.ErrConnClosed
		}
		lost := e.sessionLost(sess, held, failure, LostConnection)
		sum.SessionLost = lost
		if n := len(sum.Statements); n > 0 && sum.Statements[n-1].Error != nil && len(lost.Lost) > 0 {
			last := &sum.Statements[n-1]
			info := *last.Error
			info.Message += " — lost with the session: " + joinLost(lost.Lost)
			last.Error = &info
		}
		if apperr.SessionGone(failure) || apperr.ServerDown(failure) {
			e.trouble(sess.connectionID, failure)
		}
		sum.Transaction = "closed"
	} else {
		sum.Transaction = txState(pg) // before settle may give pg back to the pool
		e.settle(sess, pg)
	}
	sum.Holds = sess.held.Describe()
	e.finish(ctx, h, req, stmts, &sum, sess, nil)
}

// diedBeforeStatement reports whether a failed statement never ran: pgx
// failed before sending anything (pgconn.SafeToRetry), or the first thing
// the server answered was the FATAL it had sent when it ended the idle
// session (an administrator command or a shutdown: the backend was gone
// before the statement arrived, so nothing of it ran or committed). The
// FATAL of a session ended while the statement runs comes later than
// fatalWithin; such a statement is not run again.
func diedBeforeStatement(r StatementResult) bool {
	if pgconn.SafeToRetry(r.err) {
		return true
	}
	var pe *pgconn.PgError
	if !errors.As(r.err, &pe) || pe.Severity != "FATAL" || r.DurationMs > float64(fatalWithin.Milliseconds()) {
		return false
	}
	switch pe.Code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return false
}

// fatalWithin bounds how soon a FATAL must answer a statement for
// diedBeforeStatement to take it for one sent before the statement.
const fatalWithin = 100 * time.Millisecond

// trouble tells the state that a connection's session or server went away.
func (e *Engine) trouble(connectionID string, err error) {
	if e.deps.Trouble != nil {
		e.deps.Trouble(connectionID, err)
	}
}

// clearSet forgets the rows a statement stored before it is run again.
func (e *Engine) clearSet(res *results, i int) {
	e.mu.Lock()
	set := res.sets[i]
	res.sets[i] = nil
	e.mu.Unlock()
	if set != nil {
		set.Close()
	}
}

// step readies the session's transaction for a statement (readonly.go), runs
// it, and records what it left behind.
func (e *Engine) step(ctx context.Context, pol policy, sess *session, pg *pgconn.PgConn, h *Handle, req Request, i, total int, st Statement, res *results) StatementResult {
	if h.IsCancelled() {
		r := e.describe(req, i, st, StatusRunning)
		r.cancelledBefore()
		return r
	}
	inUserTx := pg.TxStatus() != 'I' && !sess.tx.own
	if failed := e.prepare(pol, sess, h, pg, st); failed != nil {
		r := e.describe(req, i, st, StatusError)
		if failed.Kind == apperr.Cancelled {
			r.Status = StatusCancelled
		}
		r.err = failed
		info := apperr.Info(failed)
		r.Error = &info
		return r
	}
	r, tag := e.statement(ctx, pg, h, req, i, total, st, res, e.targetOf(pol, sess, pg, st), pol.clientTimeout())
	if failed := e.settleTx(pol, sess, h, pg, st, tag); failed != nil && r.Status == StatusDone {
		r.Status = StatusError
		r.err = failed
		info := apperr.Info(failed)
		r.Error = &info
	}
	if r.Status == StatusDone && pol.mode == connection.TransactionPooling && !inUserTx && changesSessionState(st.SQL) {
		r.SessionStateLost = true
	}
	return r
}

// statement runs one statement and stores its rows. tg names the server
// process that runs it; timeout, when not 0, is the statement timeout the
// engine enforces itself.
func (e *Engine) statement(ctx context.Context, pg *pgconn.PgConn, h *Handle, req Request, i, total int, st Statement, res *results, tg target, timeout time.Duration) (StatementResult, pgconn.CommandTag) {
	r := e.describe(req, i, st, StatusRunning)
	start := time.Now()
	r.started = start
	if !h.begin(pg, tg) {
		r.cancelledBefore()
		return r, pgconn.CommandTag{}
	}
	if timeout > 0 {
		t := time.AfterFunc(timeout, h.interrupt)
		defer t.Stop()
	}
	rc := &runCtx{}
	e.mu.Lock()
	e.running[pg] = rc
	e.mu.Unlock()

	firstPage := req.FirstPage
	if firstPage <= 0 {
		firstPage = DefaultFirstPage
	}
	var set *resultset.Set
	sentFirst := false
	lastProgress := time.Now()
	newSet := func(cols []resultset.Column) {
		r.Columns = cols
		set = resultset.New(cols, e.deps.Results)
		e.mu.Lock()
		res.sets[i] = set
		e.mu.Unlock()
	}
	onRow := func() {
		n := set.Len()
		if !sentFirst && n >= int64(firstPage) {
			sentFirst = true
			e.progress(h, i, total, set, firstPage, true)
			lastProgress = time.Now()
		} else if sentFirst && n%1024 == 0 && time.Since(lastProgress) >= ProgressInterval {
			e.progress(h, i, total, set, 0, false)
			lastProgress = time.Now()
		}
	}

	var tag pgconn.CommandTag
	var err, appendErr error
	var cols []resultset.Column
	var unnamed []uint32 // type OIDs to look up once the connection is free
	if CopyStreamOf(st.SQL) == CopyToStdout && len(req.Params) == 0 {
		newSet([]resultset.Column{CopyOutputColumn})
		tag, err = copyTo(ctx, pg, st.SQL, set, onRow)
	} else {
		params := make([][]byte, len(req.Params))
		for k, p := range req.Params {
			if p != nil {
				params[k] = []byte(*p)
			}
		}
		rr := pg.ExecParams(ctx, st.SQL, params, nil, nil, nil) // text results: what psql shows
		if fds := rr.FieldDescriptions(); len(fds) > 0 {
			cols, unnamed = e.types.columns(req.ConnectionID, fds)
			newSet(cols)
			for rr.NextRow() {
				if appendErr = set.Append(rr.Values()); appendErr != nil {
					break
				}
				onRow()
			}
		}
		tag, err = rr.Close()
	}
	if set != nil && !sentFirst {
		e.progress(h, i, total, set, firstPage, true)
	}
	h.end()
	e.mu.Lock()
	delete(e.running, pg)
	e.mu.Unlock()
	rc.mu.Lock()
	r.Notices = rc.notices
	rc.mu.Unlock()
	if len(unnamed) > 0 && err == nil && appendErr == nil {
		if rerr := e.types.resolve(ctx, pg, req.ConnectionID, unnamed); rerr != nil {
			e.deps.Log.WithError(rerr).Warn("could not name the result's column types")
		}
		r.Columns = e.types.name(req.ConnectionID, cols)
	}
	switch {
	case err == nil && errors.Is(appendErr, resultset.ErrClosed):
		err = apperr.New(apperr.Cancelled, "the tab was closed while the rows arrived")
	case err == nil && appendErr != nil:
		err = fmt.Errorf("store the result: %w", appendErr)
	}

	r.DurationMs = ms(time.Since(start))
	r.CommandTag = tag.String()
	if set != nil {
		set.Done(err)
		r.Rows = set.Len()
	} else {
		r.Rows = tag.RowsAffected()
	}
	r.err = err
	switch {
	case err == nil:
		// Finished before the cancel reached the server: the results stand (T063).
		r.Status = StatusDone
	case h.timedOut.Load() && !h.IsCancelled() && isQueryCanceled(err):
		r.Status = StatusError
		info := apperr.Info(apperr.Wrap(apperr.Query,
			fmt.Sprintf("the statement ran longer than the connection's statement timeout (%s) and was cancelled", timeout-clientTimeoutGrace), err).
			WithHint("Raise the statement timeout in the connection options if it needs more time. (Tusk enforces it itself: the connection pooler does not pass it to the server.)"))
		r.Error = &info
	case h.IsCancelled() && (isQueryCanceled(err) || apperr.KindOf(err) == apperr.Cancelled):
		r.Status = StatusCancelled
		info := apperr.Info(apperr.New(apperr.Cancelled, "the statement was cancelled").
			WithHint(fmt.Sprintf("%d rows received before the cancel are kept.", r.Rows)))
		r.Error = &info
	default:
		r.Status = StatusError
		info := apperr.Info(err)
		if set != nil && r.Rows > 0 {
			info.Hint = fmt.Sprintf("%s The %d rows received before the failure are kept; the result is incomplete.", info.Hint, r.Rows)
		}
		r.Error = &info
		if info.Position > 0 {
			r.ErrorOffset = req.Offset + utf16Len(req.SQL[:st.Start]) + utf16Len(st.SQL[:ByteOffsetOfCharPosition(st.SQL, info.Position)])
		}
	}
	r.Partial = r.Status != StatusDone && set != nil && r.Rows > 0
	return r, tag
}

// cancelledBefore marks a statement the query was cancelled before (after
// the previous statement ended, or before the first began): it never ran,
// and the run ends here as cancelled, not as done.
func (r *StatementResult) cancelledBefore() {
	r.Status = StatusCancelled
	r.err = apperr.New(apperr.Cancelled, "the query was cancelled before this statement started")
	info := apperr.Info(r.err)
	r.Error = &info
}

// describe is a statement's result before it ran.
func (e *Engine) describe(req Request, i int, st Statement, status string) StatementResult {
	return StatementResult{
		Index: i, Kind: st.Kind, SQL: st.SQL, Status: status, ErrorOffset: -1, Notices: []Notice{}, Columns: []resultset.Column{},
		Start: req.Offset + utf16Len(req.SQL[:st.Start]),
		End:   req.Offset + utf16Len(req.SQL[:st.End]),
	}
}

func (e *Engine) progress(h *Handle, i, total int, set *resultset.Set, first int, withPage bool) {
	p := Progress{QueryID: h.id, SessionID: h.sessionID, Statement: i, Statements: total, Columns: set.Columns(), Rows: set.Len(), ElapsedMs: ms(h.Elapsed())}
	if withPage {
		if pg, err := set.Page(0, int64(first)); err == nil {
			p.FirstPage = &pg
		}
	}
	e.deps.Emit.Emit(EventProgress, p)
}

// finish completes a query: it stores the summary and the history, frees
// the session and only then announces the outcome, so the tab can run its
// next query the moment it hears of this one.
func (e *Engine) finish(ctx context.Context, h *Handle, req Request, stmts []Statement, sum *Summary, sess *session, failed *apperr.Error) {
	sum.DurationMs = ms(h.Elapsed())
	if failed != nil {
		info := apperr.Info(failed)
		sum.Status, sum.Error = StatusError, &info
		if failed.Kind == apperr.Cancelled {
			sum.Status = StatusCancelled
		}
	}
	if sum.Holds == nil {
		sum.Holds = sess.held.Describe()
	}
	for _, st := range sum.Statements {
		sum.Partial = sum.Partial || st.Partial
	}
	e.mu.Lock()
	if r := e.results[h.id]; r != nil {
		r.summary = *sum
	}
	e.mu.Unlock()
	changedSchema := false
	for _, st := range sum.Statements {
		changedSchema = changedSchema || (st.Status == StatusDone && st.Kind.ChangesSchema())
	}

	// The history is written before the outcome is announced, so a history
	// list refreshed on query:done shows the query.
	if e.deps.History != nil {
		for _, entry := range historyEntries(req, h, stmts, sum) {
			if err := e.deps.History(context.WithoutCancel(ctx), entry); err != nil {
				e.deps.Log.WithError(err).Warn("could not record the query in the history")
				break
			}
		}
	}

	sess.lastUsed = time.Now()
	e.deps.Unregister(h.id)
	h.cancelCtx() // release the handle's context (it only bounds Acquire)
	sess.busy.Unlock()
	close(h.done)

	name := EventDone
	if sum.Status == StatusError {
		name = EventError
	}
	e.deps.Emit.Emit(name, *sum)
	if changedSchema {
		e.types.forget(req.ConnectionID) // a type may have been renamed
	}
	if changedSchema && e.deps.SchemaChanged != nil {
		e.deps.SchemaChanged(req.ConnectionID)
	}
}

// joinLost joins Holdings.Describe phrases for a message.
func joinLost(lost []string) string {
	out := ""
	for i, l := range lost {
		if i > 0 {
			out += "; "
		}
		out += l
	}
	return out
}

// txState names the connection's transaction status for the status bar.
func txState(pg *pgconn.PgConn) string {
	switch {
	case pg.IsClosed():
		return "closed"
	case pg.TxStatus() == 'T':
		return "in transaction"
	case pg.TxStatus() == 'E':
		return "failed transaction"
	default:
		return "idle"
	}
}

func isQueryCanceled(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014"
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// byteOffsetOfUTF16 converts an offset in UTF-16 code units to a byte
// offset into s (clamped to its length).
func byteOffsetOfUTF16(s string, units int) int {
	n := 0
	for i, r := range s {
		if n >= units {
			return i
		}
		if l := utf16.RuneLen(r); l > 0 {
			n += l
		} else {
			n++
		}
	}
	return len(s)
}

// utf16Len is the length of s in UTF-16 code units (how the editor counts).
func utf16Len(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		n += utf16.RuneLen(r)
		if utf16.RuneLen(r) < 0 {
			n += 2 // invalid rune: counted as U+FFFD
		}
		s = s[size:]
	}
	return n
}
