package query

import (
	"context"
	"errors"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/explain"
	"github.com/tusk-app/tusk/backend/storage"
)

// ExplainRequest asks for the plan of one statement in an editor tab's
// session (so SET, temporary tables and an open transaction apply).
type ExplainRequest struct {
	// QueryID, SessionID, ConnectionID and Offset are as in Request.
	QueryID      string `json:"queryId"`
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	// SQL is the editor text (with Cursor) or the selection (one statement).
	SQL    string `json:"sql"`
	Offset int    `json:"offset"`
	// Cursor picks the statement at this UTF-16 offset of SQL; nil means
	// SQL must hold exactly one statement.
	Cursor *int `json:"cursor"`
	// Analyze runs the statement (EXPLAIN ANALYZE).
	Analyze bool `json:"analyze"`
	// Options are EXPLAIN options to turn on ("BUFFERS", "VERBOSE",
	// "SETTINGS", "WAL", …) and Off those to turn off ("TIMING"); options
	// the server lacks, or that need ANALYZE without it, are left out.
	Options []string `json:"options"`
	Off     []string `json:"off"`
}

// ExplainInfo is what an explain will do, for the UI to say before it runs
// ("this DELETE runs inside BEGIN … ROLLBACK").
type ExplainInfo struct {
	// Statement is the statement explained; Start and End locate it in the
	// editor text (UTF-16 code units, Offset included); Kind is its kind.
	Statement string `json:"statement"`
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Kind      Kind   `json:"kind"`
	// RollsBack reports that the statement runs inside BEGIN … ROLLBACK (a
	// savepoint inside an open transaction): every EXPLAIN ANALYZE does, so
	// that whatever it changes, also through functions it calls, is undone.
	RollsBack bool `json:"rollsBack"`
	// ChangesData reports that the statement itself may change data:
	// INSERT, UPDATE, DELETE, MERGE, DDL, SELECT … INTO, data-modifying
	// CTEs, CALL — anything but a plain query. The UI says so before an
	// EXPLAIN ANALYZE runs it.
	ChangesData bool `json:"changesData"`
	// SQL is the EXPLAIN statement sent to the server.
	SQL string `json:"sql"`
	// Server is the server's version; Options the EXPLAIN options it has.
	Server  explain.Version  `json:"server"`
	Options []explain.Option `json:"options"`
}

// ExplainStarted is what Explain returns at once; the query then reports
// through query:* events like any other, and Plan reads its result.
type ExplainStarted struct {
	Started
	Info ExplainInfo `json:"info"`
}

// versionTimeout bounds finding out the server's version: within a bound
// call's 2 s (docs/reliability.md).
const versionTimeout = 1500 * time.Millisecond

// PrepareExplain says what Explain would do with req without running
// anything.
func (e *Engine) PrepareExplain(ctx context.Context, req ExplainRequest) (ExplainInfo, error) {
	stmts := Split(req.SQL)
	if req.Cursor != nil {
		if st, ok := StatementAt(req.SQL, byteOffsetOfUTF16(req.SQL, *req.Cursor)); ok {
			stmts = []Statement{st}
		}
	}
	switch {
	case len(stmts) == 0:
		return ExplainInfo{}, apperr.ValidationError(apperr.FieldError{Field: "sql", Message: "there is no statement to explain"})
	case len(stmts) > 1:
		return ExplainInfo{}, apperr.ValidationError(apperr.FieldError{Field: "sql", Message: "select one statement to explain, not a script"})
	}
	st := stmts[0]
	body := withoutLeadingTrivia(st.SQL)
	switch st.Kind {
	case Explain:
		return ExplainInfo{}, apperr.ValidationError(apperr.FieldError{Field: "sql", Message: "the statement is an EXPLAIN already; run it, or explain the statement inside it"})
	case Transaction:
		return ExplainInfo{}, apperr.ValidationError(apperr.FieldError{Field: "sql", Message: "transaction control statements have no plan"})
	}
	v, err := e.serverVersion(ctx, req.SessionID, req.ConnectionID)
	if err != nil {
		return ExplainInfo{}, err
	}
	on := append([]string{}, req.Options...)
	if req.Analyze {
		on = append(on, "ANALYZE")
	}
	sql, err := explain.Statement(v, on, req.Off, body)
	if err != nil {
		return ExplainInfo{}, apperr.ValidationError(apperr.FieldError{Field: "options", Message: err.Error()})
	}
	return ExplainInfo{
		Statement:   body,
		Start:       req.Offset + utf16Len(req.SQL[:st.End-len(body)]),
		End:         req.Offset + utf16Len(req.SQL[:st.End]),
		Kind:        st.Kind,
		RollsBack:   req.Analyze,
		ChangesData: changesData(body, st.Kind),
		SQL:         sql,
		Server:      v,
		Options:     explain.Options(v),
	}, nil
}

// changesData reports whether running sql may change data: anything but a
// plain query (SELECT, VALUES, TABLE) without data-modifying CTEs and
// without INTO.
func changesData(sql string, k Kind) bool {
	if k != Select {
		return true
	}
	toks := significant(sql, nil)
	for _, t := range toks {
		for _, w := range [...]string{"insert", "update", "delete", "merge"} {
			if t.IsKeyword(w) {
				// SELECT … FOR UPDATE locks rows but changes none.
				return !(w == "update" && forUpdate(toks, t))
			}
		}
	}
	return false
}

// forUpdate reports whether t is the UPDATE of a locking clause (FOR
// [NO KEY] UPDATE).
func forUpdate(toks []Token, t Token) bool {
	for i := range toks {
		if toks[i].Start == t.Start {
			return i > 0 && toks[i-1].IsKeyword("for") || i > 1 && toks[i-1].IsKeyword("key") && toks[i-2].IsKeyword("no")
		}
	}
	return false
}

// Explain runs EXPLAIN (FORMAT JSON, …) of one statement in the tab's
// session and returns at once, like Execute. With ANALYZE the statement
// runs inside BEGIN … ROLLBACK (a savepoint when a transaction is open),
// which ExplainInfo announced beforehand. The plan is
// saved with the history entry; Plan reads it once the query is done.
func (e *Engine) Explain(ctx context.Context, req ExplainRequest) (ExplainStarted, error) {
	info, err := e.PrepareExplain(ctx, req)
	if err != nil {
		return ExplainStarted{}, err
	}
	prefix := len(info.SQL) - len(info.Statement)
	r := Request{
		QueryID:      req.QueryID,
		SessionID:    req.SessionID,
		ConnectionID: req.ConnectionID,
		SQL:          info.SQL,
		// Server positions then fall inside the statement in the editor.
		Offset:   info.Start - utf16Len(info.SQL[:prefix]),
		rollback: info.RollsBack,
	}
	started, err := e.Execute(r)
	if err != nil {
		return ExplainStarted{}, err
	}
	return ExplainStarted{Started: started, Info: info}, nil
}

// serverVersion asks the session's connection (or, before its first query,
// a pooled one) for the server's version.
func (e *Engine) serverVersion(ctx context.Context, sessionID, connectionID string) (explain.Version, error) {
	e.mu.Lock()
	s := e.sessions[sessionID]
	e.mu.Unlock()
	if s != nil && s.connectionID == connectionID && s.busy.TryLock() {
		var v string
		if s.conn != nil && !s.conn.PgConn().IsClosed() {
			v = s.conn.PgConn().ParameterStatus("server_version")
		}
		s.busy.Unlock()
		if v != "" {
			return explain.ParseVersion(v)
		}
	}
	pool, ok := e.deps.Pool(connectionID)
	if !ok {
		return explain.Version{}, apperr.New(apperr.Connection, "the connection is not open").WithHint("Connect first.")
	}
	ctx, cancel := context.WithTimeout(ctx, versionTimeout)
	defer cancel()
	c, err := pool.Acquire(ctx)
	if err != nil {
		return explain.Version{}, err
	}
	defer c.Release()
	return explain.ParseVersion(c.PgConn().ParameterStatus("server_version"))
}

// Plan reads and analyses the plan statement stmt of query id returned: an
// EXPLAIN (FORMAT JSON …), whether from Explain or typed by the user.
func (e *Engine) Plan(id string, stmt int) (*explain.Plan, error) {
	set, err := e.set(id, stmt)
	if err != nil {
		return nil, err
	}
	if set.Len() == 0 {
		return nil, apperr.New(apperr.Validation, "the statement returned no plan").WithHint("Run it again; EXPLAIN needs FORMAT JSON for the plan view.")
	}
	v, err := set.Value(0, 0)
	if err != nil || v == nil {
		return nil, apperr.New(apperr.Validation, "the statement returned no plan")
	}
	return ParsePlan(*v)
}

// ParsePlan analyses EXPLAIN (FORMAT JSON) output; text that is not such
// output is a Validation error.
func ParsePlan(raw string) (*explain.Plan, error) {
	p, err := explain.Parse([]byte(raw))
	if errors.Is(err, explain.ErrNotAPlan) {
		return nil, apperr.New(apperr.Validation, "the result is not a plan in JSON").WithHint("The plan view reads EXPLAIN (FORMAT JSON) output.")
	}
	return p, err
}

// keepPlan records the plan an EXPLAIN (FORMAT JSON) statement returned
// in its result, for its history entry.
func (e *Engine) keepPlan(r *StatementResult, res *results) {
	if r.Kind != Explain || r.Status != StatusDone || len(r.Columns) != 1 || r.Columns[0].TypeOID != oidJSON || r.Rows != 1 {
		return
	}
	e.mu.Lock()
	set := res.sets[r.Index]
	e.mu.Unlock()
	if set == nil {
		return
	}
	if v, err := set.Value(0, 0); err == nil && v != nil && len(*v) <= storage.MaxPlanBytes {
		r.plan = *v
	}
}

// oidJSON is the type OID of json, which EXPLAIN (FORMAT JSON) returns.
const oidJSON = 114

// ExplainSupport is what EXPLAIN offers on a connection's server.
type ExplainSupport struct {
	Server  explain.Version  `json:"server"`
	Options []explain.Option `json:"options"`
}

// ExplainOptions returns the server's version and its EXPLAIN options, for
// the options menu.
func (e *Engine) ExplainOptions(ctx context.Context, sessionID, connectionID string) (ExplainSupport, error) {
	v, err := e.serverVersion(ctx, sessionID, connectionID)
	if err != nil {
		return ExplainSupport{}, err
	}
	return ExplainSupport{Server: v, Options: explain.Options(v)}, nil
}
