package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// traceMemory samples the app's process tree every 250 ms until the returned
// stop is called, then appends the series to path, one line per reading
// (ms since launch, PSS per process) with the app's log events in between.
func traceMemory(app *appRun, path string) (stop func()) {
	type reading struct {
		at    time.Duration
		procs []procMem
		maps  []string // where each process's memory is, at the first reading after a mark
	}
	var readings []reading
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		marks := 0
		for {
			// The kernel's figures only: computing aloneMB every 250 ms
			// would load the machine it measures.
			r := reading{at: time.Since(app.launched), procs: treeMemory(app.pid())}
			if n := countMarks(app.log.snapshot()); n > marks {
				marks = n
				for _, p := range r.procs {
					r.maps = append(r.maps, p.Comm+": "+strings.Join(mappingsPSS(p.PID, 8), ", "))
				}
			}
			readings = append(readings, r)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		var b strings.Builder
		events := app.log.snapshot()
		sort.SliceStable(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
		e := 0
		for _, r := range readings {
			for ; e < len(events) && events[e].At.Sub(app.launched) <= r.at; e++ {
				l := events[e]
				if l.Msg == "ui timing" || l.Msg == "bench mark" {
					fmt.Fprintf(&b, "%7d   # %s %s%s\n", l.At.Sub(app.launched).Milliseconds(), l.Msg, l.Fields["timing"]+l.Fields["mark"], " "+l.Fields["ms"])
				}
			}
			fmt.Fprintf(&b, "%7d %6.0f MB PSS, %4.0f MB anon  %s\n", r.at.Milliseconds(), totalMB(r.procs), anonMB(r.procs), perProcess(r.procs))
			for _, m := range r.maps {
				fmt.Fprintf(&b, "          %s\n", m)
			}
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchui: trace:", err)
			return
		}
		defer f.Close()
		fmt.Fprintf(f, "# scenario launched %s\n%s", app.launched.Format(time.TimeOnly), b.String())
	}
}

func countMarks(lines []logLine) int {
	n := 0
	for _, l := range lines {
		if l.Msg == "bench mark" {
			n++
		}
	}
	return n
}
