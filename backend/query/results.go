package query

import (
	"context"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/resultset"
)

// results are a query's stored rows and summary, kept until the tab runs
// its next query, is cleared (Release) or closes.
type results struct {
	sessionID string
	sets      []*resultset.Set // per statement; nil for statements without rows; guarded by Engine.mu
	handle    *Handle
	summary   Summary // set when the query finished; guarded by Engine.mu
}

// close frees the stored rows and returns how many bytes of memory they
// held.
func (r *results) close() int64 {
	var held int64
	for _, s := range r.sets {
		if s != nil {
			held += s.Stats().MemoryBytes
			s.Close()
		}
	}
	return held
}

// OnReleased registers fn to be told, after a query's stored rows were freed
// (replaced by its tab's next run, released, or its tab closed), how many
// bytes of memory they held, so the app can give the memory back to the OS.
// Call it before the first query.
func (e *Engine) OnReleased(fn func(bytes int64)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onReleased = fn
}

// closeResults frees res's rows and tells OnReleased's function.
func (e *Engine) closeResults(res *results) {
	held := res.close()
	e.mu.Lock()
	fn := e.onReleased
	e.mu.Unlock()
	if fn != nil {
		fn(held)
	}
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
		e.closeResults(old) // finished: the session was free, so its run has returned
	}
	return nil
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
		e.closeResults(res)
	}
}
