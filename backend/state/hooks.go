package state

import (
	"github.com/jackc/pgx/v5/pgconn"
)

// SetNoticeHandler routes server notices of every pool opened afterwards to
// fn (the query engine, which knows which query a connection runs). fn must
// not block.
func (s *State) SetNoticeHandler(fn func(*pgconn.PgConn, *pgconn.Notice)) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	s.onNotice = fn
}

// OnDisconnect registers fn to run when a connection's pool is about to
// close (RemovePool, Close): holders of pinned connections release them
// there, because closing a pool waits for every acquired connection.
func (s *State) OnDisconnect(fn func(connectionID string)) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	s.onDisconnect = append(s.onDisconnect, fn)
}

func (s *State) notice(c *pgconn.PgConn, n *pgconn.Notice) {
	s.hooksMu.Lock()
	fn := s.onNotice
	s.hooksMu.Unlock()
	if fn != nil {
		fn(c, n)
	}
}

func (s *State) disconnecting(connectionID string) {
	s.hooksMu.Lock()
	fns := append([]func(string){}, s.onDisconnect...)
	s.hooksMu.Unlock()
	for _, fn := range fns {
		fn(connectionID)
	}
}
