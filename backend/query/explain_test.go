package query_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/storage"
)

// explain runs req to the end and returns what Explain said and the summary.
func (e *env) explain(t *testing.T, req query.ExplainRequest) (query.ExplainStarted, query.Summary) {
	t.Helper()
	req.ConnectionID = e.connID
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	started, err := e.eng.Explain(ctx, req)
	if err != nil {
		t.Fatalf("Explain(%q): %v", req.SQL, err)
	}
	sum, err := e.eng.Wait(ctx, started.QueryID)
	if err != nil {
		t.Fatal(err)
	}
	return started, sum
}

func TestExplainAnalyzeOfADeleteRollsBack(t *testing.T) {
	e := newEnv(t)
	e.run(t, "setup", "create table doomed (id int primary key); insert into doomed select generate_series(1, 100)")
	t.Cleanup(func() { e.run(t, "setup", "drop table doomed") })
	// Safe mode does not stop it: nothing is deleted.
	withOptions(t, e, func(o *connection.Options) { o.SafeMode = connection.SafeModeBlock })
	t.Cleanup(func() { withOptions(t, e, func(o *connection.Options) { o.SafeMode = connection.SafeModeOff }) })

	text := "select 1;\n-- every row\ndelete from doomed;\nselect 2;"
	cursor := strings.Index(text, "doomed")
	req := query.ExplainRequest{SessionID: "s", ConnectionID: e.connID, SQL: text, Offset: 7, Cursor: &cursor, Analyze: true, Options: []string{"buffers", "wal"}}
	info, err := e.eng.PrepareExplain(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !info.RollsBack || !info.ChangesData || info.Kind != query.Delete || info.Statement != "delete from doomed" ||
		info.Start != 7+strings.Index(text, "delete") || info.End != 7+strings.Index(text, ";\nselect 2") {
		t.Fatalf("info %+v", info)
	}
	if !strings.HasPrefix(info.SQL, "EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS") || !strings.Contains(info.SQL, "WAL") || info.Server.Major < 13 {
		t.Errorf("EXPLAIN sent: %s (server %+v)", info.SQL, info.Server)
	}
	started, sum := e.explain(t, req)
	if sum.Status != query.StatusDone || sum.Transaction != query.TxIdle || !started.Info.RollsBack {
		t.Fatalf("summary %+v", sum)
	}
	p, err := e.eng.Plan(started.QueryID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Nodes[0].Label != "Delete on doomed" || p.Nodes[0].WALRecords == 0 || !p.Analyzed || p.Nodes[1].RowsTotal != 100 {
		t.Errorf("plan:\n%s", p.Text())
	}
	if n := count(t, e, "s", "doomed"); n != "100" {
		t.Fatalf("EXPLAIN ANALYZE DELETE left %s of 100 rows", n)
	}
	// The plan is in the history with its entry.
	hist, err := e.st.Store().SearchHistory(context.Background(), "doomed explain", storage.HistoryFilter{})
	if err != nil || len(hist) != 1 || !hist[0].HasPlan {
		t.Fatalf("history %+v, %v", hist, err)
	}
	raw, err := e.st.Store().LoadHistoryPlan(context.Background(), hist[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := query.ParsePlan(raw); err != nil || len(again.Nodes) != len(p.Nodes) {
		t.Errorf("the saved plan: %v", err)
	}
}

func TestExplainAnalyzeInsideATransactionUsesASavepoint(t *testing.T) {
	e := newEnv(t)
	e.run(t, "s", "create temp table mine (id int)")
	if sum := e.run(t, "s", "begin; insert into mine values (1), (2)"); sum.Transaction != query.TxOpen {
		t.Fatal(sum.Transaction)
	}
	_, sum := e.explain(t, query.ExplainRequest{SessionID: "s", SQL: "update mine set id = id + 10", Analyze: true})
	if sum.Status != query.StatusDone || sum.Transaction != query.TxOpen {
		t.Fatalf("the user's transaction must stay open: %+v", sum)
	}
	got := e.run(t, "s", "select string_agg(id::text, ',' order by id) from mine")
	if v := *page(t, e, got, 0).Rows[0][0]; v != "1,2" {
		t.Fatalf("rows after EXPLAIN ANALYZE UPDATE: %s (the update must be undone, the inserts kept)", v)
	}
	// A failed EXPLAIN ANALYZE is undone too, and the transaction survives.
	_, sum = e.explain(t, query.ExplainRequest{SessionID: "s", SQL: "update mine set id = 1 / 0", Analyze: true})
	if sum.Status != query.StatusError || sum.Transaction != query.TxOpen {
		t.Fatalf("after a failed explain: %s %+v", sum.Transaction, sum.Statements)
	}
	if sum := e.run(t, "s", "commit"); sum.Status != query.StatusDone {
		t.Fatal(sum.Statements[0].Error)
	}
	if n := count(t, e, "s", "mine"); n != "2" {
		t.Fatalf("%s rows after commit", n)
	}
}

func TestExplainInTheSession(t *testing.T) {
	e := newEnv(t)
	e.run(t, "s", "create temp table scratch as select generate_series(1, 1000) as n; set enable_seqscan = off")
	started, sum := e.explain(t, query.ExplainRequest{SessionID: "s", SQL: "select * from scratch where n < 10"})
	if sum.Status != query.StatusDone || started.Info.RollsBack {
		t.Fatalf("%+v", sum)
	}
	p, err := e.eng.Plan(started.QueryID, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The session's temporary table and its SET apply.
	if p.Analyzed || !strings.Contains(p.Nodes[0].Label, "scratch") || p.Nodes[0].StartupCost < 1e9 {
		t.Errorf("plan (enable_seqscan off shows as a huge cost):\n%s", p.Text())
	}
	for _, sql := range []string{
		"select 1 from scratch for update",
		"with x as (select 1) select * from scratch",
	} {
		info, err := e.eng.PrepareExplain(context.Background(), query.ExplainRequest{SessionID: "s", ConnectionID: e.connID, SQL: sql, Analyze: true})
		if err != nil || info.ChangesData || !info.RollsBack {
			t.Errorf("%s: changes data %v, rolls back %v, %v", sql, info.ChangesData, info.RollsBack, err)
		}
	}
	for _, sql := range []string{
		"with d as (delete from scratch returning *) select * from d",
		"select * into other from scratch",
		"insert into scratch values (1)",
		"merge into scratch s using (select 1 n) v on s.n = v.n when matched then delete",
	} {
		info, err := e.eng.PrepareExplain(context.Background(), query.ExplainRequest{SessionID: "s", ConnectionID: e.connID, SQL: sql, Analyze: true})
		if err != nil || !info.ChangesData || !info.RollsBack {
			t.Errorf("%s: changes data %v, rolls back %v, %v", sql, info.ChangesData, info.RollsBack, err)
		}
	}
}

func TestExplainRefusesAndPointsAtErrors(t *testing.T) {
	e := newEnv(t)
	for sql, field := range map[string]string{
		"select 1; select 2": "sql",
		"":                   "sql",
		"explain select 1":   "sql",
		"begin":              "sql",
	} {
		_, err := e.eng.Explain(context.Background(), query.ExplainRequest{SessionID: "s", ConnectionID: e.connID, SQL: sql})
		if info := apperr.Info(err); info.Kind != apperr.Validation || len(info.Fields) != 1 || info.Fields[0].Field != field {
			t.Errorf("%q: %+v", sql, info)
		}
	}
	_, err := e.eng.Explain(context.Background(), query.ExplainRequest{SessionID: "s", ConnectionID: e.connID, SQL: "select 1", Options: []string{"colour"}})
	if apperr.KindOf(err) != apperr.Validation {
		t.Errorf("unknown option: %v", err)
	}
	text := "select 1;\nselect * from nowhere"
	cursor := len(text)
	_, sum := e.explain(t, query.ExplainRequest{SessionID: "s", SQL: text, Offset: 3, Cursor: &cursor})
	if sum.Status != query.StatusError || sum.Statements[0].ErrorOffset != 3+strings.Index(text, "nowhere") {
		t.Errorf("error offset %d, want %d", sum.Statements[0].ErrorOffset, 3+strings.Index(text, "nowhere"))
	}
	if _, err := e.eng.Plan(sum.QueryID, 0); err == nil {
		t.Error("a failed explain has no plan")
	}
	plain := e.run(t, "s", "select 1")
	if _, err := e.eng.Plan(plain.QueryID, 0); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("not a plan: %v", err)
	}
	// An EXPLAIN (FORMAT JSON) the user typed is a plan too, and saved.
	typed := e.run(t, "s", "explain (format json) select 1")
	if _, err := e.eng.Plan(typed.QueryID, 0); err != nil {
		t.Error(err)
	}
}

func TestViewOfAStoredResult(t *testing.T) {
	e := newEnv(t)
	sum := e.run(t, "s", "select g as id, (g * 7) % 10 as k from generate_series(1, 1000) g")
	v, err := e.eng.SetView(context.Background(), sum.QueryID, 0, resultset.ViewSpec{
		Sort: []resultset.SortKey{{Column: 1, Desc: true}, {Column: 0}}, Filters: []resultset.ColumnFilter{{Column: 0, Op: resultset.LessOrEqual, Value: "100"}}}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if v.Info.Rows != 100 || v.Info.Total != 1000 || len(v.Page.Rows) != 5 || *v.Page.Rows[0][0] != "7" || *v.Page.Rows[1][0] != "17" || v.Page.Total != 100 {
		t.Fatalf("view %+v first rows %v %v", v.Info, *v.Page.Rows[0][0], *v.Page.Rows[1][0])
	}
	if p, err := e.eng.Page(sum.QueryID, 0, 99, 10); err != nil || len(p.Rows) != 1 || *p.Rows[0][1] != "0" {
		t.Errorf("the last page of the view: %+v, %v", p, err)
	}
	info, err := e.eng.ClearView(sum.QueryID, 0)
	if err != nil || info.Rows != 1000 {
		t.Errorf("clear: %+v %v", info, err)
	}
	if _, err := e.eng.SetView(context.Background(), sum.QueryID, 0, resultset.ViewSpec{Sort: []resultset.SortKey{{Column: 5}}}, 0); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("bad column: %v", err)
	}
	if _, err := e.eng.SetView(context.Background(), "nope", 0, resultset.ViewSpec{}, 0); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("unknown query: %v", err)
	}
	// While rows still arrive, a view is refused.
	started, err := e.eng.Execute(query.Request{SessionID: "slow", ConnectionID: e.connID, SQL: "select g, pg_sleep(0.001) from generate_series(1, 3000) g"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if _, err := e.eng.SetView(context.Background(), started.QueryID, 0, resultset.ViewSpec{}, 0); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("running: %v", err)
	}
	e.eng.Cancel(started.QueryID)
}

func TestExplainAnalyzeUndoesWhatAQueryChanges(t *testing.T) {
	e := newEnv(t)
	e.run(t, "s", `create temp table audit (x int);
		create function pg_temp.noisy() returns int language sql as 'insert into audit values (1) returning 1'`)
	started, sum := e.explain(t, query.ExplainRequest{SessionID: "s", SQL: "select pg_temp.noisy()", Analyze: true})
	if sum.Status != query.StatusDone || !started.Info.RollsBack || started.Info.ChangesData {
		t.Fatalf("%+v %+v", started.Info, sum.Statements)
	}
	if n := count(t, e, "s", "audit"); n != "0" {
		t.Errorf("the function's insert survived EXPLAIN ANALYZE: %s rows", n)
	}
}
