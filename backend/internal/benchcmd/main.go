// Command benchcmd measures Tusk's query engine against a throwaway
// PostgreSQL cluster and against the pgx floor and psql: full fetch time,
// memory while holding a result, time to first page, page fetches,
// cancellation, history search, spilling, sorting and filtering a stored
// result, and plan analysis. It prints a table and writes
// docs/benchmarks.md. Run it with `make bench`. A missed target is printed as
// MISS; the command exits 0 unless a measurement could not run at all.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tusk-app/tusk/backend/internal/pgtest"
	"github.com/tusk-app/tusk/backend/query"
	"github.com/tusk-app/tusk/backend/resultset"
)

type config struct {
	wideRows, narrowRows             int
	fetchRuns, ttfpRuns, pageFetches int
	sleepTrials, streamTrials        int
	historyEntries, searchRuns       int
	viewRuns                         int
	smallBudget                      int64
	tdataRows, tdataRuns             int
	commitRows, commitRuns           int
	out                              string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.wideRows, "wide-rows", 1_000_000, "rows of the wide table")
	flag.IntVar(&cfg.narrowRows, "narrow-rows", 10_000_000, "rows of the narrow table")
	flag.IntVar(&cfg.fetchRuns, "fetch-runs", 3, "runs of each full fetch (best and median reported)")
	flag.IntVar(&cfg.ttfpRuns, "ttfp-runs", 50, "time-to-first-page runs")
	flag.IntVar(&cfg.pageFetches, "page-fetches", 1000, "random 1000-row page fetches")
	flag.IntVar(&cfg.sleepTrials, "sleep-trials", 1000, "cancel trials of select pg_sleep(30)")
	flag.IntVar(&cfg.streamTrials, "stream-trials", 200, "cancel trials while streaming the narrow table")
	flag.IntVar(&cfg.historyEntries, "history", 100_000, "history entries")
	flag.IntVar(&cfg.searchRuns, "search-runs", 20, "runs of each history search")
	flag.IntVar(&cfg.viewRuns, "view-runs", 3, "runs of each result sort and filter (best and median reported)")
	flag.Int64Var(&cfg.smallBudget, "small-budget", 32<<20, "small memory budget for the spilling run (bytes)")
	flag.IntVar(&cfg.tdataRows, "tdata-rows", 10_000_000, "rows of the data tab's table (0 skips section 8)")
	flag.IntVar(&cfg.tdataRuns, "tdata-runs", 100, "runs of each data tab page measurement")
	flag.IntVar(&cfg.commitRows, "commit-rows", 1000, "edited rows per data tab commit")
	flag.IntVar(&cfg.commitRuns, "commit-runs", 10, "runs of each commit measurement")
	flag.StringVar(&cfg.out, "out", "docs/benchmarks.md", "markdown report to write (\"\" = none)")
	child := flag.String("child", "", "internal: run as a measuring subprocess (floor|tusk)")
	var ct target
	flag.StringVar(&ct.Host, "child-host", "", "internal")
	flag.IntVar(&ct.Port, "child-port", 0, "internal")
	flag.StringVar(&ct.User, "child-user", "", "internal")
	flag.StringVar(&ct.DB, "child-db", "", "internal")
	childSQL := flag.String("child-sql", "", "internal")
	childBudget := flag.Int64("child-budget", 0, "internal")
	flag.Parse()

	if *child != "" {
		if err := runChild(*child, ct, *childSQL, *childBudget); err != nil {
			fmt.Fprintln(os.Stderr, "benchcmd child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchcmd:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	began := time.Now()
	ctx := context.Background()
	if _, err := pgtest.IsolateEnv(); err != nil {
		return err
	}
	cluster, err := pgtest.Start(ctx)
	if err != nil {
		return fmt.Errorf("start PostgreSQL: %w", err)
	}
	defer cluster.Stop()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() { // stop the cluster on ^C even mid-measurement
		<-sigs
		_ = cluster.Stop()
		os.Exit(130)
	}()
	t := target{Host: cluster.Host, Port: cluster.Port, User: cluster.TrustUser, DB: cluster.Database}

	fmt.Printf("PostgreSQL %s on 127.0.0.1:%d; seeding wide (%d rows) and narrow (%d rows)…\n", cluster.Version, cluster.Port, cfg.wideRows, cfg.narrowRows)
	t0 := time.Now()
	if err := seed(ctx, cluster, cfg); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Printf("seeded in %.1f s\n", time.Since(t0).Seconds())
	pgVersion := cluster.Version
	if v, err := scalar(ctx, t.connString(), "select version()"); err == nil {
		pgVersion = v
	}
	machine := machineInfo(pgVersion)
	for _, m := range machine {
		fmt.Println("  " + m)
	}

	rep := &report{}
	wideSQL, narrowSQL := "select * from wide", "select * from narrow"

	// 1. Full fetch: rounds of floor, Tusk, psql, so that noise from other
	// work on the machine hits all three alike.
	fmt.Printf("\n1. full fetch of %q (best of %d, interleaved)\n", wideSQL, cfg.fetchRuns)
	fl, err := pgconn.Connect(ctx, t.connString())
	if err != nil {
		return err
	}
	defer fl.Close(ctx)
	tk, err := newTusk(ctx, t, resultset.Options{})
	if err != nil {
		return err
	}
	defer tk.close()
	psql := psqlPath(cluster.BinDir)
	passfile := filepath.Join(cluster.Dir, "empty-pgpass")
	if err := os.WriteFile(passfile, nil, 0o600); err != nil {
		return err
	}
	var floorT, tuskT, psqlT []time.Duration
	var wire, wideN, psqlHWM, psqlMaxrss int64
	var lastID string
	for range cfg.fetchRuns {
		s := time.Now()
		n, w, err := floorFetch(ctx, fl, wideSQL)
		if err != nil {
			return err
		}
		floorT = append(floorT, time.Since(s))
		wire, wideN = w, n

		pr, err := psqlFetch(psql, passfile, t, wideSQL)
		if err != nil {
			return fmt.Errorf("psql: %w", err)
		}
		psqlT = append(psqlT, pr.took)
		psqlHWM, psqlMaxrss = max(psqlHWM, pr.hwm), max(psqlMaxrss, pr.maxrss)

		s = time.Now()
		sum, err := tk.run("fetch", wideSQL)
		if err != nil {
			return err
		}
		tuskT = append(tuskT, time.Since(s))
		lastID = sum.QueryID
		if sum.Statements[0].Rows != wideN {
			return fmt.Errorf("tusk fetched %d rows, want %d", sum.Statements[0].Rows, wideN)
		}
	}
	bf, bt, bp := percentile(floorT, 0), percentile(tuskT, 0), percentile(psqlT, 0)
	mf, mt, mp := percentile(floorT, 50), percentile(tuskT, 50), percentile(psqlT, 50)
	sec := "1 full fetch"
	rep.add(sec, fmt.Sprintf("floor: pgconn Values() discarded (%d rows)", wideN), fmtDur(bf)+" (median "+fmtDur(mf)+")", "1.00×", "", "")
	rep.add(sec, "Tusk: Execute+Wait into the result store", fmtDur(bt)+" (median "+fmtDur(mt)+")",
		fmt.Sprintf("%.2f× floor", bt.Seconds()/bf.Seconds()), "≤ 1.25× floor", verdict(bt.Seconds() <= 1.25*bf.Seconds()))
	rep.add(sec, "psql -A -t -o /dev/null", fmtDur(bp)+" (median "+fmtDur(mp)+")",
		fmt.Sprintf("Tusk/psql %.2f×", bt.Seconds()/bp.Seconds()), "", "")

	// 4. Pages of the finished result.
	fmt.Printf("\n4. %d random 1000-row pages of the finished %d-row result\n", cfg.pageFetches, wideN)
	r := rand.New(rand.NewPCG(7, 8))
	var pageT []time.Duration
	for range cfg.pageFetches {
		off := r.Int64N(max(wideN-1000, 1))
		s := time.Now()
		p, err := tk.eng.Page(lastID, 0, off, 1000)
		if err != nil {
			return err
		}
		pageT = append(pageT, time.Since(s))
		if len(p.Rows) != int(min(1000, wideN-off)) {
			return fmt.Errorf("page at %d has %d rows", off, len(p.Rows))
		}
	}
	p99 := percentile(pageT, 99)
	rep.add("4 page fetch", "Page(offset random, 1000 rows) p50 / p99",
		fmtDur(percentile(pageT, 50))+" / "+fmtDur(p99), "max "+fmtDur(percentile(pageT, 100)), "p99 ≤ 10 ms", verdict(p99 <= 10*time.Millisecond))

	// 8. Sorting and filtering the stored result.
	fmt.Printf("\n8. sort and filter the stored %d-row result (best of %d)\n", wideN, cfg.viewRuns)
	vf, err := benchView(tk.eng, lastID, cfg.viewRuns)
	if err != nil {
		return fmt.Errorf("result view: %w", err)
	}
	tk.eng.Release(lastID)
	sec = "8 result view"
	for _, v := range []struct {
		figure, name string
		ds           []time.Duration
		target       time.Duration
	}{
		{fmt.Sprintf("sort %d rows by a text column (t)", wideN), "sortText", vf.sortText, time.Second},
		{fmt.Sprintf("sort %d rows by a numeric column (amount, descending)", wideN), "sortNumeric", vf.sortNumeric, time.Second},
		{fmt.Sprintf("quick filter over all cells of %d rows (%d match)", wideN, vf.quickRows), "quick", vf.quick, 300 * time.Millisecond},
		{"first page (200 rows) after a sort", "pageAfterSort", vf.pageAfterSort, 20 * time.Millisecond},
		{"first page (200 rows) after the quick filter", "pageAfterQuick", vf.pageAfterQuick, 20 * time.Millisecond},
		{fmt.Sprintf("column filter f > 100000 over %d rows", wideN), "column", vf.column, 0},
	} {
		best := percentile(v.ds, 0)
		cpu := ""
		if c, ok := vf.cpu[v.name]; ok {
			cpu = "CPU " + fmtDur(c) + " of the best run"
		}
		target, result := "", ""
		if v.target > 0 {
			target, result = "≤ "+fmtDur(v.target), verdict(best <= v.target)
		}
		rep.add(sec, v.figure, fmtDur(best)+" (median "+fmtDur(percentile(v.ds, 50))+")", cpu, target, result)
	}

	// 9. Plan analysis.
	pt, size, err := benchPlan(ctx, t.connString(), 1000, cfg.viewRuns*3)
	if err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	rep.add("9 plan", fmt.Sprintf("parse and analyse a 1,001-node plan (ANALYZE, VERBOSE, BUFFERS; %s of JSON)", mb(int64(size))),
		fmtDur(percentile(pt, 0))+" (median "+fmtDur(percentile(pt, 50))+")", "", "", "")

	// 2. Memory while holding the whole result.
	fmt.Printf("\n2. memory holding the whole result (subprocesses); wire bytes %s\n", mb(wire))
	fc, err := spawn("floor", t, wideSQL, 0)
	if err != nil {
		return err
	}
	tc, err := spawn("tusk", t, wideSQL, 0)
	if err != nil {
		return err
	}
	sec = "2 memory"
	rep.add(sec, "wire bytes of the result", mb(wire), "1.00×", "", "")
	rep.add(sec, "floor peak RSS − baseline", mb(fc.PeakRSS-fc.BaseRSS), fmt.Sprintf("%.2f× wire", float64(fc.PeakRSS-fc.BaseRSS)/float64(wire)), "", "")
	tm := tc.PeakRSS - tc.BaseRSS
	rep.add(sec, "Tusk peak RSS − baseline (holding all rows)", mb(tm), fmt.Sprintf("%.2f× wire", float64(tm)/float64(wire)),
		"≤ 1.5× wire", verdict(float64(tm) <= 1.5*float64(wire)))
	rep.add(sec, "Tusk result store: data / in RAM / spilled", mb(tc.Stats.DataBytes)+" / "+mb(tc.Stats.MemoryBytes)+" / "+mb(tc.Stats.FileBytes),
		fmt.Sprintf("data %.2f× wire", float64(tc.Stats.DataBytes)/float64(wire)), "", "")
	rep.add(sec, "psql peak RSS (its VmHWM, whole process)", mb(psqlHWM), fmt.Sprintf("%.2f× wire", float64(psqlHWM)/float64(wire)), "", "")
	rep.note("Tusk child: fetch %.2f s, RSS before the fetch %s, whole-process VmHWM %s; %s",
		tc.Seconds, mb(tc.BaseRSS), mb(tc.PeakRSS), tc.PeakNote)
	rep.note("psql: wait4 Maxrss %s; it is an upper bound only, because on Linux a child vforked from benchcmd inherits the parent's RSS high-water mark (benchcmd holds the previous Tusk run's 1M-row result), so the table shows psql's own VmHWM polled from /proc every 2 ms", mb(psqlMaxrss))

	// 3. Time to first page.
	fmt.Printf("\n3. time to first page of %q (%d runs)\n", wideSQL, cfg.ttfpRuns)
	var ttfp []time.Duration
	for range cfg.ttfpRuns {
		s := time.Now()
		id, err := tk.start("ttfp", wideSQL)
		if err != nil {
			return err
		}
		at, err := tk.w.waitFirstPage(id, 30*time.Second)
		if err != nil {
			return err
		}
		ttfp = append(ttfp, at.Sub(s))
		tk.eng.Cancel(id)
		if _, err := tk.wait(id); err != nil {
			return err
		}
	}
	tk.eng.CloseSession("ttfp")
	p50 := percentile(ttfp, 50)
	rep.add("3 first page", "Execute → first query:progress with FirstPage p50 / p99",
		fmtDur(p50)+" / "+fmtDur(percentile(ttfp, 99)), "max "+fmtDur(percentile(ttfp, 100)), "≤ 20 ms", verdict(percentile(ttfp, 99) <= 20*time.Millisecond))

	// 5. Cancel.
	fmt.Printf("\n5. cancel → Wait returns\n")
	for _, c := range []struct {
		name, sql string
		trials    int
		stream    bool
	}{
		{"select pg_sleep(30)", "select pg_sleep(30)", cfg.sleepTrials, false},
		{"streaming " + narrowSQL + " (after the first page)", narrowSQL, cfg.streamTrials, true},
	} {
		if c.trials <= 0 {
			continue
		}
		cr, err := benchCancel(tk, "cancel", c.sql, c.trials, c.stream)
		if err != nil {
			return fmt.Errorf("cancel %s: %w", c.name, err)
		}
		sec = "5 cancel"
		slow := 0
		for _, d := range cr.lat {
			if d > time.Second {
				slow++
			}
		}
		rep.add(sec, fmt.Sprintf("%s: N=%d, p50 / p99 / max", c.name, cr.trials),
			fmtDur(percentile(cr.lat, 50))+" / "+fmtDur(percentile(cr.lat, 99))+" / "+fmtDur(percentile(cr.lat, 100)),
			fmt.Sprintf("%d cancelled on the wire, %d took > 1 s", len(cr.lat), slow), "", "")
		if slow > 0 {
			rep.note("%s: %d of %d cancels took over 1 s: the server ignored the CancelRequest (a cancel that reaches the backend before it has read the statement is dropped) and the engine's escalation, pg_cancel_backend after query.EscalateAfter = %v, stopped the statement", c.name, slow, cr.trials, query.EscalateAfter)
		}
		rep.add(sec, c.name+": connection kept / stray 57014 / other failures",
			fmt.Sprintf("%.1f%% / %d / %d", 100*float64(cr.kept)/float64(cr.trials), cr.stray, cr.otherFails), "",
			"100% / 0 / 0", verdict(cr.kept == cr.trials && cr.stray == 0 && cr.otherFails == 0))
		if cr.notOnWire > 0 {
			rep.note("%s: %d of %d trials finished or were skipped before the cancel reached the statement (not in the latency figures)", c.name, cr.notOnWire, cr.trials)
		}
	}
	tk.eng.CloseSession("cancel")
	time.Sleep(100 * time.Millisecond)
	left, err := queriesLeft(ctx, cluster.SuperConnString(""))
	if err != nil {
		return err
	}
	rep.add("5 cancel", "queries left on the server (pg_sleep, active)", left, "", "0", verdict(left == "0"))
	tk.close()

	// 6. History search.
	if cfg.historyEntries > 0 {
		fmt.Printf("\n6. history search over %d entries\n", cfg.historyEntries)
		hr, err := benchHistory(ctx, cfg.historyEntries, cfg.searchRuns)
		if err != nil {
			return err
		}
		hp99 := percentile(hr.all, 99)
		rep.add("6 history", fmt.Sprintf("SearchHistory, %d query shapes × %d: p50 / p99", hr.queries, hr.runs),
			fmtDur(percentile(hr.all, 50))+" / "+fmtDur(hp99), fmt.Sprintf("slowest shape %q p50 %s", hr.worstName, fmtDur(hr.worstP50)),
			"≤ 10 ms", verdict(hp99 <= 10*time.Millisecond))
		rep.note("history: %d entries added through AddHistory in %.1f s (%.0f µs each)", cfg.historyEntries, hr.fill.Seconds(),
			float64(hr.fill.Microseconds())/float64(cfg.historyEntries))
	}

	// 10. The data tab on a big table.
	if cfg.tdataRows > 0 {
		fmt.Printf("\n10. data tab on a %d-row table (seeding…)\n", cfg.tdataRows)
		s := time.Now()
		if err := seedTableData(ctx, cluster, cfg.tdataRows); err != nil {
			return fmt.Errorf("seed tdata: %w", err)
		}
		rep.note("tdata: %d rows seeded (generate_series, then primary key, index on n, VACUUM ANALYZE) in %.1f s", cfg.tdataRows, time.Since(s).Seconds())
		if err := benchTableData(ctx, t, cfg, rep); err != nil {
			return fmt.Errorf("table data: %w", err)
		}
	}

	// 7. Spilling.
	fmt.Printf("\n7. %q through the engine (subprocesses)\n", narrowSQL)
	for _, b := range []struct {
		name   string
		budget int64
	}{{"default budget 256 MiB", 0}, {fmt.Sprintf("budget %d MiB", cfg.smallBudget>>20), cfg.smallBudget}} {
		sc, err := spawn("tusk", t, narrowSQL, b.budget)
		if err != nil {
			return err
		}
		m := sc.PeakRSS - sc.BaseRSS
		rep.add("7 spilling", fmt.Sprintf("%d rows, %s: time / peak RSS − baseline", sc.Rows, b.name),
			fmt.Sprintf("%.2f s / %s", sc.Seconds, mb(m)),
			fmt.Sprintf("data %s, RAM %s, spill file %s (%d/%d chunks)", mb(sc.Stats.DataBytes), mb(sc.Stats.MemoryBytes), mb(sc.Stats.FileBytes), sc.Stats.SpilledChunks, sc.Stats.Chunks), "", "")
	}

	took := time.Since(began)
	fmt.Printf("\n")
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	rep.table(tw)
	tw.Flush()
	fmt.Printf("\nbenchcmd took %.0f s\n", took.Seconds())
	if cfg.out != "" {
		cmdline := "benchcmd " + strings.Join(os.Args[1:], " ")
		if err := os.MkdirAll(filepath.Dir(cfg.out), 0o755); err != nil {
			return err
		}
		doc := rep.markdown(machine, strings.TrimSpace(cmdline), took) + uiSection(cfg.out)
		if err := os.WriteFile(cfg.out, []byte(doc), 0o644); err != nil {
			return err
		}
		fmt.Println("wrote " + cfg.out)
	}
	return nil
}

// scalar returns the first value of sql's result.
func scalar(ctx context.Context, connString, sql string) (string, error) {
	c, err := pgconn.Connect(ctx, connString)
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	rs, err := c.Exec(ctx, sql).ReadAll()
	if err != nil {
		return "", err
	}
	if len(rs) == 0 || len(rs[0].Rows) == 0 {
		return "", fmt.Errorf("%s: no row", sql)
	}
	return string(rs[0].Rows[0][0]), nil
}

func seed(ctx context.Context, c *pgtest.Cluster, cfg config) error {
	stmts := []string{
		`create unlogged table wide (id int8, n int4, t text, amount numeric(12,2), f float8, b bool,
			ts timestamptz, d date, u uuid, j jsonb)`,
		fmt.Sprintf(`insert into wide
			select g,
				(g * 7919) %% 1000000,
				case when g %% 997 = 0 then null else 'row ' || left(md5(g::text), (16 + g %% 20)::int4) end,
				(g %% 1000000)::numeric / 100,
				case when g %% 1009 = 0 then null else g * 1.000123 / 7 end,
				case when g %% 101 = 0 then null else g %% 3 = 0 end,
				timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
				date '2020-01-01' + (g %% 3000)::int4,
				md5(g::text)::uuid,
				case when g %% 499 = 0 then null else jsonb_build_object('k', g %% 1000, 'tag', 't' || (g %% 10)) end
			from generate_series(1::int8, %d) g`, cfg.wideRows),
		`create unlogged table narrow (id int8)`,
		fmt.Sprintf(`insert into narrow select g from generate_series(1, %d) g`, cfg.narrowRows),
		`vacuum (freeze, analyze) wide`,
		`vacuum (freeze, analyze) narrow`,
	}
	for _, s := range stmts {
		if err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
