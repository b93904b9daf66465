package jobs

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
)

// owner is a Spawn with a shutdown, as state.State.Go is.
type owner struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

func newOwner(t *testing.T) *owner {
	o := &owner{}
	o.ctx, o.cancel = context.WithCancel(context.Background())
	t.Cleanup(o.close)
	return o
}

func (o *owner) spawn(fn func(ctx context.Context)) bool {
	if o.closed {
		return false
	}
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		fn(o.ctx)
	}()
	return true
}

func (o *owner) close() {
	o.closed = true
	o.cancel()
	o.wg.Wait()
}

const bound = 50 * time.Millisecond

func pendingJob(t *testing.T, err error) string {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.Pending || ae.Job == "" {
		t.Fatalf("want a Pending error naming a job, got %v", err)
	}
	if info := apperr.Info(err); info.Job != ae.Job || info.Kind != apperr.Pending {
		t.Fatalf("the ErrorInfo lost the job: %+v", info)
	}
	return ae.Job
}

func TestRunAnswersAtOnceWhenTheWorkIsQuick(t *testing.T) {
	var tb Table
	o := newOwner(t)
	v, err := Run(&tb, o.spawn, "", time.Second, func(context.Context) (int, error) { return 42, nil })
	if v != 42 || err != nil {
		t.Fatalf("%v %v", v, err)
	}
	if _, err := Run(&tb, o.spawn, "", time.Second, func(context.Context) (int, error) { return 0, errors.New("boom") }); err == nil || err.Error() != "boom" {
		t.Fatalf("the work's error was not returned: %v", err)
	}
	if tb.Running() != 0 || len(tb.jobs) != 0 {
		t.Fatalf("finished jobs are kept: %d", len(tb.jobs))
	}
}

func TestLateWorkIsAwaited(t *testing.T) {
	var tb Table
	o := newOwner(t)
	release := make(chan struct{})
	start := time.Now()
	_, err := Run(&tb, o.spawn, "page-1", bound, func(context.Context) (string, error) {
		<-release
		return "rows", nil
	})
	if took := time.Since(start); took < bound {
		t.Fatalf("answered after %v, before the bound", took)
	}
	if id := pendingJob(t, err); id != "page-1" {
		t.Fatalf("job %q, want the caller's ID", id)
	}
	if _, err := Run(&tb, o.spawn, "page-1", bound, func(context.Context) (string, error) { return "", nil }); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("a second job with a running job's ID: %v", err)
	}
	if _, err := tb.Await("page-1", bound); pendingJob(t, err) != "page-1" {
		t.Fatal("still running, but not pending")
	}
	if tb.Running() != 1 {
		t.Fatalf("running = %d", tb.Running())
	}
	close(release)
	v, err := tb.Await("page-1", time.Second)
	if v != "rows" || err != nil {
		t.Fatalf("outcome %v %v", v, err)
	}
	if _, err := tb.Await("page-1", bound); apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("an outcome was given twice: %v", err)
	}
}

func TestCancelStopsTheWork(t *testing.T) {
	var tb Table
	o := newOwner(t)
	_, err := Run(&tb, o.spawn, "", bound, func(ctx context.Context) (int, error) {
		<-ctx.Done()
		return 0, apperr.New(apperr.Cancelled, "stopped")
	})
	id := pendingJob(t, err)
	if !tb.Cancel(id) {
		t.Fatal("the running job was not found")
	}
	if _, err := tb.Await(id, time.Second); apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("a cancelled job ended with %v", err)
	}
	if tb.Cancel(id) || tb.Cancel("nope") {
		t.Fatal("cancelled a job that is gone")
	}
}

func TestOwnerShutdownStopsJobs(t *testing.T) {
	var tb Table
	o := newOwner(t)
	_, err := Run(&tb, o.spawn, "", bound, func(ctx context.Context) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	id := pendingJob(t, err)
	o.close() // returns only when the job's work returned
	if _, err := tb.Await(id, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("after shutdown: %v", err)
	}
	if _, err := Run(&tb, o.spawn, "", bound, func(context.Context) (int, error) { return 1, nil }); apperr.KindOf(err) != apperr.Cancelled {
		t.Fatalf("a job started after shutdown: %v", err)
	}
	if len(tb.jobs) != 0 {
		t.Fatal("a refused job was kept")
	}
}
