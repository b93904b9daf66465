// Package jobs lets a bound call answer in time when its work does not.
//
// Every bound call answers the webview within a short bound, whatever the
// server and the network do. Some work may rightly take longer: a page of
// a big table under a filter no index serves, an exact row count, a
// commit of many rows. Such work runs as a job named by the caller. When
// it ends within the bound, the call returns its result as usual; when it
// does not, the call answers with a Pending error naming the job, and the
// caller asks Await (again within the bound) until the job ends. Cancel
// stops a job, wherever it is.
//
// The frontend's api layer does the asking (frontend/src/lib/api/errors.ts),
// so components see one promise per call, as before.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
)

// Keep is how long the outcome of a job nobody awaits is kept after it
// ends (the caller went away: a reload, a closed tab).
const Keep = time.Minute

// Table holds the running jobs and the outcomes not yet collected. The zero
// value is ready to use.
type Table struct {
	mu   sync.Mutex
	jobs map[string]*job
}

type job struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when value and err are set
	value  any
	err    error
}

// Spawn starts fn on a goroutine of its owner's background work (cancelled
// with ctx when the owner shuts down) and reports false when the owner no
// longer takes work. state.State.Go is one.
type Spawn func(fn func(ctx context.Context)) bool

// Run starts fn as the job id ("" for a fresh ID) and waits at most wait for
// it. It returns fn's result when fn ends in time, else a Pending error
// naming the job; fn goes on and Await collects its outcome.
func Run[T any](t *Table, spawn Spawn, id string, wait time.Duration, fn func(ctx context.Context) (T, error)) (T, error) {
	var zero T
	if id == "" {
		id = newID()
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{cancel: cancel, done: make(chan struct{})}
	t.mu.Lock()
	if _, dup := t.jobs[id]; dup {
		t.mu.Unlock()
		cancel()
		return zero, apperr.ValidationError(apperr.FieldError{Field: "jobId", Message: "a job with this ID is already running"})
	}
	if t.jobs == nil {
		t.jobs = map[string]*job{}
	}
	t.jobs[id] = j
	t.mu.Unlock()

	started := spawn(func(owner context.Context) {
		stop := context.AfterFunc(owner, cancel)
		defer stop()
		v, err := fn(ctx)
		j.value, j.err = v, err
		close(j.done)
		cancel()
		time.AfterFunc(Keep, func() { t.forget(id, j) })
	})
	if !started {
		t.forget(id, j)
		cancel()
		return zero, apperr.New(apperr.Cancelled, "the application is shutting down")
	}
	v, err := t.wait(id, j, wait)
	if err != nil {
		return zero, err
	}
	out, _ := v.(T)
	return out, nil
}

// Await waits at most wait for the job id and returns its outcome, or a
// Pending error when it is still running. A job's outcome is given once.
func (t *Table) Await(id string, wait time.Duration) (any, error) {
	t.mu.Lock()
	j := t.jobs[id]
	t.mu.Unlock()
	if j == nil {
		return nil, apperr.New(apperr.Cancelled, "the work was stopped or its outcome was already given").
			WithHint("Run it again if you still need it.")
	}
	return t.wait(id, j, wait)
}

// Cancel stops the job id; false when there is no such job.
func (t *Table) Cancel(id string) bool {
	t.mu.Lock()
	j := t.jobs[id]
	t.mu.Unlock()
	if j == nil {
		return false
	}
	j.cancel()
	return true
}

// Running is the number of jobs not yet ended.
func (t *Table) Running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, j := range t.jobs {
		select {
		case <-j.done:
		default:
			n++
		}
	}
	return n
}

func (t *Table) wait(id string, j *job, wait time.Duration) (any, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-j.done:
		t.forget(id, j)
		return j.value, j.err
	case <-timer.C:
		e := apperr.New(apperr.Pending, "the work is still going on")
		e.Job = id
		return nil, e
	}
}

// forget drops the job id if it is still j (an ID may be reused once its
// outcome was given).
func (t *Table) forget(id string, j *job) {
	t.mu.Lock()
	if t.jobs[id] == j {
		delete(t.jobs, id)
	}
	t.mu.Unlock()
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "job-" + hex.EncodeToString(b[:])
}
