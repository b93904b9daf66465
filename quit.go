package main

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/query"
)

// QuitRequest is the payload of app:quit-requested.
//
// The quit protocol: closing the window (or File → Quit, or RequestQuit)
// keeps the window open and sends this event. The frontend acknowledges it
// at once with AcknowledgeQuit(requestId), then decides — its unsaved tabs,
// plus OpenWork from here — and answers ConfirmQuit() (quit now) or
// CancelQuit() (stay). A frontend that does not acknowledge within
// AckTimeoutMs is presumed dead and a native dialog asks instead, so the
// window can always be closed. A frontend that never called NativeReady
// (the page did not load) is not asked at all. SIGTERM, SIGINT and SIGHUP
// quit without asking.
type QuitRequest struct {
	RequestID string `json:"requestId"`
	// OpenWork lists the tabs whose transaction would be rolled back or
	// whose query would be cancelled.
	OpenWork []query.OpenWork `json:"openWork"`
	// AckTimeoutMs is how long the frontend has to call AcknowledgeQuit.
	AckTimeoutMs int64 `json:"ackTimeoutMs"`
}

// quitGuard runs the quit protocol (see QuitRequest). Safe for concurrent
// use.
type quitGuard struct {
	emit       event.Emitter
	openWork   func() []query.OpenWork
	ask        func(title, message string) bool // native yes/no dialog; blocks
	quit       func()                           // closes the window (runtime.Quit)
	beforeExit func()                           // runs once the close is allowed, window still open
	ackTimeout time.Duration

	mu        sync.Mutex // guards the fields below
	ready     bool       // the frontend listens
	confirmed bool       // the next close goes through
	asking    bool       // the native fallback dialog is open
	pending   string     // request waiting for its acknowledgement
	timer     *time.Timer
	seq       int
}

// setReady records that the frontend subscribed to app:quit-requested.
func (g *quitGuard) setReady() {
	g.mu.Lock()
	g.ready = true
	g.mu.Unlock()
}

// beforeClose is options.App.OnBeforeClose: true keeps the window open.
func (g *quitGuard) beforeClose() bool {
	g.mu.Lock()
	if g.asking {
		g.mu.Unlock()
		return true
	}
	if g.confirmed || !g.ready {
		g.confirmed = true
		g.mu.Unlock()
		g.beforeExit()
		return false
	}
	g.seq++
	id := strconv.Itoa(g.seq)
	g.pending = id
	if g.timer != nil {
		g.timer.Stop()
	}
	g.timer = time.AfterFunc(g.ackTimeout, func() { g.unanswered(id) })
	g.mu.Unlock()
	g.emit.Emit(event.QuitRequested, QuitRequest{RequestID: id, OpenWork: g.openWork(), AckTimeoutMs: g.ackTimeout.Milliseconds()})
	return true
}

// acknowledge stops the fallback timer of request id.
func (g *quitGuard) acknowledge(id string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if id == g.pending && g.timer != nil {
		g.timer.Stop()
		g.pending = ""
	}
}

// confirm quits without asking again.
func (g *quitGuard) confirm() {
	g.mu.Lock()
	g.confirmed = true
	g.pending = ""
	if g.timer != nil {
		g.timer.Stop()
	}
	g.mu.Unlock()
	g.quit()
}

// cancel keeps the app open.
func (g *quitGuard) cancel() {
	g.mu.Lock()
	g.pending = ""
	if g.timer != nil {
		g.timer.Stop()
	}
	g.mu.Unlock()
}

// unanswered asks natively when the frontend did not acknowledge request id.
func (g *quitGuard) unanswered(id string) {
	g.mu.Lock()
	if g.pending != id || g.confirmed {
		g.mu.Unlock()
		return
	}
	g.pending = ""
	g.asking = true
	g.mu.Unlock()
	yes := g.ask("Quit Tusk?", fallbackMessage(g.openWork()))
	g.mu.Lock()
	g.asking = false
	g.mu.Unlock()
	if yes {
		g.confirm()
	}
}

func fallbackMessage(work []query.OpenWork) string {
	var b strings.Builder
	b.WriteString("Tusk's window is not responding, so it cannot show what is unsaved.")
	var tx, running int
	for _, w := range work {
		if w.Running {
			running++
		} else {
			tx++
		}
	}
	if tx > 0 {
		fmt.Fprintf(&b, "\n\n%s rolled back.", plural(tx, "open transaction will be", "open transactions will be"))
	}
	if running > 0 {
		fmt.Fprintf(&b, "\n\n%s cancelled.", plural(running, "running query will be", "running queries will be"))
	}
	b.WriteString("\n\nChanges in editor tabs that were not saved to a file are lost.\n\nQuit anyway?")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
