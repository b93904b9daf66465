package memory_test

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"github.com/tusk-app/tusk/backend/memory"
)

func newLog() (*logrus.Logger, *test.Hook) {
	log, hook := test.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	return log, hook
}

func returned(hook *test.Hook) int {
	n := 0
	for _, e := range hook.AllEntries() {
		if e.Message == "memory returned to the OS" {
			n++
		}
	}
	return n
}

var sink [][]byte

func TestReleasedGivesFreedMemoryBack(t *testing.T) {
	log, hook := newLog()
	r := memory.NewReturner(10*time.Millisecond, log)
	defer r.Close()

	for range 64 { // 64 MiB, as a result set's chunks
		sink = append(sink, make([]byte, 1<<20))
	}
	sink = nil
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	r.Released()
	r.Released() // the same burst: one collection
	deadline := time.Now().Add(5 * time.Second)
	for returned(hook) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	if n := returned(hook); n != 1 {
		t.Fatalf("%d returns for one burst; want 1", n)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if got := int64(after.HeapReleased) - int64(before.HeapReleased); got < 32<<20 {
		t.Fatalf("released %d MiB to the OS; want the dropped 64 MiB (at least 32)", got>>20)
	}

	r.Released() // a later burst gets its own collection
	deadline = time.Now().Add(5 * time.Second)
	for returned(hook) < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := returned(hook); n != 2 {
		t.Fatalf("%d returns after a second burst; want 2", n)
	}
}

func TestCloseCancelsAPendingReturn(t *testing.T) {
	log, hook := newLog()
	r := memory.NewReturner(20*time.Millisecond, log)
	r.Released()
	r.Close()
	r.Released()
	time.Sleep(100 * time.Millisecond)
	if n := returned(hook); n != 0 {
		t.Fatalf("%d returns after Close; want none", n)
	}
}

func TestAlsoRunsAfterEachReturnUnlessClosed(t *testing.T) {
	log, hook := newLog()
	r := memory.NewReturner(10*time.Millisecond, log)
	calls := make(chan time.Time, 4)
	r.Also(30*time.Millisecond, func() { calls <- time.Now() })

	released := time.Now()
	r.Released()
	r.Released() // the same burst
	select {
	case at := <-calls:
		if returned(hook) != 1 {
			t.Fatal("Also ran before the Go memory was returned")
		}
		if d := at.Sub(released); d < 40*time.Millisecond {
			t.Fatalf("Also ran %v after Released; want the return's delay and its own (40 ms)", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Also did not run after a return")
	}
	select {
	case <-calls:
		t.Fatal("Also ran twice for one burst")
	case <-time.After(100 * time.Millisecond):
	}

	r.Released()
	time.Sleep(20 * time.Millisecond) // returned, Also pending
	r.Close()
	select {
	case <-calls:
		t.Fatal("Also ran after Close")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestConfigureSetsTheGCPercentUnlessGOGCIsSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))

	t.Setenv("GOGC", "")
	memory.Configure()
	if got := debug.SetGCPercent(100); got != memory.GCPercent {
		t.Fatalf("GC percent %d after Configure; want %d", got, memory.GCPercent)
	}

	t.Setenv("GOGC", "100")
	memory.Configure()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d with GOGC=100 set; want it left at 100", got)
	}
}
