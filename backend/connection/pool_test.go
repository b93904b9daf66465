package connection_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/secret"
)

// recorder collects what OnStatus delivers.
type recorder struct {
	mu       sync.Mutex
	statuses []connection.PoolStatus
	inCall   atomic.Int32
	overlap  atomic.Bool
}

func (r *recorder) on(st connection.PoolStatus) {
	if r.inCall.Add(1) > 1 {
		r.overlap.Store(true)
	}
	defer r.inCall.Add(-1)
	r.mu.Lock()
	r.statuses = append(r.statuses, st)
	r.mu.Unlock()
}

func (r *recorder) all() []connection.PoolStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]connection.PoolStatus(nil), r.statuses...)
}

func (r *recorder) last() (connection.PoolStatus, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.statuses) == 0 {
		return connection.PoolStatus{}, false
	}
	return r.statuses[len(r.statuses)-1], true
}

// check verifies the invariants of every delivered status.
func (r *recorder) check(t *testing.T, maxWaiting int) {
	t.Helper()
	if r.overlap.Load() {
		t.Error("OnStatus calls overlapped")
	}
	all := r.all()
	for i, st := range all {
		if st.Available < 0 || st.Available > st.Size || st.Size > st.MaxSize || st.Waiting < 0 || st.Waiting > maxWaiting {
			t.Errorf("status %d breaks the invariants: %+v", i, st)
		}
		if i > 0 && all[i-1] == st {
			t.Errorf("status %d repeats the previous one: %+v", i, st)
		}
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitDelivered waits until OnStatus has delivered the pool's current
// status.
func waitDelivered(t *testing.T, r *recorder, p *connection.Pool) {
	t.Helper()
	waitFor(t, "OnStatus to deliver the current status", func() bool {
		last, ok := r.last()
		return ok && last == p.Status()
	})
}

// TestPoolExhaustion: with every connection in use, Acquire waits
// AcquireTimeout and fails with a PoolTimeout error naming the waiters
// (FR-013a).
func TestPoolExhaustion(t *testing.T) {
	pgtest.Need(t)
	const wait = 300 * time.Millisecond
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 2, AcquireTimeout: wait})
	c1 := acquire(t, p)
	acquire(t, p)

	start := time.Now()
	_, err := p.Acquire(testCtx(t))
	elapsed := time.Since(start)
	e := expectKind(t, err, apperr.PoolTimeout)
	if !strings.Contains(e.Message, "(1 waiting)") || !strings.Contains(e.Message, "300ms") {
		t.Errorf("message %q does not name the wait and the waiting count", e.Message)
	}
	if elapsed < wait || elapsed > wait+time.Second {
		t.Errorf("waited %v, want about %v", elapsed, wait)
	}

	// Three waiting at once: the message counts them.
	var wg sync.WaitGroup
	msgs := make([]string, 3)
	for i := range msgs {
		wg.Go(func() {
			_, err := p.Acquire(testCtx(t))
			msgs[i] = apperr.Info(err).Message
		})
	}
	wg.Wait()
	if !strings.Contains(strings.Join(msgs, "|"), "(3 waiting)") {
		t.Errorf("messages %q: none counts 3 waiting", msgs)
	}
	if st := p.Status(); st.Waiting != 0 || st.Size != 2 || st.Available != 0 {
		t.Errorf("after the timeouts: %+v", st)
	}

	// A released connection serves the next caller at once.
	c1.Release()
	start = time.Now()
	c := acquire(t, p)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("Acquire after a release took %v", d)
	}
	c.Release()

	// The caller's own cancel is a cancel, not a pool timeout.
	ctx, cancel := context.WithCancel(testCtx(t))
	time.AfterFunc(50*time.Millisecond, cancel)
	acquire(t, p) // the pool is full again
	_, err = p.Acquire(ctx)
	expectKind(t, err, apperr.Cancelled)
}

// TestStatusWaitingExact: while N callers are blocked, Waiting is exactly N
// (SC-010), and OnStatus reports each step.
func TestStatusWaitingExact(t *testing.T) {
	pgtest.Need(t)
	rec := &recorder{}
	cfg := trustConfig()
	p := openPool(t, cfg, "", connection.PoolOptions{MaxConns: 2, OnStatus: rec.on})
	waitDelivered(t, rec, p)
	if first := rec.all()[0]; first != (connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: 2, Size: 1, Available: 1, Route: directRoute, SafeMode: connection.SafeModeOff}) {
		t.Errorf("first status = %+v", first)
	}
	held := []*connection.Conn{acquire(t, p), acquire(t, p)}
	want := connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: 2, Size: 2, Route: directRoute, SafeMode: connection.SafeModeOff}
	if st := p.Status(); st != want {
		t.Fatalf("both held: %+v, want %+v", st, want)
	}

	const n = 5
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	got := make(chan *connection.Conn, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			c, err := p.Acquire(ctx)
			if err != nil {
				errs <- err
				return
			}
			got <- c
		}()
	}
	waitFor(t, "5 waiting", func() bool { return p.Status().Waiting == n })
	want.Waiting = n
	for range 20 { // stable while they wait
		if st := p.Status(); st != want {
			t.Fatalf("while %d wait: %+v, want %+v", n, st, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	waitDelivered(t, rec, p)

	// One release lets exactly one waiter through.
	held[0].Release()
	c := <-got
	waitFor(t, "4 waiting", func() bool { return p.Status().Waiting == n-1 })
	want.Waiting = n - 1
	if st := p.Status(); st != want {
		t.Fatalf("after one release: %+v, want %+v", st, want)
	}
	waitDelivered(t, rec, p)

	// Cancelling the rest empties the queue.
	cancel()
	for range n - 1 {
		expectKind(t, <-errs, apperr.Cancelled)
	}
	want.Waiting = 0
	if st := p.Status(); st != want {
		t.Fatalf("after the cancels: %+v, want %+v", st, want)
	}
	c.Release()
	held[1].Release()
	want.Available = 2
	if st := p.Status(); st != want {
		t.Fatalf("all released: %+v, want %+v", st, want)
	}
	waitDelivered(t, rec, p)
	rec.check(t, n)
	sawWaiting := false
	for _, st := range rec.all() {
		sawWaiting = sawWaiting || st.Waiting == n
	}
	if !sawWaiting {
		t.Errorf("OnStatus never reported %d waiting: %+v", n, rec.all())
	}
}

// TestStatusUnderLoad: 50 goroutines share 5 connections; at every pause the
// status is exact, and every delivered status is consistent (SC-009,
// SC-010).
func TestStatusUnderLoad(t *testing.T) {
	pgtest.Need(t)
	const (
		workers = 50
		maxSize = 5
		rounds  = 20
	)
	rec := &recorder{}
	cfg := trustConfig()
	p := openPool(t, cfg, "", connection.PoolOptions{MaxConns: maxSize, OnStatus: rec.on})
	ctx := testCtx(t)

	var (
		wg       sync.WaitGroup
		failures atomic.Int32
		sampled  atomic.Int32
	)
	check := func(st connection.PoolStatus) {
		if st.Available < 0 || st.Available > st.Size || st.Size > maxSize || st.Waiting < 0 || st.Waiting > workers {
			failures.Add(1)
		}
		sampled.Add(1)
	}
	for w := range workers {
		wg.Go(func() {
			for r := range rounds {
				c, err := p.Acquire(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				check(p.Status())
				if _, err := c.Exec(ctx, "select $1::int", w*rounds+r); err != nil {
					t.Error(err)
				}
				c.Release()
			}
		})
	}
	wg.Wait()
	if failures.Load() > 0 {
		t.Errorf("%d of %d sampled statuses broke the invariants", failures.Load(), sampled.Load())
	}
	st := p.Status()
	if st.Waiting != 0 || st.Available != st.Size || st.Size < 1 || st.Size > maxSize || st.MaxSize != maxSize {
		t.Fatalf("quiescent after the load: %+v", st)
	}

	// Second phase: 5 holders and 45 waiters, all at once.
	hold := make(chan struct{})
	holding := make(chan *connection.Conn, workers)
	acquireErrs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			c, err := p.Acquire(ctx)
			if err != nil {
				acquireErrs <- err
				return
			}
			holding <- c
			<-hold
			c.Release()
		})
	}
	waitFor(t, "5 holders and 45 waiters", func() bool { return len(holding) == maxSize && p.Status().Waiting == workers-maxSize })
	want := connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: maxSize, Size: maxSize, Available: 0, Waiting: workers - maxSize, Route: directRoute, SafeMode: connection.SafeModeOff}
	if st := p.Status(); st != want {
		t.Fatalf("held by 5, 45 waiting: %+v, want %+v", st, want)
	}
	waitDelivered(t, rec, p)
	close(hold)
	wg.Wait()
	close(acquireErrs)
	for err := range acquireErrs {
		t.Error(err)
	}
	want = connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: maxSize, Size: maxSize, Available: maxSize, Route: directRoute, SafeMode: connection.SafeModeOff}
	if st := p.Status(); st != want {
		t.Fatalf("all released: %+v, want %+v", st, want)
	}
	waitDelivered(t, rec, p)
	rec.check(t, workers)
	t.Logf("OnStatus delivered %d statuses for %d acquires", len(rec.all()), workers*(rounds+1))
}

// TestBrokenConnectionLeavesPool: a connection the server killed is
// discarded on release, and the status follows once it has closed.
func TestBrokenConnectionLeavesPool(t *testing.T) {
	pgtest.Need(t)
	rec := &recorder{}
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 3, OnStatus: rec.on})
	c := acquire(t, p)
	pid := c.PgConn().PID()
	if err := cluster.Exec(testCtx(t), "select pg_terminate_backend("+strconv.FormatUint(uint64(pid), 10)+")"); err != nil {
		t.Fatal(err)
	}
	_, err := c.Exec(testCtx(t), "select 1")
	expectKind(t, err, apperr.Connection)
	c.Release()
	waitFor(t, "the broken connection to leave", func() bool { return p.Status().Size == 0 })
	waitDelivered(t, rec, p)
	if last, _ := rec.last(); last.Size != 0 {
		t.Errorf("last delivered = %+v", last)
	}
	if got := queryString(t, acquire(t, p), "select 'fresh'"); got != "fresh" {
		t.Error(got)
	}
}

// TestMinConns: connections opened in the background show in the status.
func TestMinConns(t *testing.T) {
	pgtest.Need(t)
	rec := &recorder{}
	p := openPool(t, trustConfig(), "", connection.PoolOptions{MaxConns: 4, MinConns: 3, OnStatus: rec.on})
	// The test connection may be opened besides the three.
	waitFor(t, "3 idle connections", func() bool { st := p.Status(); return st.Size >= 3 && st.Available == st.Size })
	waitDelivered(t, rec, p)
}

func TestClose(t *testing.T) {
	pgtest.Need(t)
	rec := &recorder{}
	cfg := trustConfig()
	p, err := connection.NewPool(testCtx(t), cfg, secret.String{}, connection.PoolOptions{MaxConns: 3, OnStatus: rec.on})
	if err != nil {
		t.Fatal(err)
	}
	c := acquire(t, p)
	c2, err := p.Acquire(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	c2.Release()
	if p.IsClosed() {
		t.Fatal("closed too early")
	}

	closed := make(chan struct{})
	go func() {
		p.Close()
		close(closed)
	}()
	waitFor(t, "IsClosed", p.IsClosed)
	select {
	case <-closed:
		t.Fatal("Close returned while a connection was in use")
	case <-time.After(100 * time.Millisecond):
	}
	_, err = p.Acquire(testCtx(t))
	e := expectKind(t, err, apperr.Connection)
	if !errors.Is(err, connection.ErrClosed) || !strings.Contains(e.Message, "closed") {
		t.Errorf("Acquire after Close: %v", err)
	}
	c.Release()
	<-closed
	p.Close() // idempotent
	if !p.IsClosed() {
		t.Error("IsClosed false after Close")
	}
	want := connection.PoolStatus{ConnectionID: cfg.ID, MaxSize: 3, Closed: true, Route: directRoute, SafeMode: connection.SafeModeOff}
	if st := p.Status(); st != want {
		t.Errorf("Status after Close = %+v, want %+v", st, want)
	}
	// The final status was delivered before Close returned, and nothing after.
	n := len(rec.all())
	if last, _ := rec.last(); last != want {
		t.Errorf("last delivered = %+v, want %+v", last, want)
	}
	time.Sleep(50 * time.Millisecond)
	if len(rec.all()) != n {
		t.Error("OnStatus called after Close returned")
	}
	rec.check(t, 1)
	// Closing concurrently from many goroutines is safe.
	p2 := openPool(t, cfg, "", connection.PoolOptions{})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(p2.Close)
	}
	wg.Wait()
	if !p2.IsClosed() || p2.Status().Size != 0 {
		t.Errorf("after concurrent Close: %+v", p2.Status())
	}
}
