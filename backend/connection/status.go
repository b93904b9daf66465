package connection

import (
	"sync"
	"time"
)

// PoolStatus is a pool's occupancy at one moment (FR-013, T041), as
// Pool.Status returns it and PoolOptions.OnStatus receives it. It is a plain
// value.
//
// The counts satisfy 0 ≤ Available ≤ Size ≤ MaxSize at every moment:
//
//   - MaxSize is the most connections the pool opens (PoolOptions.MaxConns).
//   - Size is the connections that hold one of those MaxSize slots: being
//     opened, in use, idle, or being closed (a broken or expired connection
//     keeps its slot until its socket is shut, normally well under a
//     millisecond).
//   - Available is the idle connections: how many Acquire calls would get a
//     connection right now without waiting and without opening one. Room to
//     grow is MaxSize − Size and is not included.
//   - Waiting is the callers blocked in Acquire: waiting for a connection to
//     be released or opened. A caller that gets an idle connection counts
//     for the instant it takes.
//   - Closed is set once Close has been called; a closed pool's Size drops
//     to 0 as its connections close.
//
// So Size − Available connections are busy, and Acquire waits when
// Available is 0 and Size equals MaxSize.
type PoolStatus struct {
	ConnectionID string `json:"connectionId"`
	MaxSize      int    `json:"maxSize"`
	Size         int    `json:"size"`
	Available    int    `json:"available"`
	Waiting      int    `json:"waiting"`
	Closed       bool   `json:"closed"`
	// PoolerWaiting is the connections being opened whose first query has
	// waited longer than PoolerWaitNotice at a connection pooler with no
	// free server connection (0 without a pooler). Callers waiting for
	// them count in Waiting.
	PoolerWaiting int `json:"poolerWaiting"`
	// Route is what sits between Tusk and the server (a pooler, its mode)
	// and how the connection's options reach the server.
	Route Route `json:"route"`
	// SafeMode is what Execute enforces on the pool's statements (the
	// connection's safe mode with its default applied): the UI asks
	// CheckSafety before a run only when it is not off.
	SafeMode SafeMode `json:"safeMode"`
}

// settleDelays are the re-checks after a hook that precedes a change
// pgxpool makes on its own (a connection joining or leaving the pool).
var settleDelays = []time.Duration{time.Millisecond, 5 * time.Millisecond, 25 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond}

// notifier delivers status changes to an OnStatus callback from one
// goroutine, so calls never overlap, arrive in order and never block the
// pool. Events only mark the status dirty (a non-blocking send); the
// goroutine reads the status when it runs and delivers it if it differs
// from the last one delivered. A nil *notifier ignores every call.
type notifier struct {
	status func() PoolStatus
	on     func(PoolStatus)

	dirty   chan struct{} // cap 1: something changed
	settleC chan struct{} // cap 1: re-check on the settleDelays schedule
	done    chan struct{} // closed by stop
	exited  chan struct{} // closed when run returns

	startOnce, stopOnce sync.Once
	started             bool // set in startOnce, read in stopOnce
}

func newNotifier(status func() PoolStatus, on func(PoolStatus)) *notifier {
	return &notifier{
		status:  status,
		on:      on,
		dirty:   make(chan struct{}, 1),
		settleC: make(chan struct{}, 1),
		done:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
}

// start launches the delivering goroutine. Events sent before it are kept.
func (n *notifier) start() {
	if n == nil {
		return
	}
	n.startOnce.Do(func() {
		n.started = true
		go n.run()
	})
}

// kick reports a change.
func (n *notifier) kick() {
	if n == nil {
		return
	}
	select {
	case n.dirty <- struct{}{}:
	default:
	}
}

// settle reports a change and asks for re-checks on the settleDelays
// schedule.
func (n *notifier) settle() {
	if n == nil {
		return
	}
	select {
	case n.settleC <- struct{}{}:
	default:
	}
}

// stop delivers the final status (if it changed) and ends the goroutine;
// it returns once the callback will not be called again.
func (n *notifier) stop() {
	if n == nil {
		return
	}
	n.startOnce.Do(func() {}) // a notifier never started stays so
	n.stopOnce.Do(func() {
		close(n.done)
		if n.started {
			<-n.exited
		}
	})
}

func (n *notifier) run() {
	defer close(n.exited)
	var (
		last      PoolStatus
		delivered bool
		step      = len(settleDelays)
		timer     = time.NewTimer(time.Hour)
	)
	timer.Stop()
	defer timer.Stop()
	deliver := func() {
		if st := n.status(); !delivered || st != last {
			n.on(st)
			last, delivered = st, true
		}
	}
	for {
		select {
		case <-n.done:
			deliver()
			return
		case <-n.dirty:
		case <-n.settleC:
			step = 0
			timer.Reset(settleDelays[0])
		case <-timer.C:
			if step++; step < len(settleDelays) {
				timer.Reset(settleDelays[step] - settleDelays[step-1])
			}
		}
		deliver()
	}
}
