package main

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// logLine is one parsed line of the app's console log (logrus text format:
// time="…" level=info msg="…" key=value …), with when the harness read it.
type logLine struct {
	At     time.Time
	Msg    string
	Fields map[string]string
}

// logWatch follows the app's log file as it grows. Safe for concurrent use.
type logWatch struct {
	mu    sync.Mutex // guards the fields below
	lines []logLine
	raw   []string
	wake  chan struct{} // closed and replaced when a line arrives

	stop chan struct{}
	done chan struct{}
}

func watchLog(path string) *logWatch {
	w := &logWatch{wake: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go w.follow(path)
	return w
}

func (w *logWatch) follow(path string) {
	defer close(w.done)
	var f *os.File
	for f == nil {
		var err error
		if f, err = os.Open(path); err != nil {
			select {
			case <-w.stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var partial string
	for {
		s, err := r.ReadString('\n')
		partial += s
		if err == nil {
			w.add(strings.TrimRight(partial, "\n"))
			partial = ""
			continue
		}
		if err != io.EOF {
			return
		}
		select {
		case <-w.stop:
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (w *logWatch) add(raw string) {
	l := parseLogLine(raw)
	l.At = time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.raw = append(w.raw, raw)
	if l.Msg != "" {
		w.lines = append(w.lines, l)
	}
	close(w.wake)
	w.wake = make(chan struct{})
}

func (w *logWatch) close() {
	close(w.stop)
	<-w.done
}

// waitFor returns the first line (from index `from` on) for which match is
// true, waiting up to timeout; ok is false on timeout or when gone reports
// that the app exited.
func (w *logWatch) waitFor(from int, timeout time.Duration, gone func() bool, match func(logLine) bool) (logLine, int, bool) {
	deadline := time.After(timeout)
	for i := from; ; {
		w.mu.Lock()
		for ; i < len(w.lines); i++ {
			if match(w.lines[i]) {
				l := w.lines[i]
				w.mu.Unlock()
				return l, i + 1, true
			}
		}
		wake := w.wake
		w.mu.Unlock()
		select {
		case <-wake:
		case <-deadline:
			return logLine{}, i, false
		case <-time.After(100 * time.Millisecond):
			if gone() {
				return logLine{}, i, false
			}
		}
	}
}

// snapshot returns the parsed lines so far.
func (w *logWatch) snapshot() []logLine {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]logLine(nil), w.lines...)
}

// tail returns the last n raw lines, for error messages.
func (w *logWatch) tail(n int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	from := max(0, len(w.raw)-n)
	return strings.Join(w.raw[from:], "\n")
}

// timings returns every "ui timing" figure of the log by name, in order.
func timings(lines []logLine) map[string][]float64 {
	out := map[string][]float64{}
	for _, l := range lines {
		if l.Msg != "ui timing" {
			continue
		}
		v, err := strconv.ParseFloat(l.Fields["ms"], 64)
		if err != nil {
			continue
		}
		out[l.Fields["timing"]] = append(out[l.Fields["timing"]], v)
	}
	return out
}

// parseLogLine splits key=value pairs; values may be double-quoted with
// backslash escapes. Lines that are not logrus lines give an empty Msg.
func parseLogLine(s string) logLine {
	l := logLine{Fields: map[string]string{}}
	for s != "" {
		s = strings.TrimLeft(s, " ")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 || strings.ContainsAny(s[:eq], " \"") {
			return logLine{}
		}
		key := s[:eq]
		s = s[eq+1:]
		var val string
		if strings.HasPrefix(s, `"`) {
			end := 1
			for end < len(s) && s[end] != '"' {
				if s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return logLine{}
			}
			uq, err := strconv.Unquote(s[:end+1])
			if err != nil {
				return logLine{}
			}
			val, s = uq, s[end+1:]
		} else {
			sp := strings.IndexByte(s, ' ')
			if sp < 0 {
				sp = len(s)
			}
			val, s = s[:sp], s[sp:]
		}
		if key == "msg" {
			l.Msg = val
		} else {
			l.Fields[key] = val
		}
	}
	return l
}
