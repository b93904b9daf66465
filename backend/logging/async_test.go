package logging_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/logging"
)

// gatedSink blocks every Write until the gate is opened, and reports on
// entered when a Write has started: a disk that has stalled.
type gatedSink struct {
	entered chan struct{}
	gate    chan struct{}
	buf     syncBuffer
}

func newGatedSink() *gatedSink {
	return &gatedSink{entered: make(chan struct{}, 1), gate: make(chan struct{})}
}

func (s *gatedSink) Write(p []byte) (int, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.gate
	return s.buf.Write(p)
}

// within fails the test if f does not return in time: a hang detector for
// calls that must not block, not a latency assertion.
func within(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s blocked", what)
	}
}

func TestAsyncWriterNeverBlocksAndCountsDrops(t *testing.T) {
	const capacity, extra = 8, 25
	sink := newGatedSink()
	w := logging.NewAsyncWriter(sink, capacity)
	defer w.Close()

	// Line 0 is taken by the writer goroutine, which then blocks in the sink.
	if _, err := w.Write([]byte("line 0\n")); err != nil {
		t.Fatal(err)
	}
	<-sink.entered
	// The queue takes capacity more lines; the rest overflow.
	within(t, "Write to a stalled sink", func() {
		for i := 1; i <= capacity+extra; i++ {
			n, err := fmt.Fprintf(w, "line %d\n", i)
			if err != nil || n == 0 {
				t.Errorf("Write = %d, %v; want success even when dropping", n, err)
			}
		}
	})
	if got := w.Dropped(); got != extra {
		t.Fatalf("Dropped() = %d, want %d", got, extra)
	}

	close(sink.gate)
	w.Flush()
	var want strings.Builder
	for i := 0; i <= capacity; i++ {
		fmt.Fprintf(&want, "line %d\n", i)
	}
	fmt.Fprintf(&want, "level=warning msg=\"%d log lines dropped\"\n", extra)
	if got := sink.buf.String(); got != want.String() {
		t.Fatalf("sink got:\n%s\nwant:\n%s", got, want.String())
	}

	// Space is back: new lines go through, and no second notice appears.
	fmt.Fprintln(w, "after")
	w.Flush()
	if got := sink.buf.String(); !strings.HasSuffix(got, "dropped\"\nafter\n") || w.Dropped() != extra {
		t.Errorf("after recovery sink ends %q, Dropped() = %d", got[max(0, len(got)-60):], w.Dropped())
	}
}

func TestAsyncWriterNoticeForOneLine(t *testing.T) {
	sink := newGatedSink()
	w := logging.NewAsyncWriter(sink, 1)
	fmt.Fprintln(w, "a")
	<-sink.entered
	fmt.Fprintln(w, "b") // queued
	fmt.Fprintln(w, "c") // dropped
	close(sink.gate)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := sink.buf.String(), "a\nb\nlevel=warning msg=\"1 log line dropped\"\n"; got != want {
		t.Errorf("sink got %q, want %q", got, want)
	}
}

func TestAsyncWriterFlushWritesEverythingInOrder(t *testing.T) {
	var sink syncBuffer
	w := logging.NewAsyncWriter(&sink, 0) // default capacity
	defer w.Close()
	var want strings.Builder
	for i := range 2000 {
		line := fmt.Sprintf("line %d %s\n", i, strings.Repeat("x", i%100))
		want.WriteString(line)
		if _, err := w.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	if sink.String() != want.String() {
		t.Fatalf("sink content differs after Flush (%d bytes, want %d)", len(sink.String()), want.Len())
	}
	if w.Dropped() != 0 {
		t.Errorf("Dropped() = %d", w.Dropped())
	}
}

// The writer copies p: callers may reuse their buffer at once.
func TestAsyncWriterCopiesInput(t *testing.T) {
	sink := newGatedSink()
	w := logging.NewAsyncWriter(sink, 4)
	buf := []byte("first\n")
	w.Write(buf)
	copy(buf, "XXXXX\n")
	close(sink.gate)
	w.Close()
	if got := sink.buf.String(); got != "first\n" {
		t.Errorf("sink got %q, want %q", got, "first\n")
	}
}

func TestAsyncWriterCloseIsIdempotent(t *testing.T) {
	var sink syncBuffer
	w := logging.NewAsyncWriter(&sink, 16)
	fmt.Fprintln(w, "queued")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := w.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
	wg.Wait()
	if sink.String() != "queued\n" {
		t.Errorf("Close did not flush: %q", sink.String())
	}
	if n, err := w.Write([]byte("late\n")); n != 0 || !errors.Is(err, logging.ErrClosed) {
		t.Errorf("Write after Close = %d, %v; want 0, ErrClosed", n, err)
	}
	within(t, "Flush after Close", w.Flush)
}

// Flush and Close racing with writers and each other must neither hang nor
// lose a line that Write accepted before Close.
func TestAsyncWriterConcurrentWriteFlushClose(t *testing.T) {
	const goroutines, lines = 8, 500
	var sink syncBuffer
	w := logging.NewAsyncWriter(&sink, 64)
	var wg sync.WaitGroup
	var accepted sync.Map
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				line := fmt.Sprintf("g%d-%d\n", g, i)
				if _, err := w.Write([]byte(line)); err == nil {
					accepted.Store(line, true)
				}
				if i%100 == 0 {
					w.Flush()
				}
			}
		})
	}
	wg.Go(func() {
		time.Sleep(time.Millisecond)
		w.Close()
	})
	within(t, "concurrent Write/Flush/Close", wg.Wait)

	written := map[string]bool{}
	for _, s := range strings.SplitAfter(sink.String(), "\n") {
		if s != "" && !strings.HasPrefix(s, "level=warning") {
			written[s] = true
		}
	}
	n := 0
	accepted.Range(func(k, _ any) bool {
		n++
		return true
	})
	if got := uint64(len(written)) + w.Dropped(); got != uint64(n) {
		t.Errorf("written %d + dropped %d != accepted %d", len(written), w.Dropped(), n)
	}
}

type failingSink struct{ err error }

func (s failingSink) Write([]byte) (int, error) { return 0, s.err }

func TestAsyncWriterReportsSinkError(t *testing.T) {
	boom := errors.New("disk full")
	w := logging.NewAsyncWriter(failingSink{boom}, 4)
	fmt.Fprintln(w, "lost")
	w.Flush()
	if !errors.Is(w.Err(), boom) {
		t.Errorf("Err() = %v, want %v", w.Err(), boom)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close() = %v, want %v", err, boom)
	}
}

func ExampleNewAsyncWriter() {
	w := logging.NewAsyncWriter(os.Stdout, 1024)
	fmt.Fprintln(w, "queued, written by the writer goroutine")
	w.Close() // flushes; the caller still owns os.Stdout
	// Output: queued, written by the writer goroutine
}
