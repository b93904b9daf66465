//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// clockTicks is the unit of /proc/<pid>/stat's starttime (USER_HZ), 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// launchTime returns when the process was exec'd: the kernel's start time
// from /proc/self/stat, which also counts the dynamic loader mapping GTK and
// WebKit and the Go runtime's start before main. The kernel reports it in
// 10 ms ticks (truncated), so the middle of that tick is taken: the figure
// is within ±5 ms. fallback (main's own start) is returned when /proc cannot
// be read, and bounds the result from above.
func launchTime(fallback time.Time) time.Time {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return fallback
	}
	// The command name (field 2) may contain spaces and parentheses: the
	// fields after it start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return fallback
	}
	f := strings.Fields(s[i+2:])
	if len(f) < 20 {
		return fallback
	}
	ticks, err := strconv.ParseUint(f[19], 10, 64) // field 22: starttime
	if err != nil {
		return fallback
	}
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) != nil {
		return fallback
	}
	now := time.Now()
	started := time.Duration(ticks)*(time.Second/clockTicks) + time.Second/clockTicks/2
	t := now.Add(-(time.Duration(ts.Nano()) - started))
	if t.After(fallback) {
		return fallback
	}
	return t
}
