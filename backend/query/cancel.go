package query

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/tusk-app/tusk/backend/apperr"
)

// Cancel cancels a query by ID; false when it is not running. A query
// whose Execute has not arrived yet (the UI names it first) is cancelled
// when it does: it ends at once as cancelled, having run nothing.
func (e *Engine) Cancel(id string) bool {
	e.mu.Lock()
	res := e.results[id]
	if res == nil {
		e.noteEarlyCancel(id)
	}
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
	// The statement may end (its connection closed) before the cancel
	// below: it must not be taken for one that never ran and run again.
	h.ending.Store(true)
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

// earlyCancelKept is how long a cancel of a query not yet started waits
// for its Execute.
const earlyCancelKept = 30 * time.Second

// noteEarlyCancel remembers that query id was cancelled before Execute
// adopted it (a client-chosen UUID; any other text cannot name a query to
// come). Called with e.mu held.
func (e *Engine) noteEarlyCancel(id string) {
	if u, err := uuid.Parse(id); err != nil || u.String() != id {
		return
	}
	now := time.Now()
	for k, at := range e.early {
		if now.Sub(at) > earlyCancelKept {
			delete(e.early, k)
		}
	}
	e.early[id] = now
}

// cancelledEarly reports, once, whether query id was cancelled before its
// Execute adopted it. It runs after adoptResults, so a Cancel either found
// the query's results or left its note here.
func (e *Engine) cancelledEarly(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	at, ok := e.early[id]
	delete(e.early, id)
	return ok && time.Since(at) <= earlyCancelKept
}
