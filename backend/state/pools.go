package state

import (
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/schema"
)

// Query is a running query as the state tracks it; the query engine's handle
// implements it. Cancel must be safe to call more than once and from any
// goroutine.
type Query interface {
	ID() string
	ConnectionID() string
	Cancel()
}

// AddPool registers p under its connection ID (T027). A pool already
// registered for that connection is closed and replaced.
func (s *State) AddPool(p *connection.Pool) {
	if old, ok := s.pools.put(p.ID(), p); ok && old != p {
		s.disconnecting(p.ID())
		old.Close()
	}
}

// Pool returns the open pool of a connection.
func (s *State) Pool(connectionID string) (*connection.Pool, bool) {
	return s.pools.get(connectionID)
}

// RemovePool disconnects a connection: it cancels the connection's running
// queries, drops its schema cache (T029) and closes its pool. It reports
// whether a pool was registered.
func (s *State) RemovePool(connectionID string) bool {
	if w, ok := s.watchers.take(connectionID); ok {
		close(w.stop)
	}
	for _, q := range s.queries.takeWhere(func(q Query) bool { return q.ConnectionID() == connectionID }) {
		q.Cancel()
	}
	p, ok := s.pools.take(connectionID)
	if ok {
		s.disconnecting(connectionID)
		p.Close() // waits for every connection in use, a catalog load included
	}
	if t, had := s.tunnels.take(connectionID); had {
		t.Close()
	}
	// After Close no loader can store a cache any more (T029).
	s.caches.take(connectionID)
	return ok
}

// PoolIDs lists the connection IDs with an open pool, sorted.
func (s *State) PoolIDs() []string { return s.pools.ids() }

// PoolStatuses returns the status of every open pool, ordered by connection ID.
func (s *State) PoolStatuses() []connection.PoolStatus {
	pools := s.pools.values()
	out := make([]connection.PoolStatus, 0, len(pools))
	for _, p := range pools {
		out = append(out, p.Status())
	}
	return out
}

// SetSchemaCache stores the schema cache of a connection, replacing any
// earlier one (T028).
func (s *State) SetSchemaCache(c *schema.Cache) { s.caches.put(c.ConnectionID, c) }

// SchemaCache returns the schema cache of a connection.
func (s *State) SchemaCache(connectionID string) (*schema.Cache, bool) {
	return s.caches.get(connectionID)
}

// RemoveSchemaCache drops the schema cache of a connection.
func (s *State) RemoveSchemaCache(connectionID string) { s.caches.take(connectionID) }

// RegisterQuery tracks a running query (T030) until UnregisterQuery.
func (s *State) RegisterQuery(q Query) { s.queries.put(q.ID(), q) }

// Query returns a running query by ID.
func (s *State) Query(id string) (Query, bool) { return s.queries.get(id) }

// UnregisterQuery stops tracking a query (it finished, failed or was cancelled).
func (s *State) UnregisterQuery(id string) { s.queries.take(id) }

// CancelQuery cancels a running query and reports whether it was running.
// The query stays registered until its executor unregisters it.
func (s *State) CancelQuery(id string) bool {
	q, ok := s.queries.get(id)
	if ok {
		q.Cancel()
	}
	return ok
}

// QueryIDs lists the IDs of running queries, sorted.
func (s *State) QueryIDs() []string { return s.queries.ids() }
