package query_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
)

// doneWatcher is an Emitter that hands every query:done / query:error to
// a callback, on the goroutine that emitted it (as the UI hears it).
type doneWatcher struct {
	event.Recorder
	mu     sync.Mutex
	onDone func(query.Summary)
}

func (w *doneWatcher) Emit(name string, payload any) {
	w.Recorder.Emit(name, payload)
	if name == query.EventDone || name == query.EventError {
		w.mu.Lock()
		f := w.onDone
		w.mu.Unlock()
		if f != nil {
			f(payload.(query.Summary))
		}
	}
}

// TestSessionIsFreeWhenDoneIsEmitted: the moment query:done is emitted,
// the tab can run its next query — thousands of times in a row.
func TestSessionIsFreeWhenDoneIsEmitted(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	w := &doneWatcher{}
	eng := e.engineWith(t, w)
	const runs = 2000
	next := make(chan error, 1)
	w.onDone = func(s query.Summary) {
		// Straight from the event, as a UI that runs the next statement of
		// a queue would.
		_, err := eng.Execute(query.Request{SessionID: "tab", ConnectionID: e.connID, SQL: "select 1"})
		next <- err
	}
	if _, err := eng.Execute(query.Request{SessionID: "tab", ConnectionID: e.connID, SQL: "select 1"}); err != nil {
		t.Fatal(err)
	}
	for i := range runs {
		select {
		case err := <-next:
			if err != nil {
				t.Fatalf("run %d, started from query:done, was refused: %v", i, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("run %d never finished", i)
		}
	}
	w.mu.Lock()
	w.onDone = func(query.Summary) {}
	w.mu.Unlock()
}

// TestIdleTabsDoNotHoldConnections: 30 tabs on a pool of 10 each run
// queries; tabs that hold nothing give their connection back between runs,
// and a tab that holds a SET value keeps its one and says so.
func TestIdleTabsDoNotHoldConnections(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	waitIdle(t, e, "pool busy before the test")
	for round := range 2 {
		for i := range 30 {
			if sum := e.run(t, fmt.Sprintf("tab-%d", i), "select 1"); sum.Status != query.StatusDone || len(sum.Holds) != 0 {
				t.Fatalf("round %d, tab %d: %+v", round, i, sum)
			}
		}
	}
	waitIdle(t, e, "idle tabs hold connections")
	sum := e.run(t, "keeper", "set work_mem = '8MB'; create temp table scratch (x int)")
	if len(sum.Holds) != 2 || !strings.Contains(strings.Join(sum.Holds, "|"), "work_mem") || !strings.Contains(strings.Join(sum.Holds, "|"), "scratch") {
		t.Fatalf("the tab should say it keeps work_mem and scratch: %q", sum.Holds)
	}
	p, _ := e.st.Pool(e.connID)
	if st := p.Status(); st.Size-st.Available != 1 {
		t.Fatalf("the keeper's connection is not held: %+v", st)
	}
	// The session carries over: the next run sees the setting and the table.
	if s := e.run(t, "keeper", "select current_setting('work_mem'), count(*) from scratch"); *page(t, e, s, 0).Rows[0][0] != "8MB" {
		t.Fatalf("session lost between runs: %+v", s)
	}
	// RESET and DROP: it holds nothing any more and gives the connection back.
	if s := e.run(t, "keeper", "reset work_mem; drop table scratch"); len(s.Holds) != 0 {
		t.Fatalf("still holds %q", s.Holds)
	}
	waitIdle(t, e, "a tab that holds nothing kept its connection")
}

// TestKeptSessionIsGivenUpWhenAnotherTabWaits: every connection is kept by
// an idle tab for its SET value; the next tab gets one of them within
// ReclaimAfter, and the tab that lost it is told, by name, what it lost.
func TestKeptSessionIsGivenUpWhenAnotherTabWaits(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	waitIdle(t, e, "pool busy before the test")
	p, _ := e.st.Pool(e.connID)
	max := p.Status().MaxSize
	for i := range max {
		e.run(t, fmt.Sprintf("keeper-%d", i), "set application_name = 'keeper'")
	}
	start := time.Now()
	if sum := e.run(t, "newcomer", "select 1"); sum.Status != query.StatusDone {
		t.Fatalf("newcomer: %+v", sum.Error)
	}
	t.Logf("the newcomer ran after %v", time.Since(start))
	var lostTab string
	for _, ev := range e.events.Events() {
		if l, ok := ev.Payload.(query.SessionLost); ok && l.Cause == query.LostReclaimed {
			lostTab = l.SessionID
			if len(l.Lost) != 1 || !strings.Contains(l.Lost[0], "application_name") {
				t.Fatalf("session:lost does not name the SET value: %+v", l)
			}
		}
	}
	if lostTab == "" {
		t.Fatal("no session:lost event for the tab that gave up its session")
	}
	sum := e.run(t, lostTab, "select current_setting('application_name')")
	if sum.SessionLost == nil || sum.SessionLost.Cause != query.LostReclaimed {
		t.Fatalf("the tab's next run does not say its session was given up: %+v", sum)
	}
	if v := *page(t, e, sum, 0).Rows[0][0]; v == "keeper" {
		t.Fatal("the run used the old session")
	}
	for i := range max {
		e.eng.CloseSession(fmt.Sprintf("keeper-%d", i))
	}
}

// TestTerminatedSessionSaysWhatWasLost: an administrator ends a tab's
// session while a transaction is open; the next run fails with an error
// that names the transaction, the UI hears session:lost, and the run after
// that works on a fresh session.
func TestTerminatedSessionSaysWhatWasLost(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	first := e.run(t, "tab", "create temp table kept (x int); begin; insert into kept values (1)")
	if first.Transaction != "in transaction" {
		t.Fatalf("%+v", first)
	}
	if err := cluster.Exec(context.Background(), fmt.Sprintf("select pg_terminate_backend(%d)", first.BackendPID)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	sum := e.run(t, "tab", "insert into kept values (2)")
	if sum.Status != query.StatusError {
		t.Fatalf("%+v", sum)
	}
	err := sum.Statements[0].Error
	if err == nil {
		err = sum.Error
	}
	if err.Kind != apperr.Connection || err.Reason != apperr.ReasonTerminated || !strings.Contains(err.Message, "open transaction") || !strings.Contains(err.Message, "kept") {
		t.Fatalf("the error must be a terminated connection naming the transaction and the temp table: %+v", err)
	}
	if sum.SessionLost == nil || sum.Transaction != "closed" {
		t.Fatalf("summary %+v", sum)
	}
	var heard bool
	for _, ev := range e.events.Events() {
		if l, ok := ev.Payload.(query.SessionLost); ok && l.SessionID == "tab" && l.Cause == query.LostConnection {
			heard = true
		}
	}
	if !heard {
		t.Fatal("no session:lost event")
	}
	if next := e.run(t, "tab", "select 1"); next.Status != query.StatusDone || len(next.Holds) != 0 {
		t.Fatalf("the run after the lost session: %+v", next)
	}
}

// TestIdleTabRunsFirstTimeAfterSessionsEnded: every server session ends
// (as in a restart) right after a tab ran; the tab's next query runs the
// first time, transparently.
func TestIdleTabRunsFirstTimeAfterSessionsEnded(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	for i := range 5 {
		e.run(t, "tab", "select 1")
		if err := cluster.Exec(context.Background(), "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'Tusk' and pid <> pg_backend_pid()"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
		if sum := e.run(t, "tab", "select 2"); sum.Status != query.StatusDone {
			t.Fatalf("round %d: the tab's first query after the sessions ended failed: %+v", i, sum.Statements[0].Error)
		}
	}
}

// TestStreamBrokenMidwayIsPartialAndClassified: the session ends while a
// large result streams; the rows received are kept and marked partial, the
// error is a classified connection error, and the tab's next run works.
func TestStreamBrokenMidwayIsPartialAndClassified(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	started, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: "select g, md5(g::text) from generate_series(1, 5000000) g"})
	if err != nil {
		t.Fatal(err)
	}
	waitRows(t, e, started.QueryID, 1000)
	if err := cluster.Exec(context.Background(), "select pg_terminate_backend(pid) from pg_stat_activity where query like 'select g, md5%' and pid <> pg_backend_pid()"); err != nil {
		t.Fatal(err)
	}
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	st := sum.Statements[0]
	if st.Status != query.StatusError || !st.Partial || !sum.Partial || st.Rows == 0 {
		t.Fatalf("statement %+v", st)
	}
	if st.Error.Kind != apperr.Connection || st.Error.Kind == apperr.Internal || st.Error.Reason == "" {
		t.Fatalf("error %+v", st.Error)
	}
	if p, err := e.eng.Page(started.QueryID, 0, st.Rows-1, 1); err != nil || len(p.Rows) != 1 {
		t.Fatalf("the received rows are not kept: %v", err)
	}
	if next := e.run(t, "s", "select 1"); next.Status != query.StatusDone {
		t.Fatalf("next run: %+v", next)
	}
}

// waitRows waits until the first statement of a running query stored n rows.
func waitRows(t *testing.T, e *env, id string, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if p, err := e.eng.Page(id, 0, 0, 1); err == nil && p.Total >= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("query %s never reached %d rows", id, n)
}

// TestCopyFromStdinIsRefusedAtOnce and COPY … TO STDOUT shows its rows.
func TestCopyStreams(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	e.run(t, "s", "create temp table c (id int, name text)")
	start := time.Now()
	for _, sql := range []string{"copy c from stdin", "COPY c (id, name) FROM STDIN WITH (FORMAT csv)", "select 1; copy c from stdin"} {
		_, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: sql})
		if ae := apperr.Classify(err); err == nil || ae.Kind != apperr.Validation || !strings.Contains(ae.Message, "FROM STDIN") {
			t.Fatalf("%q: %v", sql, err)
		}
	}
	t.Logf("refusing COPY FROM STDIN three times took %v", time.Since(start))
	// The session is untouched and usable: the temp table is still there.
	sum := e.run(t, "s", "insert into c values (1, 'a'), (2, null); copy c to stdout; copy (select 'x,y') to stdout with (format csv)")
	if sum.Status != query.StatusDone {
		t.Fatalf("%+v", sum)
	}
	out := page(t, e, sum, 1)
	if len(out.Rows) != 2 || *out.Rows[0][0] != "1\ta" || *out.Rows[1][0] != "2\t\\N" || sum.Statements[1].CommandTag != "COPY 2" {
		t.Fatalf("COPY TO STDOUT rows = %v, tag %q", out.Rows, sum.Statements[1].CommandTag)
	}
	if csv := page(t, e, sum, 2); len(csv.Rows) != 1 || *csv.Rows[0][0] != `"x,y"` {
		t.Fatalf("csv rows = %v", csv.Rows)
	}
}

// TestTerminateWorksWithAnExhaustedPool: every pooled connection is held
// (open transactions and the running query); Terminate still reaches the
// server, over a connection of its own.
func TestTerminateWorksWithAnExhaustedPool(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	waitIdle(t, e, "pool busy before the test")
	p, _ := e.st.Pool(e.connID)
	max := p.Status().MaxSize
	for i := range max - 1 {
		e.run(t, fmt.Sprintf("tx-%d", i), "begin")
	}
	started, err := e.eng.Execute(query.Request{SessionID: "long", ConnectionID: e.connID, SQL: "select pg_sleep(30)"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if st := p.Status(); st.Available != 0 || st.Size != st.MaxSize {
		t.Fatalf("pool not exhausted: %+v", st)
	}
	at := time.Now()
	if err := e.eng.Terminate(started.QueryID); err != nil {
		t.Fatalf("Terminate with an exhausted pool: %v", err)
	}
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	// Through the pool it would wait for a free connection (30 s); the
	// figure is logged, and only that wait fails, with room for load.
	t.Logf("terminate with an exhausted pool took %v", time.Since(at))
	if took := time.Since(at); took > 15*time.Second {
		t.Fatalf("terminate waited %v: it needs a pooled connection", took)
	}
	if sum.Status == query.StatusDone {
		t.Fatalf("%+v", sum)
	}
	for i := range max - 1 {
		e.eng.CloseSession(fmt.Sprintf("tx-%d", i))
	}
}

// engineWith returns a second engine over e's state that emits to emit.
func (e *env) engineWith(t *testing.T, emit event.Emitter) *query.Engine {
	t.Helper()
	eng := query.New(query.Deps{
		Pool:       e.st.Pool,
		Register:   func(h *query.Handle) { e.st.RegisterQuery(h) },
		Unregister: e.st.UnregisterQuery,
		Go:         e.st.Go,
		Emit:       emit,
	})
	e.st.OnDisconnect(eng.Disconnected)
	return eng
}

// TestCustomSettingKeepsTheSession: pg_settings does not list a custom
// setting ("my.marker"), so the server alone would call the session empty
// and hand its connection back; the tab must keep it, and the setting.
func TestCustomSettingKeepsTheSession(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	sum := e.run(t, "custom", "set my.marker = 'kept'")
	if !strings.Contains(strings.Join(sum.Holds, "|"), "my.marker") {
		t.Fatalf("the tab should say it keeps my.marker: %q", sum.Holds)
	}
	// Another tab runs meanwhile; the first keeps its setting.
	e.run(t, "other", "select 1")
	if s := e.run(t, "custom", "select current_setting('my.marker', true)"); s.Status != query.StatusDone || *page(t, e, s, 0).Rows[0][0] != "kept" {
		t.Fatalf("the setting was lost between runs: %+v", s)
	}
}

// TestFreedResultsAreReported: the app gives a result's memory back to the
// OS when it is freed, whether the tab ran its next query, cleared its
// results or closed; the engine says how much each freed result held.
func TestFreedResultsAreReported(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	freed := make(chan int64, 10)
	e.eng.OnReleased(func(bytes int64) { freed <- bytes })
	next := func(what string) int64 {
		t.Helper()
		select {
		case b := <-freed:
			return b
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no freed result was reported", what)
			return 0
		}
	}
	const big = "select g, repeat('x', 100) from generate_series(1, 20000) g"

	e.run(t, "tab", big)
	select {
	case b := <-freed:
		t.Fatalf("the first run of a tab freed nothing, yet %d bytes were reported", b)
	default:
	}
	rerun := e.run(t, "tab", "select 1")
	if b := next("re-run"); b < 20000*100 {
		t.Errorf("re-running the tab freed a result of 20,000 rows of 100 bytes, reported as %d bytes", b)
	}
	e.eng.Release(rerun.QueryID)
	if b := next("release"); b <= 0 || b >= 20000*100 {
		t.Errorf("clearing a one-row result reported %d bytes", b)
	}
	e.run(t, "tab", big)
	e.eng.CloseSession("tab")
	if b := next("close"); b < 20000*100 {
		t.Errorf("closing the tab freed a result of 20,000 rows of 100 bytes, reported as %d bytes", b)
	}
}
