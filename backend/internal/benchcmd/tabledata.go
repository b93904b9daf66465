package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/resultset"
	"github.com/tusk-app/tusk/backend/tabledata"
)

// seedTableData creates tdata: rows rows with an int8 key, an indexed int4
// column n (pseudo-random, about ten rows per value) and a few columns a
// data tab shows. Built once per run: generate_series into an unlogged
// table, then the key and the index (parallel index builds), then ANALYZE
// for the planner's estimate and statistics.
func seedTableData(ctx context.Context, c *pgtest.Cluster, rows int) error {
	for _, s := range []string{
		`create unlogged table tdata (id int8 not null, n int4 not null, grp int4, name text, amount numeric(12,2), at timestamptz)`,
		fmt.Sprintf(`insert into tdata
			select g, (g * 7919) %% %d, case when g %% 13 = 0 then null else g %% 1000 end,
				'name ' || (g %% 100000), (g %% 100000) / 100.0,
				timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
			from generate_series(1::int8, %d) g`, max(rows/10, 1), rows),
		`alter table tdata add primary key (id)`,
		`create index tdata_n on tdata (n)`,
		`vacuum (freeze, analyze) tdata`,
	} {
		if err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// benchTableData measures the data tab on tdata through the state's open
// tables, as the bound API calls them.
func benchTableData(ctx context.Context, t target, cfg config, rep *report) error {
	tk, err := newTusk(ctx, t, resultset.Options{})
	if err != nil {
		return err
	}
	defer tk.close()
	// A data tab opens from the schema tree: the catalog has loaded.
	if err := waitSchema(tk); err != nil {
		return err
	}
	tables := tk.st.Tables()
	ref := tabledata.Ref{Schema: "public", Name: "tdata"}
	n := int64(cfg.tdataRows)
	sec := "10 table data"
	first := tabledata.Seek{To: tabledata.SeekFirst}

	// Open → first page: describe the table, then the first 200 rows with
	// the planner's estimate, as a data tab does when it opens.
	var open []time.Duration
	for range cfg.tdataRuns {
		s := time.Now()
		tb, err := tables.Open(ctx, tk.connID, ref)
		if err != nil {
			return err
		}
		p, err := tables.Page(ctx, tb.Handle, tabledata.PageRequest{Seek: first, Estimate: true})
		if err != nil {
			return err
		}
		open = append(open, time.Since(s))
		tables.Close(tb.Handle)
		if len(p.Rows) != tabledata.DefaultPageRows || *p.Rows[0][0] != "1" || p.Estimate < n/2 {
			return fmt.Errorf("open: %d rows from %v, estimate %d", len(p.Rows), p.Rows[0][0], p.Estimate)
		}
	}
	addLatency(rep, sec, fmt.Sprintf("open → first page (describe + 200 rows + estimate), %d rows", n), open, 50*time.Millisecond)

	tb, err := tables.Open(ctx, tk.connID, ref)
	if err != nil {
		return err
	}
	h := tb.Handle
	pageTimes := func(req func(i int) tabledata.PageRequest, check func(i int, p tabledata.Page) error) ([]time.Duration, error) {
		var ds []time.Duration
		for i := range cfg.tdataRuns {
			r := req(i)
			s := time.Now()
			p, err := tables.Page(ctx, h, r)
			if err != nil {
				return nil, err
			}
			ds = append(ds, time.Since(s))
			if err := check(i, p); err != nil {
				return nil, err
			}
		}
		return ds, nil
	}

	last, err := pageTimes(func(int) tabledata.PageRequest {
		return tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekLast}, Estimate: true}
	}, func(_ int, p tabledata.Page) error {
		if got := *p.Rows[len(p.Rows)-1][0]; got != strconv.FormatInt(n, 10) || !p.AtEnd {
			return fmt.Errorf("last page ends at %s", got)
		}
		return nil
	})
	if err != nil {
		return err
	}
	addLatency(rep, sec, "jump to the last row (last 200 rows, read backwards)", last, 200*time.Millisecond)
	offsetLast, err := offsetAnchor(ctx, t, fmt.Sprintf("select * from tdata order by id offset %d limit 200", n-200), 3)
	if err != nil {
		return err
	}
	rep.add(sec, "anchor: the last 200 rows by OFFSET (what a pager without keysets runs)", fmtDur(percentile(offsetLast, 0)),
		fmt.Sprintf("%.0f× Tusk's jump", percentile(offsetLast, 0).Seconds()/percentile(last, 50).Seconds()), "", "")

	sorted, err := pageTimes(func(int) tabledata.PageRequest {
		return tabledata.PageRequest{Seek: first, Sort: []tabledata.SortKey{{Column: "n"}}, Estimate: true}
	}, func(_ int, p tabledata.Page) error {
		for i := 1; i < len(p.Rows); i++ {
			a, _ := strconv.Atoi(*p.Rows[i-1][1])
			b, _ := strconv.Atoi(*p.Rows[i][1])
			if a > b {
				return fmt.Errorf("sort by n: %d before %d", a, b)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	addLatency(rep, sec, "sort by an indexed column (n, then id): first page", sorted, 100*time.Millisecond)

	rng := rand.New(rand.NewPCG(3, 4))
	values := make([]string, cfg.tdataRuns)
	for i := range values {
		values[i] = strconv.Itoa(rng.IntN(int(max(n/10, 1))))
	}
	filtered, err := pageTimes(func(i int) tabledata.PageRequest {
		return tabledata.PageRequest{Seek: first, Estimate: true, Filter: tabledata.Filter{Conditions: []tabledata.Condition{{Column: "n", Op: tabledata.OpEqual, Values: []string{values[i]}}}}}
	}, func(i int, p tabledata.Page) error {
		if len(p.Rows) == 0 {
			return fmt.Errorf("filter n = %s: no rows", values[i])
		}
		for _, r := range p.Rows {
			if *r[1] != values[i] {
				return fmt.Errorf("filter n = %s kept n = %s", values[i], *r[1])
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	addLatency(rep, sec, "filter on an indexed column (n = a random value, values checked first)", filtered, 50*time.Millisecond)

	var cursor *tabledata.Cursor
	middle, err := pageTimes(func(int) tabledata.PageRequest {
		return tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekFraction, Fraction: 0.5}}
	}, func(_ int, p tabledata.Page) error {
		id, _ := strconv.ParseInt(*p.Rows[0][0], 10, 64)
		if d := id - n/2; d < -n/20 || d > n/20 {
			return fmt.Errorf("the middle starts at id %d", id)
		}
		cursor = p.Last
		return nil
	})
	if err != nil {
		return err
	}
	addLatency(rep, sec, "scrollbar dragged to the middle (fraction 0.5, from pg_stats)", middle, 0)
	next, err := pageTimes(func(int) tabledata.PageRequest {
		return tabledata.PageRequest{Seek: tabledata.Seek{To: tabledata.SeekAfter, Cursor: cursor}}
	}, func(int, tabledata.Page) error { return nil })
	if err != nil {
		return err
	}
	addLatency(rep, sec, "next page from the middle (keyset cursor)", next, 0)

	var count time.Duration
	s := time.Now()
	if got, err := tables.Count(ctx, h, tabledata.Filter{}); err != nil || got != n {
		return fmt.Errorf("count: %d, %v", got, err)
	}
	count = time.Since(s)
	rep.add(sec, "exact count on request (count(*), never on open)", fmtDur(count), "", "", "")

	if err := benchCommit(ctx, tk, h, cfg, rep, "loopback"); err != nil {
		return err
	}
	tk.close()

	// The same commits across a simulated network: a proxy that holds
	// data 0.5 ms each way; the round trip it adds is measured, not assumed.
	px, err := startLatencyProxy(fmt.Sprintf("%s:%d", t.Host, t.Port), 500*time.Microsecond)
	if err != nil {
		return err
	}
	defer px.close()
	far := t
	far.Host, far.Port = "127.0.0.1", px.port()
	near, err := roundTrip(ctx, t)
	if err != nil {
		return err
	}
	farRTT, err := roundTrip(ctx, far)
	if err != nil {
		return err
	}
	tkFar, err := newTusk(ctx, far, resultset.Options{})
	if err != nil {
		return err
	}
	defer tkFar.close()
	tbFar, err := tkFar.st.Tables().Open(ctx, tkFar.connID, ref)
	if err != nil {
		return err
	}
	if err := benchCommit(ctx, tkFar, tbFar.Handle, cfg, rep, fmt.Sprintf("round trip %s (loopback %s)", fmtDur(farRTT), fmtDur(near))); err != nil {
		return err
	}
	rep.note("commits: over loopback a round trip costs %s, so both ways are bound by the server's work per statement (parse, plan, update, RETURNING) and their ratio is noise; through the proxy a round trip costs %s, which the one-statement-per-round-trip way pays %d times and Tusk's pipeline once per %d statements", fmtDur(near), fmtDur(farRTT), cfg.commitRows, 256)
	return nil
}

// roundTrip is the median time of `select 1` on a connection to t.
func roundTrip(ctx context.Context, t target) (time.Duration, error) {
	ds, err := offsetAnchor(ctx, t, "select 1", 200)
	if err != nil {
		return 0, err
	}
	return percentile(ds, 50), nil
}

// benchCommit commits cfg.commitRows edited rows through Tables.Commit (one
// transaction, pipelined) and, alternately, the same statements sent one
// per round trip in one transaction; each run undoes the previous one.
func benchCommit(ctx context.Context, tk *tusk, h string, cfg config, rep *report, network string) error {
	tables := tk.st.Tables()
	tb, err := tables.Get(h)
	if err != nil {
		return err
	}
	n := int64(cfg.tdataRows)
	ids := make([]int64, cfg.commitRows)
	seen := map[int64]bool{}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range ids {
		for {
			id := 1 + rng.Int64N(n)
			if !seen[id] {
				seen[id], ids[i] = true, id
				break
			}
		}
	}
	edits := func(from, to func(id int64) string) []tabledata.Change {
		out := make([]tabledata.Change, len(ids))
		for i, id := range ids {
			k := strconv.FormatInt(id, 10)
			out[i] = tabledata.Change{ID: k, Kind: tabledata.ChangeUpdate,
				Old: map[string]tabledata.Value{"id": tabledata.Text(k), "name": tabledata.Text(from(id))},
				New: map[string]tabledata.Value{"name": tabledata.Text(to(id))}}
		}
		return out
	}
	original := func(id int64) string { return "name " + strconv.FormatInt(id%100000, 10) }
	edited := func(id int64) string { return "edited " + strconv.FormatInt(id, 10) }

	pool, ok := tk.st.Pool(tk.connID)
	if !ok {
		return fmt.Errorf("no pool")
	}
	// The statements are the ones Tusk plans, planned inside the timing as
	// Tusk's are.
	oneByOne := func(changes []tabledata.Change) (time.Duration, error) {
		c, err := pool.Acquire(ctx)
		if err != nil {
			return 0, err
		}
		defer c.Release()
		pg := c.PgConn()
		s := time.Now()
		plan, err := tb.Relation.Plan(changes)
		if err != nil {
			return 0, err
		}
		if err := pg.Exec(ctx, "begin").Close(); err != nil {
			return 0, err
		}
		for _, st := range plan.Statements {
			rr := pg.ExecParams(ctx, st.SQL, st.Args, nil, nil, nil)
			for rr.NextRow() {
			}
			tag, err := rr.Close()
			if err != nil || tag.RowsAffected() != 1 {
				_ = pg.Exec(ctx, "rollback").Close()
				return 0, fmt.Errorf("%s: %d rows, %v", st.SQL, tag.RowsAffected(), err)
			}
		}
		if err := pg.Exec(ctx, "commit").Close(); err != nil {
			return 0, err
		}
		return time.Since(s), nil
	}

	var tusk, single []time.Duration
	var trips int
	for range cfg.commitRuns {
		s := time.Now()
		res, err := tables.Commit(ctx, h, edits(original, edited))
		if err != nil {
			return err
		}
		if !res.Committed || res.Statements != len(ids) {
			return fmt.Errorf("commit: %+v", res.Failure)
		}
		tusk = append(tusk, time.Since(s))
		trips = res.RoundTrips
		d, err := oneByOne(edits(edited, original))
		if err != nil {
			return err
		}
		single = append(single, d)
	}
	sec := "10 table data"
	mt, ms := percentile(tusk, 50), percentile(single, 50)
	rep.add(sec, fmt.Sprintf("%s: commit of %d edited rows: Tusk (values checked, BEGIN, pipelined statements, COMMIT), median of %d", network, len(ids), len(tusk)),
		fmtDur(mt)+" (best "+fmtDur(percentile(tusk, 0))+")", fmt.Sprintf("%d round trips", trips+1), "≤ 1 s", verdict(mt <= time.Second))
	rep.add(sec, fmt.Sprintf("%s: the same %d statements, one per round trip, in one transaction, median of %d", network, len(ids), len(single)),
		fmtDur(ms)+" (best "+fmtDur(percentile(single, 0))+")", fmt.Sprintf("%.1f× Tusk (medians)", ms.Seconds()/mt.Seconds()), "", "")
	return nil
}

// waitSchema waits for the connection's catalog load that connecting
// starts in the background.
func waitSchema(tk *tusk) error {
	deadline := time.Now().Add(time.Minute)
	for {
		if _, ok := tk.st.SchemaCache(tk.connID); ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the catalog did not load within a minute")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// addLatency reports p50 / p99 of ds, checked against target (0: none).
func addLatency(rep *report, sec, figure string, ds []time.Duration, target time.Duration) {
	p50, p99 := percentile(ds, 50), percentile(ds, 99)
	tgt, v := "", ""
	if target > 0 {
		tgt, v = "p99 ≤ "+fmtDur(target), verdict(p99 <= target)
	}
	rep.add(sec, fmt.Sprintf("%s: N=%d p50 / p99", figure, len(ds)), fmtDur(p50)+" / "+fmtDur(p99), "max "+fmtDur(percentile(ds, 100)), tgt, v)
}

// offsetAnchor times sql runs times on a fresh connection, reading every row.
func offsetAnchor(ctx context.Context, t target, sql string, runs int) ([]time.Duration, error) {
	c, err := pgconn.Connect(ctx, t.connString())
	if err != nil {
		return nil, err
	}
	defer c.Close(ctx)
	var ds []time.Duration
	for range runs {
		s := time.Now()
		if _, err := c.Exec(ctx, sql).ReadAll(); err != nil {
			return nil, err
		}
		ds = append(ds, time.Since(s))
	}
	return ds, nil
}
