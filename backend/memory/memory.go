// Package memory decides when the Go heap gives memory back to the OS.
//
// A result set holds its rows in Go memory (backend/resultset): long-lived,
// pointer-free chunks that a collection marks at almost no cost. With Go's
// default GOGC=100 the heap may grow to twice what is live before the next
// collection, so the garbage of serving pages while a 1M-row result is open
// (encoding each page for the webview) could double its footprint;
// Configure sets a tighter target.
//
// When a tab with a large result closes, its memory becomes garbage, but the
// runtime would only collect it at the next GC (which, with little allocation
// going on, may be minutes away: the forced GC runs every 2 minutes) and
// return it to the OS slowly after that. A Returner runs a collection and
// returns the freed pages at once, shortly after results were released, and
// then runs what was given to Also (the web process's own collection).
package memory

import (
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// GCPercent is the heap growth Tusk collects at (GOGC) instead of Go's 100.
// Measured with make bench-ui, a 1M-row result open and scrolled: the app
// process held 278 MB instead of 401 MB; fetching the million rows took
// about 5% longer (5.68 s against 5.41 s, median of 5, on a busy machine).
const GCPercent = 25

// Configure sets GCPercent, unless GOGC is set in the environment (a user's
// or a benchmark's choice wins).
func Configure() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}

// Returner returns freed heap memory to the OS soon after Released is
// called, once per burst of calls. Safe for concurrent use.
type Returner struct {
	delay time.Duration
	log   *logrus.Logger

	mu        sync.Mutex // guards the fields below
	pending   *time.Timer
	closed    bool
	also      func()
	alsoDelay time.Duration
}

// NewReturner returns a Returner that acts delay after the first Released
// of a burst (closing several tabs at once costs one collection).
func NewReturner(delay time.Duration, log *logrus.Logger) *Returner {
	return &Returner{delay: delay, log: log}
}

// Also runs fn delay after each return of Go memory: a collection elsewhere
// that must wait until the result's last users let go of it (the webview
// drops a closed tab's pages after the backend has). Call it before the first
// Released.
func (r *Returner) Also(delay time.Duration, fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.also, r.alsoDelay = fn, delay
}

// Released says that large allocations were dropped (a result set closed).
func (r *Returner) Released() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.pending != nil {
		return
	}
	r.pending = time.AfterFunc(r.delay, r.giveBack)
}

func (r *Returner) giveBack() {
	r.mu.Lock()
	r.pending = nil
	closed, also, alsoDelay := r.closed, r.also, r.alsoDelay
	r.mu.Unlock()
	if closed {
		return
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	debug.FreeOSMemory()
	runtime.ReadMemStats(&after)
	r.log.WithFields(logrus.Fields{
		"took_ms":        time.Since(start).Milliseconds(),
		"heap_before_mb": before.HeapInuse >> 20,
		"heap_after_mb":  after.HeapInuse >> 20,
		"returned_mb":    (after.HeapReleased - before.HeapReleased) >> 20,
	}).Debug("memory returned to the OS")
	if also != nil {
		time.AfterFunc(alsoDelay, func() {
			r.mu.Lock()
			closed := r.closed
			r.mu.Unlock()
			if !closed {
				also()
			}
		})
	}
}

// Close cancels a pending return; Released does nothing afterwards.
func (r *Returner) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.pending != nil {
		r.pending.Stop()
		r.pending = nil
	}
}
