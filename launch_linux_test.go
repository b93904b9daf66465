package main

import (
	"testing"
	"time"
)

// initialised is when this package's variables were set: after the process
// started (the kernel's start time) and before any test ran.
var initialised = time.Now()

func TestLaunchTimeReadsTheKernelsStartTime(t *testing.T) {
	time.Sleep(20 * time.Millisecond)
	now := time.Now()
	got := launchTime(now)
	// The kernel's figure is in 10 ms ticks, taken at the middle: ±5 ms.
	if got.After(initialised.Add(5 * time.Millisecond)) {
		t.Fatalf("launchTime = %v, after package init at %v: the fallback (%v) was used", got, initialised, now)
	}
	if initialised.Sub(got) > time.Minute {
		t.Fatalf("launchTime = %v, %v before package init", got, initialised.Sub(got))
	}
}
