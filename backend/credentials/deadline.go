package credentials

import (
	"context"
	"time"
)

// guard runs fn in a goroutine and returns its result, or ctx.Err() as soon
// as ctx is done, whichever comes first. A call that outlives ctx is
// abandoned: its goroutine finishes (or blocks) on its own and its result is
// dropped. This is the only defence against go-keyring, which can block
// forever on a hung Secret Service and takes no context.
func guard[T any](ctx context.Context, fn func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned call never blocks on send
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// guardErr is guard for functions that return only an error.
func guardErr(ctx context.Context, fn func() error) error {
	_, err := guard(ctx, func() (struct{}, error) { return struct{}{}, fn() })
	return err
}

// callLimit is the time limit of one keychain call.
type callLimit struct {
	d time.Duration // time allowed from the start of the call
	// caller is set when the caller's context deadline governs rather than
	// the Store's own timeout.
	caller bool
}

// withDeadline returns the context for one keychain call: ctx itself (made
// cancellable) when it already has a deadline, since the caller's deadline
// governs, else ctx limited to d.
func withDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc, callLimit) {
	if dl, ok := ctx.Deadline(); ok {
		c, cancel := context.WithCancel(ctx)
		return c, cancel, callLimit{d: time.Until(dl), caller: true}
	}
	c, cancel := context.WithTimeout(ctx, d)
	return c, cancel, callLimit{d: d}
}

// roundLimit formats a time limit for a message: whole seconds above a
// second, milliseconds below.
func roundLimit(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// ms returns d in milliseconds with microsecond precision, for log fields
// and Status.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
