package query

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
)

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
		if err := e.signalBackend(ctx, h, "pg_cancel_backend"); err != nil {
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
	e.deps.Emit.Emit(EventStuck, Stuck{QueryID: h.id, SessionID: h.sessionID, PID: h.pid(), ElapsedMs: ms(h.Elapsed())})
}

// Terminate ends the query's server process (pg_terminate_backend from
// another connection); the session starts afresh on its next query.
func (e *Engine) Terminate(id string) error {
	return e.fenced(id, func(h *Handle) error {
		return e.signalBackend(context.Background(), h, "pg_terminate_backend")
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

// fenced cancels query id and runs act while its statement is still on the
// wire, holding the statement open until act returns, so act can never hit
// what the session runs next. A query that just finished is left alone.
func (e *Engine) fenced(id string, act func(*Handle) error) error {
	h, err := e.runningHandle(id)
	if err != nil {
		return err
	}
	h.Cancel()
	fence, ok := h.fence()
	if !ok {
		return nil
	}
	defer close(fence)
	return act(h)
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

// signalBackend calls fn (pg_cancel_backend or pg_terminate_backend) for
// the query's server process over a connection of its own, outside the
// pool: the pool may be exhausted by the very tabs the user is trying to
// stop. Bounded by EscalateAfter.
func (e *Engine) signalBackend(ctx context.Context, h *Handle, fn string) error {
	pid := h.pid()
	pool, ok := e.deps.Pool(h.connectionID)
	if pid == 0 || !ok {
		return errors.New("the query's connection is gone")
	}
	ctx, cancel := context.WithTimeout(ctx, EscalateAfter)
	defer cancel()
	c, err := pool.Dedicated(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	defer c.Close(context.Background())
	res := c.ExecParams(ctx, "select "+fn+"($1)", [][]byte{[]byte(fmt.Sprint(pid))}, nil, nil, nil).Read()
	return res.Err
}
