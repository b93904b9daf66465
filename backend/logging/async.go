package logging

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// DefaultBufferLines is the capacity of an AsyncWriter, in lines (writes),
// when none is given.
const DefaultBufferLines = 4096

// maxBatch bounds how many bytes the writer goroutine hands to the sink in
// one Write when several lines are waiting.
const maxBatch = 64 << 10

// ErrClosed is returned by AsyncWriter.Write after Close.
var ErrClosed = errors.New("logging: writer closed")

// request is one queue item: a line to write, or a flush marker.
type request struct {
	p       []byte
	flushed chan struct{} // non-nil for a flush marker; closed once written
}

// AsyncWriter is an io.Writer that queues each Write in a bounded buffer and
// lets one goroutine hand the queued bytes to a slower sink (a file), so
// callers never wait for the disk. The goroutine writes as soon as a line is
// queued — there is no batching timer — and coalesces lines that are already
// waiting into one sink write of at most 64 KiB.
//
// When the buffer is full, Write drops the line, counts it (Dropped) and
// still reports success: logging must not stall the program. Once the
// goroutine has caught up (the buffer is at most half full again), and at
// every Flush and Close, it writes a notice line
// `level=warning msg="N log lines dropped"` to the sink.
//
// An AsyncWriter is safe for concurrent use. It never closes its sink; the
// caller owns the sink and closes it after Close.
type AsyncWriter struct {
	sink    io.Writer
	queue   chan request
	stop    chan struct{} // closed by Close: drain and exit
	done    chan struct{} // closed when the goroutine has exited
	dropped atomic.Uint64 // lines dropped since creation
	pending atomic.Uint64 // lines dropped and not yet reported by a notice

	mu     sync.RWMutex // guards closed; Write holds it for reading while it enqueues
	closed bool

	closeOnce sync.Once

	errMu sync.Mutex // guards err
	err   error
}

// NewAsyncWriter starts an AsyncWriter in front of sink that buffers up to
// capacity lines (writes); capacity < 1 means DefaultBufferLines. Call Close
// to stop its goroutine.
func NewAsyncWriter(sink io.Writer, capacity int) *AsyncWriter {
	if capacity < 1 {
		capacity = DefaultBufferLines
	}
	a := &AsyncWriter{
		sink:  sink,
		queue: make(chan request, capacity),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go a.run()
	return a
}

// Write queues a copy of p and returns len(p) without waiting for the sink.
// If the buffer is full, p is dropped and counted, and Write still returns
// len(p), nil. After Close it returns 0, ErrClosed.
func (a *AsyncWriter) Write(p []byte) (int, error) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.closed {
		return 0, ErrClosed
	}
	select {
	case a.queue <- request{p: append([]byte(nil), p...)}:
	default:
		a.dropped.Add(1)
		a.pending.Add(1)
	}
	return len(p), nil
}

// Flush waits until every line queued before the call, and the notice for
// any lines dropped so far, has been handed to the sink. It blocks as long as
// the sink does. After Close it returns at once.
func (a *AsyncWriter) Flush() {
	a.mu.RLock()
	closed := a.closed
	a.mu.RUnlock()
	if closed {
		return
	}
	marker := request{flushed: make(chan struct{})}
	select {
	case a.queue <- marker:
	case <-a.done:
		return
	}
	select {
	case <-marker.flushed:
	case <-a.done: // Close drained the queue, marker included, or exited first
	}
}

// Close flushes everything queued, stops the goroutine and returns the first
// error the sink reported, if any. Later Writes return ErrClosed. Close is
// idempotent; every call returns the same result.
func (a *AsyncWriter) Close() error {
	a.closeOnce.Do(func() {
		a.mu.Lock()
		a.closed = true // from here on no Write enqueues
		a.mu.Unlock()
		close(a.stop)
		<-a.done
	})
	return a.Err()
}

// Dropped returns how many lines have been dropped because the buffer was
// full, since the writer was created.
func (a *AsyncWriter) Dropped() uint64 { return a.dropped.Load() }

// Err returns the first error the sink returned, or nil. A line whose sink
// write failed is lost; it is not counted in Dropped.
func (a *AsyncWriter) Err() error {
	a.errMu.Lock()
	defer a.errMu.Unlock()
	return a.err
}

// run is the writer goroutine.
func (a *AsyncWriter) run() {
	defer close(a.done)
	buf := make([]byte, 0, 4096)
	for {
		select {
		case r := <-a.queue:
			buf = a.process(r, buf)
		case <-a.stop:
			for {
				select {
				case r := <-a.queue:
					buf = a.process(r, buf)
				default:
					a.notice()
					return
				}
			}
		}
	}
}

// process writes r and whatever else is already queued (up to maxBatch bytes
// per sink write), honouring flush markers in order. buf is scratch space,
// returned for reuse.
func (a *AsyncWriter) process(r request, buf []byte) []byte {
	buf = buf[:0]
	for {
		if r.flushed != nil {
			a.write(buf)
			buf = buf[:0]
			a.notice()
			close(r.flushed)
		} else {
			buf = append(buf, r.p...)
		}
		if len(buf) >= maxBatch {
			break
		}
		var ok bool
		select {
		case r, ok = <-a.queue:
		default:
		}
		if !ok {
			break
		}
	}
	a.write(buf)
	if len(a.queue) <= cap(a.queue)/2 {
		// Space has returned and the lines queued before the drops are
		// mostly written: say what was lost, close to where it was lost.
		a.notice()
	}
	if cap(buf) > 4*maxBatch {
		buf = make([]byte, 0, 4096) // do not keep a huge burst's buffer
	}
	return buf
}

// notice writes the "N log lines dropped" line if lines were dropped since
// the last notice.
func (a *AsyncWriter) notice() {
	n := a.pending.Swap(0)
	if n == 0 {
		return
	}
	lines := "lines"
	if n == 1 {
		lines = "line"
	}
	a.write(fmt.Appendf(nil, "level=warning msg=\"%d log %s dropped\"\n", n, lines))
}

// write hands p to the sink and records the first error.
func (a *AsyncWriter) write(p []byte) {
	if len(p) == 0 {
		return
	}
	if _, err := a.sink.Write(p); err != nil {
		a.errMu.Lock()
		if a.err == nil {
			a.err = err
		}
		a.errMu.Unlock()
	}
}
