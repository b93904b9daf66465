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

// Event names of the query engine (mirrored in frontend/src/lib/api/events.ts).
const (
	EventProgress = "query:progress"
	EventDone     = "query:done"
	EventError    = "query:error"
	EventStuck    = "query:stuck"
)

// Request asks the engine to run SQL in a session (an editor tab).
type Request struct {
	// QueryID, when set, is the ID the query gets (a UUID the caller chose):
	// the UI names the query before it asks, so a query:* event that beats
	// Execute's answer still finds its tab. Empty: the engine picks one.
	QueryID string `json:"queryId"`
	// SessionID names the editor tab: its queries share one pinned
	// connection, so transactions, SET and temporary tables carry over
	// from one run to the next.
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
	Log           *logrus.Logger
}

// Engine executes queries (T059). Safe for concurrent use.
type Engine struct {
	deps Deps

	mu       sync.Mutex // guards the maps below
	sessions map[string]*session
	results  map[string]*results        // by query ID, until released
	running  map[*pgconn.PgConn]*runCtx // for notices
}

type session struct {
	id, connectionID string
	busy             sync.Mutex // held while a query runs in the session
	conn             *connection.Conn
	lastQuery        string  // ID of the query whose results the session shows
	tx               txCheck // what the engine set up in conn's open transaction (readonly.go)
}

type results struct {
	sessionID string
	sets      []*resultset.Set // per statement; nil for statements without rows; guarded by Engine.mu
	handle    *Handle
	summary   Summary // set when the query finished; guarded by Engine.mu
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
	return &Engine{deps: deps, sessions: map[string]*session{}, results: map[string]*results{}, running: map[*pgconn.PgConn]*runCtx{}}
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
// query:done / query:error. A session runs one query at a time.
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
	e.deps.Register(h)
	if !e.deps.Go(func(ctx context.Context) { e.run(ctx, pool, sess, h, req, stmts, res) }) {
		e.deps.Unregister(h.id)
		close(h.done)
		sess.busy.Unlock()
		return Started{}, apperr.New(apperr.Internal, "the application is shutting down")
	}
	return Started{QueryID: h.id, Statements: len(stmts)}, nil
}

func (e *Engine) session(id, connectionID string) *session {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sessions[id]
	if s == nil || s.connectionID != connectionID {
		if s != nil {
			old := s
			if !e.deps.Go(func(context.Context) { e.releaseSession(old) }) { // the tab switched connection
				go e.releaseSession(old)
			}
		}
		s = &session{id: id, connectionID: connectionID}
		e.sessions[id] = s
	}
	return s
}

// run executes the statements in order on the session's connection.
func (e *Engine) run(ctx context.Context, pool *connection.Pool, sess *session, h *Handle, req Request, stmts []Statement, res *results) {
	// On return: unregister, free the session, then announce done (so a
	// caller woken by Done can run the next query in the session at once).
	defer close(h.done)
	defer sess.busy.Unlock()
	defer e.deps.Unregister(h.id)
	defer h.cancelCtx() // release the handle's context (it only bounds Acquire)

	sum := Summary{QueryID: h.id, SessionID: sess.id, ConnectionID: sess.connectionID, Status: StatusDone}
	pol := policyOf(pool)
	sum.Pooled = pol.pooled

	if sess.conn == nil {
		w := e.waitNotice(h, acquireReason(pool))
		c, err := pool.Acquire(h.ctx) // Cancel stops the wait for a connection
		w.stop()
		if h.IsCancelled() && err != nil {
			err = apperr.New(apperr.Cancelled, "the query was cancelled before it started")
		}
		if err != nil {
			e.finish(ctx, h, req, stmts, &sum, apperr.Classify(err))
			return
		}
		sess.conn = c
	}
	pg := sess.conn.PgConn()
	undo, err := e.rollbackScope(ctx, pg, req)
	if err != nil {
		if pg.IsClosed() {
			e.dropSessionConn(sess)
		}
		e.finish(ctx, h, req, stmts, &sum, apperr.Classify(err))
		return
	}
	for i, st := range stmts {
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
		sum.Statements = append(sum.Statements, r)
		if r.Status == StatusError || r.Status == StatusCancelled {
			sum.Status = r.Status
			for j := i + 1; j < len(stmts); j++ {
				sum.Statements = append(sum.Statements, e.describe(req, j, stmts[j], StatusSkipped))
			}
			break
		}
	}
	undo()
	e.endRun(sess, h, pg)
	sum.BackendPID, sum.ServerVersion = lastServerPID(h), pg.ParameterStatus("server_version")
	sum.Transaction = txState(pg)
	if pg.IsClosed() { // terminated or dropped: the session must start afresh
		e.dropSessionConn(sess)
	}
	e.finish(ctx, h, req, stmts, &sum, nil)
}

// step readies the session's transaction for a statement (readonly.go), runs
// it, and records what it left behind.
func (e *Engine) step(ctx context.Context, pol policy, sess *session, pg *pgconn.PgConn, h *Handle, req Request, i, total int, st Statement, res *results) StatementResult {
	if h.IsCancelled() {
		return e.describe(req, i, st, StatusSkipped)
	}
	inUserTx := pg.TxStatus() != 'I' && !sess.tx.own
	if failed := e.prepare(pol, sess, h, pg, st); failed != nil {
		r := e.describe(req, i, st, StatusError)
		if failed.Kind == apperr.Cancelled {
			r.Status = StatusCancelled
		}
		info := apperr.Info(failed)
		r.Error = &info
		return r
	}
	r, tag := e.statement(ctx, pg, h, req, i, total, st, res, e.targetOf(pol, sess, pg, st), pol.clientTimeout())
	if failed := e.settle(pol, sess, h, pg, st, tag); failed != nil && r.Status == StatusDone {
		r.Status = StatusError
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
		r.Status = StatusSkipped
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

	params := make([][]byte, len(req.Params))
	for k, p := range req.Params {
		if p != nil {
			params[k] = []byte(*p)
		}
	}
	rr := pg.ExecParams(ctx, st.SQL, params, nil, nil, nil) // text results: what psql shows
	var set *resultset.Set
	var appendErr error
	if fds := rr.FieldDescriptions(); len(fds) > 0 {
		cols := make([]resultset.Column, len(fds))
		for k, fd := range fds {
			cols[k] = resultset.Column{Name: fd.Name, TypeOID: fd.DataTypeOID, TypeName: typeName(fd.DataTypeOID),
				TableOID: fd.TableOID, TableColumn: int16(fd.TableAttributeNumber)}
		}
		r.Columns = cols
		set = resultset.New(cols, e.deps.Results)
		e.mu.Lock()
		res.sets[i] = set
		e.mu.Unlock()
		firstPage := req.FirstPage
		if firstPage <= 0 {
			firstPage = DefaultFirstPage
		}
		sentFirst := false
		lastProgress := time.Now()
		for rr.NextRow() {
			if appendErr = set.Append(rr.Values()); appendErr != nil {
				break
			}
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
		if !sentFirst {
			e.progress(h, i, total, set, firstPage, true)
		}
	}
	tag, err := rr.Close()
	h.end()
	e.mu.Lock()
	delete(e.running, pg)
	e.mu.Unlock()
	rc.mu.Lock()
	r.Notices = rc.notices
	rc.mu.Unlock()
	if err == nil && appendErr != nil {
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
	case h.IsCancelled() && isQueryCanceled(err):
		r.Status = StatusCancelled
		info := apperr.Info(apperr.New(apperr.Cancelled, "the statement was cancelled").
			WithHint(fmt.Sprintf("%d rows received before the cancel are kept.", r.Rows)))
		r.Error = &info
	default:
		r.Status = StatusError
		info := apperr.Info(err)
		r.Error = &info
		if info.Position > 0 {
			r.ErrorOffset = req.Offset + utf16Len(req.SQL[:st.Start]) + utf16Len(st.SQL[:ByteOffsetOfCharPosition(st.SQL, info.Position)])
		}
	}
	return r, tag
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

// finish reports the query and records it in the history.
func (e *Engine) finish(ctx context.Context, h *Handle, req Request, stmts []Statement, sum *Summary, failed *apperr.Error) {
	sum.DurationMs = ms(h.Elapsed())
	if failed != nil {
		info := apperr.Info(failed)
		sum.Status, sum.Error = StatusError, &info
		if failed.Kind == apperr.Cancelled {
			sum.Status = StatusCancelled
		}
	}
	if e.deps.History != nil {
		for _, entry := range historyEntries(req, h, stmts, sum) {
			if err := e.deps.History(context.WithoutCancel(ctx), entry); err != nil {
				e.deps.Log.WithError(err).Warn("could not record the query in the history")
				break
			}
		}
	}
	e.mu.Lock()
	if r := e.results[h.id]; r != nil {
		r.summary = *sum
	}
	e.mu.Unlock()
	if e.deps.SchemaChanged != nil {
		for _, st := range sum.Statements {
			if st.Status == StatusDone && st.Kind.ChangesSchema() {
				e.deps.SchemaChanged(req.ConnectionID)
				break
			}
		}
	}
	name := EventDone
	if sum.Status == StatusError {
		name = EventError
	}
	e.deps.Emit.Emit(name, *sum)
}

// adoptResults makes res the session's current results, releasing the
// previous query's (a tab shows one query's results at a time). It fails
// when the session is no longer the engine's (its tab was closed) or when
// the query ID is taken.
func (e *Engine) adoptResults(sess *session, id string, res *results) error {
	e.mu.Lock()
	if e.sessions[sess.id] != sess {
		e.mu.Unlock()
		return apperr.New(apperr.Validation, "the tab was closed")
	}
	if _, taken := e.results[id]; taken {
		e.mu.Unlock()
		return apperr.ValidationError(apperr.FieldError{Field: "queryId", Message: "a query with this ID already exists"})
	}
	old := e.results[sess.lastQuery]
	delete(e.results, sess.lastQuery)
	e.results[id] = res
	sess.lastQuery = id
	e.mu.Unlock()
	if old != nil {
		old.close() // finished: the session was free, so its run has returned
	}
	return nil
}

func (r *results) close() {
	for _, s := range r.sets {
		if s != nil {
			s.Close()
		}
	}
}

// Cancel cancels a query by ID; false when it is not running.
func (e *Engine) Cancel(id string) bool {
	e.mu.Lock()
	res := e.results[id]
	e.mu.Unlock()
	if res == nil {
		return false
	}
	h := res.handle
	select {
	case <-h.done:
		return false
	default:
	}
	if h.cancel() { // escalate once, however often Cancel is pressed
		e.deps.Go(func(ctx context.Context) { e.escalate(ctx, h) })
	}
	return true
}

// escalate: if the server ignores the CancelRequest, cancel the backend from
// another connection; if even that does not stop it, tell the UI, which
// offers Terminate or Drop.
func (e *Engine) escalate(ctx context.Context, h *Handle) {
	select {
	case <-h.done:
		return
	case <-ctx.Done():
		return
	case <-time.After(EscalateAfter):
	}
	// The signal is fenced like a CancelRequest: the statement cannot end
	// (and the session move on) until it has been delivered, so it can only
	// hit the statement it was meant for.
	if fence, ok := h.fence(); ok {
		if _, err := e.signalBackend(ctx, h, "pg_cancel_backend"); err != nil {
			e.deps.Log.WithError(err).Warn("pg_cancel_backend failed")
		}
		close(fence)
	}
	select {
	case <-h.done:
		return
	case <-ctx.Done():
		return
	case <-time.After(EscalateAfter):
	}
	stuck := Stuck{QueryID: h.id, SessionID: h.sessionID, ElapsedMs: ms(h.Elapsed())}
	if fence, ok := h.fence(); ok {
		// Only look: Terminate is offered when the real server process is
		// known, never the process ID a pooler made up.
		if pid, err := e.signalBackend(ctx, h, ""); err == nil {
			stuck.PID, stuck.Terminable = pid, true
		}
		close(fence)
	}
	e.deps.Emit.Emit(EventStuck, stuck)
}

// Terminate ends the query's server process (pg_terminate_backend from
// another connection); the session starts afresh on its next query.
func (e *Engine) Terminate(id string) error {
	return e.fenced(id, func(h *Handle) error {
		_, err := e.signalBackend(context.Background(), h, "pg_terminate_backend")
		if errors.Is(err, errNoTarget) {
			return noTargetError(err)
		}
		return err
	})
}

// Drop closes the query's network connection at once: the last resort when
// the server cannot be reached to cancel or terminate.
func (e *Engine) Drop(id string) error {
	return e.fenced(id, func(h *Handle) error {
		h.mu.Lock()
		c := h.conn
		h.mu.Unlock()
		return c.Conn().Close()
	})
}

// fenced runs act while query id's statement is still on the wire, holding
// the statement open until act returns, so act can never hit what the
// session runs next; then it cancels the query (no further statements). act
// runs before the cancel request: behind a pooler the statement's server
// process is found by what it is running, which a cancel would end. A
// query whose statement just finished is only cancelled.
func (e *Engine) fenced(id string, act func(*Handle) error) error {
	h, err := e.runningHandle(id)
	if err != nil {
		return err
	}
	fence, ok := h.fence()
	if !ok {
		h.Cancel()
		return nil
	}
	defer close(fence)
	err = act(h)
	h.Cancel()
	return err
}

func (e *Engine) runningHandle(id string) (*Handle, error) {
	e.mu.Lock()
	res := e.results[id]
	e.mu.Unlock()
	if res == nil {
		return nil, apperr.New(apperr.Validation, "no such query").WithHint("It finished or its tab was closed.")
	}
	select {
	case <-res.handle.done:
		return nil, apperr.New(apperr.Validation, "the query has already finished")
	default:
		return res.handle, nil
	}
}

// Wait blocks until query id has finished and returns its summary.
func (e *Engine) Wait(ctx context.Context, id string) (Summary, error) {
	e.mu.Lock()
	res := e.results[id]
	e.mu.Unlock()
	if res == nil {
		return Summary{}, apperr.New(apperr.Validation, "no such query")
	}
	select {
	case <-res.handle.done:
	case <-ctx.Done():
		return Summary{}, ctx.Err()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return res.summary, nil
}

// Summary returns a query's summary: final once it finished; while it runs,
// Status is "running" and Statements is empty.
func (e *Engine) Summary(id string) (Summary, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res == nil {
		return Summary{}, apperr.New(apperr.Validation, "no such query")
	}
	select {
	case <-res.handle.done:
		return res.summary, nil
	default:
		h := res.handle
		return Summary{QueryID: id, SessionID: h.sessionID, ConnectionID: h.connectionID, Status: StatusRunning, DurationMs: ms(h.Elapsed())}, nil
	}
}

// Page returns rows of statement stmt of query id; it works while the query
// still runs (T080 bridge: events say that rows exist, pages carry them).
func (e *Engine) Page(id string, stmt int, offset, limit int64) (resultset.Page, error) {
	set, err := e.set(id, stmt)
	if err != nil {
		return resultset.Page{}, err
	}
	if limit <= 0 || limit > MaxPageRows {
		limit = MaxPageRows
	}
	return set.Page(offset, limit)
}

func (e *Engine) set(id string, stmt int) (*resultset.Set, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.results[id]
	if res == nil {
		return nil, apperr.New(apperr.Validation, "these results were released").WithHint("Run the query again.")
	}
	if stmt < 0 || stmt >= len(res.sets) || res.sets[stmt] == nil {
		return nil, apperr.ValidationError(apperr.FieldError{Field: "statement", Message: "that statement returned no rows"})
	}
	return res.sets[stmt], nil
}

// ResultSet gives export code the stored rows of a statement.
func (e *Engine) ResultSet(id string, stmt int) (*resultset.Set, error) { return e.set(id, stmt) }

// Release frees a finished query's stored results (its tab was cleared). A
// running query keeps its results: cancel it first, or close the session.
func (e *Engine) Release(id string) {
	e.mu.Lock()
	res := e.results[id]
	if res != nil {
		select {
		case <-res.handle.done:
			delete(e.results, id)
		default:
			res = nil
		}
	}
	e.mu.Unlock()
	if res != nil {
		res.close()
	}
}

// CloseSession releases a tab: cancels its query, frees its results and
// gives its pinned connection back to the pool (rolling back an open
// transaction).
func (e *Engine) CloseSession(id string) {
	e.mu.Lock()
	s := e.sessions[id]
	delete(e.sessions, id)
	e.mu.Unlock()
	if s != nil {
		e.releaseSession(s)
	}
}

// Disconnected releases every session of a connection whose pool is about
// to close (state.OnDisconnect): the pool waits for pinned connections.
func (e *Engine) Disconnected(connectionID string) {
	e.mu.Lock()
	var gone []*session
	for id, s := range e.sessions {
		if s.connectionID == connectionID {
			gone = append(gone, s)
			delete(e.sessions, id)
		}
	}
	e.mu.Unlock()
	for _, s := range gone {
		e.releaseSession(s)
	}
}

func (e *Engine) releaseSession(s *session) {
	e.mu.Lock()
	res := e.results[s.lastQuery]
	delete(e.results, s.lastQuery)
	e.mu.Unlock()
	if res != nil {
		res.handle.Cancel()
		<-res.handle.done // the run goroutine holds the connection until then
		res.close()
	}
	s.busy.Lock()
	defer s.busy.Unlock()
	e.dropSessionConn(s)
}

// dropSessionConn returns the pinned connection; an open transaction is
// rolled back first so the pool never hands one out mid-transaction.
func (e *Engine) dropSessionConn(s *session) {
	if s.conn == nil {
		return
	}
	c := s.conn
	s.conn, s.tx = nil, txCheck{}
	if pg := c.PgConn(); !pg.IsClosed() && pg.TxStatus() != 'I' {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := c.Exec(ctx, "rollback"); err != nil {
			e.deps.Log.WithError(err).Warn("rollback on session close failed; closing the connection")
			_ = pg.Close(ctx)
		}
		cancel()
	}
	c.Release()
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

// typeName names common built-in types the way psql's \d does; other OIDs
// keep their number (a catalog lookup names them in the UI layer later).
func typeName(oid uint32) string {
	if n, ok := builtinTypes[oid]; ok {
		return n
	}
	return fmt.Sprintf("oid %d", oid)
}

var builtinTypes = map[uint32]string{
	16: "boolean", 17: "bytea", 18: "char", 19: "name", 20: "bigint", 21: "smallint", 23: "integer",
	25: "text", 26: "oid", 114: "json", 142: "xml", 650: "cidr", 700: "real", 701: "double precision",
	790: "money", 829: "macaddr", 869: "inet", 1000: "boolean[]", 1005: "smallint[]", 1007: "integer[]",
	1009: "text[]", 1015: "character varying[]", 1016: "bigint[]", 1021: "real[]", 1022: "double precision[]",
	1042: "character", 1043: "character varying", 1082: "date", 1083: "time without time zone",
	1114: "timestamp without time zone", 1184: "timestamp with time zone", 1186: "interval",
	1231: "numeric[]", 1266: "time with time zone", 1560: "bit", 1562: "bit varying", 1700: "numeric",
	2249: "record", 2278: "void", 2950: "uuid", 2951: "uuid[]", 3802: "jsonb", 3807: "jsonb[]",
	3904: "int4range", 3906: "numrange", 3908: "tsrange", 3910: "tstzrange", 3912: "daterange",
	3926: "int8range", 4072: "jsonpath", 705: "unknown",
}
