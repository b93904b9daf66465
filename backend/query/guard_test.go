package query_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/state"
)

// withOptions reconnects e's connection with changed options.
func withOptions(t *testing.T, e *env, change func(*connection.Options)) {
	t.Helper()
	ctx := context.Background()
	rec, err := e.st.Store().LoadConnection(ctx, e.connID)
	if err != nil {
		t.Fatal(err)
	}
	cfg := connection.FromRecord(rec)
	change(&cfg.Options)
	if _, err := e.st.Store().SaveConnection(ctx, cfg.Record()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.Connect(ctx, e.connID, state.ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
}

// execute runs req to the end, or returns Execute's refusal.
func (e *env) execute(t *testing.T, req query.Request) (query.Summary, error) {
	t.Helper()
	req.ConnectionID = e.connID
	started, err := e.eng.Execute(req)
	if err != nil {
		return query.Summary{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return e.eng.Wait(ctx, started.QueryID)
}

func count(t *testing.T, e *env, session, table string) string {
	t.Helper()
	sum := e.run(t, session, "select count(*) from "+table)
	if sum.Status != query.StatusDone {
		t.Fatalf("count %s: %+v", table, sum.Statements)
	}
	return *page(t, e, sum, 0).Rows[0][0]
}

func TestSafeModeBlocks(t *testing.T) {
	e := newEnv(t)
	e.run(t, "setup", "create table guarded (id int); insert into guarded select generate_series(1, 10)")
	t.Cleanup(func() { e.run(t, "setup", "drop table guarded") })
	withOptions(t, e, func(o *connection.Options) { o.SafeMode = connection.SafeModeBlock })
	t.Cleanup(func() { withOptions(t, e, func(o *connection.Options) { o.SafeMode = connection.SafeModeOff }) })

	// The mark starts after the comment before the statement: the comment's "delete" is not a statement.
	script := "select 1;\n-- delete from guarded;\ndelete from guarded"
	g, err := e.eng.Check(query.Request{ConnectionID: e.connID, SQL: script, Offset: 100})
	if err != nil || g.Action != query.GuardBlock || len(g.Dangers) != 1 || g.Dangers[0].Start != 134 || g.Dangers[0].End != 153 {
		t.Fatalf("check: %+v, %v", g, err)
	}
	for _, confirmed := range []bool{false, true} {
		_, err := e.execute(t, query.Request{SessionID: "s", SQL: script, ConfirmDangerous: confirmed})
		info := apperr.Info(err)
		if info.Kind != apperr.Validation || len(info.Fields) != 1 || info.Fields[0].Field != query.FieldSQL ||
			!strings.Contains(info.Message, "statement 2: DELETE without WHERE deletes every row of guarded") || info.Hint == "" {
			t.Fatalf("confirmed %v: %+v", confirmed, info)
		}
	}
	if n := count(t, e, "s", "guarded"); n != "10" {
		t.Fatalf("blocked, yet %s rows are left", n)
	}
	// Harmless statements run; so does the dangerous one's safe form.
	if sum := e.run(t, "s", "delete from guarded where id = 1"); sum.Status != query.StatusDone {
		t.Fatalf("%+v", sum.Statements)
	}
	// The statement under the cursor is what counts.
	cursor := 2
	if sum, err := e.execute(t, query.Request{SessionID: "s", SQL: script, Cursor: &cursor}); err != nil || sum.Status != query.StatusDone {
		t.Fatalf("select 1 under the cursor: %v", err)
	}
}

func TestSafeModeConfirms(t *testing.T) {
	e := newEnv(t)
	e.run(t, "setup", "create table confirmed (id int); insert into confirmed select generate_series(1, 10)")
	t.Cleanup(func() { e.run(t, "setup", "drop table if exists confirmed") })
	// A production marker without an explicit level means confirm.
	withOptions(t, e, func(o *connection.Options) { o.Marker = connection.Marker{Name: "PROD", Color: "#e5484d"} })

	g, err := e.eng.Check(query.Request{ConnectionID: e.connID, SQL: "truncate confirmed"})
	if err != nil || g.Mode != connection.SafeModeConfirm || g.Action != query.GuardConfirm || g.Marker.Name != "PROD" {
		t.Fatalf("check: %+v, %v", g, err)
	}
	_, err = e.execute(t, query.Request{SessionID: "s", SQL: "with d as (delete from confirmed returning *) select count(*) from d"})
	info := apperr.Info(err)
	if info.Kind != apperr.Validation || len(info.Fields) != 1 || info.Fields[0].Field != query.FieldConfirmDangerous {
		t.Fatalf("unconfirmed: %+v", info)
	}
	if n := count(t, e, "s", "confirmed"); n != "10" {
		t.Fatalf("refused, yet %s rows are left", n)
	}
	sum, err := e.execute(t, query.Request{SessionID: "s", SQL: "with d as (delete from confirmed returning *) select count(*) from d", ConfirmDangerous: true})
	if err != nil || sum.Status != query.StatusDone {
		t.Fatalf("confirmed: %+v %v", sum, err)
	}
	if n := count(t, e, "s", "confirmed"); n != "0" {
		t.Fatalf("confirmed delete left %s rows", n)
	}
	// Off: nothing is asked.
	withOptions(t, e, func(o *connection.Options) { o.SafeMode = connection.SafeModeOff })
	if sum, err := e.execute(t, query.Request{SessionID: "s", SQL: "drop table confirmed"}); err != nil || sum.Status != query.StatusDone {
		t.Fatalf("safe mode off: %v", err)
	}
}

func TestManualCommit(t *testing.T) {
	e := newEnv(t)
	e.run(t, "setup", "create table manual (id int primary key)")
	t.Cleanup(func() {
		// In manual-commit mode even reads leave a transaction open (and
		// their locks held) until the session ends it.
		e.eng.CloseSession("tab")
		e.eng.CloseSession("other")
		e.run(t, "setup", "drop table if exists manual_d; drop table manual")
	})
	withOptions(t, e, func(o *connection.Options) { o.ManualCommit = true })
	ctx := context.Background()

	sum := e.run(t, "tab", "insert into manual values (1); insert into manual values (2)")
	if sum.Status != query.StatusDone || sum.Transaction != query.TxOpen {
		t.Fatalf("after the inserts: %s, %+v", sum.Transaction, sum.Statements)
	}
	if n := count(t, e, "other", "manual"); n != "0" {
		t.Fatalf("another session sees %s uncommitted rows", n)
	}
	states := map[string]string{}
	for _, w := range e.eng.OpenWork() {
		states[w.SessionID] = w.Transaction
	}
	if states["tab"] != query.TxOpen {
		t.Errorf("open work: %v", states)
	}
	tx, err := e.eng.EndTransaction(ctx, "tab", false)
	if err != nil || tx != query.TxIdle {
		t.Fatalf("rollback: %s, %v", tx, err)
	}
	if n := count(t, e, "tab", "manual"); n != "0" {
		t.Fatalf("rolled back, yet %s rows", n)
	}
	e.run(t, "tab", "insert into manual values (3)")
	if tx, err := e.eng.EndTransaction(ctx, "tab", true); err != nil || tx != query.TxIdle {
		t.Fatalf("commit: %s, %v", tx, err)
	}
	if n := count(t, e, "other", "manual"); n != "1" {
		t.Fatalf("committed, yet another session sees %s rows", n)
	}
	// VACUUM cannot run in a transaction: manual commit leaves it alone.
	if tx, _ := e.eng.EndTransaction(ctx, "tab", false); tx != query.TxIdle {
		t.Fatal(tx)
	}
	if sum := e.run(t, "tab", "vacuum manual"); sum.Status != query.StatusDone {
		t.Fatalf("vacuum: %+v", sum.Statements[0].Error)
	}
	// A user's own BEGIN … COMMIT works as usual.
	if sum := e.run(t, "tab", "begin; insert into manual values (4); commit"); sum.Status != query.StatusDone || sum.Transaction != query.TxIdle {
		t.Fatalf("explicit transaction: %s %+v", sum.Transaction, sum.Statements)
	}
	// A failed COMMIT reports the error and leaves the session idle.
	if sum := e.run(t, "tab", "create table manual_d (id int references manual deferrable initially deferred)"); sum.Status != query.StatusDone {
		t.Fatal(sum.Statements[0].Error)
	}
	e.eng.EndTransaction(ctx, "tab", true)
	e.run(t, "tab", "insert into manual_d values (99)")
	tx, err = e.eng.EndTransaction(ctx, "tab", true)
	if info := apperr.Info(err); info.Kind != apperr.Query || info.Code != "23503" || tx != query.TxIdle {
		t.Errorf("deferred violation at commit: %s, %+v", tx, info)
	}
	// COMMIT of a failed transaction rolls back: say so.
	if sum := e.run(t, "tab", "insert into manual values (3)"); sum.Status != query.StatusError || sum.Transaction != query.TxFailed {
		t.Fatalf("duplicate key: %s %+v", sum.Transaction, sum.Statements)
	}
	tx, err = e.eng.EndTransaction(ctx, "tab", true)
	if info := apperr.Info(err); tx != query.TxIdle || !strings.Contains(info.Message, "rolled back") {
		t.Errorf("commit of a failed transaction: %s, %+v", tx, info)
	}
	if tx, err := e.eng.EndTransaction(ctx, "nobody", true); err != nil || tx != query.TxIdle {
		t.Errorf("unknown session: %s, %v", tx, err)
	}
}
