package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/logging"
	"github.com/tusk-app/tusk/backend/state"
)

// The canary is put into every secret-shaped field the fuzzer fills; it
// must never appear in a log line.
const fuzzCanary = "Canary-Fz7q-Pw!"

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fuzzApp is an App over a fresh state whose every log line, at trace
// level, lands in the returned buffer (the file log too, in the data dir).
func fuzzApp(t *testing.T) (*App, *syncBuffer, string) {
	t.Helper()
	dir := t.TempDir()
	console := &syncBuffer{}
	cfg := logging.DefaultConfig(dir)
	cfg.Console = console
	cfg.Level = logrus.TraceLevel
	logs := logging.New(cfg)
	st, err := state.New(context.Background(), state.Options{DataDir: dir, Log: logs.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	app := NewApp(logs, st, time.Now())
	t.Cleanup(func() { app.shutdown(context.Background()) })
	return app, console, dir
}

// callMessage is the message the webview sends for a bound call
// (window.WailsInvoke('C' + JSON.stringify({name, args, callbackID}))).
type callMessage struct {
	Name       string            `json:"name"`
	Args       []json.RawMessage `json:"args"`
	CallbackID string            `json:"callbackID"`
}

// callbackMessage is what Wails sends back ('c' + JSON).
type callbackMessage struct {
	Result     any    `json:"result"`
	Err        any    `json:"error"`
	CallbackID string `json:"callbackid"`
}

// dispatch does with a call message what Wails v2.16 does with one from the
// webview: internal/frontend/dispatcher/calls.go processCallMessage, with
// internal/binding/boundMethod.go ParseArgs (reflect.New of each parameter
// type, json.Unmarshal of each argument into it) and Call (one or two
// results, the last an error), the ErrorFormatter (apperr.Format) and the
// JSON encoding of the answer. Those packages are internal to Wails, so the
// steps are repeated here, line for line. It returns the callback message,
// or parseErr when Wails would fail before calling the method — the case in
// which the webview never hears back.
func dispatch(app *App, message string) (answer string, parseErr error) {
	var payload callMessage
	if err := json.Unmarshal([]byte(message[1:]), &payload); err != nil {
		return "", err
	}
	name := strings.TrimPrefix(payload.Name, "main.App.")
	m := reflect.ValueOf(app).MethodByName(name)
	if !m.IsValid() {
		return "", fmt.Errorf("method '%s' not registered", payload.Name)
	}
	mt := m.Type()
	if len(payload.Args) != mt.NumIn() {
		return "", fmt.Errorf("received %d arguments to method '%s', expected %d", len(payload.Args), payload.Name, mt.NumIn())
	}
	args := make([]reflect.Value, mt.NumIn())
	for i, arg := range payload.Args {
		v := reflect.New(mt.In(i))
		if err := json.Unmarshal(arg, v.Interface()); err != nil {
			return "", fmt.Errorf("error parsing arguments: %s", err.Error())
		}
		args[i] = v.Elem()
	}
	out := m.Call(args)
	cb := callbackMessage{CallbackID: payload.CallbackID}
	var err error
	switch len(out) {
	case 1:
		if e, ok := out[0].Interface().(error); ok {
			err = e
		} else {
			cb.Result = out[0].Interface()
		}
	case 2:
		cb.Result = out[0].Interface()
		if e, ok := out[1].Interface().(error); ok {
			err = e
		}
	}
	if err != nil {
		cb.Err = apperr.Format(err)
	}
	b, mErr := json.Marshal(cb)
	if mErr != nil {
		// Wails calls log.Fatal here: the app would exit.
		return "", fmt.Errorf("the answer cannot be encoded (Wails would exit): %w", mErr)
	}
	return "c" + string(b), nil
}

// boundMethods lists the methods Wails binds on App.
func boundMethods(app *App) []reflect.Method {
	t := reflect.TypeOf(app)
	out := make([]reflect.Method, 0, t.NumMethod())
	for i := range t.NumMethod() {
		out = append(out, t.Method(i))
	}
	return out
}

// randomJSON is a random JSON value of type t's shape or not: with the
// struct's own field names but values of random kinds, or anything at all.
func randomJSON(r *rand.Rand, t reflect.Type, depth int) any {
	if depth > 3 || r.IntN(4) == 0 {
		return randomValue(r, depth)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		obj := map[string]any{}
		for _, f := range jsonFields(t) {
			if r.IntN(3) == 0 {
				continue
			}
			obj[f.name] = fieldValue(r, f, depth)
		}
		return obj
	case reflect.Slice:
		n := r.IntN(3)
		list := make([]any, n)
		for i := range list {
			list[i] = randomJSON(r, t.Elem(), depth+1)
		}
		return list
	case reflect.String:
		return randomString(r)
	case reflect.Bool:
		return r.IntN(2) == 0
	case reflect.Int, reflect.Int32, reflect.Int64:
		return []any{0, -1, 1, 65536, 1 << 40, 3.5, 99999999999}[r.IntN(7)]
	case reflect.Float64:
		return r.Float64() * 1000
	}
	return randomValue(r, depth)
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields lists the JSON fields of a struct, promoted ones included.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, f.Type})
	}
	return out
}

// fieldValue fills a field: secret-shaped fields get the canary.
func fieldValue(r *rand.Rand, f jsonField, depth int) any {
	lower := strings.ToLower(f.name)
	switch {
	case strings.Contains(lower, "password") || strings.Contains(lower, "secret"):
		if r.IntN(3) > 0 {
			return fuzzCanary
		}
	case lower == "pastedurl":
		return "postgres://alice:" + fuzzCanary + "@db.invalid:5432/shop"
	case lower == "path":
		return "" // no files outside the test's directories
	case lower == "host":
		return "db.invalid" // never a real host: name lookup fails at once
	}
	return randomJSON(r, f.typ, depth+1)
}

func randomValue(r *rand.Rand, depth int) any {
	switch r.IntN(7) {
	case 0:
		return nil
	case 1:
		return r.IntN(2) == 0
	case 2:
		return r.NormFloat64() * 1e6
	case 3:
		return randomString(r)
	case 4:
		if depth > 3 {
			return "x"
		}
		return []any{randomValue(r, depth+1), randomValue(r, depth+1)}
	case 5:
		if depth > 3 {
			return 1
		}
		return map[string]any{randomString(r): randomValue(r, depth+1), "password": fuzzCanary}
	default:
		return ""
	}
}

func randomString(r *rand.Rand) string {
	const alphabet = "abcXYZ019 -_'\"\\/{}[]:é𝄞\x00\n"
	runes := []rune(alphabet)
	n := r.IntN(12)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}

// boundFor is how long a call may take before it counts as hung. By design
// every call answers within CallBound (2 s; the calls here mostly at once,
// without a server), and Connect and TestConnection within the connection's
// connect timeout (bounded by validation); the limits checked leave room
// for a loaded machine, so that only a call that hangs fails. The longest
// calls are logged.
func boundFor(method string) time.Duration {
	switch method {
	case "Connect", "TestConnection":
		return 30 * time.Second
	}
	return 10 * time.Second
}

// fuzzCalls throws random JSON at every bound method through dispatch and
// fails on a call Wails would not answer, a panic, an answer that cannot be
// encoded, a call slower than its bound or an answer without an
// ErrorInfo. It returns the longest call per method.
func fuzzCalls(t *testing.T, app *App, r *rand.Rand, rounds int) map[string]time.Duration {
	t.Helper()
	longest := map[string]time.Duration{}
	for _, m := range boundMethods(app) {
		for round := range rounds {
			args := make([]any, m.Type.NumIn()-1)
			for i := range args {
				args[i] = randomJSON(r, m.Type.In(i+1), 0)
			}
			raw, err := json.Marshal(callMessage{Name: "main.App." + m.Name, CallbackID: fmt.Sprintf("%s-%d", m.Name, round)})
			if err != nil {
				t.Fatal(err)
			}
			argJSON, err := json.Marshal(args)
			if err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
			msg := "C" + strings.Replace(string(raw), `"args":null`, `"args":`+string(argJSON), 1)

			type outcome struct {
				answer string
				err    error
				panic  any
			}
			done := make(chan outcome, 1)
			start := time.Now()
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- outcome{panic: p}
					}
				}()
				a, err := dispatch(app, msg)
				done <- outcome{answer: a, err: err}
			}()
			select {
			case o := <-done:
				took := time.Since(start)
				longest[m.Name] = max(longest[m.Name], took)
				switch {
				case o.panic != nil:
					t.Fatalf("%s panicked on %s: %v", m.Name, argJSON, o.panic)
				case o.err != nil:
					t.Fatalf("%s: Wails would never answer the webview (%v); arguments %s", m.Name, o.err, argJSON)
				case took > boundFor(m.Name):
					t.Errorf("%s took %v (bound %v)", m.Name, took, boundFor(m.Name))
				}
				var cb callbackMessage
				if err := json.Unmarshal([]byte(o.answer[1:]), &cb); err != nil || cb.CallbackID == "" {
					t.Fatalf("%s: malformed answer %q", m.Name, o.answer)
				}
				if cb.Err != nil {
					var info apperr.ErrorInfo
					if s, ok := cb.Err.(string); !ok || json.Unmarshal([]byte(s), &info) != nil || info.Kind == "" {
						t.Fatalf("%s: rejected without an ErrorInfo: %v", m.Name, cb.Err)
					}
					if info.Kind == apperr.Internal {
						t.Errorf("%s: bad arguments reported as a bug in Tusk: %+v (arguments %s)", m.Name, info, argJSON)
					}
				}
			case <-time.After(boundFor(m.Name) + 3*time.Second):
				t.Fatalf("%s never answered; arguments %s", m.Name, argJSON)
			}
		}
	}
	return longest
}

// TestBoundCallsAnswerWhateverTheArguments is the fuzz test of the bound
// API's edge: random JSON at every bound method, through the path the
// webview's calls take. Every call answers, within its bound, without a
// panic; malformed arguments are Validation errors naming the argument; no
// secret reaches any log line.
func TestBoundCallsAnswerWhateverTheArguments(t *testing.T) {
	app, console, dir := fuzzApp(t)
	r := rand.New(rand.NewPCG(10, 2026))
	rounds := 150
	if testing.Short() {
		rounds = 5
	}
	longest := fuzzCalls(t, app, r, rounds)
	var worst string
	for name, d := range longest {
		if worst == "" || d > longest[worst] {
			worst = name
		}
	}
	t.Logf("%d methods × %d random calls; the slowest was %s at %v", len(longest), rounds, worst, longest[worst])
	app.logs.Close()
	logs := console.String()
	if files, _ := filepath.Glob(filepath.Join(dir, "logs", "*")); len(files) > 0 {
		for _, f := range files {
			b, _ := os.ReadFile(f)
			logs += string(b)
		}
	}
	if strings.Contains(logs, fuzzCanary) {
		i := strings.Index(logs, fuzzCanary)
		t.Fatalf("a secret reached the log: …%s…", logs[max(0, i-200):min(len(logs), i+50)])
	}
}

// TestMistypedArgumentsNameTheArgument: the calls the issue found hanging
// (a string port, a number where an ID belongs) are refused at once with a
// Validation error that names the field and not its value.
func TestMistypedArgumentsNameTheArgument(t *testing.T) {
	app, console, _ := fuzzApp(t)
	for _, c := range []struct{ method, args, field string }{
		{"SaveConnection", `[{"config":{"name":"x","host":"h","port":"5432","database":"d","user":"u"},"password":"` + fuzzCanary + `","remember":true}]`, "config.port"},
		{"CancelQuery", `[{"queryId":42}]`, "queryId"},
		{"CloseSession", `["tab-1"]`, "request"},
		{"Execute", `[{"sessionId":"s","connectionId":"c","sql":"select 1","offset":"0"}]`, "offset"},
		{"ConnectionStates", `[]`, ""},
		{"StopReconnect", `[{"connectionId":["a"]}]`, "connectionId"},
		{"ReportTiming", `[{"name":"x","ms":"fast"}]`, "ms"},
		{"SetUIState", `[{"key":"k","value":{"not":"a string"}}]`, "value"},
		{"History", `[{"filter":{"limit":"ten"}}]`, "filter.limit"},
		{"ParseConnectionURL", `[null]`, ""},
	} {
		start := time.Now()
		answer, err := dispatch(app, `C{"name":"main.App.`+c.method+`","args":`+c.args+`,"callbackID":"x"}`)
		if err != nil {
			t.Fatalf("%s: Wails would not answer: %v", c.method, err)
		}
		if took := time.Since(start); took > boundFor(c.method) {
			t.Errorf("%s hung: %v", c.method, took)
		}
		var cb callbackMessage
		if err := json.Unmarshal([]byte(answer[1:]), &cb); err != nil {
			t.Fatal(err)
		}
		if c.field == "" {
			continue // well-formed: answered one way or another
		}
		var info apperr.ErrorInfo
		s, _ := cb.Err.(string)
		if json.Unmarshal([]byte(s), &info) != nil || info.Kind != apperr.Validation || len(info.Fields) != 1 || info.Fields[0].Field != c.field {
			t.Errorf("%s %s: answer %s, want a Validation error on %q", c.method, c.args, answer, c.field)
		}
		if strings.Contains(answer, fuzzCanary) || strings.Contains(answer, "5432\"") {
			t.Errorf("%s: the answer repeats a value: %s", c.method, answer)
		}
	}
	if strings.Contains(console.String(), fuzzCanary) {
		t.Fatal("the password reached the log")
	}
}

// TestWailsLogLinesWithholdArguments: the lines Wails itself logs when a
// call fails before the method (the shape of dispatcher.go's "process
// message error") keep the method name and lose the arguments.
func TestWailsLogLinesWithholdArguments(t *testing.T) {
	var out bytes.Buffer
	log := logrus.New()
	log.SetOutput(&out)
	log.SetLevel(logrus.TraceLevel)
	w := wailsLogger{log: log}
	msg := `C{"name":"main.App.SaveConnection","args":[{"config":{"port":"5432"},"password":"` + fuzzCanary + `"}],"callbackID":"main.App.SaveConnection-1"}`
	w.Error("process message error: " + msg + " -> error parsing arguments: json: cannot unmarshal string into Go struct field Config.config.port of type int")
	w.Info("Unknown message from front end: " + msg[:40]) // cut short
	w.Trace(`json call result data: {"result":{"password":"` + fuzzCanary + `"},"callbackid":"x"}`)
	got := out.String()
	if strings.Contains(got, fuzzCanary) || strings.Contains(got, "5432") {
		t.Fatalf("arguments reached the log:\n%s", got)
	}
	if !strings.Contains(got, "main.App.SaveConnection") || !strings.Contains(got, "cannot unmarshal") {
		t.Fatalf("the useful part is gone:\n%s", got)
	}
}

// FuzzBoundCalls lets `go test -fuzz=FuzzBoundCalls` search for arguments
// that make a bound call hang, panic or leak; as a plain test it runs the
// seeds.
func FuzzBoundCalls(f *testing.F) {
	for _, seed := range []uint64{1, 7, 2026} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		app, console, _ := fuzzApp(t)
		fuzzCalls(t, app, rand.New(rand.NewPCG(seed, 1)), 2)
		if strings.Contains(console.String(), fuzzCanary) {
			t.Fatal("a secret reached the log")
		}
	})
}

// TestMistypedBoundCallsFault is the fault suite's row for the bound API's
// edge (the other rows are backend/internal/faults): calls whose arguments
// have the wrong JSON types, as the issue sent them, through the webview's
// path; then well-formed calls, which must all work.
func TestMistypedBoundCallsFault(t *testing.T) {
	app, _ := newTestApp(t)
	var worst time.Duration
	slowest := ""
	for _, c := range []struct{ method, args string }{
		{"SaveConnection", `[{"config":{"port":"5432"},"password":"` + fuzzCanary + `"}]`},
		{"CancelQuery", `[{"queryId":7}]`},
		{"Connect", `[{"id":{"x":1}}]`},
		{"Execute", `[{"sessionId":1,"sql":["select 1"]}]`},
		{"Disconnect", `["a-connection-id"]`},
		{"CloseSession", `[42]`},
	} {
		start := time.Now()
		answer, err := dispatch(app, `C{"name":"main.App.`+c.method+`","args":`+c.args+`,"callbackID":"f"}`)
		if took := time.Since(start); took > worst {
			worst, slowest = took, c.method
		}
		if err != nil {
			t.Fatalf("%s: Wails would not answer: %v", c.method, err)
		}
		var cb callbackMessage
		_ = json.Unmarshal([]byte(answer[1:]), &cb)
		var info apperr.ErrorInfo
		s, _ := cb.Err.(string)
		if json.Unmarshal([]byte(s), &info) != nil || info.Kind != apperr.Validation || len(info.Fields) == 0 {
			t.Fatalf("%s: %s", c.method, answer)
		}
	}
	after := 0
	for _, ok := range []string{`C{"name":"main.App.ListConnections","args":[],"callbackID":"a"}`, `C{"name":"main.App.AppInfo","args":[],"callbackID":"b"}`} {
		answer, err := dispatch(app, ok)
		var cb callbackMessage
		if err != nil || json.Unmarshal([]byte(answer[1:]), &cb) != nil || cb.Err != nil {
			after++
		}
	}
	row := fmt.Sprintf("| %-38s | %9s | %-24s | %5d | %9s %-20s |\n", "mistyped bound calls (6 methods)",
		worst.Round(time.Microsecond), "validation", after, worst.Round(time.Microsecond), "("+slowest+")")
	fmt.Print(row)
	if err := os.MkdirAll("test-results", 0o755); err == nil {
		_ = os.WriteFile(filepath.Join("test-results", "faults-bound.txt"), []byte(row), 0o644)
	}
	if after != 0 || worst > 2*time.Second {
		t.Fatalf("%d errors after the mistyped calls; slowest %v", after, worst)
	}
}

// TestWithinAnswersInTime: a bound call whose server does not answer
// returns after CallBound; one that finishes in time returns its result.
func TestWithinAnswersInTime(t *testing.T) {
	app, _ := newTestApp(t)
	st, _ := app.state()
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	_, err := within(st, func(ctx context.Context) (string, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return "late", nil
	}, func() error { return apperr.New(apperr.Connection, "late") })
	if took := time.Since(start); took < answerWithin || took > CallBound+10*time.Second || apperr.KindOf(err) != apperr.Connection {
		t.Fatalf("a silent call returned after %v with %v", took, err)
	}
	v, err := within(st, func(context.Context) (string, error) { return "fast", nil }, func() error { return nil })
	if v != "fast" || err != nil {
		t.Fatalf("%q %v", v, err)
	}
}
