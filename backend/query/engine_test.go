package query_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/secret"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/storage"
)

var cluster *pgtest.Cluster

func TestMain(m *testing.M) {
	pgtest.Main(m, func(c *pgtest.Cluster) error {
		cluster = c
		return nil
	})
}

// env is an engine over a real state with one connected pool.
type env struct {
	st     *state.State
	eng    *query.Engine
	events *event.Recorder
	connID string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	cfg := connection.NewConfig("engine", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	return newEnvFor(t, cfg)
}

// newEnvFor is newEnv connected with cfg.
func newEnvFor(t testing.TB, cfg connection.Config) *env {
	t.Helper()
	return newEnvWithPassword(t, cfg, "")
}

// newEnvWithPassword is newEnvFor with a password.
func newEnvWithPassword(t testing.TB, cfg connection.Config, password string) *env {
	t.Helper()
	ctx := context.Background()
	events := &event.Recorder{}
	st, err := state.New(ctx, state.Options{DataDir: t.TempDir(), Emitter: events})
	if err != nil {
		t.Fatal(err)
	}
	eng := query.New(query.Deps{
		Pool:       st.Pool,
		Register:   func(h *query.Handle) { st.RegisterQuery(h) },
		Unregister: st.UnregisterQuery,
		Go:         st.Go,
		Emit:       events,
		History: func(ctx context.Context, e storage.HistoryEntry) error {
			_, err := st.Store().AddHistory(ctx, e)
			return err
		},
		Results: resultset.Options{TempDir: t.TempDir()},
	})
	st.SetNoticeHandler(eng.Notice)
	st.OnDisconnect(eng.Disconnected)
	t.Cleanup(func() { st.Close() })

	rec, err := st.Store().SaveConnection(ctx, cfg.Record())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connect(ctx, rec.ID, state.ConnectOptions{Password: secret.New(password)}); err != nil {
		t.Fatal(err)
	}
	return &env{st: st, eng: eng, events: events, connID: rec.ID}
}

func (e *env) run(t *testing.T, session, sql string, params ...*string) query.Summary {
	t.Helper()
	started, err := e.eng.Execute(query.Request{SessionID: session, ConnectionID: e.connID, SQL: sql, Params: params})
	if err != nil {
		t.Fatalf("Execute(%q): %v", sql, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sum, err := e.eng.Wait(ctx, started.QueryID)
	if err != nil {
		t.Fatalf("Wait(%q): %v", sql, err)
	}
	return sum
}

func page(t *testing.T, e *env, sum query.Summary, stmt int) resultset.Page {
	t.Helper()
	p, err := e.eng.Page(sum.QueryID, stmt, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func str(s string) *string { return &s }

// waitIdle waits until no pooled connection is in use. Background work of
// the state (the schema load after connecting) may hold one briefly, so the
// pool gets a moment; sessions that leak a connection hold it for ever.
func waitIdle(t *testing.T, e *env, msg string) {
	t.Helper()
	p, _ := e.st.Pool(e.connID)
	deadline := time.Now().Add(5 * time.Second)
	for {
		s := p.Status()
		if s.Size == s.Available && s.Waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %+v", msg, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSelectKeepsNullDistinct(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	sum := e.run(t, "s", "select 1::int as a, 'x'::text as b, null::text as c, 'NULL' as d, ''::text as e")
	if sum.Status != query.StatusDone || len(sum.Statements) != 1 {
		t.Fatalf("summary = %+v", sum)
	}
	st := sum.Statements[0]
	if st.Kind != query.Select || st.Rows != 1 || len(st.Columns) != 5 || st.Columns[0].TypeName != "integer" || st.CommandTag != "SELECT 1" {
		t.Fatalf("statement = %+v", st)
	}
	row := page(t, e, sum, 0).Rows[0]
	if *row[0] != "1" || *row[1] != "x" || row[2] != nil || *row[3] != "NULL" || *row[4] != "" {
		t.Fatalf("row = %v", row)
	}
}

func TestScriptStopsAtTheErrorAndPointsAtIt(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	script := "create temp table t (id int primary key);\ninsert into t values (1), (2), (3);\nselect * form t;\nselect 1;"
	sum := e.run(t, "s", script)
	if sum.Status != query.StatusError || len(sum.Statements) != 4 {
		t.Fatalf("summary = %+v", sum)
	}
	st := sum.Statements
	if st[0].Status != query.StatusDone || st[0].Kind != query.DDL {
		t.Errorf("statement 1 = %+v", st[0])
	}
	if st[1].Status != query.StatusDone || st[1].Rows != 3 || st[1].CommandTag != "INSERT 0 3" {
		t.Errorf("statement 2 = %+v", st[1])
	}
	if st[2].Status != query.StatusError || st[2].Error == nil || st[2].Error.Code != "42601" {
		t.Fatalf("statement 3 = %+v", st[2])
	}
	if got := script[st[2].ErrorOffset:]; !strings.HasPrefix(got, "form t") {
		t.Errorf("error offset %d points at %q, want the bad token", st[2].ErrorOffset, got)
	}
	if script[st[2].Start:st[2].End] != "select * form t" {
		t.Errorf("statement 3 range = %q", script[st[2].Start:st[2].End])
	}
	if st[3].Status != query.StatusSkipped {
		t.Errorf("statement 4 = %+v", st[3])
	}
	// Each statement that reached the server is its own history entry, with
	// its own rows and error; the skipped one is not recorded.
	hist, err := e.st.Store().LoadHistory(context.Background(), storage.HistoryFilter{})
	if err != nil || len(hist) != 3 {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	byText := map[string]storage.HistoryEntry{}
	for _, h := range hist {
		byText[h.SQL] = h
	}
	if h := byText["insert into t values (1), (2), (3)"]; h.RowCount == nil || *h.RowCount != 3 || h.ErrorCode != "" {
		t.Errorf("insert entry = %+v", h)
	}
	if h := byText["select * form t"]; h.ErrorCode != "42601" {
		t.Errorf("failed entry = %+v", h)
	}
	if _, ok := byText["create temp table t (id int primary key)"]; !ok {
		t.Errorf("history has no entry for the first statement: %+v", hist)
	}
}

func TestErrorOffsetCountsUTF16(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	// "é" is one UTF-16 unit, "𝄞" two: the offset must count as the editor does.
	script := "select 'é𝄞' as a;\nselect nope;"
	started, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: script, Offset: 10})
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	st := sum.Statements[1]
	want := 10 + len([]rune("select 'é𝄞' as a;\nselect ")) + 1 // 𝄞 is a surrogate pair
	if st.Error == nil || st.ErrorOffset != want {
		t.Fatalf("error offset = %d, want %d (%+v)", st.ErrorOffset, want, st.Error)
	}
}

func TestNoticesAndParams(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	sum := e.run(t, "s", "do $$ begin raise notice 'hello %', 42; end $$")
	if n := sum.Statements[0].Notices; len(n) != 1 || n[0].Message != "hello 42" || n[0].Severity != "NOTICE" {
		t.Fatalf("notices = %+v", n)
	}
	sum = e.run(t, "s", "select $1::int + 1, $2::text is null", str("41"), nil)
	row := page(t, e, sum, 0).Rows[0]
	if *row[0] != "42" || *row[1] != "t" {
		t.Fatalf("row = %v", row)
	}
	if _, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: "select $1; select 2", Params: []*string{str("1")}}); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("params with a script: %v", err)
	}
}

func TestSessionKeepsTransactionSetAndTempTables(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	e.run(t, "tab1", "begin; create temp table scratch (x int); insert into scratch values (7); set my.flag = 'on'")
	sum := e.run(t, "tab1", "select x, current_setting('my.flag') from scratch")
	if sum.Status != query.StatusDone {
		t.Fatalf("second run in the session: %+v", sum)
	}
	if row := page(t, e, sum, 0).Rows[0]; *row[0] != "7" || *row[1] != "on" {
		t.Fatalf("row = %v", row)
	}
	// Another tab is another session: it does not see the temp table.
	if sum := e.run(t, "tab2", "select * from scratch"); sum.Status != query.StatusError || sum.Statements[0].Error.Code != "42P01" {
		t.Fatalf("other tab: %+v", sum)
	}
	e.run(t, "tab1", "rollback")
	e.eng.CloseSession("tab1")
	e.eng.CloseSession("tab2")
	waitIdle(t, e, "sessions closed but connections still held")
}

func TestStatementTimeoutIsNotACancel(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	sum := e.run(t, "s", "set statement_timeout = 50; select pg_sleep(2)")
	st := sum.Statements[1]
	if st.Status != query.StatusError || st.Error.Code != "57014" || st.Error.Kind != apperr.Query || !strings.Contains(st.Error.Hint, "statement_timeout") {
		t.Fatalf("statement = %+v (%+v)", st, st.Error)
	}
}

// cancelAfter starts sql, cancels it after d and returns the summary and how
// long Execute took to return after the cancel.
func cancelAfter(t *testing.T, e *env, session, sql string, d time.Duration) (query.Summary, time.Duration) {
	t.Helper()
	started, err := e.eng.Execute(query.Request{SessionID: session, ConnectionID: e.connID, SQL: sql})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(d)
	at := time.Now()
	e.eng.Cancel(started.QueryID)
	sum, err := e.eng.Wait(context.Background(), started.QueryID)
	if err != nil {
		t.Fatal(err)
	}
	return sum, time.Since(at)
}

func TestCancelKeepsTheSessionAndNeverHitsTheNextStatement(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	first := e.run(t, "s", "set my.marker = 'kept'; select pg_backend_pid()")
	pid := *page(t, e, first, 1).Rows[0][0]
	var worst time.Duration
	for i := range 20 {
		sum, took := cancelAfter(t, e, "s", "select pg_sleep(30)", 30*time.Millisecond)
		if sum.Status != query.StatusCancelled || sum.Statements[0].Error.Kind != apperr.Cancelled {
			t.Fatalf("run %d: %+v", i, sum)
		}
		worst = max(worst, took)
		// The very next statement on the same connection must not be hit.
		after := e.run(t, "s", "select pg_backend_pid(), current_setting('my.marker')")
		if after.Status != query.StatusDone {
			t.Fatalf("run %d: the statement after a cancel failed: %+v", i, after.Statements[0].Error)
		}
		row := page(t, e, after, 0).Rows[0]
		if *row[0] != pid || *row[1] != "kept" {
			t.Fatalf("run %d: session lost: pid %s (was %s), marker %v", i, *row[0], pid, *row[1])
		}
	}
	t.Logf("cancel → Execute returned: worst %v over 20 runs", worst)
	if worst > 2*time.Second {
		t.Fatalf("a cancel took %v", worst)
	}
}

func TestCancelWhileStreamingKeepsReceivedRows(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	started, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: "select g, md5(g::text) from generate_series(1, 10000000) g"})
	if err != nil {
		t.Fatal(err)
	}
	// Wait for the first page, then cancel.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if p, err := e.eng.Page(started.QueryID, 0, 0, 10); err == nil && p.Total >= 10 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.eng.Cancel(started.QueryID)
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	st := sum.Statements[0]
	if st.Status != query.StatusCancelled || st.Rows == 0 {
		t.Fatalf("statement = %+v", st)
	}
	p, err := e.eng.Page(started.QueryID, 0, st.Rows-1, 10)
	if err != nil || len(p.Rows) != 1 || p.Total != st.Rows {
		t.Fatalf("last received row: %+v, %v", p, err)
	}
	var progressed bool
	for _, ev := range e.events.Events() {
		if pr, ok := ev.Payload.(query.Progress); ok && pr.QueryID == started.QueryID && pr.FirstPage != nil {
			progressed = len(pr.FirstPage.Rows) > 0
		}
	}
	if !progressed {
		t.Fatal("no query:progress with a first page")
	}
	t.Logf("%d rows kept after the cancel", st.Rows)
}

func TestCancelAfterCompletionKeepsResults(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	sum := e.run(t, "s", "select 42")
	if e.eng.Cancel(sum.QueryID) {
		t.Fatal("Cancel of a finished query reported true")
	}
	if row := page(t, e, sum, 0).Rows[0]; *row[0] != "42" {
		t.Fatalf("row = %v", row)
	}
	// Cancelled twice, and inside a transaction: the transaction stays usable
	// after a rollback to the savepoint the user made.
	sum, _ = cancelAfter(t, e, "s", "begin; savepoint a; select pg_sleep(30)", 50*time.Millisecond)
	if sum.Status != query.StatusCancelled {
		t.Fatalf("%+v", sum)
	}
	e.eng.Cancel(sum.QueryID)
	if after := e.run(t, "s", "rollback to savepoint a; select 1; commit"); after.Status != query.StatusDone {
		t.Fatalf("transaction after cancel: %+v", after)
	}
}

func TestConcurrentQueriesWithCancels(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]int{}
	for s := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(s), 1))
			session := fmt.Sprintf("tab-%d", s)
			for i := range 10 {
				sql := fmt.Sprintf("select g from generate_series(1, %d) g", 1000*(i+1))
				if r.IntN(3) == 0 {
					sql = "select pg_sleep(0.5)"
				}
				started, err := e.eng.Execute(query.Request{SessionID: session, ConnectionID: e.connID, SQL: sql})
				if err != nil {
					t.Error(err)
					return
				}
				if r.IntN(2) == 0 {
					time.Sleep(time.Duration(r.IntN(20)) * time.Millisecond)
					e.eng.Cancel(started.QueryID)
				}
				sum, err := e.eng.Wait(context.Background(), started.QueryID)
				if err != nil {
					t.Error(err)
					return
				}
				if sum.Status == query.StatusError {
					t.Errorf("%s: %+v", sql, sum.Statements[0].Error)
				}
				mu.Lock()
				statuses[sum.Status]++
				mu.Unlock()
			}
			e.eng.CloseSession(session)
		}()
	}
	wg.Wait()
	if ids := e.st.QueryIDs(); len(ids) != 0 {
		t.Fatalf("%d queries still registered", len(ids))
	}
	waitIdle(t, e, "pool not idle")
	t.Logf("outcomes: %v", statuses)
}

func TestDisconnectReleasesPinnedSessions(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	e.run(t, "a", "begin; select 1")
	started, err := e.eng.Execute(query.Request{SessionID: "b", ConnectionID: e.connID, SQL: "select pg_sleep(30)"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	done := make(chan struct{})
	go func() {
		e.st.Disconnect(e.connID)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Disconnect hung on pinned sessions")
	}
	sum, err := e.eng.Wait(context.Background(), started.QueryID)
	if err == nil && sum.Status == query.StatusDone {
		t.Fatalf("the running query was not stopped: %+v", sum)
	}
	if _, err := e.eng.Execute(query.Request{SessionID: "a", ConnectionID: e.connID, SQL: "select 1"}); apperr.KindOf(err) != apperr.Connection {
		t.Fatalf("Execute after disconnect: %v", err)
	}
}

// TestValuesMatchPsql runs one row of every common type through the engine
// and through psql, in the same time zone, and compares the text cell by
// cell: what the grid shows is what a psql user expects.
func TestValuesMatchPsql(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	ctx := context.Background()
	if err := cluster.ExecIn(ctx, cluster.Database, `
		do $$ begin
			create type mood as enum ('sad', 'ok', 'happy');
			create domain pos_int as int check (value > 0);
		exception when duplicate_object then null; end $$`); err != nil {
		t.Fatal(err)
	}
	const sel = `select 1.00000000000000000001::numeric, 12345678901234567890::numeric(30,2), 1.0::float8/3,
		2.5::real, 42::int2, 9007199254740993::int8, true, false,
		'2024-02-29 13:45:06.123456+00'::timestamptz, '2024-02-29 13:45:06'::timestamp, '2024-02-29'::date,
		'13:45:06.5'::time, '1 year 2 mons 3 days 04:05:06.789'::interval, '-1 day'::interval,
		array[1, null, 3]::int[], array['a"b', 'c,d', null, '']::text[], array[[1,2],[3,4]],
		'{"b": 1, "a": [true, null]}'::json, '{"b": 1, "a": [true, null]}'::jsonb,
		'\xdeadbeef'::bytea, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid,
		'192.168.0.1/24'::inet, '10.0.0.0/8'::cidr, '[1,10)'::int4range, '(,5]'::int8range, 'empty'::numrange,
		'[2024-01-01 00:00+00, 2024-01-02 00:00+00)'::tstzrange, 'happy'::mood, 7::pos_int,
		point(1.5, -2), row(1, 'x y', null), 'a fat cat'::tsvector, B'1011'::bit(4),
		null::text, 'NULL', '', 'tab	and ünïcödé 𝄞', 'Infinity'::float8, 'NaN'::numeric, '-infinity'::timestamptz`

	sum := e.run(t, "s", "set timezone to 'Asia/Kathmandu'; "+sel)
	if sum.Status != query.StatusDone {
		t.Fatalf("%+v", sum.Statements[len(sum.Statements)-1].Error)
	}
	got := page(t, e, sum, 1).Rows[0]

	psql := cluster.BinDir + "/psql"
	out, err := exec.Command(psql, "-X", "-A", "-t", "-F", "\x1f", "-P", "null=\u241fNULL\u241f",
		"-d", cluster.SuperConnString(cluster.Database),
		"-c", "set timezone to 'Asia/Kathmandu'", "-c", sel).CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	want := strings.Split(lines[len(lines)-1], "\x1f") // the first line is SET's output
	if len(want) != len(got) {
		t.Fatalf("psql gave %d cells, the engine %d:\n%q", len(want), len(got), want)
	}
	for i := range want {
		g := "\u241fNULL\u241f"
		if got[i] != nil {
			g = *got[i]
		}
		if g != want[i] {
			t.Errorf("column %d (%s): engine %q, psql %q", i+1, sum.Statements[1].Columns[i].TypeName, g, want[i])
		}
	}
}

// TestCancelRacesCompletion cancels right around the moment a statement
// ends: whichever wins, the outcome is consistent (a finished statement keeps
// its result, T063) and the next statement is never hit by the cancel.
func TestCancelRacesCompletion(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	outcomes := map[string]int{}
	for i := range 30 {
		d := time.Duration(40+i%20) * time.Millisecond
		sum, _ := cancelAfter(t, e, "s", "select 'finished' from pg_sleep(0.05)", d)
		outcomes[sum.Status]++
		switch sum.Status {
		case query.StatusDone:
			if row := page(t, e, sum, 0).Rows[0]; *row[0] != "finished" {
				t.Fatalf("run %d: done without its row: %v", i, row)
			}
		case query.StatusCancelled:
		default:
			t.Fatalf("run %d: %+v", i, sum.Statements[0].Error)
		}
		if next := e.run(t, "s", "select 1"); next.Status != query.StatusDone {
			t.Fatalf("run %d: the next statement was hit: %+v", i, next.Statements[0].Error)
		}
	}
	t.Logf("outcomes: %v", outcomes)
}

func TestCursorRunsTheStatementUnderIt(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	script := "select 'ünï' as a;\nselect 'second' as b;\nselect 'third' as c;"
	cursor := len([]rune("select 'ünï' as a;\nselect 'sec")) // inside the second statement (all BMP: runes = UTF-16 units)
	started, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: script, Cursor: &cursor})
	if err != nil || started.Statements != 1 {
		t.Fatalf("started = %+v, %v", started, err)
	}
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	if len(sum.Statements) != 1 || sum.Statements[0].SQL != "select 'second' as b" {
		t.Fatalf("ran %+v", sum.Statements)
	}
	if got := []rune(script)[sum.Statements[0].Start:sum.Statements[0].End]; string(got) != "select 'second' as b" {
		t.Fatalf("statement range %q", string(got))
	}
	if sum.Transaction != "idle" || sum.BackendPID == 0 || sum.ServerVersion == "" {
		t.Fatalf("session info %q %d %q", sum.Transaction, sum.BackendPID, sum.ServerVersion)
	}
	hist, err := e.st.Store().LoadHistory(context.Background(), storage.HistoryFilter{})
	if err != nil || len(hist) != 1 || hist[0].SQL != "select 'second' as b" {
		t.Fatalf("history of a cursor run = %+v, %v; want only the statement that ran", hist, err)
	}
	if s := e.run(t, "s", "begin"); s.Transaction != "in transaction" {
		t.Fatalf("after begin: %q", s.Transaction)
	}
	if s := e.run(t, "s", "select 1/0"); s.Transaction != "failed transaction" {
		t.Fatalf("after an error in a transaction: %q", s.Transaction)
	}
	if s := e.run(t, "s", "rollback"); s.Transaction != "idle" {
		t.Fatalf("after rollback: %q", s.Transaction)
	}
}

// TestCancelWhileWaitingForAConnection: every connection is held by a tab
// with an open transaction, so the next tab's query waits for one; Cancel
// must end that wait at once.
// TestCancelBeforeExecute: Esc can beat the Execute call of a query the UI
// has already named; the query then ends at once as cancelled, running
// nothing, and the tab's next run works.
func TestCancelBeforeExecute(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	id := uuid.NewString()
	if e.eng.Cancel(id) {
		t.Fatal("a query that never ran reported as cancelled while running")
	}
	at := time.Now()
	if _, err := e.eng.Execute(query.Request{SessionID: "early", ConnectionID: e.connID, SQL: "select pg_sleep(30)", QueryID: id}); err != nil {
		t.Fatal(err)
	}
	sum, err := e.eng.Wait(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(at); took > 2*time.Second || sum.Status != query.StatusCancelled {
		t.Fatalf("a query cancelled before Execute ended after %v as %+v", took, sum)
	}
	if after := e.run(t, "early", "select 1"); after.Status != query.StatusDone {
		t.Fatalf("the next run: %+v", after)
	}
}

func TestCancelWhileWaitingForAConnection(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	waitIdle(t, e, "pool busy before the test")
	p, _ := e.st.Pool(e.connID)
	max := p.Status().MaxSize
	for i := range max {
		e.run(t, fmt.Sprintf("pin-%d", i), "begin")
	}
	started, err := e.eng.Execute(query.Request{SessionID: "starved", ConnectionID: e.connID, SQL: "select 1"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	at := time.Now()
	e.eng.Cancel(started.QueryID)
	sum, _ := e.eng.Wait(context.Background(), started.QueryID)
	if took := time.Since(at); took > 2*time.Second || sum.Status != query.StatusCancelled {
		t.Fatalf("cancel while waiting took %v: %+v", took, sum)
	}
	for i := range max {
		e.eng.CloseSession(fmt.Sprintf("pin-%d", i))
	}
	e.eng.CloseSession("starved")
	waitIdle(t, e, "pinned connections not returned")
}

// TestCloseSessionRacingExecuteLeaksNothing: closing a tab while its query
// starts never leaves a connection pinned to a forgotten session.
func TestCloseSessionRacingExecuteLeaksNothing(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	var wg sync.WaitGroup
	for i := range 50 {
		session := fmt.Sprintf("race-%d", i)
		wg.Add(2)
		go func() {
			defer wg.Done()
			// Not waited for: with every connection pinned, later queries wait
			// for one until the final CloseSession calls cancel them.
			_, _ = e.eng.Execute(query.Request{SessionID: session, ConnectionID: e.connID, SQL: "select 1"})
		}()
		go func() {
			defer wg.Done()
			e.eng.CloseSession(session)
		}()
	}
	wg.Wait()
	for i := range 50 {
		e.eng.CloseSession(fmt.Sprintf("race-%d", i))
	}
	waitIdle(t, e, "a connection stayed pinned")
	done := make(chan struct{})
	go func() {
		e.st.Disconnect(e.connID)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Disconnect hung on a leaked connection")
	}
}

// TestHistoryLeavesOutLeadingComments: a script's header comment belongs to
// its first statement, but the history shows the statement itself.
func TestHistoryLeavesOutLeadingComments(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	e.run(t, "s", "-- Welcome!\n/* a block */\nselect 41 + 1;\n-- next\nselect 'x'")
	hist, err := e.st.Store().LoadHistory(context.Background(), storage.HistoryFilter{})
	if err != nil || len(hist) != 2 {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	got := []string{hist[0].SQL, hist[1].SQL}
	if !(got[0] == "select 'x'" && got[1] == "select 41 + 1") && !(got[1] == "select 'x'" && got[0] == "select 41 + 1") {
		t.Fatalf("history texts = %q", got)
	}
}

// TestCallerNamesTheQuery: with a QueryID chosen by the caller every event
// of the query carries it, so the UI can route events that arrive before
// Execute answers; a malformed or reused ID is refused.
func TestCallerNamesTheQuery(t *testing.T) {
	pgtest.Need(t)
	e := newEnv(t)
	id := "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
	started, err := e.eng.Execute(query.Request{QueryID: id, SessionID: "s", ConnectionID: e.connID, SQL: "select 1; select pg_sleep(0.3); select 2"})
	if err != nil || started.QueryID != id {
		t.Fatalf("started = %+v, %v", started, err)
	}
	if _, err := e.eng.Execute(query.Request{QueryID: id, SessionID: "other", ConnectionID: e.connID, SQL: "select 1"}); apperr.KindOf(err) != apperr.Validation {
		t.Fatalf("a reused query ID: %v", err)
	}
	sum, err := e.eng.Wait(context.Background(), id)
	if err != nil || sum.QueryID != id || sum.Status != query.StatusDone {
		t.Fatalf("summary = %+v, %v", sum, err)
	}
	var announced bool
	for _, ev := range e.events.Events() {
		p, ok := ev.Payload.(query.Progress)
		if !ok {
			continue
		}
		if p.QueryID != id || p.SessionID != "s" || p.Statements != 3 {
			t.Fatalf("progress event %+v does not name the query, its session and the statement count", p)
		}
		// The slow second statement is announced while it runs.
		announced = announced || (p.Statement == 1 && len(p.Columns) == 0)
	}
	if !announced {
		t.Fatalf("the slow statement was never announced: %+v", e.events.Events())
	}
	for _, bad := range []string{"not-a-uuid", "6F1C2A9E-3B4D-4E5F-8A7B-9C0D1E2F3A4B"} {
		if _, err := e.eng.Execute(query.Request{QueryID: bad, SessionID: "t", ConnectionID: e.connID, SQL: "select 1"}); apperr.KindOf(err) != apperr.Validation {
			t.Errorf("query ID %q: %v, want a validation error", bad, err)
		}
	}
}
