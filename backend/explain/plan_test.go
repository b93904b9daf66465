package explain_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/explain"
)

// near reports whether a and b differ by at most tol.
func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// checkTotals: exclusive times add up to TotalMs, shares to 1, none is
// negative, and without InitPlans TotalMs is the root's inclusive time.
func checkTotals(t *testing.T, p *explain.Plan) {
	t.Helper()
	sum, share := 0.0, 0.0
	initPlans := false
	for _, n := range p.Nodes {
		if n.ExclusiveMs < 0 || n.InclusiveMs < 0 {
			t.Errorf("node %d %s: negative time %v/%v", n.ID, n.Label, n.InclusiveMs, n.ExclusiveMs)
		}
		if n.ExclusiveMs > n.InclusiveMs+1e-9 {
			t.Errorf("node %d %s: exclusive %v > inclusive %v", n.ID, n.Label, n.ExclusiveMs, n.InclusiveMs)
		}
		sum += n.ExclusiveMs
		share += n.Share
		initPlans = initPlans || n.Relationship == "InitPlan"
	}
	if !near(sum, p.TotalMs, 1e-6) || (p.TotalMs > 0 && !near(share, 1, 1e-6)) {
		t.Errorf("exclusive times sum to %v (TotalMs %v), shares to %v", sum, p.TotalMs, share)
	}
	if !initPlans && !near(p.TotalMs, p.Nodes[0].InclusiveMs, 1e-6) {
		t.Errorf("TotalMs %v, root inclusive %v", p.TotalMs, p.Nodes[0].InclusiveMs)
	}
	if p.TotalMs > p.ExecutionMs+1 {
		t.Errorf("TotalMs %v exceeds the execution time %v", p.TotalMs, p.ExecutionMs)
	}
}

func TestParallelPlanWithWorkerFigures(t *testing.T) {
	conn := connect(t)
	raw := explainJSON(t, conn, `explain (analyze, buffers, verbose, format json)
		select grp, count(*) from big where val like 'a%' group by grp`,
		"set parallel_setup_cost = 0", "set parallel_tuple_cost = 0", "set min_parallel_table_scan_size = 0",
		"set max_parallel_workers_per_gather = 2")
	p, err := explain.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	g := find(t, p, "Gather")
	if g.WorkersLaunched < 1 {
		t.Fatalf("no worker launched:\n%s", p.Text())
	}
	scan := find(t, p, "Parallel Seq Scan on public.big")
	if len(scan.Workers) == 0 {
		t.Fatalf("VERBOSE gave no per-worker figures: %+v", scan.Props)
	}
	// The busiest process: the leader's part is what the workers leave.
	leader := scan.ActualTotalMs * scan.Loops
	busiest := 0.0
	for _, w := range scan.Workers {
		leader -= w.ActualTotalMs * w.Loops
		busiest = max(busiest, w.ActualTotalMs*w.Loops)
	}
	if want := max(leader, busiest); !near(scan.InclusiveMs, want, 1e-6) {
		t.Errorf("parallel scan inclusive %v, want %v", scan.InclusiveMs, want)
	}
	if scan.InclusiveMs > g.InclusiveMs {
		t.Errorf("a process below the Gather took %v, longer than the Gather's %v", scan.InclusiveMs, g.InclusiveMs)
	}
	if scan.RowsTotal != scan.ActualRows*scan.Loops || scan.Loops != float64(g.WorkersLaunched+1) {
		t.Errorf("rows %v × loops %v, total %v, workers %d", scan.ActualRows, scan.Loops, scan.RowsTotal, g.WorkersLaunched)
	}
	checkTotals(t, p)
}

func TestParallelPlanWithoutWorkerFigures(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select count(*) from big where val like 'a%'`,
		"set parallel_setup_cost = 0", "set parallel_tuple_cost = 0", "set min_parallel_table_scan_size = 0",
		"set max_parallel_workers_per_gather = 2", "set parallel_leader_participation = on")
	g := find(t, p, "Gather")
	scan := find(t, p, "Parallel Seq Scan on big")
	procs := float64(g.WorkersLaunched + 1)
	if want := scan.ActualTotalMs * scan.Loops / procs; !near(scan.InclusiveMs, want, 1e-6) {
		t.Errorf("parallel scan inclusive %v, want the average per process %v", scan.InclusiveMs, want)
	}
	checkTotals(t, p)
}

func TestCTETimeStaysWithTheCTE(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `with x as materialized (select pg_sleep(0.3), 1 as one),
		y as materialized (select * from big where grp = 7)
		select * from x, y where y.a = x.one`)
	var cteX, scanX *explain.Node
	for i := range p.Nodes {
		n := &p.Nodes[i]
		if n.SubplanName == "CTE x" {
			cteX = n
		}
		if n.NodeType == "CTE Scan" && n.CTEName == "x" {
			scanX = n
		}
	}
	if cteX == nil || scanX == nil {
		t.Fatalf("no CTE x or CTE Scan on x:\n%s", p.Text())
	}
	if cteX.ExclusiveMs < 290 {
		t.Errorf("the CTE's node took %v ms of its own, want the 300 ms sleep", cteX.ExclusiveMs)
	}
	if scanX.InclusiveMs < 290 || scanX.ExclusiveMs > 10 {
		t.Errorf("CTE Scan on x: inclusive %v (includes the CTE), exclusive %v (should not)", scanX.InclusiveMs, scanX.ExclusiveMs)
	}
	if last := p.HotPath[len(p.HotPath)-1]; last != cteX.ID || !cteX.Hot || !p.Nodes[0].Hot {
		t.Errorf("hot path %v should end at the CTE's node %d", p.HotPath, cteX.ID)
	}
	if !near(p.TotalMs, p.Nodes[0].InclusiveMs, 1) {
		t.Errorf("CTE time counted twice: TotalMs %v, root %v", p.TotalMs, p.Nodes[0].InclusiveMs)
	}
	checkTotals(t, p)
	if len(findings(p, explain.SeqScanFilter)) != 1 {
		t.Errorf("want the scan of big for grp = 7 reported: %+v", p.Findings)
	}
}

func TestInitPlanTimeComesOffItsUser(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big where id = (select max(id) from small, pg_sleep(0.1)) order by val`)
	var init *explain.Node
	for i := range p.Nodes {
		if p.Nodes[i].Relationship == "InitPlan" {
			init = &p.Nodes[i]
			break
		}
	}
	if init == nil || !strings.HasPrefix(init.SubplanName, "InitPlan") {
		t.Fatalf("no InitPlan:\n%s", p.Text())
	}
	user := find(t, p, "Index Scan using big_pkey on big")
	if user.InclusiveMs < 90 {
		t.Fatalf("the index scan that reads $n should include the InitPlan's 100 ms: %v", user.InclusiveMs)
	}
	if user.ExclusiveMs > 10 {
		t.Errorf("index scan keeps %v ms of the InitPlan's time", user.ExclusiveMs)
	}
	sleep := find(t, p, "Function Scan on pg_sleep")
	if sleep.ExclusiveMs < 90 || p.HotPath[len(p.HotPath)-1] != sleep.ID {
		t.Errorf("pg_sleep: exclusive %v, hot path %v", sleep.ExclusiveMs, p.HotPath)
	}
	if !near(p.TotalMs, p.Nodes[0].InclusiveMs, 1) {
		t.Errorf("InitPlan time counted twice: TotalMs %v, root %v", p.TotalMs, p.Nodes[0].InclusiveMs)
	}
	checkTotals(t, p)
}

func TestSubPlanRunsPerRow(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select s.id, (select count(*) from big b where b.grp = s.id) from small s where s.id < 20`,
		"set max_parallel_workers_per_gather = 0")
	agg := find(t, p, "Aggregate")
	if agg.Relationship != "SubPlan" || agg.Loops != 19 {
		t.Fatalf("subplan: %s loops %v\n%s", agg.Relationship, agg.Loops, p.Text())
	}
	if p.Nodes[0].Share > 0.1 {
		t.Errorf("the outer scan's own share is %v; the subplan's time is its children's", p.Nodes[0].Share)
	}
	scan := find(t, p, "Seq Scan on big b")
	got := findings(p, explain.SeqScanFilter)
	if len(got) != 1 || got[0].Node != scan.ID || !strings.Contains(got[0].Message, "3,800,000 rows to keep 3,800") {
		t.Errorf("findings %+v", p.Findings)
	}
	checkTotals(t, p)
}

func TestPartitionsAndMisestimates(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from meas where ts >= '2024-03-01' and v % 7 = 0`, "set max_parallel_workers_per_gather = 0")
	if p.Nodes[0].NodeType != "Append" || len(p.Nodes[0].Children) != 2 {
		t.Fatalf("want an Append of the two partitions left after pruning:\n%s", p.Text())
	}
	for _, c := range p.Nodes[0].Children {
		if n := p.Nodes[c]; !strings.HasPrefix(n.Relation, "meas_202") || n.Alias == "" {
			t.Errorf("partition scan %q alias %q", n.Relation, n.Alias)
		}
	}
	// The estimate of v % 7 = 0 is the default 0.5 %; each partition scan
	// is reported, the Append above them (off by the same factor) is not.
	got := findings(p, explain.Misestimate)
	if len(got) != 2 {
		t.Fatalf("misestimates %+v", got)
	}
	for _, f := range got {
		if p.Nodes[f.Node].Parent != 0 || !p.Nodes[f.Node].Underestimate || !strings.Contains(f.Message, "underestimated") {
			t.Errorf("finding %+v", f)
		}
	}
	checkTotals(t, p)
}

func TestMisestimateGoesAwayWithStatistics(t *testing.T) {
	conn := connect(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "create table corr as select * from big"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = connect(t).Exec(ctx, "drop table corr") })
	setup := []string{"set max_parallel_workers_per_gather = 0", "analyze corr"}
	p := plan(t, conn, `select * from corr where a = 1 and b = 1`, setup...)
	got := findings(p, explain.Misestimate)
	if len(got) != 1 || got[0].Node != 0 || p.Nodes[0].Misestimate < 10 {
		t.Fatalf("a = b is invisible to the planner; want a misestimate: %+v\n%s", got, p.Text())
	}
	p = plan(t, conn, `select * from corr where a = 1 and b = 1`,
		"create statistics corr_ab (dependencies) on a, b from corr", "analyze corr")
	if got := findings(p, explain.Misestimate); len(got) != 0 {
		t.Errorf("extended statistics fixed the estimate, yet: %+v\n%s", got, p.Text())
	}
}

func TestOverestimateBelowLimitIsExpected(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big order by id limit 5`)
	scan := find(t, p, "Index Scan using big_pkey on big")
	if scan.Misestimate < 10 {
		t.Fatalf("the scan under Limit should be far off its full-run estimate: %v", scan.Misestimate)
	}
	if got := findings(p, explain.Misestimate); len(got) != 0 {
		t.Errorf("a Limit stops the scan early; not a misestimate: %+v", got)
	}
}

func TestSortSpill(t *testing.T) {
	conn := connect(t)
	setup := []string{"set work_mem = '64kB'", "set max_parallel_workers_per_gather = 0"}
	p := plan(t, conn, `select * from big order by val`, setup...)
	sort := find(t, p, "Sort")
	got := findings(p, explain.SortSpill)
	if sort.SortSpaceType != "Disk" || len(got) != 1 || got[0].Node != sort.ID || sort.Buffers.TempWritten == 0 {
		t.Errorf("sort %q %v kB temp %v, findings %+v", sort.SortSpaceType, sort.SortSpaceKB, sort.Buffers.TempWritten, p.Findings)
	}
}

func TestNoSpillWithEnoughMemory(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big order by val`, "set work_mem = '256MB'", "set max_parallel_workers_per_gather = 0")
	if got := findings(p, explain.SortSpill); len(got) != 0 || find(t, p, "Sort").SortSpaceType != "Memory" {
		t.Errorf("%+v", got)
	}
}

func TestHashSpill(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big b1 join big b2 using (val)`,
		"set work_mem = '64kB'", "set max_parallel_workers_per_gather = 0", "set enable_mergejoin = off")
	var hash *explain.Node
	for i := range p.Nodes {
		if p.Nodes[i].NodeType == "Hash" {
			hash = &p.Nodes[i]
		}
	}
	got := findings(p, explain.HashSpill)
	if hash == nil || hash.HashBatches <= 1 || len(got) != 1 || got[0].Node != hash.ID {
		t.Errorf("hash %+v findings %+v", hash, p.Findings)
	}
}

func TestNestedLoopWithManyLoops(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big b join small s on s.id = b.grp`,
		"set enable_hashjoin = off", "set enable_mergejoin = off", "set enable_memoize = off", "set max_parallel_workers_per_gather = 0")
	nl := find(t, p, "Nested Loop")
	got := findings(p, explain.NestedLoopLoops)
	if len(got) != 1 || got[0].Node != nl.ID || !strings.Contains(got[0].Message, "200,000 times") {
		t.Errorf("findings %+v\n%s", p.Findings, p.Text())
	}
	checkTotals(t, p)
}

func TestLowCacheHitRatio(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select count(*) from wide where pad like 'y%'`, "set max_parallel_workers_per_gather = 0")
	scan := find(t, p, "Seq Scan on wide")
	if scan.Buffers.HitRatio() >= explain.LowCacheHitRatio {
		t.Skipf("wide is in the cache (hit ratio %v): shared_buffers is larger than this test assumes", scan.Buffers.HitRatio())
	}
	got := findings(p, explain.LowCacheHit)
	if len(got) != 1 || got[0].Node != scan.ID {
		t.Errorf("findings %+v", p.Findings)
	}
	if p.Nodes[0].ExclusiveBuffers.SharedRead != 0 || scan.ExclusiveBuffers != scan.Buffers {
		t.Errorf("exclusive buffers: aggregate %+v, scan %+v", p.Nodes[0].ExclusiveBuffers, scan.ExclusiveBuffers)
	}
	if got := findings(plan(t, conn, `select count(*) from small`), explain.LowCacheHit); len(got) != 0 {
		t.Errorf("small is cached: %+v", got)
	}
}

func TestHeavyJIT(t *testing.T) {
	conn := connect(t)
	var available bool
	if err := conn.QueryRow(context.Background(), "select pg_jit_available()").Scan(&available); err != nil {
		t.Fatal(err)
	}
	if !available {
		if os.Getenv("CI") == "true" {
			t.Fatal("the server has no JIT provider (llvmjit): CI installs a PostgreSQL that has one")
		}
		t.Skip("the server has no JIT provider (llvmjit)")
	}
	p := plan(t, conn, `select sum(a * b) from big`, "set jit = on", "set jit_above_cost = 0",
		"set jit_inline_above_cost = 0", "set jit_optimize_above_cost = 0", "set max_parallel_workers_per_gather = 0")
	j := p.JIT
	if j == nil || j.Functions == 0 || j.TotalMs <= 0 || len(j.Options) == 0 {
		t.Fatalf("jit %+v", j)
	}
	if !near(j.TotalMs, j.GenerationMs+j.InliningMs+j.OptimizationMs+j.EmissionMs, 0.01) {
		t.Errorf("JIT parts %+v do not add up", j)
	}
	heavy := j.TotalMs >= explain.HeavyJITMinMs && j.TotalMs >= explain.HeavyJITShare*p.ExecutionMs
	if got := findings(p, explain.HeavyJIT); (len(got) == 1) != heavy {
		t.Errorf("JIT %v ms of %v ms: findings %+v", j.TotalMs, p.ExecutionMs, got)
	}
	if p := plan(t, conn, `select sum(a * b) from big`, "set jit = off"); p.JIT != nil || len(findings(p, explain.HeavyJIT)) != 0 {
		t.Errorf("jit off: %+v", p.JIT)
	}
}

func TestRowsRemovedByIndexFilter(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `select * from big where id < 50000 and val like 'a%'`,
		"set enable_seqscan = off", "set enable_bitmapscan = off", "set max_parallel_workers_per_gather = 0")
	scan := find(t, p, "Index Scan using big_pkey on big")
	got := findings(p, explain.RowsRemoved)
	if len(got) != 1 || got[0].Node != scan.ID || scan.RowsRemovedByFilter < 40000 {
		t.Errorf("findings %+v\n%s", p.Findings, p.Text())
	}
}

func TestPlanWithoutAnalyze(t *testing.T) {
	conn := connect(t)
	p, err := explain.Parse(explainJSON(t, conn, `explain (format json) select * from big join small on small.id = big.grp where big.val like 'ab%'`,
		"set max_parallel_workers_per_gather = 0"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Analyzed || p.Timed || p.TotalMs != 0 || len(p.Findings) != 0 {
		t.Errorf("analyzed %v timed %v total %v findings %v", p.Analyzed, p.Timed, p.TotalMs, p.Findings)
	}
	if len(p.HotPath) < 2 || p.Nodes[p.HotPath[len(p.HotPath)-1]].ExclusiveCost == 0 {
		t.Errorf("hot path by cost: %v", p.HotPath)
	}
	txt := p.Text()
	if !strings.HasPrefix(txt, "Nested Loop  (cost=") && !strings.HasPrefix(txt, "Hash Join  (cost=") || !strings.Contains(txt, "\n  ->  Seq Scan on big  (cost=") || strings.Contains(txt, "actual") {
		t.Errorf("text:\n%s", txt)
	}
}

func TestTextOfAnAnalyzedPlan(t *testing.T) {
	conn := connect(t)
	p := plan(t, conn, `with x as materialized (select 1) select * from big where id = (select max(id) from small) and grp in (select * from x)`)
	txt := p.Text()
	for _, want := range []string{"(actual time=", "CTE x", "InitPlan", "Index Cond: ", "Buffers: shared hit=", "Planning Time: ", "Execution Time: "} {
		if !strings.Contains(txt, want) {
			t.Errorf("text lacks %q:\n%s", want, txt)
		}
	}
}

func TestThousandNodePlan(t *testing.T) {
	conn := connect(t)
	p, err := explain.Parse(explainJSON(t, conn, "explain (analyze, buffers, format json) "+unionOf(1000)))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Nodes) < 1000 {
		t.Fatalf("%d nodes", len(p.Nodes))
	}
	checkTotals(t, p)
}

func BenchmarkParseThousandNodes(b *testing.B) {
	conn := connect(b)
	raw := explainJSON(b, conn, "explain (analyze, buffers, verbose, format json) "+unionOf(1000))
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for range b.N {
		if _, err := explain.Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// unionOf is a query whose plan is an Append of n index scans.
func unionOf(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(" union all ")
		}
		fmt.Fprintf(&b, "select id from small where id = %d", i+1)
	}
	return b.String()
}
