package main

import (
	"encoding/json"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/secret"
)

// wailsLogger receives Wails' own log lines (options.App.Logger) and writes
// them to Tusk's log without the IPC messages Wails quotes: when a call
// fails before it reaches the method, Wails logs the whole message — the
// arguments, passwords included ("process message error: C{…} -> …"). Such
// a message is reduced to the name of the method called; anything else is
// redacted like every Tusk log line. Safe for concurrent use.
type wailsLogger struct{ log *logrus.Logger }

func (w wailsLogger) entry() *logrus.Entry { return w.log.WithField("source", "wails") }

func (w wailsLogger) Print(m string)   { w.entry().Info(withoutMessages(m)) }
func (w wailsLogger) Trace(m string)   { w.entry().Trace(withoutMessages(m)) }
func (w wailsLogger) Debug(m string)   { w.entry().Debug(withoutMessages(m)) }
func (w wailsLogger) Info(m string)    { w.entry().Info(withoutMessages(m)) }
func (w wailsLogger) Warning(m string) { w.entry().Warn(withoutMessages(m)) }
func (w wailsLogger) Error(m string)   { w.entry().Error(withoutMessages(m)) }

// Fatal logs like Error: Wails calls it when a result cannot be encoded,
// and Tusk's log is flushed by its own shutdown.
func (w wailsLogger) Fatal(m string) { w.entry().Error(withoutMessages(m)) }

// withoutMessages replaces every IPC message quoted in line (a call
// "C{…}"/"c{…}", an event "E{…}", or a bare JSON object) by a short
// description that names the method, never the arguments, and redacts the
// rest.
func withoutMessages(line string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(line, '{')
		if i < 0 {
			b.WriteString(line)
			break
		}
		end := matchingBrace(line, i)
		if end < 0 {
			// An object cut short: drop the rest, it may be arguments.
			b.WriteString(line[:i])
			b.WriteString("{…withheld…}")
			break
		}
		b.WriteString(line[:i])
		b.WriteString(describeMessage(line[i : end+1]))
		line = line[end+1:]
	}
	return secret.Redact(b.String())
}

// describeMessage names what a JSON IPC message was for.
func describeMessage(js string) string {
	var m struct {
		Name string `json:"name"`
		ID   string `json:"id"`
	}
	if json.Unmarshal([]byte(js), &m) == nil && (m.Name != "" || m.ID != "") {
		name := m.Name
		if name == "" {
			name = m.ID
		}
		if len(name) > 80 {
			name = name[:80]
		}
		return "{call " + strings.Map(printable, name) + ", arguments withheld}"
	}
	return "{…withheld…}"
}

func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}

// matchingBrace returns the index of the '}' that closes the '{' at
// line[open], skipping JSON strings; -1 when there is none.
func matchingBrace(line string, open int) int {
	depth, inString, escaped := 0, false, false
	for i := open; i < len(line); i++ {
		c := line[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
