package state

import (
	"context"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
)

// States of a connection in ConnectionState.State.
const (
	// StateConnected: the server answers.
	StateConnected = "connected"
	// StateReconnecting: the server stopped answering; Tusk tries again
	// with growing pauses (Attempt, NextRetryMs) until it answers or the
	// user stops it (StopReconnect).
	StateReconnecting = "reconnecting"
	// StateLost: the connection is gone and Tusk does not retry (its SSH
	// tunnel died, or the server refuses the credentials now); connect
	// again.
	StateLost = "lost"
	// StateStopped: the user stopped reconnecting; the connection is
	// closed.
	StateStopped = "stopped"
)

// ConnectionState is the payload of connection:state, and what
// ConnectionStates returns for each open connection.
type ConnectionState struct {
	ConnectionID string `json:"connectionId"`
	// State is connected, reconnecting, lost or stopped.
	State string `json:"state"`
	// Attempt counts the reconnect attempts made so far (reconnecting).
	Attempt int `json:"attempt"`
	// NextRetryMs is how long until the next attempt (reconnecting).
	NextRetryMs int64 `json:"nextRetryMs"`
	// Error is why the connection is not connected; nil when connected.
	Error *apperr.ErrorInfo `json:"error,omitempty"`
}

// ReconnectPolicy is how often Tusk tries to reach a server that stopped
// answering: the first pause is First, each next one doubles, up to Max.
type ReconnectPolicy struct {
	First time.Duration
	Max   time.Duration
}

// DefaultReconnectPolicy pauses 0.5 s, 1 s, 2 s, … up to 30 s.
var DefaultReconnectPolicy = ReconnectPolicy{First: 500 * time.Millisecond, Max: 30 * time.Second}

// ProbeTimeout bounds one check of whether a server answers.
const ProbeTimeout = 5 * time.Second

// StopGrace bounds how long StopReconnect waits for a probe under way to
// end after its context was cancelled.
const StopGrace = time.Second

// pause is the pause before attempt n (1-based).
func (p ReconnectPolicy) pause(n int) time.Duration {
	d := p.First
	for i := 1; i < n && d < p.Max; i++ {
		d *= 2
	}
	return min(d, p.Max)
}

// watcher is a running check of one connection's server.
type watcher struct {
	stop chan struct{} // closed by StopReconnect
	done chan struct{} // closed when the check ends
}

// trouble is told that a connection's session or server may be gone (a
// query failed because of it, or a pooled connection broke; err is nil
// then). Unless a check already runs, it probes the server on a connection
// outside the pool; if the server does not answer, it announces
// connection:lost and keeps trying until it does (connection:state
// reconnecting → connected), or until StopReconnect.
func (s *State) trouble(connectionID string, err error) {
	if err != nil && !apperr.ServerDown(err) && !apperr.SessionGone(err) {
		return
	}
	if _, ok := s.Pool(connectionID); !ok {
		return
	}
	w := &watcher{stop: make(chan struct{}), done: make(chan struct{})}
	if !s.watchers.putIfAbsent(connectionID, w) {
		return
	}
	if !s.Go(func(ctx context.Context) { s.watch(ctx, connectionID, w) }) {
		s.watchers.take(connectionID)
		close(w.done)
	}
}

// watch probes the server of connectionID until it answers.
func (s *State) watch(ctx context.Context, connectionID string, w *watcher) {
	defer close(w.done)
	defer takeIf(s.watchers, connectionID, w)
	// StopReconnect ends a probe under way too, not only the pauses.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-w.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := s.probe(ctx, connectionID)
	if err == nil || ctx.Err() != nil {
		return
	}
	log := s.log.WithField("connection_id", connectionID)
	if !apperr.ServerDown(err) {
		// The server answers but refuses us (a changed password, a dropped
		// database): retrying will not help.
		log.WithError(err).Warn("the server refuses the connection now; disconnecting")
		info := apperr.Info(err)
		s.RemovePool(connectionID)
		s.setConnState(ConnectionState{ConnectionID: connectionID, State: StateLost, Error: &info})
		return
	}
	info := apperr.Info(err)
	log.WithError(err).Warn("the server stopped answering; reconnecting")
	s.emit.Emit(event.ConnectionLost, ConnectionLost{ConnectionID: connectionID, Error: info})
	for attempt := 1; ; attempt++ {
		pause := s.reconnect.pause(attempt)
		s.setConnState(ConnectionState{ConnectionID: connectionID, State: StateReconnecting, Attempt: attempt - 1,
			NextRetryMs: pause.Milliseconds(), Error: &info})
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-w.stop:
			t.Stop()
			return
		case <-t.C:
		}
		err := s.probe(ctx, connectionID)
		if err == nil {
			log.WithField("attempts", attempt).Info("the server answers again")
			s.setConnState(ConnectionState{ConnectionID: connectionID, State: StateConnected})
			return
		}
		if ctx.Err() != nil {
			return
		}
		if _, open := s.Pool(connectionID); !open {
			return // disconnected meanwhile
		}
		info = apperr.Info(err)
		log.WithFields(logrus.Fields{"attempt": attempt, "kind": info.Kind, "reason": info.Reason}).Debug("reconnect attempt failed")
	}
}

// probe opens and closes one connection to the server, outside the pool.
func (s *State) probe(ctx context.Context, connectionID string) error {
	pool, ok := s.Pool(connectionID)
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, ProbeTimeout)
	defer cancel()
	c, err := pool.Dedicated(ctx)
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

// StopReconnect stops trying to reach the server of a connection and
// closes it (connection:state stopped). It reports whether it was
// reconnecting. It returns within a second whatever the network does.
func (s *State) StopReconnect(connectionID string) bool {
	w, ok := s.watchers.take(connectionID)
	if !ok {
		return false
	}
	close(w.stop)
	select {
	case <-w.done:
	case <-time.After(StopGrace):
		// a dial that ignores its cancelled context: it ends on ProbeTimeout
	}
	s.RemovePool(connectionID)
	s.setConnState(ConnectionState{ConnectionID: connectionID, State: StateStopped})
	return true
}

// ConnectionStates returns the state of every open connection and of those
// that were lost or stopped since they were last connected.
func (s *State) ConnectionStates() []ConnectionState {
	out := s.connStates.values()
	seen := map[string]bool{}
	for _, st := range out {
		seen[st.ConnectionID] = true
	}
	for _, id := range s.PoolIDs() {
		if !seen[id] {
			out = append(out, ConnectionState{ConnectionID: id, State: StateConnected})
		}
	}
	return out
}

// setConnState records a connection's state and tells the UI. Connected
// connections are not kept (an open pool without an entry is connected).
func (s *State) setConnState(st ConnectionState) {
	if st.State == StateConnected {
		s.connStates.take(st.ConnectionID)
	} else {
		s.connStates.put(st.ConnectionID, st)
	}
	s.emit.Emit(event.ConnectionState, st)
}
