package query_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
)

// route is one way Tusk reaches the server: directly, or through PgBouncer
// in a mode, refusing (ignore=false) or silently dropping (ignore=true) the
// session options at login.
type route struct {
	name   string
	mode   string // "" direct
	ignore bool
}

var routes = []route{
	{"direct", "", false},
	{"session", pgtest.SessionMode, false},
	{"session+ignore", pgtest.SessionMode, true},
	{"transaction", pgtest.TransactionMode, false},
	{"transaction+ignore", pgtest.TransactionMode, true},
}

// envVia connects an engine along r with the options opts sets.
func envVia(t testing.TB, r route, b pgtest.BouncerOptions, opts func(*connection.Options)) *env {
	t.Helper()
	cfg := connection.NewConfig("pooler", cluster.Host, cluster.Port, cluster.Database, cluster.TrustUser)
	cfg.SSLMode = connection.SSLDisable
	if opts != nil {
		opts(&cfg.Options)
	}
	if r.mode != "" {
		b.Mode = r.mode
		if r.ignore {
			b.IgnoreStartupParameters = []string{"statement_timeout", "idle_in_transaction_session_timeout", "default_transaction_read_only"}
		}
		cfg.Port = pgtest.NeedBouncer(t, cluster, b).Port
	}
	return newEnvFor(t, cfg)
}

func (e *env) route(t *testing.T) connection.Route {
	t.Helper()
	p, ok := e.st.Pool(e.connID)
	if !ok {
		t.Fatal("not connected")
	}
	return p.Route()
}

// readOnlyAttacks are scripts and sequences of runs that try to write on a
// read-only connection. Each element is one tab's runs, in order. Every
// write goes to ro_target (or ro_seq), so an empty ro_target afterwards
// proves none committed.
var readOnlyAttacks = [][]string{
	{"insert into ro_target values (1)"},
	{"begin; insert into ro_target values (2); commit"},
	{"set default_transaction_read_only = off; insert into ro_target values (3)"},
	{"set default_transaction_read_only = off", "insert into ro_target values (4)"},
	{"set session characteristics as transaction read write; insert into ro_target values (5)"},
	{"set session characteristics as transaction read write", "insert into ro_target values (5)"},
	{"begin read write; insert into ro_target values (6); commit"},
	{"start transaction read write; insert into ro_target values (7); commit"},
	{"begin; set transaction read write; insert into ro_target values (8); commit"},
	{"set transaction read write; insert into ro_target values (9)"},
	{"select set_config('default_transaction_read_only', 'off', false); insert into ro_target values (10)"},
	{"select set_config('transaction_read_only', 'off', false); insert into ro_target values (11)"},
	{"reset all; insert into ro_target values (12)"},
	{"reset default_transaction_read_only", "insert into ro_target values (12)"},
	{"commit; insert into ro_target values (13)"},
	{"rollback; insert into ro_target values (14)"},
	{"begin; commit and chain; set transaction read write; insert into ro_target values (15); commit"},
	{"begin", "commit and chain", "set transaction read write", "insert into ro_target values (15)", "commit"},
	{"begin; savepoint a; set transaction read write; insert into ro_target values (16); commit"},
	{"begin", "savepoint a", "select 1/0", "rollback to savepoint a", "insert into ro_target values (16)", "commit"},
	{"do $$ begin insert into ro_target values (17); end $$"},
	{"do $$ begin commit; insert into ro_target values (18); end $$"},
	{"discard all; insert into ro_target values (19)"},
	{"explain analyze insert into ro_target values (20)"},
	{"with x as (insert into ro_target values (21) returning 1) select * from x"},
	{"prepare p as insert into ro_target values (22); execute p"},
	{"select ro_side_effect()"},
	{"select ro_escape()"},
	{"call ro_commit()"},
	{"select nextval('ro_seq')"},
	{"create table ro_new (x int)"},
	{"begin", "set transaction read write", "insert into ro_target values (23)", "commit"},
	{"begin isolation level serializable, read write; insert into ro_target values (24); commit"},
	{"begin isolation level repeatable read", "insert into ro_target values (25)", "commit"},
	{"set default_transaction_read_only = off", "begin", "insert into ro_target values (26)", "commit"},
	{"update ro_target set x = 27", "delete from ro_target", "truncate ro_target"},
	{"select 1; insert into ro_target values (28)"},
}

const readOnlyFixtures = `
create table if not exists ro_target (x int);
create sequence if not exists ro_seq;
create or replace function ro_side_effect() returns int language plpgsql as $$
begin insert into ro_target values (90); return 1; end $$;
create or replace function ro_escape() returns int language plpgsql
  set default_transaction_read_only = off as $$
begin insert into ro_target values (91); return 1; end $$;
create or replace procedure ro_commit() language plpgsql as $$
begin insert into ro_target values (92); commit; insert into ro_target values (93); end $$;
grant all on ro_target, ro_seq to public;
`

// TestReadOnlyNeverCommits: on a read-only connection no write commits,
// whichever pooler configuration is in front and however the statements
// try to switch read-only off — one tab at a time and in several tabs at
// once, repeated, while reads keep working.
func TestReadOnlyNeverCommits(t *testing.T) {
	ctx := context.Background()
	if err := cluster.Exec(ctx, readOnlyFixtures); err != nil {
		t.Fatal(err)
	}
	type variant struct {
		r      route
		manual bool // manual-commit mode: the engine opens the transactions
	}
	var variants []variant
	for _, r := range routes {
		variants = append(variants, variant{r, false})
	}
	variants = append(variants, variant{routes[0], true}, variant{routes[4], true})
	for _, v := range variants {
		r := v.r
		name := r.name
		if v.manual {
			name += "+manual-commit"
		}
		t.Run(name, func(t *testing.T) {
			e := envVia(t, r, pgtest.BouncerOptions{PoolSize: 3}, func(o *connection.Options) {
				o.ReadOnly = true
				o.StatementTimeout = 20 * time.Second
				o.ManualCommit = v.manual
			})
			if rt := e.route(t); rt.ReadOnly != connection.ReadOnlyEnforced || rt.Pooler != (r.mode != "") {
				t.Fatalf("route = %+v", rt)
			}
			refused := 0
			var mu sync.Mutex
			attack := func(tab string, runs []string) {
				for _, sql := range runs {
					sum := e.run(t, tab, sql)
					for _, st := range sum.Statements {
						if st.Status == query.StatusError && st.Error != nil && (st.Error.Code == "25006" || st.Error.Kind == apperr.ReadOnly) {
							mu.Lock()
							refused++
							mu.Unlock()
						}
					}
				}
				e.run(t, tab, "rollback")
				e.eng.CloseSession(tab)
			}
			for round := range 3 {
				if round == 0 {
					for i, runs := range readOnlyAttacks {
						attack(fmt.Sprintf("tab-%d", i), runs)
					}
					continue
				}
				var wg sync.WaitGroup
				for i, runs := range readOnlyAttacks {
					wg.Go(func() { attack(fmt.Sprintf("tab-%d-%d", round, i%4), runs) })
					if i%4 == 3 {
						wg.Wait()
					}
				}
				wg.Wait()
			}
			assertNothingWritten(t)
			if refused < len(readOnlyAttacks) {
				t.Errorf("only %d writes were refused by the server", refused)
			}
			// Reads still work, in and out of transactions, across runs.
			if sum := e.run(t, "reader", "select count(*) from ro_target"); sum.Status != query.StatusDone {
				t.Fatalf("read: %+v", sum.Statements[0].Error)
			}
			for _, sql := range []string{"begin", "select 1", "select 2"} {
				if sum := e.run(t, "reader", sql); sum.Status != query.StatusDone || sum.Transaction != "in transaction" {
					t.Fatalf("%s: %+v %s", sql, sum.Statements[0].Error, sum.Transaction)
				}
			}
			if sum := e.run(t, "reader", "commit"); sum.Status != query.StatusDone || sum.Transaction != "idle" {
				t.Fatalf("commit: %+v %s", sum.Statements[0].Error, sum.Transaction)
			}
			t.Logf("%d writes refused by the server", refused)
		})
	}
}

func assertNothingWritten(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, cluster.SuperConnString(""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	res, err := conn.Exec(ctx, `select (select count(*) from ro_target)::text, (select is_called::text from ro_seq),
		(select count(*) from pg_class where relname = 'ro_new')::text`).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	row := res[0].Rows[0]
	if string(row[0]) != "0" || string(row[1]) != "false" || string(row[2]) != "0" {
		t.Fatalf("a write committed on a read-only connection: ro_target rows %s, ro_seq called %s, ro_new tables %s", row[0], row[1], row[2])
	}
}

// TestReadOnlyRefusedWhenNotEnforceable: when the server does not run a
// transaction READ ONLY, nothing runs and the user is told why. A server
// whose BEGIN READ ONLY fails stands in for a proxy that cannot do it.
func TestReadOnlyRefusedWhenNotEnforceable(t *testing.T) {
	ctx := context.Background()
	// A role that cannot run anything at all after login is hard to build;
	// a role with a search_path pointing nowhere is not enough. Instead the
	// check itself is made to fail: the role cannot call current_setting.
	if err := cluster.Exec(ctx, `
		do $$ begin create role ro_blind login; exception when duplicate_object then null; end $$;
		revoke execute on function pg_catalog.current_setting(text) from public;
		grant execute on function pg_catalog.current_setting(text) to tusk_trust, tusk_scram;`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cluster.Exec(context.Background(), "grant execute on function pg_catalog.current_setting(text) to public")
	})
	cfg := connection.NewConfig("blind", cluster.Host, cluster.Port, cluster.Database, "ro_blind")
	cfg.SSLMode = connection.SSLDisable
	cfg.Options.ReadOnly = true
	if err := cluster.Exec(ctx, "alter role ro_blind password 'pw'; grant all on ro_target to ro_blind"); err != nil {
		t.Fatal(err)
	}
	e := newEnvWithPassword(t, cfg, "pw")
	if rt := e.route(t); rt.ReadOnly != connection.ReadOnlyUnverified || rt.ReadOnlyProblem == "" {
		t.Errorf("route = %+v", rt)
	}
	sum := e.run(t, "s", "insert into ro_target values (1)")
	st := sum.Statements[0]
	if st.Status != query.StatusError || st.Error.Kind != apperr.ReadOnly || !strings.Contains(st.Error.Message, "not run") {
		t.Fatalf("statement = %+v (%+v)", st, st.Error)
	}
	assertNothingWritten(t)
}

// TestTransactionModeSessionState: behind a transaction pooler the route
// says session state does not persist, a SET outside a transaction is
// flagged, and BEGIN … COMMIT across runs keeps one server connection.
func TestTransactionModeSessionState(t *testing.T) {
	if err := cluster.Exec(context.Background(), "create table if not exists pooler_tx (x int)"); err != nil {
		t.Fatal(err)
	}
	e := envVia(t, routes[3], pgtest.BouncerOptions{PoolSize: 2}, nil)
	rt := e.route(t)
	if rt.PoolerMode != connection.TransactionPooling || rt.SessionStateKept || rt.Notice == "" {
		t.Fatalf("route = %+v", rt)
	}
	sum := e.run(t, "a", "set search_path = pg_catalog; create temp table tt (x int); select 1; begin; set search_path = public; commit")
	flags := []bool{}
	for _, st := range sum.Statements {
		flags = append(flags, st.SessionStateLost)
	}
	if fmt.Sprint(flags) != "[true true false false false false]" {
		t.Errorf("SessionStateLost per statement = %v", flags)
	}
	// A SET outside a transaction leaks to the server connection: the
	// reason for the notice. The tabs below name their table in full.
	if sum := e.run(t, "a", "select 1"); !sum.Pooled || sum.BackendPID != 0 {
		t.Errorf("autocommit summary: pooled %v, backend PID %d (unknown behind a transaction pooler; the pooler's must not show)", sum.Pooled, sum.BackendPID)
	}
	// A transaction across runs, in two tabs at once: each keeps its own
	// server process from BEGIN to COMMIT.
	pids := map[string]string{}
	for _, tab := range []string{"a", "b"} {
		e.run(t, tab, "begin")
		sum := e.run(t, tab, "insert into public.pooler_tx values (1) returning pg_backend_pid()")
		if sum.Status != query.StatusDone || sum.Transaction != "in transaction" || sum.BackendPID == 0 {
			t.Fatalf("%s: %+v %s pid %d", tab, sum.Statements[0].Error, sum.Transaction, sum.BackendPID)
		}
		pids[tab] = *page(t, e, sum, 0).Rows[0][0]
		if pids[tab] != fmt.Sprint(sum.BackendPID) {
			t.Errorf("%s: BackendPID %d, the statement ran on %s", tab, sum.BackendPID, pids[tab])
		}
	}
	if pids["a"] == pids["b"] {
		t.Fatalf("two open transactions share server process %s", pids["a"])
	}
	for _, tab := range []string{"a", "b"} {
		for range 3 {
			sum := e.run(t, tab, "select pg_backend_pid()")
			if got := *page(t, e, sum, 0).Rows[0][0]; got != pids[tab] {
				t.Fatalf("%s: the transaction moved from %s to %s", tab, pids[tab], got)
			}
		}
		if sum := e.run(t, tab, "rollback"); sum.Transaction != "idle" {
			t.Fatal(sum.Transaction)
		}
	}
}

// TestWaitingForThePoolerShowsAndCancels: a tab that waits for a server
// connection at a full pooler says so, Cancel ends the wait (the query is
// cancelled, not failed), and once the holder lets go the tab runs. With
// the pooler's query_wait_timeout short, the wait ends as a PoolTimeout.
// The waits are on conditions; their limits only guard against a hang.
func TestWaitingForThePoolerShowsAndCancels(t *testing.T) {
	cases := []struct {
		name     string
		mode     string
		readOnly bool
		hold     string // what the first tab runs to keep the only server connection
	}{
		{"session", pgtest.SessionMode, false, "begin"}, // an idle tab's connection goes back to the pool (or is reclaimed)
		{"transaction", pgtest.TransactionMode, false, "begin"},
		{"transaction+read-only", pgtest.TransactionMode, true, "begin"},
	}
	for _, c := range cases {
		for _, timesOut := range []bool{false, true} {
			name := c.name
			b := pgtest.BouncerOptions{PoolSize: 1} // PgBouncer's own query_wait_timeout (120 s)
			if timesOut {
				name += "/query_wait_timeout"
				b.QueryWaitTimeout = time.Second
			}
			t.Run(name, func(t *testing.T) {
				e := envVia(t, route{mode: c.mode}, b, func(o *connection.Options) { o.ReadOnly = c.readOnly })
				waitIdle(t, e, "schema load")
				if c.mode == pgtest.SessionMode {
					// Every idle connection of Tusk's pool holds a server
					// connection of a session pooler: keep only one.
					p, _ := e.st.Pool(e.connID)
					if n := p.Status().Size; n != 1 {
						t.Fatalf("the pool holds %d connections", n)
					}
				}
				if sum := e.run(t, "holder", c.hold); sum.Status != query.StatusDone {
					t.Fatalf("holder: %+v", sum.Statements[0].Error)
				}
				if timesOut {
					// Left waiting, the pooler gives up: a PoolTimeout.
					sum := e.run(t, "waiter", "select 'waited'")
					if kind := errorKind(sum); kind != apperr.PoolTimeout {
						t.Fatalf("after query_wait_timeout: %s %+v %+v", sum.Status, sum.Error, sum.Statements)
					}
				} else {
					started, err := e.eng.Execute(query.Request{SessionID: "waiter", ConnectionID: e.connID, SQL: "select 'waited'"})
					if err != nil {
						t.Fatal(err)
					}
					waitForProgress(t, e.events, started.QueryID, func(p query.Progress) bool { return p.Waiting == query.WaitingPooler })
					e.eng.Cancel(started.QueryID)
					sum, err := e.eng.Wait(context.Background(), started.QueryID)
					if err != nil {
						t.Fatal(err)
					}
					if sum.Status != query.StatusCancelled {
						t.Fatalf("after Cancel: %s %+v %+v", sum.Status, sum.Error, sum.Statements)
					}
					waitForProgress(t, e.events, started.QueryID, func(p query.Progress) bool { return p.Waiting == "" })
				}
				e.run(t, "holder", "rollback")
				e.eng.CloseSession("holder") // gives its connection (and the pooler's server connection) back
				if sum := e.run(t, "waiter", "select 'waited'"); sum.Status != query.StatusDone {
					t.Fatalf("after the holder let go: %+v %+v", sum.Error, sum.Statements)
				}
			})
		}
	}
}

// errorKind is the kind of a query's error, or of its first statement's.
func errorKind(sum query.Summary) apperr.Kind {
	switch {
	case sum.Error != nil:
		return sum.Error.Kind
	case len(sum.Statements) > 0 && sum.Statements[0].Error != nil:
		return sum.Statements[0].Error.Kind
	}
	return ""
}

// hangGuard bounds the condition waits of these tests: far longer than any
// of them takes, so it only turns a hang into a failure.
const hangGuard = time.Minute

// waitForProgress waits for a query:progress of query id that satisfies ok
// and returns when it was seen.
func waitForProgress(t *testing.T, rec *event.Recorder, id string, ok func(query.Progress) bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	seen := 0
	for time.Now().Before(deadline) {
		evs := rec.Events()
		for _, ev := range evs[seen:] {
			if p, isP := ev.Payload.(query.Progress); isP && ev.Name == query.EventProgress && p.QueryID == id && ok(p) {
				return
			}
		}
		seen = len(evs)
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no matching query:progress for %s within %v", id, hangGuard)
}

// TestTerminateTargetsTheServerProcess: behind a pooler Terminate ends the
// server process running the statement — found in the statement's own
// transaction, or by its text outside one — never the process ID the
// pooler made up.
func TestTerminateTargetsTheServerProcess(t *testing.T) {
	for _, c := range []struct {
		name     string
		r        route
		readOnly bool
	}{
		{"direct", routes[0], false},
		{"session", routes[1], false},
		{"transaction", routes[3], false},
		{"transaction+read-only", routes[3], true},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := envVia(t, c.r, pgtest.BouncerOptions{}, func(o *connection.Options) { o.ReadOnly = c.readOnly })
			sql := fmt.Sprintf("select pg_sleep(30), '%s'", c.name)
			started, err := e.eng.Execute(query.Request{SessionID: "s", ConnectionID: e.connID, SQL: sql})
			if err != nil {
				t.Fatal(err)
			}
			// Wait until the server runs it.
			waitFor(t, "the statement to run", func() bool { return activeCount(t, sql) == 1 })
			if err := e.eng.Terminate(started.QueryID); err != nil {
				t.Fatalf("Terminate: %v", err)
			}
			// A Terminate that missed lets pg_sleep(30) finish: Done.
			sum, err := e.eng.Wait(context.Background(), started.QueryID)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Status == query.StatusDone {
				t.Fatalf("after Terminate: %+v", sum)
			}
			waitFor(t, "the server process to end", func() bool { return activeCount(t, sql) == 0 })
			if first := sum.Statements[0].Error; first == nil || first.Code != "57P01" && first.Kind != apperr.Connection {
				t.Errorf("the statement ended with %+v, want the server's termination", first)
			}
			if sum := e.run(t, "s", "select 'again'"); sum.Status != query.StatusDone {
				t.Fatalf("the tab did not recover: %+v %+v", sum.Error, sum.Statements)
			}
		})
	}
}

// activeCount counts server processes running sql.
func activeCount(t *testing.T, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgconn.Connect(ctx, cluster.SuperConnString(""))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	res, err := conn.Exec(ctx, "select count(*) from pg_stat_activity where state = 'active' and query = '"+strings.ReplaceAll(sql, "'", "''")+"'").ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(string(res[0].Rows[0][0]), &n)
	return n
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOptionsAppliedBehindPooler: when a pooler refuses or drops the
// options at login, the statement timeout still ends a long statement (the
// server's, inside a transaction; the engine's own outside one) and an
// idle transaction is still ended.
func TestOptionsAppliedBehindPooler(t *testing.T) {
	for _, r := range routes[1:] {
		t.Run(r.name, func(t *testing.T) {
			e := envVia(t, r, pgtest.BouncerOptions{}, func(o *connection.Options) {
				o.StatementTimeout = 300 * time.Millisecond
				o.IdleInTransactionTimeout = 300 * time.Millisecond
			})
			if rt := e.route(t); rt.Settings != connection.SettingsPerTransaction {
				t.Fatalf("route = %+v", rt)
			}
			for _, sql := range []string{"select pg_sleep(3)", "begin; select pg_sleep(3)"} {
				// pg_sleep(3) would finish (Done) if the timeout were lost.
				sum := e.run(t, "s", sql)
				last := sum.Statements[len(sum.Statements)-1]
				if last.Status != query.StatusError || last.Error.Kind != apperr.Query || !strings.Contains(last.Error.Message, "statement timeout") {
					t.Fatalf("%s: %+v %+v", sql, last, last.Error)
				}
				t.Logf("%s: %s", sql, last.Error.Message)
				e.run(t, "s", "rollback")
			}
			e.run(t, "idle", "begin")
			time.Sleep(time.Second)
			if sum := e.run(t, "idle", "select 1"); sum.Status == query.StatusDone {
				t.Fatalf("a transaction idle longer than idle_in_transaction_session_timeout survived: %+v", sum)
			}
		})
	}
}

// BenchmarkReadOnlyOverhead measures what verifying read-only costs: a
// script of 100 statements and a single statement, read-write and
// read-only, directly and through a transaction pooler.
func BenchmarkReadOnlyOverhead(b *testing.B) {
	script := strings.Repeat("select 1;\n", 100)
	for _, r := range []route{routes[0], routes[3]} {
		for _, ro := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/read-only=%v", r.name, ro), func(b *testing.B) {
				e := envVia(b, r, pgtest.BouncerOptions{}, func(o *connection.Options) { o.ReadOnly = ro })
				for _, sql := range []string{"select 1", script} {
					name := "1 statement"
					if sql == script {
						name = "100 statements"
					}
					b.Run(name, func(b *testing.B) {
						for b.Loop() {
							started, err := e.eng.Execute(query.Request{SessionID: "bench", ConnectionID: e.connID, SQL: sql})
							if err != nil {
								b.Fatal(err)
							}
							if sum, err := e.eng.Wait(context.Background(), started.QueryID); err != nil || sum.Status != query.StatusDone {
								b.Fatalf("%v %+v", err, sum.Error)
							}
						}
					})
				}
			})
		}
	}
}

// TestIdleTabsGiveBackPooledConnections: behind a pooler a tab that ran a
// plain query gives its connection back — PgBouncer's own SETs
// (client_encoding, TimeZone, …, source 'session') do not count as the
// tab's — and behind a transaction pooler a SET keeps nothing either: the
// pooler has already lent the server connection to others.
func TestIdleTabsGiveBackPooledConnections(t *testing.T) {
	for _, r := range routes {
		t.Run(r.name, func(t *testing.T) {
			e := envVia(t, r, pgtest.BouncerOptions{}, nil)
			if sum := e.run(t, "tab", "select 1"); sum.Status != query.StatusDone || len(sum.Holds) != 0 {
				t.Fatalf("after select 1 the tab holds %q (%+v)", sum.Holds, sum.Statements[0].Error)
			}
			sum := e.run(t, "tab", "set work_mem = '8MB'")
			switch {
			case sum.Status != query.StatusDone:
				t.Fatalf("set: %+v", sum.Statements[0].Error)
			case r.mode == pgtest.TransactionMode && len(sum.Holds) != 0:
				t.Fatalf("behind a transaction pooler the tab holds %q", sum.Holds)
			case r.mode != pgtest.TransactionMode && strings.Join(sum.Holds, "|") != "SET values: work_mem":
				t.Fatalf("the tab should keep work_mem and nothing else: %q", sum.Holds)
			}
			// A custom setting, which pg_settings does not list.
			sum = e.run(t, "custom", "set my.marker = 'x'")
			switch {
			case sum.Status != query.StatusDone:
				t.Fatalf("set: %+v", sum.Statements[0].Error)
			case r.mode == pgtest.TransactionMode && len(sum.Holds) != 0:
				t.Fatalf("behind a transaction pooler the tab holds %q", sum.Holds)
			case r.mode != pgtest.TransactionMode && strings.Join(sum.Holds, "|") != "SET values: my.marker":
				t.Fatalf("the tab should keep my.marker and nothing else: %q", sum.Holds)
			}
		})
	}
}
