package event_test

import (
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/event"
)

func TestCoalescerSendsFirstAtOnceAndLatestLast(t *testing.T) {
	var rec event.Recorder
	c := event.NewCoalescer(&rec, event.PoolStatus, 50*time.Millisecond)
	defer c.Stop()
	c.Push("a", 1)
	if got := rec.Events(); len(got) != 1 || got[0].Payload != 1 || got[0].Name != event.PoolStatus {
		t.Fatalf("first push not sent at once: %+v", got)
	}
	for i := 2; i <= 10; i++ {
		c.Push("a", i)
	}
	c.Push("b", 100) // another key is not held back by "a"
	if got := rec.Events(); len(got) != 2 || got[1].Payload != 100 {
		t.Fatalf("key b held back: %+v", got)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(rec.Events()) < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	got := rec.Events()
	if len(got) != 3 || got[2].Payload != 10 {
		t.Fatalf("want the latest payload (10) after the interval, got %+v", got)
	}
}

func TestCoalescerRateUnderLoad(t *testing.T) {
	var rec event.Recorder
	const interval = 20 * time.Millisecond
	c := event.NewCoalescer(&rec, event.PoolStatus, interval)
	defer c.Stop()
	var wg sync.WaitGroup
	start := time.Now()
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				c.Push("pool", g*10000+i)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	time.Sleep(3 * interval)
	got := len(rec.Events())
	max := int(elapsed/interval) + 2
	if got < 1 || got > max {
		t.Fatalf("%d events in %v; want 1..%d", got, elapsed, max)
	}
}
