package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/storage"
)

// Two runs of one query, before and after an index (trimmed real output).
const (
	planBefore = `[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "orders", "Alias": "o", "Startup Cost": 0.0, "Total Cost": 4562.0,
		"Plan Rows": 20, "Plan Width": 49, "Actual Startup Time": 0.01, "Actual Total Time": 14.2, "Actual Rows": 1, "Actual Loops": 1,
		"Filter": "(val = 'x'::text)", "Rows Removed by Filter": 199999, "Shared Hit Blocks": 2062, "Shared Read Blocks": 0},
		"Planning Time": 0.1, "Execution Time": 14.3}]`
	planAfter = `[{"Plan": {"Node Type": "Index Scan", "Relation Name": "orders", "Alias": "o", "Index Name": "orders_val", "Startup Cost": 0.42,
		"Total Cost": 8.44, "Plan Rows": 1, "Plan Width": 49, "Actual Startup Time": 0.02, "Actual Total Time": 0.03, "Actual Rows": 1,
		"Actual Loops": 1, "Index Cond": "(val = 'x'::text)", "Shared Hit Blocks": 4, "Shared Read Blocks": 0},
		"Planning Time": 0.2, "Execution Time": 0.05}]`
)

func TestPlansFromHistoryAndJSON(t *testing.T) {
	app, dir := newTestApp(t)
	st, _ := app.state()
	ctx := context.Background()
	e, err := st.Store().AddHistory(ctx, storage.HistoryEntry{SQL: "explain (analyze, format json) select * from orders o where val = 'x'",
		ExecutedAt: time.Now(), Plan: planBefore})
	if err != nil {
		t.Fatal(err)
	}
	p, err := app.HistoryPlan(HistoryPlanRequest{HistoryID: e.ID})
	if err != nil || p.Nodes[0].Label != "Seq Scan on orders o" || len(p.Findings) != 1 {
		t.Fatalf("HistoryPlan = %+v, %v", p, err)
	}
	c, err := app.ComparePlans(ComparePlansRequest{A: PlanSource{HistoryID: e.ID}, B: PlanSource{JSON: planAfter}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Pairs) != 1 || c.Pairs[0].A != 0 || c.Pairs[0].B != 0 || c.Total.ExecutionMs >= 0 || c.Pairs[0].Delta.InclusiveMs >= 0 {
		t.Errorf("comparison %+v", c)
	}
	for format, want := range map[string]string{"json": `"Node Type": "Index Scan"`, "text": "Index Scan using orders_val on orders o  (cost=0.42..8.44"} {
		path, err := app.ExportPlan(ExportPlanRequest{Source: PlanSource{JSON: planAfter}, Format: format, Path: filepath.Join(dir, "plan")})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		if !strings.Contains(string(b), want) || filepath.Ext(path) == "" {
			t.Errorf("%s export %s:\n%s", format, path, b)
		}
	}
	if text, err := app.PlanText(PlanSource{HistoryID: e.ID}); err != nil || !strings.HasPrefix(text, "Seq Scan on orders o  (cost=0.00..4562.00 rows=20 width=49) (actual time=0.010..14.200 rows=1 loops=1)") {
		t.Errorf("PlanText = %q, %v", text, err)
	}
	plain, _ := st.Store().AddHistory(ctx, storage.HistoryEntry{SQL: "select 1", ExecutedAt: time.Now()})
	for _, src := range []PlanSource{{HistoryID: plain.ID}, {JSON: "Seq Scan on t"}, {}, {QueryID: "gone"}} {
		if _, err := app.plan(src); apperr.KindOf(err) != apperr.Validation {
			t.Errorf("%+v: %v", src, err)
		}
	}
	if _, err := app.ExportPlan(ExportPlanRequest{Source: PlanSource{JSON: planAfter}, Format: "pdf", Path: filepath.Join(dir, "p")}); apperr.KindOf(err) != apperr.Validation {
		t.Errorf("pdf: %v", err)
	}
}
