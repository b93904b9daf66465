package query

import "sort"

// OpenWork is a session that quitting would interrupt: one running a query,
// or one inside a transaction that quitting would roll back.
type OpenWork struct {
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	// Running is true while a query runs in the session; its transaction
	// state is then unknown ("").
	Running bool `json:"running"`
	// Transaction is "in transaction" when the session is idle inside a
	// transaction block.
	Transaction string `json:"transaction"`
}

// OpenWork lists the sessions with a running query or an open transaction,
// by session ID. A failed transaction is not listed: it can only be rolled
// back, so quitting loses nothing. Safe for concurrent use; it never waits
// for a running query.
func (e *Engine) OpenWork() []OpenWork {
	e.mu.Lock()
	sessions := make([]*session, 0, len(e.sessions))
	for _, s := range e.sessions {
		sessions = append(sessions, s)
	}
	e.mu.Unlock()
	out := []OpenWork{}
	for _, s := range sessions {
		w := OpenWork{SessionID: s.id, ConnectionID: s.connectionID}
		if !s.busy.TryLock() {
			w.Running = true
			out = append(out, w)
			continue
		}
		// The session's connection changes only under busy.
		if s.conn != nil && txState(s.conn.PgConn()) == "in transaction" {
			w.Transaction = "in transaction"
			out = append(out, w)
		}
		s.busy.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SessionID < out[j].SessionID })
	return out
}
