package faults_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/event"
	"github.com/tusk-app/tusk/backend/internal/netproxy"
	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/jobs"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// The fault suite: real faults against a real PostgreSQL and a loopback
// proxy the test controls, driven through the state and query engine that
// the bound API calls one for one (the API's own edge — mistyped calls — is
// the root package's TestMistypedBoundCallsFault, which adds its row). For each fault it measures the time until the user sees a classified
// error, the errors the user still sees once the fault is over (target 0)
// and the longest any bound call took (target ≤ 2 s; Connect may use its
// connect timeout). An "internal" error anywhere fails the suite. The table
// is printed and written to test-results/faults.txt.

// faultBench is the state, server and proxy one fault runs against.
type faultBench struct {
	t       *testing.T
	st      *state.State
	events  *event.Recorder
	cluster *pgtest.Cluster
	proxy   *netproxy.Proxy
	connID  string

	mu       sync.Mutex // guards the fields below
	longest  time.Duration
	slowest  string
	internal []string
}

func newFaultBench(t *testing.T, c *pgtest.Cluster) *faultBench {
	t.Helper()
	proxy, err := netproxy.Start(fmt.Sprintf("%s:%d", c.Host, c.Port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	events := &event.Recorder{}
	st, err := state.New(context.Background(), state.Options{DataDir: t.TempDir(), Emitter: events,
		Reconnect: state.ReconnectPolicy{First: 100 * time.Millisecond, Max: 400 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b := &faultBench{t: t, st: st, events: events, cluster: c, proxy: proxy}
	conn := connection.NewConfig("faults", proxy.Host(), proxy.Port(), c.Database, c.TrustUser)
	conn.SSLMode = connection.SSLDisable
	conn.Options.ConnectTimeout = 2 * time.Second
	saved, err := st.Store().SaveConnection(context.Background(), conn.Record())
	if err != nil {
		t.Fatal(err)
	}
	b.connID = saved.ID
	b.connect()
	return b
}

// call runs one bound call, timing it and checking its error.
func (b *faultBench) call(name string, fn func() error) error {
	start := time.Now()
	err := fn()
	took := time.Since(start)
	b.mu.Lock()
	if took > b.longest {
		b.longest, b.slowest = took, name
	}
	b.mu.Unlock()
	b.checkInternal(name, err)
	return err
}

func (b *faultBench) checkInternal(what string, err error) {
	if err != nil && apperr.KindOf(err) == apperr.Internal {
		b.mu.Lock()
		b.internal = append(b.internal, fmt.Sprintf("%s: %v", what, err))
		b.mu.Unlock()
	}
}

// connect connects and waits for the catalog load that follows (it holds
// a pooled connection for a moment).
func (b *faultBench) connect() {
	b.t.Helper()
	skip := len(b.events.Events())
	if err := b.call("Connect", func() error {
		_, err := b.st.Connect(context.Background(), b.connID, state.ConnectOptions{})
		return err
	}); err != nil {
		b.t.Fatal(err)
	}
	b.waitEvent("schema:loaded", skip, 30*time.Second, func(ev event.Record) bool { return ev.Name == event.SchemaLoaded })
}

// start runs sql in a tab through Execute and returns the query ID.
func (b *faultBench) start(tab, sql string) (string, error) {
	var id string
	err := b.call("Execute", func() error {
		s, err := b.st.Queries().Execute(query.Request{SessionID: tab, ConnectionID: b.connID, SQL: sql})
		id = s.QueryID
		return err
	})
	return id, err
}

// outcome waits for a query's query:done or query:error event, as the UI
// does, and returns the first error it shows the user, nil when none.
func (b *faultBench) outcome(id string) (query.Summary, *apperr.ErrorInfo) {
	b.t.Helper()
	var sum query.Summary
	found := false
	deadline := time.Now().Add(30 * time.Second)
	for !found && time.Now().Before(deadline) {
		for _, ev := range b.events.Events() {
			if s, ok := ev.Payload.(query.Summary); ok && s.QueryID == id && (ev.Name == query.EventDone || ev.Name == query.EventError) {
				sum, found = s, true
				break
			}
		}
		if !found {
			time.Sleep(2 * time.Millisecond)
		}
	}
	if !found {
		b.t.Fatalf("query %s: no query:done or query:error within 30 s", id)
	}
	info := sum.Error
	for _, st := range sum.Statements {
		if info == nil && st.Error != nil && st.Status == query.StatusError {
			info = st.Error
		}
	}
	if info != nil && info.Kind == apperr.Internal {
		b.mu.Lock()
		b.internal = append(b.internal, fmt.Sprintf("query %s: %+v", id, *info))
		b.mu.Unlock()
	}
	return sum, info
}

// run runs sql in a tab and returns the error the user saw, if any.
func (b *faultBench) run(tab, sql string) (query.Summary, *apperr.ErrorInfo) {
	b.t.Helper()
	id, err := b.start(tab, sql)
	if err != nil {
		info := apperr.Info(err)
		return query.Summary{}, &info
	}
	return b.outcome(id)
}

// recovered runs the queries a user runs once the fault is over — in the
// tabs used before it and in a new one — and counts the errors.
func (b *faultBench) recovered(tabs ...string) int {
	b.t.Helper()
	errs := 0
	for _, tab := range append(tabs, "fresh-"+fmt.Sprint(time.Now().UnixNano())) {
		if _, info := b.run(tab, "select 1"); info != nil {
			b.t.Logf("after recovery, tab %s: %s: %s", tab, info.Kind, info.Message)
			errs++
		}
	}
	return errs
}

// waitEvent waits for an event matching ok among those after skip.
func (b *faultBench) waitEvent(what string, skip int, d time.Duration, ok func(event.Record) bool) time.Time {
	b.t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, ev := range b.events.Events()[skip:] {
			if ok(ev) {
				return time.Now()
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.t.Fatalf("no %s within %v", what, d)
	return time.Time{}
}

func isState(want string) func(event.Record) bool {
	return func(ev event.Record) bool {
		cs, ok := ev.Payload.(state.ConnectionState)
		return ok && cs.State == want
	}
}

// callAnswer is how long the app's bound calls wait for their work before
// answering (main.answerWithin: 2 s less the way back to the webview).
const callAnswer = 1900 * time.Millisecond

// hangLimit is how long a bound call may take before the suite counts it
// as hung. The target is 2 s (the table marks a call over it); the limit
// leaves room for a loaded machine.
const hangLimit = 10 * time.Second

// faultRow is one line of the table.
type faultRow struct {
	fault      string
	toError    time.Duration // -1: no error is expected
	classified string
	after      int
	longest    time.Duration
	slowest    string
}

func (r faultRow) String() string {
	toErr := "—"
	switch {
	case r.toError >= time.Millisecond:
		toErr = r.toError.Round(time.Millisecond).String()
	case r.toError >= 0:
		toErr = r.toError.Round(time.Microsecond).String()
	}
	over := ""
	if r.longest > 2*time.Second && r.slowest != "Connect" {
		over = " over 2 s!"
	}
	return fmt.Sprintf("| %-38s | %9s | %-24s | %5d | %9s %-20s |", r.fault, toErr, r.classified, r.after,
		r.longest.Round(time.Millisecond), "("+r.slowest+")"+over)
}

// TestFaultSuite runs every fault and prints the table.
func TestFaultSuite(t *testing.T) {
	pgtest.Need(t)
	if testing.Short() {
		t.Skip("the fault suite kills and restarts servers")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c, err := pgtest.Start(ctx)
	cancel()
	if errors.Is(err, pgtest.ErrNoServer) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })

	var rows []faultRow
	for _, f := range []struct {
		name string
		run  func(t *testing.T, b *faultBench) faultRow
	}{
		{"server killed (kill -9) mid-stream", faultKilledMidStream},
		{"server restarted, idle pool", faultRestartIdlePool},
		{"session terminated in a transaction", faultTerminatedInTransaction},
		{"silent network (proxy stops)", faultSilentNetwork},
		{"silent network under a data tab", faultSilentDataTab},
		{"COPY … FROM STDIN", faultCopyFromStdin},
		{"pool exhaustion (30 tabs, 10 conns)", faultPoolExhaustion},
	} {
		t.Run(f.name, func(t *testing.T) {
			b := newFaultBench(t, c)
			row := f.run(t, b)
			row.fault = f.name
			row.longest, row.slowest = b.longest, b.slowest
			rows = append(rows, row)
			if len(b.internal) > 0 {
				t.Errorf("internal errors: %q", b.internal)
			}
			if row.after != 0 {
				t.Errorf("%d errors after recovery", row.after)
			}
			// The longest call is reported against its 2 s target; only a
			// call that hung fails, with room for a loaded machine.
			if b.longest > hangLimit && b.slowest != "Connect" {
				t.Errorf("%s hung: %v", b.slowest, b.longest)
			}
		})
	}
	table := []string{
		"fault suite (issue 10): time to a classified error, errors after recovery, longest bound call",
		fmt.Sprintf("| %-38s | %9s | %-24s | %5s | %-30s |", "fault", "to error", "classified as", "after", "longest call"),
		"|" + strings.Repeat("-", 40) + "|" + strings.Repeat("-", 11) + "|" + strings.Repeat("-", 26) + "|" + strings.Repeat("-", 7) + "|" + strings.Repeat("-", 32) + "|",
	}
	for _, r := range rows {
		table = append(table, r.String())
	}
	out := strings.Join(table, "\n") + "\n"
	fmt.Print(out)
	writeRows(t, "faults-server.txt", out)
}

func classified(info *apperr.ErrorInfo) string {
	if info == nil {
		return "(none)"
	}
	if info.Reason != "" {
		return string(info.Kind) + "/" + string(info.Reason)
	}
	return string(info.Kind)
}

// faultKilledMidStream: the server is killed while a large result streams.
// The run ends with a classified connection error, the rows received are
// kept and marked partial, connection:lost follows, and once the server is
// back every tab — the one that streamed, one idle before the crash and a
// new one — runs its next query the first time.
func faultKilledMidStream(t *testing.T, b *faultBench) faultRow {
	b.run("idle", "select 1") // a tab idle before the crash
	id, err := b.start("stream", "select g, md5(g::text) from generate_series(1, 5000000) g")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if p, err := b.st.Queries().Page(id, 0, 0, 1); err == nil && p.Total > 10_000 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	skip := len(b.events.Events())
	killed := time.Now()
	if err := b.cluster.Kill(); err != nil {
		t.Fatal(err)
	}
	sum, info := b.outcome(id)
	toError := time.Since(killed)
	if info == nil || info.Kind != apperr.Connection {
		t.Fatalf("the stream ended with %+v", info)
	}
	if !sum.Partial || sum.Statements[0].Rows == 0 {
		t.Fatalf("the received rows are not kept as partial: %+v", sum.Statements[0])
	}
	b.waitEvent("connection:lost", skip, 30*time.Second, func(ev event.Record) bool { return ev.Name == event.ConnectionLost })
	b.waitEvent("reconnecting", skip, 30*time.Second, isState(state.StateReconnecting))
	skip = len(b.events.Events())
	if err := b.cluster.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	b.waitEvent("connected", skip, 30*time.Second, isState(state.StateConnected))
	return faultRow{toError: toError, classified: classified(info), after: b.recovered("stream", "idle")}
}

// faultRestartIdlePool: the server restarts (fast shutdown, start) while
// the pool holds idle connections; no query a user runs afterwards fails.
func faultRestartIdlePool(t *testing.T, b *faultBench) faultRow {
	var wg sync.WaitGroup
	for i := range 6 { // six idle pooled connections
		wg.Go(func() { b.run(fmt.Sprintf("tab-%d", i), "select pg_sleep(0.05)") })
	}
	wg.Wait()
	if err := b.cluster.Shutdown(); err != nil {
		t.Fatal(err)
	}
	if err := b.cluster.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := 0
	for i := range 6 {
		after += b.recovered(fmt.Sprintf("tab-%d", i))
	}
	return faultRow{toError: -1, classified: "none (pool checked)", after: after}
}

// faultTerminatedInTransaction: an administrator ends a session that holds
// an open transaction and a temporary table; the tab's next run says what
// was lost, and the one after works.
func faultTerminatedInTransaction(t *testing.T, b *faultBench) faultRow {
	sum, info := b.run("tx", "create temp table scratch (x int); begin; insert into scratch values (1)")
	if info != nil || sum.Transaction != "in transaction" {
		t.Fatalf("%+v %+v", sum, info)
	}
	terminated := time.Now()
	if err := b.cluster.Exec(context.Background(), fmt.Sprintf("select pg_terminate_backend(%d)", sum.BackendPID)); err != nil {
		t.Fatal(err)
	}
	_, info = b.run("tx", "insert into scratch values (2)")
	toError := time.Since(terminated)
	if info == nil || info.Kind != apperr.Connection || !strings.Contains(info.Message, "open transaction") || !strings.Contains(info.Message, "scratch") {
		t.Fatalf("the error does not say what was lost: %+v", info)
	}
	return faultRow{toError: toError, classified: classified(info), after: b.recovered("tx")}
}

// faultSilentNetwork: the network goes silent while a query runs; closing
// the tab and disconnecting answer within 2 s, the query ends with a
// classified error, and after the network is back a reconnect works.
func faultSilentNetwork(t *testing.T, b *faultBench) faultRow {
	b.run("other", "select 1")
	id, err := b.start("hung", "select pg_sleep(0.3), 'late'")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	b.proxy.Silence()
	silenced := time.Now()
	_ = b.call("CancelQuery", func() error { b.st.Queries().Cancel(id); return nil })
	_ = b.call("CloseSession", func() error { b.st.Queries().CloseSession("other"); return nil })
	_ = b.call("Disconnect", func() error { b.st.Disconnect(b.connID); return nil })
	_, info := b.outcome(id)
	toError := time.Since(silenced)
	if info == nil {
		t.Fatal("the query on the silent network reported success")
	}
	b.proxy.Restore()
	b.connect()
	return faultRow{toError: toError, classified: classified(info), after: b.recovered("hung", "other")}
}

// faultSilentDataTab: the network goes silent under a data tab. A page
// read, an exact count and a commit each answer within 2 s, as the bound
// calls do (backend/jobs: Pending, the work goes on as a job); the user
// disconnects, and every job then ends within 2 s with a classified error;
// once the network is back the table opens and reads again.
func faultSilentDataTab(t *testing.T, b *faultBench) faultRow {
	ctx := context.Background()
	if _, info := b.run("setup", "create table fault_dt (id int primary key, v text); insert into fault_dt select g, 'v' || g from generate_series(1, 50) g"); info != nil {
		t.Fatalf("setup: %s", info.Message)
	}
	open := func() tabledata.Table {
		tb, _, err := b.st.OpenTable(ctx, b.connID, tabledata.Ref{Schema: "public", Name: "fault_dt"})
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	tb := open()
	var table jobs.Table
	work := []struct {
		name string
		fn   func(ctx context.Context) (any, error)
	}{
		{"TablePage", func(ctx context.Context) (any, error) {
			return b.st.Tables().Page(ctx, tb.Handle, tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekFirst}})
		}},
		{"CountTableRows", func(ctx context.Context) (any, error) { return b.st.Tables().Count(ctx, tb.Handle, tabledata.Filter{}) }},
		{"CommitTableChanges", func(ctx context.Context) (any, error) {
			return b.st.CommitTable(ctx, tb.Handle, []tabledata.Change{{ID: "r1", Kind: tabledata.ChangeUpdate,
				Old: map[string]tabledata.Value{"id": tabledata.Text("1"), "v": tabledata.Text("v1")},
				New: map[string]tabledata.Value{"v": tabledata.Text("changed")}}})
		}},
	}
	b.proxy.Silence()
	silenced := time.Now()
	pending := make([]string, len(work))
	var wg sync.WaitGroup
	for i, w := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := b.call(w.name, func() error {
				_, err := jobs.Run(&table, b.st.Go, "", callAnswer, w.fn)
				return err
			})
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.Pending {
				t.Errorf("%s on a silent network answered %v, want Pending", w.name, err)
				return
			}
			pending[i] = ae.Job
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	_ = b.call("Disconnect", func() error { b.st.Disconnect(b.connID); return nil })
	var first *apperr.ErrorInfo
	for i, job := range pending {
		deadline := time.Now().Add(hangLimit)
		for {
			var (
				v   any
				err error
			)
			_ = b.call("AwaitJob", func() error { v, err = table.Await(job, callAnswer); return err })
			if apperr.KindOf(err) == apperr.Pending && time.Now().Before(deadline) {
				continue
			}
			var info *apperr.ErrorInfo
			switch res, ok := v.(tabledata.CommitResult); {
			case err != nil && apperr.KindOf(err) != apperr.Pending:
				e := apperr.Info(err)
				info = &e
			case err == nil && ok && !res.Committed && res.Failure != nil && res.Failure.Error != nil:
				// A statement of the commit failed on the broken connection:
				// the commit reports it as its failure, nothing applied.
				info = res.Failure.Error
			default:
				t.Fatalf("%s after the disconnect: %v, %+v", work[i].name, err, v)
			}
			if info.Kind == apperr.Internal {
				t.Errorf("%s after the disconnect was reported as a bug: %+v", work[i].name, info)
			}
			if first == nil {
				first = info
			}
			break
		}
	}
	toError := time.Since(silenced)
	b.proxy.Restore()
	b.connect()
	tb = open()
	after := 0
	page, err := b.st.Tables().Page(ctx, tb.Handle, tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekFirst}})
	if err != nil || len(page.Rows) != 50 {
		t.Logf("after recovery, the table read %d rows: %v", len(page.Rows), err)
		after++
	} else if v := page.Rows[0][1]; v == nil || *v != "v1" {
		t.Errorf("the commit that never reached the server changed row 1 to %v", v)
	}
	return faultRow{toError: toError, classified: classified(first), after: after + b.recovered("setup")}
}

// faultCopyFromStdin: COPY … FROM STDIN is refused at once, the tab's
// session is untouched, and closing the tab answers at once.
func faultCopyFromStdin(t *testing.T, b *faultBench) faultRow {
	b.run("copy", "create temp table c (x int); insert into c values (1)")
	start := time.Now()
	_, info := b.run("copy", "copy c from stdin")
	toError := time.Since(start)
	if info == nil || info.Kind != apperr.Validation {
		t.Fatalf("COPY FROM STDIN: %+v", info)
	}
	sum, err := b.run("copy", "select count(*) from c")
	if err != nil || sum.Status != query.StatusDone {
		t.Fatalf("the session after the refusal: %+v", err)
	}
	after := b.recovered("copy")
	_ = b.call("CloseSession", func() error { b.st.Queries().CloseSession("copy"); return nil })
	return faultRow{toError: toError, classified: classified(info), after: after}
}

// faultPoolExhaustion: 30 tabs share a pool of 10 and each runs; then ten
// tabs hold open transactions, and the next tab's wait is cancelled at
// once while Terminate still reaches the server.
func faultPoolExhaustion(t *testing.T, b *faultBench) faultRow {
	var wg sync.WaitGroup
	var mu sync.Mutex
	errs := 0
	for i := range 30 {
		wg.Go(func() {
			if _, info := b.run(fmt.Sprintf("tab-%d", i), "select pg_sleep(0.02)"); info != nil {
				mu.Lock()
				errs++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if errs > 0 {
		t.Fatalf("%d of 30 tabs failed on a pool of 10", errs)
	}
	for i := range 9 {
		b.run(fmt.Sprintf("tx-%d", i), "begin")
	}
	long, err := b.start("long", "select pg_sleep(30)")
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := b.st.Pool(b.connID)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if st := pool.Status(); st.Size == st.MaxSize && st.Available == 0 && st.Waiting == 0 {
			break // every connection taken, and the long query holds one
		}
		if time.Now().After(deadline) {
			sum, _ := b.st.Queries().Summary(long)
			t.Fatalf("the pool never filled up: %+v; the long query: %+v", pool.Status(), sum)
		}
	}
	waiting, err := b.start("waiting", "select 1")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	_ = b.call("CancelQuery", func() error { b.st.Queries().Cancel(waiting); return nil })
	sum, _ := b.outcome(waiting)
	toError := time.Since(start)
	if sum.Status != query.StatusCancelled {
		ls, _ := b.st.Queries().Summary(long)
		var tabs []string
		for _, ev := range b.events.Events() {
			if s, ok := ev.Payload.(query.Summary); ok && strings.HasPrefix(s.SessionID, "tx-") {
				tabs = append(tabs, s.SessionID+":"+s.Transaction)
			}
		}
		t.Fatalf("the waiting query got a connection: %+v; the long query: %+v; pool %+v; tx tabs %v", sum, ls, pool.Status(), tabs)
	}
	_ = b.call("TerminateQuery", func() error { return b.st.Queries().Terminate(long) })
	b.outcome(long)
	for i := range 9 {
		_ = b.call("CloseSession", func() error { b.st.Queries().CloseSession(fmt.Sprintf("tx-%d", i)); return nil })
	}
	return faultRow{toError: toError, classified: "cancelled (wait ended)", after: b.recovered("waiting", "long", "tab-0")}
}

// writeRows writes the table to test-results/ at the repository's root,
// where make test prints it from.
func writeRows(t *testing.T, name, text string) {
	dir := filepath.Join("..", "..", "..", "test-results")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Log(err)
	}
}
