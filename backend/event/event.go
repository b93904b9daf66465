// Package event is Tusk's catalogue of backend → frontend events and the
// small machinery to send them.
//
// Names are "domain:verb" constants, all in this file; the frontend mirrors
// them in one typed map (frontend/src/lib/api/events.ts). Payloads are
// structs. Events carry status and progress; bulk data (result pages) is
// fetched through bound methods instead.
//
// Backend packages never import the Wails runtime: they take an Emitter,
// which the app implements with runtime.EventsEmit and tests with Recorder.
package event

import (
	"sync"
	"time"
)

// Event names.
const (
	// PoolStatus carries a connection.PoolStatus whenever a pool changes
	// (connect, acquire, release, close), at most ~4 times a second per pool.
	PoolStatus = "pool:status"
	// ConnectionLost carries a state.ConnectionLost when a connection's
	// server stopped answering: a statement failed because the server went
	// away, or its SSH tunnel died. connection:state events follow.
	ConnectionLost = "connection:lost"
	// ConnectionState carries a state.ConnectionState whenever a
	// connection's state changes: connected, reconnecting (with the attempt
	// and the time to the next one), lost (given up, e.g. its SSH tunnel
	// died) or stopped (the user stopped reconnecting).
	ConnectionState = "connection:state"
	// SessionLost carries a query.SessionLost when a tab's server session
	// ended: the connection broke, an administrator ended it, or it was
	// given up so that another tab could run. It names what went with it.
	SessionLost = "session:lost"
	// QueryProgress carries a query.Progress while a query runs.
	QueryProgress = "query:progress"
	// QueryDone carries the query.Summary of a query that finished (also
	// cancelled); the tab's session is free when it is sent.
	QueryDone = "query:done"
	// QueryError carries the query.Summary of a query that failed.
	QueryError = "query:error"
	// QueryStuck carries a query.Stuck when the server ignores a cancel.
	QueryStuck = "query:stuck"
	// SchemaLoaded carries a state.SchemaLoaded when a connection's catalog
	// was (re)read, or failed to be.
	SchemaLoaded = "schema:loaded"
	// ExportProgress carries an exportfile.Progress every 200 ms while an
	// export of a result to a file runs.
	ExportProgress = "export:progress"
	// KeychainStatus carries a credentials.Status when the keychain switches
	// to the session-only fallback.
	KeychainStatus = "keychain:status"
	// MenuCommand carries a main.MenuCommand when the user picks an item of
	// the application menu or presses its accelerator: the frontend runs the
	// command as if it came from the palette.
	MenuCommand = "menu:command"
	// FilesOpen carries a main.FilesOpen: .sql files to open in tabs, given
	// on the command line, by a second launch, dropped on the window or
	// picked from Open Recent. The frontend reads each with OpenSQLFile.
	FilesOpen = "files:open"
	// RecentFiles carries the recent-files list ([]sqlfile.Recent) whenever
	// it changes.
	RecentFiles = "files:recent"
	// QuitRequested carries a main.QuitRequest when the user asked to quit
	// (window close button, File → Quit): the window stays open until the
	// frontend answers with ConfirmQuit or CancelQuit.
	QuitRequested = "app:quit-requested"
	// TableChanged carries a state.TableChanged after a data tab (or an
	// editable result) committed changes to a table, so other tabs showing
	// it can refresh.
	TableChanged = "table:changed"
)

// Emitter sends an event to the frontend. Implementations must be safe for
// concurrent use and must not block for long.
type Emitter interface {
	Emit(name string, payload any)
}

// EmitterFunc adapts a function to Emitter.
type EmitterFunc func(name string, payload any)

// Emit calls f.
func (f EmitterFunc) Emit(name string, payload any) { f(name, payload) }

// Record is one event a Recorder saw.
type Record struct {
	Name    string
	Payload any
}

// Recorder is an Emitter that keeps every event, for tests. Safe for
// concurrent use.
type Recorder struct {
	mu     sync.Mutex // guards events
	events []Record
}

// Emit records the event.
func (r *Recorder) Emit(name string, payload any) {
	r.mu.Lock()
	r.events = append(r.events, Record{name, payload})
	r.mu.Unlock()
}

// Events returns a copy of what was recorded, in order.
func (r *Recorder) Events() []Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Record(nil), r.events...)
}

// Coalescer rate-limits an event per key: the first change is sent at once,
// later changes within Interval are merged and the latest payload is sent
// when the interval ends, so the frontend always ends on the current value
// and never sees more than one event per key per Interval. Safe for
// concurrent use.
type Coalescer struct {
	name     string
	interval time.Duration
	emit     Emitter

	mu   sync.Mutex // guards keys
	keys map[string]*slot
}

type slot struct {
	last    time.Time // when the last event for the key was sent
	pending any       // latest payload waiting for the timer
	timer   *time.Timer
}

// NewCoalescer returns a Coalescer that sends name through emit at most once
// per interval per key.
func NewCoalescer(emit Emitter, name string, interval time.Duration) *Coalescer {
	return &Coalescer{name: name, interval: interval, emit: emit, keys: make(map[string]*slot)}
}

// Push offers the latest payload for key.
func (c *Coalescer) Push(key string, payload any) {
	c.mu.Lock()
	s := c.keys[key]
	if s == nil {
		s = &slot{}
		c.keys[key] = s
	}
	if s.timer != nil { // a send is already scheduled: just update it
		s.pending = payload
		c.mu.Unlock()
		return
	}
	wait := c.interval - time.Since(s.last)
	if wait <= 0 {
		s.last = time.Now()
		c.mu.Unlock()
		c.emit.Emit(c.name, payload)
		return
	}
	s.pending = payload
	s.timer = time.AfterFunc(wait, func() { c.flush(key) })
	c.mu.Unlock()
}

func (c *Coalescer) flush(key string) {
	c.mu.Lock()
	s := c.keys[key]
	if s == nil || s.timer == nil {
		c.mu.Unlock()
		return
	}
	payload := s.pending
	s.pending, s.timer, s.last = nil, nil, time.Now()
	c.mu.Unlock()
	c.emit.Emit(c.name, payload)
}

// Stop cancels scheduled sends. Pushes after Stop are sent as usual.
func (c *Coalescer) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, s := range c.keys {
		if s.timer != nil {
			s.timer.Stop()
		}
		delete(c.keys, k)
	}
}
